// The account page: enrolment of the TOTP second factor and the user's own active sessions.
// A user whose role must use a second factor and has not enrolled is sent here and can do
// nothing else (the API refuses everything but enrolment); the page starts enrolment at once.
// Recovery codes are shown only in the answer that confirms the enrolment: the server keeps
// only their hashes, so this page is the one moment they can be written down.
import { api, ApiError } from './api.js';
import { announce, h, replaceChildren } from './dom.js';
import { formatDateTime, t } from './i18n.js';

function problemText(e) {
  if (!(e instanceof ApiError)) throw e;
  if (e.status === 0) return t('network_error');
  if (e.status === 429) {
    return t('too_many_requests', { seconds: Number(e.headers?.get('Retry-After')) || 60 });
  }
  return t('server_error', { id: e.headers?.get('X-Request-Id') || '?' });
}

function errorBox(id) {
  const node = h('p', { id, class: 'message message-error', role: 'alert', tabindex: '-1', hidden: true });
  return {
    node,
    show(text) { node.textContent = text; node.hidden = false; node.focus(); },
    hide() { node.hidden = true; },
  };
}

// The QR code is the server's SVG (libqrencode), shown as an image: an <img> never runs
// anything inside an SVG, and no markup from the server is parsed into the page.
function qrImage(svg) {
  return h('img', { id: 'qr-code', class: 'qr-code', width: '220', height: '220', alt: t('qr_alt'),
    src: `data:image/svg+xml;base64,${btoa(svg)}` });
}

function renderOffer(panel, offer, { onEnrolled }) {
  const error = errorBox('confirm-error');
  const code = h('input', { id: 'confirm-code', name: 'code', type: 'text', inputmode: 'numeric',
    autocomplete: 'one-time-code', maxlength: '6', required: true, 'aria-describedby': 'confirm-hint confirm-error' });
  const submit = h('button', { type: 'submit', class: 'button-primary' }, t('enrol_confirm'));
  const form = h('form', { id: 'confirm-form', novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    const value = code.value.replace(/\s+/g, '');
    if (!/^\d{6}$/.test(value)) {
      error.show(t('code_missing'));
      return;
    }
    submit.disabled = true;
    try {
      const enrolled = await api('POST', '/api/v1/me/second-factor/confirm', { body: { code: value } });
      renderRecoveryCodes(panel, enrolled.recovery_codes, { onEnrolled });
    } catch (e) {
      code.value = '';
      if (e instanceof ApiError && e.status === 422) error.show(t('enrol_code_wrong'));
      else if (e instanceof ApiError && e.status === 409) error.show(t('enrol_conflict'));
      else error.show(problemText(e));
    } finally {
      submit.disabled = false;
    }
  } },
  h('div', { class: 'field' },
    h('label', { for: 'confirm-code' }, t('enrol_code_label')),
    h('p', { id: 'confirm-hint', class: 'field-hint' }, t('enrol_code_hint')),
    code),
  error.node,
  submit);

  replaceChildren(panel,
    h('h2', { id: 'enrol-title' }, t('enrol_title')),
    h('ol', { class: 'steps' },
      h('li', {}, t('enrol_step_app')),
      h('li', {}, t('enrol_step_scan'),
        h('div', { class: 'qr-box' }, qrImage(offer.qr_svg)),
        h('p', {}, t('enrol_manual')),
        h('dl', { class: 'secret-list' },
          h('dt', {}, t('enrol_secret')),
          h('dd', {}, h('code', { id: 'totp-secret', class: 'copyable' }, offer.secret)),
          h('dt', {}, t('enrol_uri')),
          h('dd', {}, h('code', { id: 'otpauth-uri', class: 'copyable' }, offer.otpauth_uri)))),
      h('li', {}, t('enrol_step_confirm'), form)));
}

function renderRecoveryCodes(panel, codes, { onEnrolled }) {
  const saved = h('input', { id: 'codes-saved', type: 'checkbox' });
  const next = h('button', { type: 'button', id: 'enrol-continue', class: 'button-primary', disabled: true,
    onclick: () => onEnrolled() }, t('enrol_continue'));
  saved.addEventListener('change', () => { next.disabled = !saved.checked; });
  const heading = h('h2', { id: 'codes-title', tabindex: '-1' }, t('codes_title'));
  replaceChildren(panel,
    h('p', { class: 'message message-success', role: 'status', id: 'enrol-done' }, t('enrol_done')),
    heading,
    h('p', { class: 'message message-warning', id: 'codes-warning' }, t('codes_warning')),
    h('ol', { id: 'recovery-codes', class: 'recovery-codes', 'aria-labelledby': 'codes-title' },
      codes.map((c) => h('li', {}, h('code', {}, c)))),
    h('p', {}, t('codes_use')),
    h('div', { class: 'field field-inline' }, saved, h('label', { for: 'codes-saved' }, t('codes_saved'))),
    next);
  heading.focus();
  announce(t('enrol_done'));
}

