// The justice-outcome page (/outcome) for police and prosecutors: find a submitted exam by its id
// or by its police reference, and record this role's part of the outcome (the definition's fields
// recorded_by police or prosecutor, nothing else). Dismissal codes come from GET /api/v1/sepot-codes.
// PUT replaces the role's part, and neither role may read an exam back, so the form starts empty.
import { api, ApiError } from './api.js';
import { announce, h, replaceChildren } from './dom.js';
import { currentDefinition, errorMessage, FormView } from './form_fields.js';
import { t } from './i18n.js';

function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

// The dismissal codes valid today, as enum codes ("01 – label").
async function dismissalCodes() {
  const list = await api('GET', '/api/v1/sepot-codes');
  const day = today();
  return list.items
    .filter((c) => c.valid_from <= day && (!c.valid_to || c.valid_to >= day))
    .map((c) => ({ code: c.code, label_nl: `${c.code} – ${c.label_nl}`, label_en: `${c.code} – ${c.label_en}` }));
}

export async function renderOutcome(main, user) {
  const [def, codes] = await Promise.all([currentDefinition(), dismissalCodes()]);
  const part = user.role;  // recorded_by names the role: police or prosecutor
  const fields = def.fields.filter((f) => f.recorded_by === part);
  const view = new FormView(def, fields, { codeLists: { dismissal_codes: codes }, idPrefix: 'o' });

  const result = h('div', { id: 'outcome-result', role: 'status' });
  const lookupError = h('p', { class: 'field-error', id: 'lookup-error', hidden: true });
  const examId = h('input', { id: 'lookup-exam-id', type: 'text', autocomplete: 'off', spellcheck: 'false',
    'aria-describedby': 'lookup-error lookup-exam-id-hint' });
  const policeRef = h('input', { id: 'lookup-police-reference', type: 'text', autocomplete: 'off', spellcheck: 'false',
    maxlength: 64, 'aria-describedby': 'lookup-error lookup-police-reference-hint' });
  const byIdRow = h('div', { class: 'field', id: 'lookup-by-id' }, h('label', { for: 'lookup-exam-id' }, t('lookup_exam_id')),
    h('span', { class: 'hint', id: 'lookup-exam-id-hint' }, t('lookup_exam_id_hint')), examId);
  const byRefRow = h('div', { class: 'field', id: 'lookup-by-reference', hidden: true },
    h('label', { for: 'lookup-police-reference' }, t('lookup_police_reference')),
    h('span', { class: 'hint', id: 'lookup-police-reference-hint' }, t('lookup_police_reference_hint')), policeRef);
  const radio = (value, checked) => h('label', { class: 'radio' },
    h('input', { type: 'radio', name: 'lookup', value, checked, onchange: () => {
      byIdRow.hidden = value !== 'id';
      byRefRow.hidden = value !== 'reference';
      lookupError.hidden = true;
    } }), t(`lookup_by_${value}`));
  const by = () => main.querySelector('input[name="lookup"]:checked')?.value || 'id';
  const button = h('button', { type: 'submit', class: 'button-primary', id: 'save-outcome' }, t('outcome_save'));

  const showLookupError = (text, input) => {
    lookupError.textContent = text;
    lookupError.hidden = false;
    input.setAttribute('aria-invalid', 'true');
    input.focus();
  };

  async function save(event) {
    event.preventDefault();
    view.clearErrors();
    lookupError.hidden = true;
    examId.removeAttribute('aria-invalid');
    policeRef.removeAttribute('aria-invalid');
    replaceChildren(result);
    const values = Object.fromEntries(Object.entries(view.values()).filter(([, v]) => v !== null));
    const byReference = by() === 'reference';
    const input = byReference ? policeRef : examId;
    if (!input.value.trim()) { showLookupError(t(byReference ? 'lookup_reference_missing' : 'lookup_id_missing'), input); return; }
    button.disabled = true;
    try {
      const stored = byReference
        ? await api('PUT', '/api/v1/outcomes/by-police-reference', { body: { police_reference: policeRef.value, fields: values } })
        : await api('PUT', `/api/v1/exams/${encodeURIComponent(examId.value.trim())}/outcome`, { body: { fields: values } });
      policeRef.value = '';
      replaceChildren(result, h('p', { class: 'message message-info', id: 'outcome-saved' },
        t('outcome_saved', { id: stored.exam_id, version: stored.version })));
      announce(t('outcome_saved', { id: stored.exam_id, version: stored.version }));
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      if (e.status === 404) { showLookupError(t(byReference ? 'lookup_reference_not_found' : 'lookup_id_not_found'), input); return; }
      if (e.status === 409) { showLookupError(t(byReference ? 'lookup_reference_conflict' : 'lookup_id_conflict'), input); return; }
      if (e.status === 422 || e.status === 400) {
        const errors = e.problem.errors || [];
        const lookup = errors.filter((x) => x.field === 'police_reference');
        if (lookup.length) showLookupError(errorMessage(lookup[0], null), policeRef);
        const shown = view.showErrors(errors.filter((x) => x.field !== 'police_reference'));
        if (!lookup.length && !shown.length) {
          replaceChildren(result, h('p', { class: 'message message-error', role: 'alert' }, e.problem.detail || e.message));
          return;
        }
        replaceChildren(result, h('p', { class: 'message message-error', role: 'alert' }, t('outcome_invalid', { n: shown.length + lookup.length })));
        shown[0]?.focus?.focus();
        return;
      }
      replaceChildren(result, h('p', { class: 'message message-error', role: 'alert' },
        e.status === 0 ? t('network_error') : t('server_error', { id: e.headers?.get('X-Request-Id') || '?' })));
    } finally {
      button.disabled = false;
    }
  }

  document.title = `${t(`outcome_title_${part}`)} – ${t('app_title')}`;
  replaceChildren(main, h('form', { class: 'outcome-form panel', id: 'outcome-form', novalidate: true, 'aria-labelledby': 'outcome-title', onsubmit: save },
    h('h1', { id: 'outcome-title' }, t(`outcome_title_${part}`)),
    h('p', { class: 'hint' }, t('outcome_intro')),
    h('fieldset', { class: 'lookup' }, h('legend', {}, t('lookup_legend')),
      h('div', { class: 'radio-row' }, radio('id', true), radio('reference', false)),
      byIdRow, byRefRow, lookupError),
    h('h2', {}, t(`outcome_fields_${part}`)),
    h('p', { class: 'message message-info' }, t('outcome_replaces')),
    h('div', { class: 'form-grid' }, view.renderFields()),
    result,
    button));
  examId.focus();
}
