// The pilot-lead dashboard: filters in the URL, KPI tiles and four charts. Every number comes
// from GET /api/v1/dashboard, which applies region scope and disclosure control on the server;
// this page only shows what it was sent.
import { api, ApiError } from './api.js';
import { announce, h, replaceChildren } from './dom.js';
import { cellNode, numberOf } from './cells.js';
import { destroyCharts, examsPerPeriodChart, funnelChart, hoursChart, yieldChart } from './charts.js';
import { codeLabel, codesOf, fieldLabel, loadForm } from './forms.js';
import { formatDateTime, formatNumber, formatPercent, lang, t } from './i18n.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
let loadSeq = 0;

function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

// The filters of the URL, corrected to what this user may see: a regional user always has their
// own region (the server enforces it too).
function readFilters(user, regions) {
  const q = new URLSearchParams(location.search);
  const starts = regions.map((r) => r.pilot_start).filter(Boolean).sort();
  const filters = {
    region: user.region || (regions.some((r) => r.code === q.get('region')) ? q.get('region') : ''),
    from: DATE.test(q.get('from') || '') ? q.get('from') : (starts[0] || '2025-09-15').slice(0, 10),
    to: DATE.test(q.get('to') || '') ? q.get('to') : today(),
    granularity: q.get('granularity') === 'quarter' ? 'quarter' : 'month',
  };
  return filters;
}

function searchOf(filters) {
  const q = new URLSearchParams();
  if (filters.region) q.set('region', filters.region);
  q.set('from', filters.from);
  q.set('to', filters.to);
  q.set('granularity', filters.granularity);
  return `?${q}`;
}

function filterForm(user, regions, filters, onChange) {
  const regionLabel = (code) => codeLabel('region', code);
  const region = h('select', { id: 'filter-region', name: 'region', disabled: !!user.region },
    user.region ? null : h('option', { value: '' }, t('all_regions')),
    regions.filter((r) => !user.region || r.code === user.region)
      .map((r) => h('option', { value: r.code, selected: r.code === filters.region }, regionLabel(r.code))));
  const from = h('input', { id: 'filter-from', name: 'from', type: 'date', value: filters.from, required: true });
  const to = h('input', { id: 'filter-to', name: 'to', type: 'date', value: filters.to, required: true });
  const radio = (value) => h('label', { class: 'radio' },
    h('input', { type: 'radio', name: 'granularity', value, checked: filters.granularity === value }), t(value));
  const error = h('p', { id: 'filter-error', class: 'message message-error', role: 'alert', tabindex: '-1', hidden: true });

  const current = () => ({
    region: user.region || region.value,
    from: from.value,
    to: to.value,
    granularity: form.querySelector('input[name="granularity"]:checked')?.value || 'month',
  });
  const apply = (event) => {
    event?.preventDefault();
    const next = current();
    if (!DATE.test(next.from) || !DATE.test(next.to) || next.from > next.to) {
      error.textContent = t('invalid_period');
      error.hidden = false;
      error.focus();  // the error summary takes the focus, so it is read out and acted on
      return;
    }
    error.hidden = true;
    onChange(next);
  };
  const form = h('form', { class: 'filters', 'aria-labelledby': 'filters-title', onsubmit: apply },
    h('h2', { id: 'filters-title', class: 'visually-hidden' }, t('filters')),
    h('div', { class: 'field' }, h('label', { for: 'filter-region' }, t('region')), region),
    h('div', { class: 'field' }, h('label', { for: 'filter-from' }, t('period_from')), from),
    h('div', { class: 'field' }, h('label', { for: 'filter-to' }, t('period_to')), to),
    h('fieldset', { class: 'field' }, h('legend', {}, t('granularity')), radio('month'), radio('quarter')),
    h('button', { type: 'submit', class: 'button-primary', id: 'filter-apply' }, t('apply')),
    error);
  region.addEventListener('change', apply);
  for (const input of form.querySelectorAll('input[name="granularity"]')) input.addEventListener('change', apply);
  return form;
}

function tile(id, label, valueNode, sub, status) {
  return h('article', { class: `kpi${status ? ` kpi-${status}` : ''}`, id, 'aria-labelledby': `${id}-label` },
    h('h3', { id: `${id}-label`, class: 'kpi-label' }, label),
    h('p', { class: 'kpi-value' }, valueNode),
    sub ? h('p', { class: 'kpi-sub' }, sub) : null);
}