async function startEnrolment(panel, { onEnrolled, focus = false }) {
  try {
    renderOffer(panel, await api('POST', '/api/v1/me/second-factor'), { onEnrolled });
    // Started by the button, which is gone now: the new section's heading takes the focus.
    if (focus) {
      const heading = panel.querySelector('h2');
      heading.setAttribute('tabindex', '-1');
      heading.focus();
    }
  } catch (e) {
    if (e instanceof ApiError && e.status === 409) {
      replaceChildren(panel, h('h2', {}, t('enrol_title')),
        h('p', { class: 'message message-info', id: 'enrolled-already', role: 'status' }, t('enrolled_already')));
      return;
    }
    if (e instanceof ApiError && e.status === 401) return;  // the session ended: back to sign-in
    const error = errorBox('enrol-error');
    replaceChildren(panel, h('h2', {}, t('enrol_title')), error.node);
    error.show(problemText(e));
  }
}

function sessionRow(session, reload, error) {
  const end = h('button', { type: 'button', class: 'button-small', 'data-session': session.id,
    'aria-label': t('session_end_label', { created: formatDateTime(session.created_at) }),
    onclick: async () => {
      end.disabled = true;
      try {
        await api('DELETE', `/api/v1/sessions/${encodeURIComponent(session.id)}`);
        announce(t('session_ended'));
        await reload();
      } catch (e) {
        end.disabled = false;
        if (e instanceof ApiError && e.status === 404) { await reload(); return; }  // ended meanwhile
        if (!(e instanceof ApiError) || e.status !== 401) error.show(problemText(e));
      }
    } }, t('session_end'));
  return h('tr', {},
    h('td', {}, formatDateTime(session.created_at)),
    h('td', {}, formatDateTime(session.last_seen_at)),
    h('td', {}, formatDateTime(session.expires_at)),
    h('td', {}, session.client_address || '–'),
    h('td', {}, session.current ? h('strong', {}, t('session_this')) : end));
}

async function renderSessions(panel) {
  const error = errorBox('sessions-error');
  const body = h('tbody', {});
  const reload = async () => {
    const list = await api('GET', '/api/v1/sessions');
    replaceChildren(body, list.items.map((s) => sessionRow(s, reload, error)));
  };
  replaceChildren(panel,
    h('h2', { id: 'sessions-title' }, t('sessions_title')),
    h('p', {}, t('sessions_intro')),
    error.node,
    h('table', { class: 'data-table', id: 'sessions' },
      h('caption', { class: 'visually-hidden' }, t('sessions_title')),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, t('session_started')),
        h('th', { scope: 'col' }, t('session_last_seen')),
        h('th', { scope: 'col' }, t('session_expires')),
        h('th', { scope: 'col' }, t('session_address')),
        h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, t('session_action'))))),
      body));
  try {
    await reload();
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 401) error.show(problemText(e));
  }
}

export async function renderTwoFactor(main, user, { onEnrolled }) {
  const forced = !!user.second_factor_enrolment_required;
  const enrolPanel = h('section', { class: 'panel', 'aria-labelledby': 'enrol-title' });
  const sessionsPanel = forced ? null : h('section', { class: 'panel', 'aria-labelledby': 'sessions-title' });
  document.title = `${t('account_title')} – ${t('app_title')}`;
  replaceChildren(main, h('div', { class: 'account' },
    h('h1', {}, t('account_title')),
    forced ? h('p', { class: 'message message-info', id: 'enrol-required', role: 'status' }, t('enrol_required')) : null,
    enrolPanel,
    sessionsPanel));
  const finish = () => {
    user.second_factor_enrolment_required = false;
    onEnrolled();
  };
  if (forced) {
    await startEnrolment(enrolPanel, { onEnrolled: finish });
    return;
  }
  replaceChildren(enrolPanel,
    h('h2', { id: 'enrol-title' }, t('enrol_title')),
    h('p', {}, t('enrol_intro')),
    h('button', { type: 'button', id: 'start-enrolment', class: 'button-primary',
      onclick: () => startEnrolment(enrolPanel, { onEnrolled: finish, focus: true }) }, t('enrol_start')));
  await renderSessions(sessionsPanel);
}
