// The app's own words in Dutch (default) and English. Field and code labels are not here:
// they come from the form definition (forms.js), so that the form stays their one source.
const STRINGS = {
  nl: {
    app_title: 'Verwurgingsregister',
    skip_to_content: 'Naar de inhoud',
    account_nav: 'Account',
    loading: 'Laden…',
    sign_out: 'Afmelden',
    switch_language: 'English',
    signin_title: 'Aanmelden',
    signin_intro: 'Meld u aan met uw account van het register.',
    username: 'Gebruikersnaam',
    password: 'Wachtwoord',
    signin_submit: 'Aanmelden',
    signin_busy: 'Bezig met aanmelden…',
    signin_failed: 'De gebruikersnaam of het wachtwoord is onjuist.',
    signin_locked: 'Te veel mislukte pogingen. Aanmelden met deze naam is tijdelijk geblokkeerd; probeer het over {minutes} minuten opnieuw.',
    signin_missing: 'Vul uw gebruikersnaam en wachtwoord in.',
    session_expired: 'Uw sessie is verlopen. Meld u opnieuw aan.',
    signed_out: 'U bent afgemeld.',
    network_error: 'Het register is niet bereikbaar. Probeer het later opnieuw.',
    server_error: 'Er ging iets mis in het register (referentie {id}).',
    no_access_title: 'Geen toegang',
    no_access: 'Met uw rol ({role}) heeft u geen toegang tot het dashboard. Het dashboard is er voor projectleiders en LOEF.',
    dashboard_title: 'Dashboard pilot verwurging',
    filters: 'Filters',
    region: 'Regio',
    all_regions: 'Alle regio’s',
    period_from: 'Van',
    period_to: 'Tot en met',
    granularity: 'Indeling',
    month: 'Maand',
    quarter: 'Kwartaal',
    apply: 'Toon',
    invalid_period: 'De begindatum ligt na de einddatum.',
    dashboard_unavailable: 'De cijfers voor het dashboard zijn nog niet beschikbaar ({detail}).',
    kpis: 'Kerncijfers',
    kpi_exams: 'Onderzoeken in de periode',
    kpi_median_hours: 'Mediaan uren melding → onderzoek',
    kpi_within_48h: 'Binnen 48 uur onderzocht',
    kpi_internal_only: 'Alleen inwendig letsel',
    kpi_om_taken: 'genomen',
    kpi_conviction_sub: 'van de afgedane zaken',
    kpi_completeness: 'Volledigheid formulier',
    kpi_completeness_sub: 'mediaan per onderzoek',
    target_met: 'binnen de 48-uursnorm',
    target_missed: 'boven de 48-uursnorm',
    hours: '{value} uur',
    of_n: 'van {n}',
    chart_exams: 'Onderzoeken per {period} per regio',
    chart_hours: 'Uren van melding tot onderzoek',
    chart_funnel: 'Justitiële keten',
    chart_yield: 'Opbrengst van het onderzoek',
    show_table: 'Tabel met de cijfers',
    period: 'Periode',
    hours_axis: 'Uren na de melding',
    share_examined: 'Aandeel onderzocht',
    within_hours: 'Binnen {hours} uur onderzocht',
    median: 'Mediaan',
    quantile: '{q}e percentiel',
    measure: 'Maat',
    value: 'Waarde',
    share: 'Aandeel',
    count: 'Aantal',
    stage: 'Stap',
    category: 'Bevinding',
    total: 'Totaal',
    stage_exams: 'Onderzoeken',
    yield_visible_sign: 'Zichtbaar letsel',
    yield_internal_only: 'Alleen inwendig letsel',
    yield_no_finding: 'Geen bevinding',
    line_48h: '48-uursnorm',
    suppressed_label: 'onderdrukt',
    suppressed_explain: 'Onderdrukt (celonderdrukking): minder dan {min} waarnemingen, of weggelaten zodat een onderdrukte cel niet uit andere cijfers terug te rekenen is; zo’n cel kan dan ook meer dan {max} bevatten.',
    suppression_footnote: '{mark} = onderdrukt om herleidbaarheid te voorkomen: aantallen van 1 tot en met {max} en percentages of medianen over minder dan {min} onderzoeken worden niet getoond, en soms een extra cel zodat geen enkele onderdrukte waarde terug te rekenen is.',
    provenance: 'Gegenereerd {at} · formulierversie {versions} · gegevens-hash {digest}',
    loaded: 'Cijfers bijgewerkt.',
  },
  en: {
    app_title: 'Strangulation registry',
    skip_to_content: 'Skip to content',
    account_nav: 'Account',
    loading: 'Loading…',
    sign_out: 'Sign out',
    switch_language: 'Nederlands',
    signin_title: 'Sign in',
    signin_intro: 'Sign in with your registry account.',
    username: 'Username',
    password: 'Password',
    signin_submit: 'Sign in',
    signin_busy: 'Signing in…',
    signin_failed: 'The username or password is incorrect.',
    signin_locked: 'Too many failed attempts. Signing in with this name is blocked for now; try again in {minutes} minutes.',
    signin_missing: 'Enter your username and password.',
    session_expired: 'Your session has expired. Please sign in again.',
    signed_out: 'You have signed out.',
    network_error: 'The registry cannot be reached. Please try again later.',
    server_error: 'Something went wrong in the registry (reference {id}).',
    no_access_title: 'No access',
    no_access: 'Your role ({role}) has no access to the dashboard. The dashboard is for pilot leads and LOEF.',
    dashboard_title: 'Strangulation pilot dashboard',
    filters: 'Filters',
    region: 'Region',
    all_regions: 'All regions',
    period_from: 'From',
    period_to: 'To (inclusive)',
    granularity: 'Group by',
    month: 'Month',
    quarter: 'Quarter',
    apply: 'Show',
    invalid_period: 'The start date is after the end date.',
    dashboard_unavailable: 'The dashboard figures are not available yet ({detail}).',
    kpis: 'Key figures',
    kpi_exams: 'Exams in the period',
    kpi_median_hours: 'Median hours report → exam',
    kpi_within_48h: 'Examined within 48 hours',
    kpi_internal_only: 'Internal injury only',
    kpi_om_taken: 'taken',
    kpi_conviction_sub: 'of decided cases',
    kpi_completeness: 'Form completeness',
    kpi_completeness_sub: 'median per exam',
    target_met: 'within the 48-hour target',
    target_missed: 'over the 48-hour target',
    hours: '{value} h',
    of_n: 'of {n}',
    chart_exams: 'Exams per {period} per region',
    chart_hours: 'Hours from report to exam',
    chart_funnel: 'Justice funnel',
    chart_yield: 'Findings yield',
    show_table: 'Table of the figures',
    period: 'Period',
    hours_axis: 'Hours after the report',
    share_examined: 'Share examined',
    within_hours: 'Examined within {hours} hours',
    median: 'Median',
    quantile: '{q}th percentile',
    measure: 'Measure',
    value: 'Value',
    share: 'Share',
    count: 'Count',
    stage: 'Stage',
    category: 'Finding',
    total: 'Total',
    stage_exams: 'Exams',
    yield_visible_sign: 'Visible injury',
    yield_internal_only: 'Internal injury only',
    yield_no_finding: 'No finding',
    line_48h: '48-hour target',
    suppressed_label: 'suppressed',
    suppressed_explain: 'Suppressed (statistical disclosure control): fewer than {min} observations, or withheld so that no suppressed cell can be worked out from the other figures; such a cell may also hold more than {max}.',
    suppression_footnote: '{mark} = suppressed to prevent identification: counts from 1 to {max}, and percentages or medians over fewer than {min} exams, are not shown, and sometimes one more cell so that no suppressed value can be worked out.',
    provenance: 'Generated {at} · form version {versions} · data digest {digest}',
    loaded: 'Figures updated.',
  },
};

