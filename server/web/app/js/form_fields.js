// Renders fields of a form definition (GET /api/v1/forms/{version}) as labelled controls, reads
// their values back as the API's JSON, shows the definition's conditional fields only while their
// condition holds, and puts the server's validation errors at the fields they name. Nothing here
// knows a field by name: a field added to the definition is rendered from its type and keys.
import { api } from './api.js';
import { h } from './dom.js';
import { lang, t } from './i18n.js';

const definitions = new Map();

export async function loadDefinition(version) {
  if (!definitions.has(version)) definitions.set(version, api('GET', `/api/v1/forms/${version}`));
  return definitions.get(version);
}

export async function currentDefinition() {
  const list = await api('GET', '/api/v1/forms');
  return loadDefinition(list.current_version);
}

export function labelOf(thing) {
  if (!thing) return '';
  return (lang() === 'en' ? thing.label_en : thing.label_nl) || thing.label_nl || thing.code;
}

export const recorderOf = (field) => field.recorded_by || 'doctor';

const isMissing = (v) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '') ||
  (Array.isArray(v) && v.length === 0);

// The definition's required_if condition (schema/forms/README.md) on the current values.
export function conditionHolds(cond, valueOf) {
  const v = valueOf(cond.field);
  if ('equals' in cond) return v === cond.equals;
  if ('in' in cond) return cond.in.includes(v);
  if ('contains' in cond) return Array.isArray(v) && v.includes(cond.contains);
  if ('present' in cond) return !isMissing(v) === cond.present;
  return true;
}