function kpiTiles(kpis, minCell) {
  const pct = (cell) => cellNode(cell, formatPercent, minCell);
  const median = numberOf(kpis.median_hours_report_to_exam);
  // The pilot's target is an exam within 48 hours of the police report: the median and the share
  // are coloured against it (and say so in words, not only in colour).
  const medianStatus = median === null ? null : median <= 48 ? 'good' : 'bad';
  const share = numberOf(kpis.share_within_48h);
  const shareStatus = share === null ? null : share >= 0.5 ? 'good' : 'bad';
  const statusText = (s) => (s ? t(s === 'good' ? 'target_met' : 'target_missed') : null);
  const count = (v) => formatNumber(v);
  const decided = kpis.om_decided;
  const pending = kpis.om_pending;
  const omText = (cell) => cellNode(cell, count, minCell);
  return h('section', { class: 'kpis', 'aria-labelledby': 'kpis-title' },
    h('h2', { id: 'kpis-title', class: 'visually-hidden' }, t('kpis')),
    h('div', { class: 'kpi-grid' },
      tile('kpi-exams', t('kpi_exams'), cellNode(kpis.exams, count, minCell)),
      tile('kpi-median-hours', t('kpi_median_hours'),
        cellNode(kpis.median_hours_report_to_exam, (v) => t('hours', { value: formatNumber(v, 1) }), minCell),
        statusText(medianStatus), medianStatus),
      tile('kpi-within-48h', t('kpi_within_48h'), pct(kpis.share_within_48h), statusText(shareStatus), shareStatus),
      tile('kpi-internal-only', t('kpi_internal_only'), pct(kpis.share_internal_only)),
      tile('kpi-laryngoscopy', fieldLabel('laryngoscopy_done'), pct(kpis.laryngoscopy_rate)),
      tile('kpi-imaging', fieldLabel('imaging_done'), pct(kpis.imaging_rate)),
      tile('kpi-aangifte', fieldLabel('aangifte'), pct(kpis.aangifte_rate)),
      tile('kpi-om', fieldLabel('om_decision'), omText(decided),
        h('span', {}, `${t('kpi_om_taken')} · ${codeLabel('om_decision', 'pending')}: `, omText(pending))),
      tile('kpi-conviction', codeLabel('verdict', 'conviction'), pct(kpis.conviction_rate), t('kpi_conviction_sub')),
      tile('kpi-completeness', t('kpi_completeness'), pct(kpis.completeness), t('kpi_completeness_sub'))));
}

function stageLabel(stage) {
  if (stage === 'exams') return t('stage_exams');
  return fieldLabel(stage);
}

function renderFigures(container, data, filters) {
  destroyCharts();
  const minCell = data.suppression?.min_cell ?? 10;
  const periodLabel = t(filters.granularity);
  const figures = [
    examsPerPeriodChart(data.charts.exams_per_period, { minCell, periodLabel, regionLabel: (c) => codeLabel('region', c) }),
    hoursChart(data.charts.hours_report_to_exam, { minCell }),
    funnelChart(data.charts.justice_funnel, { minCell, stageLabel }),
    yieldChart(data.charts.findings_yield, { minCell, categoryLabel: (c) => t(`yield_${c}`) }),
  ];
  const p = data.provenance || {};
  replaceChildren(container,
    kpiTiles(data.kpis, minCell),
    h('div', { class: 'chart-grid' }, figures.map((f) => f.figure)),
    // The report's own statement of the rule (REPORTS.md: every format documents it).
    h('p', { class: 'footnote', id: 'suppression-footnote' },
      (lang() === 'en' ? data.suppression?.footnote_en : data.suppression?.footnote_nl)
        || t('suppression_footnote', { mark: data.suppression?.mark || 'x', min: minCell, max: minCell - 1 })),
    p.generated_at ? h('p', { class: 'provenance', id: 'provenance' }, t('provenance', {
      at: formatDateTime(p.generated_at),
      versions: (p.form_versions || []).join(', '), digest: (p.data_digest || '').slice(0, 12) })) : null);
  for (const f of figures) f.create();
}

export async function renderDashboard(main, user, { navigate }) {
  destroyCharts();
  const [regionsBody] = await Promise.all([api('GET', '/api/v1/regions'), loadForm()]);
  const known = new Set(codesOf('region'));
  const regions = (regionsBody.items || []).filter((r) => known.size === 0 || known.has(r.code));
  let filters = readFilters(user, regions);
  const results = h('div', { id: 'dashboard-results', 'aria-live': 'off' });
  const status = h('p', { class: 'loading', id: 'dashboard-status' }, t('loading'));

  const load = async () => {
    const seq = ++loadSeq;
    replaceChildren(results, status);
    status.textContent = t('loading');
    main.setAttribute('aria-busy', 'true');
    try {
      const data = await api('GET', `/api/v1/dashboard${searchOf(filters)}`);
      if (seq !== loadSeq) return;
      renderFigures(results, data, filters);
      announce(t('loaded'));
    } catch (e) {
      if (seq !== loadSeq || !(e instanceof ApiError)) { if (!(e instanceof ApiError)) throw e; return; }
      if (e.status === 401) return;  // the shell shows the sign-in page with the expiry message
      const summary = h('p', { class: 'message message-error', role: 'alert', id: 'dashboard-error', tabindex: '-1' },
        e.status === 0 ? t('network_error')
          : e.status >= 500 ? t('server_error', { id: e.headers?.get('X-Request-Id') || '?' })
            : t('dashboard_unavailable', { detail: e.problem.detail || e.problem.title || e.status }));
      replaceChildren(results, summary);
      summary.focus();
    } finally {
      if (seq === loadSeq) main.removeAttribute('aria-busy');
    }
  };

  const onChange = (next) => {
    filters = next;
    navigate(searchOf(filters));
    load();
  };
  // A URL with missing or corrected filters is rewritten to the filters actually shown.
  history.replaceState(null, '', `/dashboard${searchOf(filters)}`);
  document.title = `${t('dashboard_title')} – ${t('app_title')}`;
  replaceChildren(main,
    h('h1', {}, t('dashboard_title')),
    filterForm(user, regions, filters, onChange),
    results);
  await load();
}
