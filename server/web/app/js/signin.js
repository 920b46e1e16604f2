// The sign-in page. The registry answers one uniform 401 for every wrong login and 429 (with
// Retry-After) once a name is locked after repeated failures; both are shown as they are.
import { api, ApiError, setCsrfToken } from './api.js';
import { h, replaceChildren } from './dom.js';
import { t } from './i18n.js';

const NOTICES = { expired: 'session_expired', signed_out: 'signed_out' };

export function renderSignIn(main, { notice, onSignedIn }) {
  const error = h('p', { id: 'signin-error', class: 'message message-error', role: 'alert', hidden: true });
  const username = h('input', { id: 'username', name: 'username', type: 'text', autocomplete: 'username',
    required: true, autocapitalize: 'none', spellcheck: 'false' });
  const password = h('input', { id: 'password', name: 'password', type: 'password',
    autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit', class: 'button-primary' }, t('signin_submit'));

  const showError = (text) => {
    error.textContent = text;
    error.hidden = false;
    username.setAttribute('aria-describedby', 'signin-error');
  };

  const form = h('form', { class: 'signin-form', novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    if (!username.value.trim() || !password.value) {
      showError(t('signin_missing'));
      (username.value.trim() ? password : username).focus();
      return;
    }
    submit.disabled = true;
    submit.textContent = t('signin_busy');
    try {
      const session = await api('POST', '/api/v1/sessions?cookie=true',
        { body: { username: username.value, password: password.value }, anonymous: true });
      setCsrfToken(session.csrf_token);
      password.value = '';
      onSignedIn(session.user);
      return;
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      if (e.status === 429) {
        const seconds = Number(e.headers?.get('Retry-After')) || 900;
        showError(t('signin_locked', { minutes: Math.max(1, Math.ceil(seconds / 60)) }));
      } else if (e.status === 401 || e.status === 400) {
        showError(t('signin_failed'));
      } else if (e.status === 0) {
        showError(t('network_error'));
      } else {
        showError(t('server_error', { id: e.headers?.get('X-Request-Id') || '?' }));
      }
      password.value = '';
      password.focus();
    } finally {
      submit.disabled = false;
      submit.textContent = t('signin_submit');
    }
  } },
  h('div', { class: 'field' }, h('label', { for: 'username' }, t('username')), username),
  h('div', { class: 'field' }, h('label', { for: 'password' }, t('password')), password),
  error,
  submit);

  const noticeKey = NOTICES[notice];
  document.title = `${t('signin_title')} – ${t('app_title')}`;
  replaceChildren(main, h('section', { class: 'signin', 'aria-labelledby': 'signin-title' },
    h('h1', { id: 'signin-title' }, t('signin_title')),
    noticeKey ? h('p', { class: 'message message-info', role: 'status', id: 'signin-notice' }, t(noticeKey)) : null,
    h('p', {}, t('signin_intro')),
    form));
  username.focus();
}
