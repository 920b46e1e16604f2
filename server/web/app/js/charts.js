// The four dashboard charts, drawn by Chart.js (served from /vendor, see vendor.js), each with a
// table of its numbers as its text alternative. Suppressed cells are left out of a chart (a gap,
// never a guessed value) and show the suppression mark in the table.
import { h } from './dom.js';
import { MARK, cellNode, isSuppressed, numberOf } from './cells.js';
import { formatNumber, formatPercent, t } from './i18n.js';

export const PALETTE = ['#154273', '#a64f00', '#2c6e31', '#6a3d9a', '#8a1538'];

const charts = new Set();
export function destroyCharts() {
  for (const chart of charts) chart.destroy();
  charts.clear();
}

// Draws the 48-hour target as a dashed vertical line at its place on the hours axis.
const targetLine = {
  id: 'targetLine',
  afterDatasetsDraw(chart, args, options) {
    if (options.hours === undefined) return;
    const at = chart.scales.x.getPixelForValue(options.hours);
    const { top, bottom } = chart.chartArea;
    const ctx = chart.ctx;
    ctx.save();
    ctx.strokeStyle = '#8a1538';
    ctx.lineWidth = 2;
    ctx.setLineDash([6, 4]);
    ctx.beginPath();
    ctx.moveTo(at, top);
    ctx.lineTo(at, bottom);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = '#8a1538';
    ctx.font = '12px system-ui, sans-serif';
    ctx.fillText(options.label, at + 4, top + 12);
    ctx.restore();
  },
};

// Marks a suppressed bar with the suppression mark at its base, so that it is not mistaken for a
// zero (the number itself is never sent, so no bar can be drawn).
const suppressedMarks = {
  id: 'suppressedMarks',
  afterDatasetsDraw(chart) {
    const ctx = chart.ctx;
    ctx.save();
    ctx.fillStyle = '#a31515';
    ctx.font = 'bold 12px system-ui, sans-serif';
    ctx.textAlign = 'center';
    chart.data.datasets.forEach((dataset, d) => {
      if (!dataset.suppressed || !chart.isDatasetVisible(d)) return;
      const meta = chart.getDatasetMeta(d);
      dataset.suppressed.forEach((hidden, i) => {
        if (!hidden || !meta.data[i]) return;
        const { x, y } = meta.data[i].tooltipPosition();
        if (chart.options.indexAxis === 'y') ctx.fillText(MARK, chart.chartArea.left + 8, y + 4);
        else ctx.fillText(MARK, x, chart.chartArea.bottom - 3);
      });
    });
    ctx.restore();
  },
};

function baseOptions(extra = {}) {
  return {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    plugins: { legend: { display: false }, ...(extra.plugins || {}) },
    scales: extra.scales || { y: { beginAtZero: true, ticks: { precision: 0 } } },
    indexAxis: extra.indexAxis || 'x',
  };
}

function chartFigure({ id, title, config, table }) {
  // The canvas is an image to assistive technology; its numbers are in the table below it.
  const canvas = h('canvas', { id: `${id}-canvas`, role: 'img', 'aria-label': title,
    'aria-describedby': `${id}-table-caption` });
  const figure = h('section', { class: 'chart-card', id, 'aria-labelledby': `${id}-title` },
    h('h2', { id: `${id}-title` }, title),
    h('div', { class: 'chart-box' }, canvas),
    h('details', { class: 'chart-table' },
      h('summary', {}, t('show_table')),
      table));
  const create = () => {
    if (!window.Chart) return;  // the vendor script failed to load: the tables still show every number
    charts.add(new window.Chart(canvas, config));
  };
  return { figure, create };
}

function table(id, caption, head, rows) {
  return h('table', { class: 'data-table' },
    h('caption', { id: `${id}-table-caption` }, caption),
    h('thead', {}, h('tr', {}, head.map((text, i) => h('th', { scope: 'col', class: i ? 'num' : '' }, text)))),
    h('tbody', {}, rows.map((row) => h('tr', {}, row.map((cell, i) => (i === 0
      ? h('th', { scope: 'row' }, cell)
      : h('td', { class: 'num' }, cell)))))));
}

const count = (v) => formatNumber(v);

