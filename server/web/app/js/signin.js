// The sign-in page, in one or two steps. The registry answers one uniform 401 for every wrong
// login and 429 (with Retry-After) once a name is locked after repeated failures; both are shown
// as they are. A user with a second factor gets a challenge instead of a session from the
// password step; the code step then opens the session. Its 401 is just as uniform (wrong,
// replayed or expired code, expired challenge), so the page keeps its own clock on the
// challenge and sends the user back to the password step when it has run out.
import { api, ApiError, setCsrfToken } from './api.js';
import { h, replaceChildren } from './dom.js';
import { t } from './i18n.js';

const NOTICES = { expired: 'session_expired', signed_out: 'signed_out', challenge_expired: 'challenge_expired' };
// The server's challenge lifetime (auth.second_factor_minutes) is 1–60 minutes; a clock that
// is far off cannot make the page give up at once or wait for ever.
const MIN_CHALLENGE_MS = 30 * 1000;
const MAX_CHALLENGE_MS = 60 * 60 * 1000;

function lockedText(e) {
  const seconds = Number(e.headers?.get('Retry-After')) || 900;
  return t('signin_locked', { minutes: Math.max(1, Math.ceil(seconds / 60)) });
}

function otherErrorText(e) {
  return e.status === 0 ? t('network_error') : t('server_error', { id: e.headers?.get('X-Request-Id') || '?' });
}

// An error summary that takes the focus, so that a screen reader reads it and the keyboard
// starts from it.
function errorSummary(id) {
  const error = h('p', { id, class: 'message message-error', role: 'alert', tabindex: '-1', hidden: true });
  return {
    node: error,
    show(text) {
      error.textContent = text;
      error.hidden = false;
      error.focus();
    },
    hide() { error.hidden = true; },
  };
}

export function renderSignIn(main, { notice, onSignedIn }) {
  const error = errorSummary('signin-error');
  const username = h('input', { id: 'username', name: 'username', type: 'text', autocomplete: 'username',
    required: true, autocapitalize: 'none', spellcheck: 'false', 'aria-describedby': 'signin-error' });
  const password = h('input', { id: 'password', name: 'password', type: 'password',
    autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit', class: 'button-primary' }, t('signin_submit'));

  const form = h('form', { class: 'signin-form', novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    if (!username.value.trim() || !password.value) {
      error.show(t('signin_missing'));
      return;
    }
    submit.disabled = true;
    submit.textContent = t('signin_busy');
    try {
      const answer = await api('POST', '/api/v1/sessions?cookie=true',
        { body: { username: username.value, password: password.value }, anonymous: true });
      password.value = '';
      if (answer.second_factor_required) {
        renderCodeStep(main, { challenge: answer, username: username.value, onSignedIn });
        return;
      }
      setCsrfToken(answer.csrf_token);
      onSignedIn(answer);
      return;
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      password.value = '';
      if (e.status === 429) error.show(lockedText(e));
      else if (e.status === 401 || e.status === 400) error.show(t('signin_failed'));
      else error.show(otherErrorText(e));
    } finally {
      submit.disabled = false;
      submit.textContent = t('signin_submit');
    }
  } },
  h('div', { class: 'field' }, h('label', { for: 'username' }, t('username')), username),
  h('div', { class: 'field' }, h('label', { for: 'password' }, t('password')), password),
  error.node,
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

// Step two: the six-digit code of the authenticator app, or one recovery code.
function renderCodeStep(main, { challenge, username, onSignedIn }) {
  let recovery = false;
  let done = false;
  const lifetime = Math.min(MAX_CHALLENGE_MS, Math.max(MIN_CHALLENGE_MS, Date.parse(challenge.expires_at) - Date.now()));
  const deadline = Date.now() + lifetime;
  const backToPassword = (notice) => {
    done = true;
    clearTimeout(timer);
    renderSignIn(main, { notice, onSignedIn });
  };
  const timer = setTimeout(() => { if (!done && main.contains(form)) backToPassword('challenge_expired'); }, lifetime);

  const error = errorSummary('code-error');
  const label = h('label', { for: 'code' }, t('code_label'));
  const hint = h('p', { id: 'code-hint', class: 'field-hint' }, t('code_hint'));
  const code = h('input', { id: 'code', name: 'code', type: 'text', inputmode: 'numeric', autocomplete: 'one-time-code',
    required: true, maxlength: '6', spellcheck: 'false', 'aria-describedby': 'code-hint code-error' });
  const submit = h('button', { type: 'submit', class: 'button-primary' }, t('code_submit'));
  const toggle = h('button', { type: 'button', id: 'use-recovery', class: 'text-button', onclick: () => {
    recovery = !recovery;
    label.textContent = t(recovery ? 'recovery_label' : 'code_label');
    hint.textContent = t(recovery ? 'recovery_hint' : 'code_hint');
    toggle.textContent = t(recovery ? 'use_code' : 'use_recovery');
    code.value = '';
    if (recovery) {
      code.setAttribute('inputmode', 'text');
      code.setAttribute('autocomplete', 'off');
      code.setAttribute('maxlength', '64');
    } else {
      code.setAttribute('inputmode', 'numeric');
      code.setAttribute('autocomplete', 'one-time-code');
      code.setAttribute('maxlength', '6');
    }
    error.hide();
    code.focus();
  } }, t('use_recovery'));
  const back = h('button', { type: 'button', id: 'signin-back', class: 'text-button', onclick: () => backToPassword(null) },
    t('signin_back'));

  const form = h('form', { class: 'signin-form', id: 'code-form', novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    const value = recovery ? code.value.trim() : code.value.replace(/\s+/g, '');
    if (recovery ? !value : !/^\d{6}$/.test(value)) {
      error.show(t(recovery ? 'recovery_missing' : 'code_missing'));
      return;
    }
    if (Date.now() >= deadline) {
      backToPassword('challenge_expired');
      return;
    }
    submit.disabled = true;
    submit.textContent = t('signin_busy');
    try {
      const session = await api('POST', '/api/v1/sessions/second-factor?cookie=true',
        { body: { challenge_token: challenge.challenge_token, code: value }, anonymous: true });
      done = true;
      clearTimeout(timer);
      code.value = '';
      setCsrfToken(session.csrf_token);
      onSignedIn(session);
      return;
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      code.value = '';
      if ((e.status === 401 || e.status === 400) && Date.now() >= deadline) backToPassword('challenge_expired');
      else if (e.status === 429) error.show(lockedText(e));
      else if (e.status === 401 || e.status === 400) error.show(t(recovery ? 'recovery_failed' : 'code_failed'));
      else error.show(otherErrorText(e));
    } finally {
      submit.disabled = false;
      submit.textContent = t('code_submit');
    }
  } },
  h('div', { class: 'field' }, label, hint, code),
  error.node,
  h('div', { class: 'form-actions' }, submit, toggle),
  back);

  document.title = `${t('code_title')} – ${t('app_title')}`;
  replaceChildren(main, h('section', { class: 'signin', 'aria-labelledby': 'signin-title' },
    h('h1', { id: 'signin-title' }, t('code_title')),
    h('p', { id: 'code-intro' }, t('code_intro', { username })),
    form));
  code.focus();
}