const STORAGE_KEY = 'registry.lang';
let current = 'nl';
try {
  const saved = window.localStorage.getItem(STORAGE_KEY);  // a preference, not a secret
  if (saved === 'en' || saved === 'nl') current = saved;
} catch (e) { /* storage disabled: Dutch */ }

export function lang() { return current; }

export function setLang(code) {
  current = code === 'en' ? 'en' : 'nl';
  try { window.localStorage.setItem(STORAGE_KEY, current); } catch (e) { /* ignore */ }
  document.documentElement.lang = current;
}

export function t(key, params = {}) {
  const text = STRINGS[current][key] ?? STRINGS.nl[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

// Static text in index.html carries data-i18n keys.
export function translateStatic(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-aria-label]')) el.setAttribute('aria-label', t(el.dataset.i18nAriaLabel));
  document.title = t('app_title');
}

const numberFormats = {};
export function formatNumber(value, digits = 0) {
  const key = `${current}:${digits}`;
  numberFormats[key] ??= new Intl.NumberFormat(current === 'nl' ? 'nl-NL' : 'en-GB',
    { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return numberFormats[key].format(value);
}

export function formatPercent(share) {
  return `${formatNumber(share * 100, 0)}%`;
}

export function formatDateTime(iso) {
  return new Intl.DateTimeFormat(current === 'nl' ? 'nl-NL' : 'en-GB',
    { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}
