// Field and code labels from the form definition (GET /api/v1/forms/{version}): the newest
// version's labels name every field and code the dashboard shows, in the current language.
import { api } from './api.js';
import { lang } from './i18n.js';

let definition = null;
let byCode = new Map();

export async function loadForm() {
  if (definition) return definition;
  const list = await api('GET', '/api/v1/forms');
  const version = list.current_version;
  if (!Number.isInteger(version)) throw new Error('no form definition');
  definition = await api('GET', `/api/v1/forms/${version}`);
  byCode = new Map((definition.fields || []).map((f) => [f.code, f]));
  return definition;
}

function labelOf(thing) {
  if (!thing) return '';
  return (lang() === 'en' ? thing.label_en : thing.label_nl) || thing.label_nl || thing.code;
}

export function fieldLabel(code) {
  return labelOf(byCode.get(code)) || code;
}

export function codeLabel(fieldCode, code) {
  const field = byCode.get(fieldCode);
  const entry = field?.codes?.find((c) => c.code === code);
  return entry ? labelOf(entry) : code;
}

export function codesOf(fieldCode) {
  return (byCode.get(fieldCode)?.codes || []).map((c) => c.code);
}
