// The doctor's start page (/exams): their own drafts, and the records recently submitted in their
// region (GET /api/v1/exams: a doctor sees only their own drafts and their own region).
import { api } from './api.js';
import { h, replaceChildren } from './dom.js';
import { currentDefinition, displayValue } from './form_fields.js';
import { formatDateTime, t } from './i18n.js';

const RECENT = 25;

function table(id, caption, exams, def, { drafts }) {
  if (!exams.length) return h('p', { class: 'hint', id: `${id}-empty` }, t(drafts ? 'no_drafts' : 'no_recent'));
  const region = def.fields.find((f) => f.code === 'region');
  const examAt = def.fields.find((f) => f.code === 'exam_at');
  return h('table', { class: 'data-table exam-table', id },
    h('caption', { class: 'visually-hidden' }, caption),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, t(drafts ? 'col_updated' : 'col_submitted')),
      h('th', { scope: 'col' }, t('col_exam_at')),
      h('th', { scope: 'col' }, t('region')),
      drafts ? null : h('th', { scope: 'col' }, t('col_author')),
      drafts ? null : h('th', { scope: 'col' }, t('col_status')),
      h('th', { scope: 'col' }, t('col_actions')))),
    h('tbody', {}, exams.map((e) => {
      const when = formatDateTime(drafts ? e.updated_at : e.submitted_at || e.updated_at);
      return h('tr', { 'data-id': e.id },
        h('td', {}, when),
        h('td', {}, displayValue(examAt, e.fields.exam_at ?? null)),
        h('td', {}, displayValue(region, e.fields.region ?? null)),
        drafts ? null : h('td', {}, e.author?.display_name || ''),
        drafts ? null : h('td', {}, t(`status_${e.status}`)),
        h('td', {}, h('a', { href: `/exam?id=${e.id}`, class: 'open-exam' }, t(drafts ? 'open_draft' : 'open_exam'),
          h('span', { class: 'visually-hidden' }, ` (${when})`)),
        drafts ? null : [' · ', h('a', { href: `/exam/history?id=${e.id}` }, t('history_link'),
          h('span', { class: 'visually-hidden' }, ` (${when})`))]));
    })));
}

export async function renderExamList(main, user) {
  const [def, drafts, recent] = await Promise.all([currentDefinition(),
    api('GET', '/api/v1/exams?status=draft&limit=100'),
    api('GET', `/api/v1/exams?limit=${RECENT + 20}`)]);
  const submitted = recent.items.filter((e) => e.status !== 'draft').slice(0, RECENT);
  document.title = `${t('exams_title')} – ${t('app_title')}`;
  replaceChildren(main, h('div', { class: 'exam-list' },
    h('div', { class: 'list-head' },
      h('h1', {}, t('exams_title')),
      h('a', { href: '/exam', class: 'button-link', id: 'new-exam' }, t('new_exam'))),
    h('section', { class: 'panel', 'aria-labelledby': 'drafts-title' },
      h('h2', { id: 'drafts-title' }, t('my_drafts')),
      table('drafts', t('my_drafts'), drafts.items, def, { drafts: true })),
    h('section', { class: 'panel', 'aria-labelledby': 'recent-title' },
      h('h2', { id: 'recent-title' }, user.region ? t('recent_in_region') : t('recent_all')),
      table('recent', user.region ? t('recent_in_region') : t('recent_all'), submitted, def, { drafts: false }))));
}