export function examsPerPeriodChart(data, { minCell, periodLabel, regionLabel }) {
  const periods = data.periods || [];
  const series = data.series || [];
  const title = t('chart_exams', { period: periodLabel.toLowerCase() });
  return chartFigure({
    id: 'chart-exams', title,
    config: {
      type: 'bar',
      data: { labels: periods, datasets: series.map((s, i) => ({
        label: regionLabel(s.region), data: s.values.map(numberOf), suppressed: s.values.map(isSuppressed),
        backgroundColor: PALETTE[i % PALETTE.length] })) },
      options: { ...baseOptions(), plugins: { legend: { display: series.length > 1, position: 'bottom' } } },
      plugins: [suppressedMarks],
    },
    table: table('chart-exams', title, [t('period'), ...series.map((s) => regionLabel(s.region))],
      periods.map((p, row) => [p, ...series.map((s) => cellNode(s.values[row], count, minCell))])),
  });
}

// The report gives the distribution as quantiles (hours) and shares within 24, 48 and 72 hours:
// together the points of its cumulative distribution, drawn as a line with the 48 h target.
export function hoursChart(data, { minCell }) {
  const quantiles = data.quantiles || [];
  const within = data.within || [];
  const target = data.target_hours ?? 48;
  const points = [
    ...quantiles.filter((q) => numberOf(q.hours) !== null).map((q) => ({ x: numberOf(q.hours), y: q.q })),
    ...within.filter((w) => numberOf(w.share) !== null).map((w) => ({ x: w.hours, y: numberOf(w.share) })),
  ].sort((a, b) => a.x - b.x || a.y - b.y);
  const title = t('chart_hours');
  const hours = (v) => t('hours', { value: formatNumber(v, 1) });
  const rows = [
    ...within.map((w) => [t('within_hours', { hours: w.hours }), cellNode(w.share, formatPercent, minCell)]),
    ...quantiles.map((q) => [q.q === 0.5 ? t('median') : t('quantile', { q: Math.round(q.q * 100) }),
      cellNode(q.hours, hours, minCell)]),
  ];
  return chartFigure({
    id: 'chart-hours', title,
    config: {
      type: 'line',
      data: { datasets: [{ label: t('share_examined'), data: points, borderColor: PALETTE[0],
        backgroundColor: PALETTE[0], pointRadius: 4, stepped: false, tension: 0 }] },
      options: { ...baseOptions({ scales: {
        x: { type: 'linear', min: 0, suggestedMax: 96, title: { display: true, text: t('hours_axis') } },
        y: { min: 0, max: 1, ticks: { callback: (v) => formatPercent(v) }, title: { display: true, text: t('share_examined') } },
      } }), plugins: { legend: { display: false }, targetLine: { hours: target, label: t('line_48h') },
        tooltip: { callbacks: { label: (c) => `${formatPercent(c.parsed.y)} ≤ ${hours(c.parsed.x)}` } } } },
      plugins: [targetLine],
    },
    table: table('chart-hours', title, [t('measure'), t('value')], rows),
  });
}

export function funnelChart(data, { minCell, stageLabel }) {
  const stages = data.stages || [];
  const title = t('chart_funnel');
  return chartFigure({
    id: 'chart-funnel', title,
    config: {
      type: 'bar',
      data: { labels: stages.map(stageLabel), datasets: [{ label: t('count'), data: data.values.map(numberOf),
        suppressed: data.values.map(isSuppressed), backgroundColor: PALETTE[0] }] },
      options: baseOptions({ indexAxis: 'y', scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } }),
      plugins: [suppressedMarks],
    },
    table: table('chart-funnel', title, [t('stage'), t('count')],
      stages.map((s, i) => [stageLabel(s), cellNode(data.values[i], count, minCell)])),
  });
}

export function yieldChart(data, { minCell, categoryLabel }) {
  const categories = data.categories || [];
  const title = t('chart_yield');
  return chartFigure({
    id: 'chart-yield', title,
    config: {
      type: 'bar',
      data: { labels: categories.map(categoryLabel), datasets: [{ label: t('share'), data: data.values.map(numberOf),
        suppressed: data.values.map(isSuppressed), backgroundColor: [PALETTE[2], PALETTE[0], PALETTE[3]] }] },
      options: baseOptions({ indexAxis: 'y',
        scales: { x: { min: 0, max: 1, ticks: { callback: (v) => formatPercent(v) } } } }),
      plugins: [suppressedMarks],
    },
    table: table('chart-yield', title, [t('category'), t('share')],
      categories.map((c, i) => [categoryLabel(c), cellNode(data.values[i], formatPercent, minCell)])),
  });
}
