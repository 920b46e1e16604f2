// The forensic doctor's exam page (/exam, /exam?id=…): a new exam, a draft that saves itself as
// the doctor types (a debounced PATCH with If-Match, the first save creates the draft), submitting
// it, and amending a submitted record with a reason. The form is the record's own form version,
// rendered by form_fields.js; the server validates, and its errors[] are shown at their fields.
import { api, ApiError } from './api.js';
import { announce, h, replaceChildren } from './dom.js';
import { currentDefinition, FormView, labelOf, loadDefinition, recorderOf } from './form_fields.js';
import { formatDateTime, t } from './i18n.js';

const SAVE_DELAY_MS = 800;

function problemText(e) {
  if (!(e instanceof ApiError)) return String(e);
  if (e.status === 0) return t('network_error');
  if (e.status === 403) return t('entry_forbidden');
  if (e.status === 404) return t('exam_not_found');
  return e.problem?.detail || t('server_error', { id: e.headers?.get('X-Request-Id') || '?' });
}

// The error summary above the actions: every error the server named, each a link to its field.
function summaryOf(shown, heading) {
  const box = h('div', { class: 'message message-error error-summary', role: 'alert', tabindex: '-1', id: 'error-summary' },
    h('h2', {}, heading),
    h('ul', {}, shown.map((s) => h('li', {}, h('a', { href: `#${s.focus?.id || ''}`,
      onclick: (e) => { e.preventDefault(); s.focus?.focus(); } }, `${s.label}: ${s.message}`)))));
  return box;
}

// The page shown last: re-rendering it (the language switch, Back) first saves what it still
// holds, so that the new rendering starts from the saved version.
let active = null;

