// A cell of GET /api/v1/dashboard is a number, null (nothing to compute, e.g. no denominator),
// or {"suppressed": true}: disclosure control withheld it, and no raw value was sent.
import { h } from './dom.js';
import { t } from './i18n.js';

export const MARK = 'x';

export function isSuppressed(cell) {
  return cell !== null && typeof cell === 'object' && cell.suppressed === true;
}

export function numberOf(cell) {
  return typeof cell === 'number' && Number.isFinite(cell) ? cell : null;
}

let tipCounter = 0;
// The suppression mark, explained on hover and on keyboard focus (a focusable button whose
// tooltip is tied to it by aria-describedby). Escape hides the tooltip again (WCAG 1.4.13).
export function suppressionMark(minCell) {
  const id = `supp-tip-${++tipCounter}`;
  const tip = h('span', { id, role: 'tooltip', class: 'tooltip' },
    t('suppressed_explain', { min: minCell, max: minCell - 1 }));
  const button = h('button', { type: 'button', class: 'suppressed', 'aria-describedby': id,
    onkeydown: (e) => { if (e.key === 'Escape') wrap.classList.add('tooltip-dismissed'); },
    onblur: () => wrap.classList.remove('tooltip-dismissed') },
  MARK, h('span', { class: 'visually-hidden' }, ` (${t('suppressed_label')})`));
  const wrap = h('span', { class: 'suppressed-wrap', 'data-suppressed': 'true',
    onmouseleave: () => wrap.classList.remove('tooltip-dismissed') }, button, tip);
  return wrap;
}

// Renders a cell with `format` for numbers, the mark for suppressed cells and a dash for null.
export function cellNode(cell, format, minCell) {
  if (isSuppressed(cell)) return suppressionMark(minCell);
  const value = numberOf(cell);
  return value === null ? h('span', { class: 'no-value' }, '–') : format(value);
}
