// The version history of one exam (/exam/history?id=…): every version with who, when, the
// amendment's reason and the field-level diff of GET /api/v1/exams/{id}/history, shown with the
// labels of the record's own form version. Identifying fields appear only as present/replaced.
import { api } from './api.js';
import { h, replaceChildren } from './dom.js';
import { displayValue, labelOf, loadDefinition } from './form_fields.js';
import { formatDateTime, t } from './i18n.js';

export async function renderHistory(main, user) {
  const id = new URLSearchParams(location.search).get('id') || '';
  const exam = await api('GET', `/api/v1/exams/${encodeURIComponent(id)}`);
  const [def, history] = await Promise.all([loadDefinition(exam.form_version),
    api('GET', `/api/v1/exams/${encodeURIComponent(id)}/history`)]);
  const fieldOf = (code) => def.fields.find((f) => f.code === code);
  document.title = `${t('history_title')} – ${t('app_title')}`;
  const entries = [...history.items].reverse().map((v) => {
    const headingId = `version-${v.version}`;
    return h('article', { class: 'panel history-entry', 'aria-labelledby': headingId, 'data-version': v.version },
      h('h2', { id: headingId }, t('history_version', { version: v.version, kind: t(`kind_${v.kind}`) })),
      h('p', { class: 'exam-meta' }, t('history_by', { who: v.changed_by?.display_name || '?', at: formatDateTime(v.changed_at) })),
      v.reason ? h('p', { class: 'history-reason' }, h('strong', {}, `${t('amend_reason')}: `), v.reason) : null,
      v.changes.length
        ? h('table', { class: 'data-table diff-table' },
          h('caption', {}, t('history_changes', { n: v.changes.length })),
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('history_field')), h('th', { scope: 'col' }, t('history_old')),
            h('th', { scope: 'col' }, t('history_new')))),
          h('tbody', {}, v.changes.map((c) => {
            const field = fieldOf(c.field);
            return h('tr', { 'data-field': c.field },
              h('th', { scope: 'row' }, field ? labelOf(field) : c.field),
              h('td', { class: 'diff-old' }, displayValue(field, c.old)),
              h('td', { class: 'diff-new' }, displayValue(field, c.new)));
          })))
        : h('p', { class: 'hint' }, t('history_no_changes')));
  });
  replaceChildren(main, h('div', { class: 'history-page' },
    h('h1', {}, t('history_title')),
    // LOEF reads the history too, but the exam form is the doctors' page.
    user.role === 'forensic_doctor'
      ? h('p', {}, h('a', { href: `/exam?id=${exam.id}` }, t('back_to_exam')), ' · ', h('a', { href: '/exams' }, t('back_to_list')))
      : null,
    entries));
}