// Timestamps are entered in the browser's local time and sent with its offset.
function toLocalInput(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

function fromLocalInput(value) {
  if (!value) return null;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  const offset = -d.getTimezoneOffset();
  const p = (n) => String(Math.floor(Math.abs(n))).padStart(2, '0');
  const seconds = value.length === 16 ? ':00' : '';
  return `${value}${seconds}${offset >= 0 ? '+' : '-'}${p(offset / 60)}:${p(offset % 60)}`;
}

function parseInteger(text) {
  const s = text.trim();
  if (s === '') return null;
  return /^-?\d+$/.test(s) ? Number(s) : s;  // anything else goes as typed: the server says why it is wrong
}

let uid = 0;

// One form's worth of controls. `fields` are definition fields (top level, or list members);
// `codeLists` holds the codes of code_list_ref fields (e.g. the dismissal codes).
export class FormView {
  constructor(def, fields, { onChange = () => {}, codeLists = {}, readOnly = false, references = {}, idPrefix = 'f' } = {}) {
    this.def = def;
    this.fields = fields;
    this.onChange = onChange;
    this.codeLists = codeLists;
    this.readOnly = readOnly;
    this.references = { ...references };
    this.prefix = idPrefix;
    this.controls = new Map();   // code -> { field, wrap, get, set, focusTarget, describe }
    this.errorTargets = new Map();  // error path -> { el, inputs }
  }

  id(code) { return `${this.prefix}-${code}`; }

  // The section elements: one per definition section that has any of the fields.
  renderSections() {
    const out = [];
    for (const section of this.def.sections) {
      const fields = this.fields.filter((f) => f.section === section.number);
      if (!fields.length) continue;
      const headingId = `${this.prefix}-section-${section.code}`;
      out.push(h('section', { class: 'form-section', 'aria-labelledby': headingId, 'data-section': section.code },
        h('h2', { id: headingId }, `${section.number}. ${labelOf(section)}`),
        h('div', { class: 'form-grid' }, fields.map((f) => this.renderField(f)))));
    }
    this.updateVisibility();
    return out;
  }

  renderFields() {
    const nodes = this.fields.map((f) => this.renderField(f));
    this.updateVisibility();
    return nodes;
  }

  valueOf(code) {
    const c = this.controls.get(code);
    if (c) return c.get();
    return null;
  }

  values() {
    const out = {};
    for (const [code, c] of this.controls) if (!c.field.identifying) out[code] = c.get();
    return out;
  }

  setValues(values) {
    for (const [code, c] of this.controls) if (!c.field.identifying) c.set(values?.[code] ?? null);
    this.updateVisibility();
  }

  setReferences(references) {
    this.references = { ...references };
    for (const [, c] of this.controls) if (c.field.identifying) c.showPresence();
  }

  // Conditional fields (required_if) show while their condition holds, and also while they hold
  // a value, so that no answer is ever hidden from the doctor who gave it.
  updateVisibility() {
    const valueOf = (code) => (this.controls.get(code)?.field.identifying
      ? (this.references[code] === 'present' ? 'present' : this.valueOf(code)) : this.valueOf(code));
    for (const [, c] of this.controls) {
      const cond = c.field.required_if;
      if (!cond) continue;
      const holds = conditionHolds(cond, valueOf);
      const hasValue = c.field.identifying ? this.references[c.field.code] === 'present' || !isMissing(c.get()) : !isMissing(c.get());
      c.wrap.hidden = !(holds || hasValue);
      c.wrap.classList.toggle('is-required', holds);
      c.requiredMark.hidden = !holds;
    }
    // A precision (precision_of) is asked with its timestamp, and hidden with it.
    for (const [, c] of this.controls) {
      const of = c.field.precision_of && this.controls.get(c.field.precision_of);
      if (of) c.wrap.hidden = of.wrap.hidden && isMissing(c.get());
    }
  }

  changed(code) {
    this.clearError(code);
    this.updateVisibility();
    this.onChange(code);
  }

  labelFor(field, forId, tag = 'label') {
    const mark = h('span', { class: 'required-mark', hidden: !field.required && !field.required_if },
      h('span', { 'aria-hidden': 'true' }, ' *'), h('span', { class: 'visually-hidden' }, ` (${t('required')})`));
    const unit = field.unit ? ` (${field.unit})` : '';
    const attrs = tag === 'label' ? { for: forId } : {};
    const label = h(tag, { ...attrs, id: `${forId}-label` }, labelOf(field), unit, mark);
    return { label, mark };
  }

  errorSlot(path, inputs) {
    const el = h('p', { class: 'field-error', id: `${this.prefix}-err-${path.replace(/[^a-z0-9_]/gi, '-')}`, hidden: true });
    for (const input of inputs) {
      const ids = (input.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
      input.setAttribute('aria-describedby', [...ids, el.id].join(' '));
    }
    this.errorTargets.set(path, { el, inputs });
    return el;
  }

  renderField(field) {
    const id = this.id(field.code);
    const control = this.buildControl(field, id, field.code, () => this.changed(field.code));
    const wrapClass = ['field', `field-${field.type}`, field.identifying ? 'field-identifying' : ''].join(' ');
    const { label, mark } = this.labelFor(field, id, control.group ? 'legend' : 'label');
    const error = this.errorSlot(field.code, control.inputs);
    const wrap = control.group
      ? h('fieldset', { class: wrapClass, 'data-field': field.code, 'aria-describedby': error.id }, label, control.node, error)
      : h('div', { class: wrapClass, 'data-field': field.code }, label, control.node, error);
    this.controls.set(field.code, { ...control, field, wrap, requiredMark: mark });
    if (field.identifying) this.controls.get(field.code).showPresence();
    return wrap;
  }

  codesOf(field) {
    if (field.code_list_ref) return this.codeLists[field.code_list_ref] || [];
    return field.codes || [];
  }

  // A control for one field (or list member): its node, its focusable inputs and get/set.
  buildControl(field, id, path, changed) {
    const disabled = this.readOnly;
    switch (field.type) {
    case 'enum': {
      const select = h('select', { id, name: path, disabled, onchange: changed },
        h('option', { value: '' }, t('choose')),
        this.codesOf(field).map((c) => h('option', { value: c.code }, labelOf(c))));
      return { node: select, inputs: [select], focusTarget: select,
        get: () => select.value || null,
        set: (v) => {
          if (v !== null && ![...select.options].some((o) => o.value === v)) select.append(h('option', { value: v }, v));
          select.value = v ?? '';
        } };
    }
    case 'bool': {
      const select = h('select', { id, name: path, disabled, onchange: changed },
        h('option', { value: '' }, t('choose')), h('option', { value: 'true' }, t('yes')), h('option', { value: 'false' }, t('no')));
      return { node: select, inputs: [select], focusTarget: select,
        get: () => (select.value === '' ? null : select.value === 'true'),
        set: (v) => { select.value = v === true ? 'true' : v === false ? 'false' : ''; } };
    }
    case 'multi_enum': {
      const boxes = this.codesOf(field).map((c) => {
        const box = h('input', { type: 'checkbox', id: `${id}-${c.code}`, name: path, value: c.code, disabled, onchange: changed });
        return { code: c.code, box, node: h('label', { class: 'check', for: `${id}-${c.code}` }, box, labelOf(c)) };
      });
      return { group: true, node: h('div', { class: 'check-list' }, boxes.map((b) => b.node)),
        inputs: boxes.map((b) => b.box), focusTarget: boxes[0]?.box,
        get: () => { const v = boxes.filter((b) => b.box.checked).map((b) => b.code); return v.length ? v : null; },
        set: (v) => { for (const b of boxes) b.box.checked = Array.isArray(v) && v.includes(b.code); } };
    }
    case 'integer': {
      const input = h('input', { id, name: path, type: 'text', inputmode: 'numeric', disabled, autocomplete: 'off',
        class: 'input-number', oninput: changed });
      const hint = field.min !== undefined && field.max !== undefined
        ? h('span', { class: 'hint', id: `${id}-hint` }, t('range_hint', { min: field.min, max: field.max })) : null;
      if (hint) input.setAttribute('aria-describedby', hint.id);
      const codes = (field.allow_codes || []).map((c) => {
        const box = h('input', { type: 'checkbox', id: `${id}-${c.code}`, value: c.code, disabled,
          onchange: () => { input.disabled = disabled || box.checked; if (box.checked) input.value = ''; changed(); } });
        return { code: c.code, box, node: h('label', { class: 'check', for: `${id}-${c.code}` }, box, labelOf(c)) };
      });
      return { node: h('div', { class: 'number-row' }, input, codes.map((c) => c.node), hint),
        inputs: [input, ...codes.map((c) => c.box)], focusTarget: input,
        get: () => codes.find((c) => c.box.checked)?.code ?? parseInteger(input.value),
        set: (v) => {
          for (const c of codes) c.box.checked = v === c.code;
          const coded = codes.some((c) => c.code === v);
          input.disabled = disabled || coded;
          input.value = v === null || coded ? '' : String(v);
        } };
    }
    case 'string':
    case 'text': {
      const multiline = field.type === 'text';
      const attrs = { id, name: path, disabled, autocomplete: 'off', spellcheck: field.identifying ? 'false' : undefined };
      if (field.max_length) attrs.maxlength = field.max_length;
      const input = multiline ? h('textarea', { ...attrs, rows: 3 }) : h('input', { ...attrs, type: 'text' });
      if (field.identifying) {
        // Sent once when the doctor leaves the field, then cleared: the page only ever says
        // whether a reference is stored, never what it is.
        input.addEventListener('change', changed);
        const status = h('span', { class: 'presence', id: `${id}-presence` });
        input.setAttribute('aria-describedby', status.id);
        const c = { node: h('div', { class: 'identifying' }, input, status), inputs: [input], focusTarget: input,
          get: () => (input.value.trim() === '' ? null : input.value),
          set: () => { input.value = ''; },
          clear: () => { input.value = ''; },
          showPresence: () => {
            const present = this.references[path] === 'present';
            status.textContent = present ? t('reference_present') : t('reference_absent');
            status.classList.toggle('presence-yes', present);
            input.placeholder = present ? t('reference_replace') : '';
          } };
        return c;
      }
      input.addEventListener('input', changed);
      return { node: input, inputs: [input], focusTarget: input,
        get: () => (input.value === '' ? null : input.value),
        set: (v) => { input.value = v ?? ''; } };
    }
    case 'date': {
      const input = h('input', { id, name: path, type: 'date', disabled, onchange: changed });
      return { node: input, inputs: [input], focusTarget: input,
        get: () => input.value || null, set: (v) => { input.value = v ?? ''; } };
    }
    case 'timestamp': {
      const input = h('input', { id, name: path, type: 'datetime-local', disabled, onchange: changed });
      return { node: input, inputs: [input], focusTarget: input,
        get: () => fromLocalInput(input.value), set: (v) => { input.value = v ? toLocalInput(v) : ''; } };
    }
    case 'list':
      return field.item.type === 'object' ? this.objectList(field, id, path, changed) : this.scalarList(field, id, path, changed);
    default: {
      const p = h('p', { class: 'hint' }, t('unsupported_field', { type: field.type }));
      return { node: p, inputs: [], get: () => undefined, set: () => {} };
    }
    }
  }

  // A list of scalars (e.g. a size as [width, height]): one input per item when the length is
  // fixed, else one comma-separated line.
  scalarList(field, id, path, changed) {
    const fixed = field.min_items && field.min_items === field.max_items ? field.min_items : 0;
    const parse = field.item.type === 'integer' ? parseInteger : (s) => (s.trim() === '' ? null : s.trim());
    if (!fixed) {
      const input = h('input', { id, name: path, type: 'text', disabled: this.readOnly, oninput: changed });
      return { node: input, inputs: [input], focusTarget: input,
        get: () => { const v = input.value.split(',').map(parse).filter((x) => x !== null); return v.length ? v : null; },
        set: (v) => { input.value = Array.isArray(v) ? v.join(', ') : ''; } };
    }
    const inputs = [];
    for (let i = 0; i < fixed; i++) {
      inputs.push(h('input', { id: i === 0 ? id : `${id}-${i}`, name: `${path}[${i}]`, type: 'text', inputmode: 'numeric',
        class: 'input-number', disabled: this.readOnly, oninput: changed,
        'aria-label': i === 0 ? undefined : `${labelOf(field)} ${i + 1}` }));
    }
    return { group: true, node: h('div', { class: 'number-row' }, inputs.flatMap((inp, i) => (i ? [h('span', { 'aria-hidden': 'true' }, '×'), inp] : [inp]))),
      inputs, focusTarget: inputs[0],
      get: () => { const v = inputs.map((inp) => parse(inp.value)); return v.every((x) => x === null) ? null : v; },
      set: (v) => { inputs.forEach((inp, i) => { inp.value = Array.isArray(v) && v[i] !== undefined && v[i] !== null ? String(v[i]) : ''; }); } };
  }

  // A list of objects (the body map: region, type, side, size): one row of member controls per
  // item, with add and remove buttons.
  objectList(field, id, path, changed) {
    const list = h('ol', { class: 'item-list', id: `${id}-items` });
    const rows = [];
    const empty = h('p', { class: 'hint', id: `${id}-empty` }, t('list_empty'));
    const addButton = h('button', { type: 'button', class: 'button-secondary-dark', id: `${id}-add`, disabled: this.readOnly,
      onclick: () => { addRow(null); changed(); rows[rows.length - 1].controls[0]?.focusTarget?.focus(); } }, t('list_add', { item: labelOf(field) }));
    const renumber = () => {
      rows.forEach((row, i) => {
        row.legend.textContent = t('list_item', { n: i + 1 });
        row.remove.textContent = t('list_remove', { n: i + 1 });
      });
      empty.hidden = rows.length > 0;
      addButton.disabled = this.readOnly || rows.length >= (field.max_items || Infinity);
    };
    const addRow = (value) => {
      const n = rows.length;
      const rowId = `${id}-${uid++}`;
      const legend = h('legend', {});
      const controls = field.item.fields.map((m) => {
        const memberId = `${rowId}-${m.code}`;
        const c = this.buildControl(m, memberId, `${path}[${n}].${m.code}`, changed);
        const { label } = this.labelFor(m, memberId, c.group ? 'legend' : 'label');
        return { ...c, member: m, label };
      });
      const remove = h('button', { type: 'button', class: 'link-danger', disabled: this.readOnly,
        onclick: () => {
          const i = rows.indexOf(row);
          rows.splice(i, 1);
          row.node.remove();
          renumber();
          this.reindexList(path, rows);
          changed();
          (rows[Math.min(i, rows.length - 1)]?.controls[0]?.focusTarget || addButton).focus();
        } });
      const row = { legend, controls, remove, node: null, errors: [] };
      row.node = h('li', {}, h('fieldset', { class: 'item-row' }, legend,
        h('div', { class: 'item-grid' }, controls.map((c) => {
          const err = h('p', { class: 'field-error', hidden: true, id: `${rowId}-${c.member.code}-err` });
          for (const input of c.inputs) input.setAttribute('aria-describedby', [input.getAttribute('aria-describedby'), err.id].filter(Boolean).join(' '));
          row.errors.push({ code: c.member.code, el: err, inputs: c.inputs });
          return c.group
            ? h('fieldset', { class: 'field' }, c.label, c.node, err)
            : h('div', { class: 'field' }, c.label, c.node, err);
        })), remove));
      rows.push(row);
      list.append(row.node);
      for (const c of controls) c.set(value?.[c.member.code] ?? null);
      renumber();
      this.reindexList(path, rows);
    };
    renumber();
    return { group: true, node: h('div', { class: 'item-editor' }, empty, list, addButton),
      inputs: [addButton], focusTarget: addButton,
      get: () => {
        const items = rows.map((row) => {
          const item = {};
          for (const c of row.controls) { const v = c.get(); if (!isMissing(v)) item[c.member.code] = v; }
          return item;
        });
        return items.length ? items : null;
      },
      set: (v) => {
        rows.splice(0).forEach((row) => row.node.remove());
        for (const item of Array.isArray(v) ? v : []) addRow(item);
        renumber();
      } };
  }

  // Errors of list members are addressed as body_map[2].side: keep those paths in step with rows.
  reindexList(path, rows) {
    for (const key of [...this.errorTargets.keys()]) if (key.startsWith(`${path}[`)) this.errorTargets.delete(key);
    rows.forEach((row, i) => {
      for (const e of row.errors) this.errorTargets.set(`${path}[${i}].${e.code}`, { el: e.el, inputs: e.inputs });
    });
  }

  clearError(code) {
    for (const [path, target] of this.errorTargets) {
      if (path !== code && !path.startsWith(`${code}[`) && !path.startsWith(`${code}.`)) continue;
      target.el.hidden = true;
      target.el.textContent = '';
      for (const input of target.inputs) input.removeAttribute('aria-invalid');
    }
  }

  clearErrors() {
    for (const code of this.controls.keys()) this.clearError(code);
  }

  // Shows each error at its field (the nearest known path: body_map[1].side, else body_map) and
  // returns what was shown, for the error summary: [{error, message, focus, label}].
  showErrors(errors) {
    const shown = [];
    for (const error of errors) {
      let path = error.field;
      while (path && !this.errorTargets.has(path)) {
        const shorter = path.replace(/(\[\d+\]|\.[a-z0-9_]+)$/i, '');
        path = shorter === path ? '' : shorter;
      }
      const target = this.errorTargets.get(path);
      if (!target) continue;
      const top = error.field.match(/^[a-z0-9_]+/i)?.[0];
      const control = this.controls.get(top);
      if (control?.wrap.hidden) control.wrap.hidden = false;
      const message = errorMessage(error, this.def);
      target.el.textContent = target.el.textContent ? `${target.el.textContent} ${message}` : message;
      target.el.hidden = false;
      for (const input of target.inputs) input.setAttribute('aria-invalid', 'true');
      const item = /^[a-z0-9_]+\[(\d+)\]\.([a-z0-9_]+)/i.exec(error.field);
      const member = item && control?.field.item?.fields?.find((m) => m.code === item[2]);
      const label = !control ? error.field : member
        ? `${labelOf(control.field)}, ${t('list_item', { n: Number(item[1]) + 1 })}, ${labelOf(member)}` : labelOf(control.field);
      shown.push({ error, message, focus: target.inputs[0], label });
    }
    return shown;
  }

  focus(code) { this.controls.get(code)?.focusTarget?.focus(); }
}

function fieldDef(def, path) {
  const top = def.fields.find((f) => f.code === path.match(/^[a-z0-9_]+/i)?.[0]);
  const member = /\.([a-z0-9_]+)$/i.exec(path)?.[1];
  return member && top?.item?.fields ? top.item.fields.find((m) => m.code === member) || top : top;
}

// The server's error in the user's language: its stable code names the kind of failure; the
// field's definition gives the bounds; the English message is kept when nothing better is known.
export function errorMessage(error, def) {
  const field = def ? fieldDef(def, error.field) : null;
  const label = (code) => labelOf(def?.fields.find((f) => f.code === code)) || code;
  switch (error.code) {
  case 'required': return t('err_required');
  case 'code_list': return t('err_code_list');
  case 'unknown_field':
  case 'forbidden_field': return t('err_unknown_field');
  case 'range':
    return field && field.min !== undefined ? t('err_range', { min: field.min, max: field.max }) : t('err_range_plain');
  case 'length':
    if (field?.max_length) return t('err_length', { max: field.max_length });
    return t('err_length_items');
  case 'type': {
    const kind = { timestamp: 'err_type_timestamp', date: 'err_type_date', integer: 'err_type_integer' }[field?.type];
    if (kind) return t(kind, { min: field.min, max: field.max });
    return t('err_type');
  }
  case 'rule': {
    let m = /must not be earlier than ([a-z0-9_]+)/.exec(error.message || '');
    if (m) return t('err_rule_order', { other: label(m[1]) });
    if (/in the future/.test(error.message || '')) return t('err_rule_future');
    m = /must be (true|false) when a finding is recorded/.exec(error.message || '');
    if (m) return t(m[1] === 'true' ? 'err_rule_true' : 'err_rule_false');
    m = /cannot combine ([a-z0-9_]+)/.exec(error.message || '');
    if (m) {
      const code = field?.codes?.find((c) => c.code === m[1]);
      return t('err_rule_exclusive', { code: code ? labelOf(code) : m[1] });
    }
    return error.message;
  }
  default: return error.message || error.code;
  }
}

// Formats a stored value of `field` for reading (history, lists).
export function displayValue(field, value) {
  if (value === null || value === undefined) return '–';
  if (!field) return typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (field.identifying) return value === 'present' ? t('reference_present_short') : value === 'replaced' ? t('reference_replaced') : String(value);
  const codeLabel = (c) => labelOf((field.codes || field.allow_codes || []).find((x) => x.code === c)) || String(c);
  switch (field.type) {
  case 'enum': return codeLabel(value);
  case 'multi_enum': return Array.isArray(value) ? value.map(codeLabel).join(', ') : String(value);
  case 'bool': return value === true ? t('yes') : value === false ? t('no') : String(value);
  case 'integer': return typeof value === 'number' ? `${value}${field.unit ? ` ${field.unit}` : ''}` : codeLabel(value);
  case 'timestamp': {
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? String(value) : new Intl.DateTimeFormat(lang() === 'nl' ? 'nl-NL' : 'en-GB',
      { dateStyle: 'medium', timeStyle: 'short' }).format(d);
  }
  case 'list':
    if (!Array.isArray(value)) return String(value);
    if (field.item.type !== 'object') return value.join(' × ');
    return value.map((item) => field.item.fields.map((m) => displayValue(m, item[m.code])).join(', ')).join('; ');
  default: return String(value);
  }
}