export async function renderExam(main, user) {
  if (active) await active.leave();
  const id = new URLSearchParams(location.search).get('id');
  let exam = null;
  let def;
  if (id) {
    exam = await api('GET', `/api/v1/exams/${encodeURIComponent(id)}`);
    def = await loadDefinition(exam.form_version);
  } else {
    def = await currentDefinition();
  }
  const mine = !exam || exam.author?.id === user.id;
  const mode = !exam || exam.status === 'draft' ? (mine ? 'draft' : 'readonly') : exam.status === 'submitted' ? 'amend' : 'locked';
  const fields = def.fields.filter((f) => recorderOf(f) === 'doctor');

  let version = exam?.version ?? null;
  let examId = exam?.id ?? null;
  let pending = {};
  let timer = null;
  let saving = null;
  let conflict = false;
  let reloading = false;  // the doctor chose to drop this page's changes
  const changes = {};  // amend mode: what the doctor changed, sent with the reason

  const saveState = h('p', { id: 'save-state', class: 'save-state', role: 'status' });
  const conflictBox = h('div', { id: 'conflict', class: 'message message-error', role: 'alert', hidden: true });
  const summarySlot = h('div', { id: 'summary-slot' });
  // The save state is a live region: it is rewritten only when it says something new, so that a
  // screen reader is not told "saving soon" at every keystroke.
  const setState = (key, params) => {
    const text = t(key, params);
    if (saveState.textContent !== text) saveState.textContent = text;
    saveState.dataset.state = key;
  };

  const view = new FormView(def, fields, {
    readOnly: mode === 'locked' || mode === 'readonly',
    references: exam?.references || {},
    onChange: (code) => {
      if (mode === 'draft') {
        pending[code] = view.valueOf(code);
        setState('save_pending');
        clearTimeout(timer);
        timer = setTimeout(() => save(), SAVE_DELAY_MS);
      } else if (mode === 'amend') {
        changes[code] = view.valueOf(code);
      }
    },
  });
  const sections = view.renderSections();
  if (exam) view.setValues(exam.fields);
  // A doctor of a region records for that region: the server fills it in and holds to it.
  const region = view.controls.get('region');
  if (region && user.region) {
    if (!exam) region.set(user.region);
    region.inputs[0].disabled = true;
  }

  function showConflict() {
    conflict = true;
    clearTimeout(timer);
    setState('save_conflict');
    replaceChildren(conflictBox,
      h('p', {}, t('conflict_text')),
      h('button', { type: 'button', class: 'button-primary', id: 'conflict-reload',
        onclick: () => { reloading = true; location.reload(); } }, t('conflict_reload')));
    conflictBox.hidden = false;
    conflictBox.scrollIntoView({ block: 'nearest' });
  }

  // One save at a time; changes made meanwhile wait for the next one. `keepalive` lets the last
  // save of a closing tab reach the server.
  async function save({ keepalive = false } = {}) {
    clearTimeout(timer);
    timer = null;
    if (saving) { await saving; if (Object.keys(pending).length && !conflict) return save({ keepalive }); return; }
    if (conflict || !Object.keys(pending).length) return;
    const patch = pending;
    pending = {};
    setState('save_busy');
    saving = (async () => {
      try {
        const saved = examId
          ? await api('PATCH', `/api/v1/exams/${examId}`, { body: { fields: patch }, headers: { 'If-Match': `"${version}"` }, keepalive })
          : await api('POST', '/api/v1/exams', { body: { form_version: def.version, fields: patch }, keepalive });
        if (!examId) {
          examId = saved.id;
          history.replaceState(null, '', `/exam?id=${examId}`);
          submitButton.disabled = false;
        }
        version = saved.version;
        for (const code of Object.keys(patch)) if (view.controls.get(code)?.field.identifying && !(code in pending)) view.controls.get(code).clear();
        view.setReferences(saved.references);
        setState('save_done', { time: new Date().toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) });
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
        // 412: changed elsewhere; 409: no longer a draft (submitted in another tab). Either way
        // this page is out of date, and only a reload shows what the record now is.
        if (e.status === 412 || e.status === 409) { pending = { ...patch, ...pending }; showConflict(); return; }
        if (e.status === 422) {
          // The values the server refused stay on the page with their message; the rest is saved again.
          const refused = new Set((e.problem.errors || []).map((x) => x.field.match(/^[a-z0-9_]+/i)?.[0]));
          view.showErrors(e.problem.errors || []);
          const rest = Object.fromEntries(Object.entries(patch).filter(([code]) => !refused.has(code)));
          pending = { ...rest, ...pending };
          setState('save_invalid');
          announce(t('save_invalid'));
          if (Object.keys(pending).length) timer = setTimeout(() => save(), SAVE_DELAY_MS);
          return;
        }
        if (e.status === 401) return;
        pending = { ...patch, ...pending };
        if (e.status === 403 || e.status === 404) { conflict = true; setState('save_failed_final', { detail: problemText(e) }); return; }
        setState('save_failed', { detail: problemText(e) });
        timer = setTimeout(() => save(), 5000);
      }
    })();
    try { await saving; } finally { saving = null; }
    if (Object.keys(pending).length && !conflict && !timer) timer = setTimeout(() => save(), SAVE_DELAY_MS);
  }

  const flushOnLeave = () => { if (Object.keys(pending).length) save({ keepalive: true }); };
  const onHidden = () => { if (document.visibilityState === 'hidden') flushOnLeave(); };
  // Closing the tab with changes the registry has refused or not yet received asks first.
  const onBeforeUnload = (event) => {
    const unsaved = conflict || ['save_failed', 'save_failed_final', 'save_invalid'].includes(saveState.dataset.state);
    if (unsaved && !reloading) event.preventDefault();
  };
  window.addEventListener('pagehide', flushOnLeave);
  window.addEventListener('beforeunload', onBeforeUnload);
  document.addEventListener('visibilitychange', onHidden);
  active = {
    leave: async () => {
      window.removeEventListener('pagehide', flushOnLeave);
      window.removeEventListener('beforeunload', onBeforeUnload);
      document.removeEventListener('visibilitychange', onHidden);
      active = null;
      await save();
    },
  };

  async function submit() {
    await save();
    if (conflict) return;
    replaceChildren(summarySlot);
    view.clearErrors();
    submitButton.disabled = true;
    try {
      await api('POST', `/api/v1/exams/${examId}/submit`, { headers: { 'If-Match': `"${version}"` } });
      location.assign(`/exam?id=${examId}&notice=submitted`);
    } catch (e) {
      submitButton.disabled = false;
      if (!(e instanceof ApiError)) throw e;
      if (e.status === 412) { showConflict(); return; }
      if (e.status === 422) {
        const shown = view.showErrors(e.problem.errors || []);
        const summary = summaryOf(shown, t('submit_invalid', { n: shown.length }));
        replaceChildren(summarySlot, summary);
        summary.focus();
        return;
      }
      replaceChildren(summarySlot, h('p', { class: 'message message-error', role: 'alert' }, problemText(e)));
    }
  }

  const reasonError = h('p', { class: 'field-error', id: 'amend-reason-error', hidden: true });
  const reason = h('textarea', { id: 'amend-reason', rows: 2, maxlength: 2000, 'aria-describedby': 'amend-reason-error' });

  async function amend() {
    replaceChildren(summarySlot);
    view.clearErrors();
    reasonError.hidden = true;
    reason.removeAttribute('aria-invalid');
    if (!Object.keys(changes).length) {
      replaceChildren(summarySlot, h('p', { class: 'message message-error', role: 'alert' }, t('amend_nothing')));
      return;
    }
    try {
      const saved = await api('POST', `/api/v1/exams/${examId}/amendments`,
        { body: { changes, reason: reason.value }, headers: { 'If-Match': `"${version}"` } });
      location.assign(`/exam?id=${examId}&notice=amended&v=${saved.version}`);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      if (e.status === 412) { showConflict(); return; }
      if (e.status === 422) {
        const errors = e.problem.errors || [];
        const shown = view.showErrors(errors.filter((x) => x.field !== 'reason'));
        for (const x of errors.filter((err) => err.field === 'reason')) {
          reasonError.textContent = x.code === 'required' ? t('amend_reason_required')
            : x.code === 'length' ? t('err_length', { max: reason.maxLength }) : x.message;
          reasonError.hidden = false;
          reason.setAttribute('aria-invalid', 'true');
          shown.unshift({ message: reasonError.textContent, focus: reason, label: t('amend_reason') });
        }
        const summary = summaryOf(shown, t('amend_invalid', { n: shown.length }));
        replaceChildren(summarySlot, summary);
        summary.focus();
        return;
      }
      replaceChildren(summarySlot, h('p', { class: 'message message-error', role: 'alert' }, problemText(e)));
    }
  }

  const submitButton = h('button', { type: 'button', class: 'button-primary', id: 'submit-exam', disabled: !examId, onclick: submit }, t('submit_exam'));
  let actions;
  if (mode === 'draft') {
    actions = h('div', { class: 'actions' }, summarySlot, h('p', { class: 'hint' }, t('submit_hint')), submitButton);
  } else if (mode === 'amend') {
    actions = h('div', { class: 'actions' }, summarySlot,
      h('div', { class: 'field' }, h('label', { for: 'amend-reason' }, t('amend_reason'),
        h('span', { 'aria-hidden': 'true' }, ' *'), h('span', { class: 'visually-hidden' }, ` (${t('required')})`)), reason, reasonError),
      h('button', { type: 'button', class: 'button-primary', id: 'save-amendment', onclick: amend }, t('amend_save')));
  } else {
    actions = h('p', { class: 'message message-info' }, t(mode === 'locked' ? 'exam_locked' : 'exam_readonly'));
  }

  const notice = new URLSearchParams(location.search).get('notice');
  const noticeText = notice === 'submitted' ? t('notice_submitted') : notice === 'amended' ? t('notice_amended') : null;
  const titleKey = !exam ? 'exam_new_title' : { draft: 'exam_draft_title', submitted: 'exam_submitted_title', locked: 'exam_locked_title' }[exam.status];
  document.title = `${t(titleKey)} – ${t('app_title')}`;
  const meta = exam ? h('p', { class: 'exam-meta' },
    t('exam_meta', { version: exam.version, form: exam.form_version, author: exam.author?.display_name || '?', updated: formatDateTime(exam.updated_at) })) : null;
  const toc = h('nav', { class: 'form-toc', 'aria-label': t('sections') },
    h('h2', {}, t('sections')),
    h('ol', {}, def.sections.filter((s) => fields.some((f) => f.section === s.number)).map((s) =>
      h('li', {}, h('a', { href: `#f-section-${s.code}`, onclick: (e) => {
        e.preventDefault();
        const heading = document.getElementById(`f-section-${s.code}`);
        heading.closest('section').querySelector('input:not([disabled]), select:not([disabled]), textarea:not([disabled]), button:not([disabled])')?.focus();
        heading.scrollIntoView({ block: 'start' });
      } }, labelOf(s))))),
    h('p', {}, h('a', { href: '/exams' }, t('back_to_list'))),
    examId ? h('p', {}, h('a', { href: `/exam/history?id=${examId}`, id: 'history-link' }, t('history_link'))) : null);

  replaceChildren(main, h('div', { class: 'entry-layout' }, toc,
    h('form', { class: 'exam-form', id: 'exam-form', novalidate: true, 'aria-labelledby': 'exam-title',
      onsubmit: (e) => e.preventDefault() },
    h('div', { class: 'entry-head' },
      h('h1', { id: 'exam-title' }, t(titleKey)), meta,
      noticeText ? h('p', { class: 'message message-info', role: 'status', id: 'exam-notice' }, noticeText) : null,
      mode === 'draft' ? h('p', { class: 'hint' }, t('autosave_hint')) : null,
      mode === 'amend' ? h('p', { class: 'hint' }, t('amend_hint')) : null,
      h('p', { class: 'hint' }, t('required_hint')),
      saveState, conflictBox),
    sections, actions)));
  if (mode === 'draft' && !exam) setState('save_new');
  else if (mode === 'draft') setState('save_done', { time: formatDateTime(exam.updated_at) });
}
