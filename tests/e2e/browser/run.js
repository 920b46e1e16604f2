// Browser tests of the web app (issue 10): sign-in, session handling, the dashboard, its
// accessibility and its disclosure control, in Debian's chromium against a served registry with
// the demo data. Run by CTest (`browser`); screenshots go to REGISTRY_BROWSER_ARTIFACTS.
'use strict';
const assert = require('assert/strict');
const { axeCheck, passwordStep, runSuite, screenshot, watchProblems } = require('./suite');
const { enrolByApi, freshCode, tokenWithSecondFactor } = require('./totp');

const LAPTOP = { width: 1366, height: 768 };
const TABLET = { width: 820, height: 1180 };

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

let registry;
let browser;
const users = {};

// A fresh browser context per test (its own cookies), recording every console error, page error
// and failed request: a CSP violation shows up as a console error and fails the test.
async function open(t, viewport = LAPTOP) {
  const context = await browser.newContext({ viewport, locale: 'nl-NL' });
  const page = await context.newPage();
  watchProblems(t, page);
  t.responses = [];
  page.on('response', (r) => t.responses.push(r));
  t.context = context;
  t.page = page;
  return page;
}

const signIn = (page, account) => passwordStep(page, registry.base, account);

test('the sign-in page is served under a strict CSP, in Dutch, and passes axe-core', async (t) => {
  const page = await open(t);
  const response = await page.goto(`${registry.base}/dashboard?from=2026-01-01`);
  const csp = response.headers()['content-security-policy'];
  assert.match(csp, /script-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  await page.locator('#username').waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'nl');
  assert.equal(await page.locator('h1').textContent(), 'Aanmelden');
  assert.equal(new URL(page.url()).pathname, '/signin');
  await axeCheck(page, 'the sign-in page');
  await screenshot(page, 'signin');
});

test('sign-in works with the keyboard alone', async (t) => {
  const page = await open(t);
  await page.goto(`${registry.base}/`);
  await page.locator('#username').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'username');
  await page.keyboard.type(users.national.username);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'password');
  await page.keyboard.type(users.national.password);
  await page.keyboard.press('Enter');
  await page.locator('#filter-region').waitFor();
  // From the top of the page: the skip link first, then the header's controls, then the filters.
  await page.reload();
  await page.locator('#filter-region').waitFor();
  const order = [];
  for (let i = 0; i < 5; i++) {
    await page.keyboard.press('Tab');
    order.push(await page.evaluate(() => document.activeElement.id || document.activeElement.className));
  }
  assert.deepEqual(order, ['skip-link', 'lang-switch', 'account-link', 'sign-out', 'filter-region']);
});

test('English can be chosen and stays chosen', async (t) => {
  const page = await open(t);
  await page.goto(`${registry.base}/signin`);
  await page.locator('h1', { hasText: 'Aanmelden' }).waitFor();
  await page.locator('#lang-switch').click();
  await page.locator('h1', { hasText: 'Sign in' }).waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal(await page.locator('label[for="password"]').textContent(), 'Password');
  await page.reload();
  await page.locator('h1', { hasText: 'Sign in' }).waitFor();
  await page.locator('#lang-switch').click();
  await page.locator('h1', { hasText: 'Aanmelden' }).waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'nl');
});

test('a wrong password is refused plainly, and the lockout (429) is shown', async (t) => {
  const page = await open(t);
  const victim = users.lockout;
  await page.goto(`${registry.base}/signin`);
  const attempt = async (password) => {
    await page.locator('#username').fill(victim.username);
    await page.locator('#password').fill(password);
    const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/sessions');
    await page.locator('form.signin-form button[type="submit"]').click();
    const status = (await answered).status();
    await page.locator('form.signin-form button[type="submit"]:not([disabled])').waitFor();
    return status;
  };
  for (let i = 0; i < 5; i++) {
    assert.equal(await attempt('not the password'), 401);
    assert.equal(await page.locator('#signin-error').textContent(), 'De gebruikersnaam of het wachtwoord is onjuist.');
  }
  // Locked: even the right password is refused now, and the page says so plainly.
  assert.equal(await attempt(victim.password), 429);
  assert.match(await page.locator('#signin-error').textContent(), /geblokkeerd/);
  assert.match(await page.locator('#signin-error').textContent(), /probeer het over \d+ minuten opnieuw/);
  await screenshot(page, 'signin-locked');
});

test('the session lives in an HttpOnly SameSite=Strict cookie that script cannot read', async (t) => {
  const page = await open(t);
  await signIn(page, users.leadOb);
  await page.locator('h1', { hasText: 'Dashboard' }).waitFor();
  const cookies = await t.context.cookies();
  const session = cookies.find((c) => c.name === 'registry_session');
  assert.ok(session, 'a session cookie is set');
  assert.equal(session.httpOnly, true);
  assert.equal(session.sameSite, 'Strict');
  assert.equal(await page.evaluate(() => document.cookie), '');
  // A state-changing request with the cookie but without the CSRF token is refused.
  const status = await page.evaluate(async () => (await fetch('/api/v1/sessions/current', { method: 'DELETE' })).status);
  assert.equal(status, 403);
});

test('sign-out ends the session: back to sign-in, and the old cookie no longer works', async (t) => {
  const page = await open(t);
  await signIn(page, users.leadOb);
  await page.locator('#sign-out').waitFor({ state: 'visible' });
  const before = (await t.context.cookies()).find((c) => c.name === 'registry_session');
  await page.locator('#sign-out').click();
  await page.locator('#signin-notice', { hasText: 'afgemeld' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/signin');
  assert.equal((await t.context.cookies()).some((c) => c.name === 'registry_session'), false);
  const reuse = await fetch(`${registry.base}/api/v1/me`, { headers: { Cookie: `registry_session=${before.value}` } });
  assert.equal(reuse.status, 401);
  await page.goto(`${registry.base}/dashboard`);
  await page.locator('#username').waitFor();
});

test('an expired session returns to sign-in with a message, and back to the same view after', async (t) => {
  const page = await open(t);
  await signIn(page, users.leadOb);
  await page.locator('h1', { hasText: 'Dashboard' }).waitFor();
  await page.locator('#filter-apply').waitFor();
  registry.expireSessions(users.leadOb.username);
  // The next request the page makes finds the session gone.
  await page.locator('input[name="granularity"][value="quarter"]').click();
  await page.locator('#signin-notice', { hasText: 'verlopen' }).waitFor();
  const url = new URL(page.url());
  assert.equal(url.pathname, '/signin');
  assert.match(url.searchParams.get('next'), /^\/dashboard\?.*granularity=quarter/);
  await screenshot(page, 'signin-expired');
  await page.locator('#username').fill(users.leadOb.username);
  await page.locator('#password').fill(users.leadOb.password);
  await page.locator('form.signin-form button[type="submit"]').click();
  await page.locator('h1', { hasText: 'Dashboard' }).waitFor();
  assert.equal(await page.locator('input[name="granularity"][value="quarter"]').isChecked(), true);
});

test('the URL holds the filters: a bookmarked view opens as it was, and the API is asked for it', async (t) => {
  const page = await open(t);
  await signIn(page, users.national);
  await page.locator('#filter-apply').waitFor();
  const asked = page.waitForRequest((r) => r.url().includes('/api/v1/dashboard?') && r.url().includes('granularity=quarter'));
  await page.goto(`${registry.base}/dashboard?region=oost_nederland&from=2026-01-01&to=2026-06-30&granularity=quarter`);
  const request = new URL((await asked).url());
  assert.equal(request.searchParams.get('region'), 'oost_nederland');
  assert.equal(request.searchParams.get('from'), '2026-01-01');
  assert.equal(request.searchParams.get('to'), '2026-06-30');
  assert.equal(await page.locator('#filter-region').inputValue(), 'oost_nederland');
  assert.equal(await page.locator('#filter-from').inputValue(), '2026-01-01');
  assert.equal(await page.locator('#filter-to').inputValue(), '2026-06-30');
  assert.equal(await page.locator('input[name="granularity"][value="quarter"]').isChecked(), true);
  // Changing a filter rewrites the URL; Back returns to the previous filters.
  await page.locator('#filter-region').selectOption('midden_nederland');
  await page.waitForURL(/region=midden_nederland/);
  await page.goBack();
  await page.waitForURL(/region=oost_nederland/);
  await page.waitForFunction(() => document.querySelector('#filter-region')?.value === 'oost_nederland');
  // A start after the end is refused in the form, not sent.
  await page.locator('#filter-from').fill('2026-07-01');
  await page.locator('#filter-apply').click();
  await page.locator('#filter-error').waitFor();
  assert.match(new URL(page.url()).search, /from=2026-01-01/);
});

test('a regional pilot lead is offered only their own region', async (t) => {
  const page = await open(t);
  await signIn(page, users.leadOb);
  await page.locator('#filter-region').waitFor();
  assert.deepEqual(await page.locator('#filter-region option').evaluateAll((os) => os.map((o) => o.value)), ['oost_brabant']);
  assert.equal(await page.locator('#filter-region').isDisabled(), true);
  // Another region in a bookmarked URL is replaced by their own.
  const asked = page.waitForRequest((r) => r.url().includes('/api/v1/dashboard?'));
  await page.goto(`${registry.base}/dashboard?region=midden_nederland`);
  assert.equal(new URL((await asked).url()).searchParams.get('region'), 'oost_brabant');
  assert.match(page.url(), /region=oost_brabant/);
});

// The dashboard's figures as the page received them: the body of its last dashboard response.
async function dashboardAfter(page, action) {
  const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/dashboard' && r.status() === 200);
  await action();
  const response = await answered;
  const body = await response.json();
  await page.locator('#kpi-exams').waitFor();
  return { body, url: new URL(response.url()) };
}

// What the page shows (innerText: not the hidden tooltips), whitespace folded.
const text = async (page, selector) => (await page.locator(selector).innerText()).replace(/\s+/g, ' ').trim();
const nl = (v, digits = 0) => new Intl.NumberFormat('nl-NL', { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(v);
const pct = (v) => `${nl(v * 100)}%`;

// Exams the report counts (submitted or locked), straight from the database.
function examsInDb(region, from, to) {
  return Number(registry.query(`SELECT count(*) FROM exams WHERE status IN ('submitted', 'locked')
    ${region ? `AND region = '${region}'` : ''}
    AND (exam_at AT TIME ZONE 'Europe/Amsterdam')::date BETWEEN '${from}' AND '${to}'`));
}

test('a pilot lead of one region sees only that region in the filter and in the numbers', async (t) => {
  const page = await open(t);
  const { body, url } = await dashboardAfter(page, () => signIn(page, users.leadOb));
  assert.deepEqual(body.regions, ['oost_brabant']);
  assert.equal(url.searchParams.get('region'), 'oost_brabant');
  const expected = examsInDb('oost_brabant', url.searchParams.get('from'), url.searchParams.get('to'));
  assert.ok(expected >= 10, 'the demo data has enough exams in Oost-Brabant to show');
  assert.equal(body.kpis.exams, expected);
  assert.equal(await text(page, '#kpi-exams .kpi-value'), nl(expected));
  // The exams chart's table has one region column, Oost-Brabant, and no total.
  await page.locator('#chart-exams summary').click();
  assert.deepEqual(await page.locator('#chart-exams thead th').allTextContents(), ['Periode', 'Oost-Brabant']);
  await axeCheck(page, 'the dashboard of a regional lead');
  await screenshot(page, 'dashboard-regional-lead');
});

test('changing the period changes the numbers to the values that the API gives', async (t) => {
  const page = await open(t);
  const first = await dashboardAfter(page, () => signIn(page, users.national));
  const before = await text(page, '#kpi-exams .kpi-value');
  assert.equal(before, nl(first.body.kpis.exams));
  const { body, url } = await dashboardAfter(page, async () => {
    await page.locator('#filter-from').fill('2026-04-01');
    await page.locator('#filter-to').fill('2026-09-30');
    await page.locator('#filter-apply').click();
  });
  assert.equal(url.searchParams.get('from'), '2026-04-01');
  assert.equal(url.searchParams.get('to'), '2026-09-30');
  assert.match(page.url(), /from=2026-04-01&to=2026-09-30/);
  assert.equal(body.kpis.exams, examsInDb('', '2026-04-01', '2026-09-30'));
  assert.notEqual(body.kpis.exams, first.body.kpis.exams);
  // Every tile shows what the API sent: its number, or the mark when suppressed.
  const shown = async (id, cell, format) => {
    const value = await text(page, `#${id} .kpi-value`);
    if (cell && typeof cell === 'object') assert.match(value, /^x \(onderdrukt\)$/, id);
    else if (cell === null) assert.equal(value, '–', id);
    else assert.equal(value, format(cell), id);
  };
  await shown('kpi-exams', body.kpis.exams, (v) => nl(v));
  await shown('kpi-median-hours', body.kpis.median_hours_report_to_exam, (v) => `${nl(v, 1)} uur`);
  await shown('kpi-within-48h', body.kpis.share_within_48h, pct);
  await shown('kpi-internal-only', body.kpis.share_internal_only, pct);
  await shown('kpi-laryngoscopy', body.kpis.laryngoscopy_rate, pct);
  await shown('kpi-imaging', body.kpis.imaging_rate, pct);
  await shown('kpi-aangifte', body.kpis.aangifte_rate, pct);
  await shown('kpi-om', body.kpis.om_decided, (v) => nl(v));
  await shown('kpi-conviction', body.kpis.conviction_rate, pct);
  await shown('kpi-completeness', body.kpis.completeness, pct);
  // The 48 h target colours the timeliness tiles, and says so in words.
  const median = body.kpis.median_hours_report_to_exam;
  if (typeof median === 'number') {
    assert.match(await page.getAttribute('#kpi-median-hours', 'class'), median <= 48 ? /kpi-good/ : /kpi-bad/);
    assert.match(await text(page, '#kpi-median-hours .kpi-sub'), median <= 48 ? /binnen de 48-uursnorm/ : /boven/);
  }
  // The funnel's table holds the API's numbers in the API's order.
  await page.locator('#chart-funnel summary').click();
  const funnel = await page.locator('#chart-funnel tbody td').allInnerTexts();
  assert.deepEqual(funnel.map((v) => v.replace(/\s+/g, ' ').trim()),
    body.charts.justice_funnel.values.map((v) => (typeof v === 'number' ? nl(v) : v === null ? '–' : 'x (onderdrukt)')));
});

test('a suppressed cell shows the suppression mark, and its raw value is in no network response', async (t) => {
  const page = await open(t);
  const { body, url } = await dashboardAfter(page, () => signIn(page, users.national));
  // A suppressed month of a region, and what it really holds.
  const chart = body.charts.exams_per_period;
  let target = null;
  for (const s of chart.series) {
    s.values.forEach((v, i) => { if (!target && v && typeof v === 'object') target = { region: s.region, index: i }; });
  }
  assert.ok(target, 'the demo data has a suppressed month');
  const period = chart.periods[target.index];
  const [y, m] = period.split('-').map(Number);
  const last = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
  const raw = examsInDb(target.region, `${period}-01`, last < url.searchParams.get('to') ? last : url.searchParams.get('to'));
  assert.ok(raw > 0, `the suppressed cell ${target.region} ${period} holds exams`);

  // On the page: the mark in the chart's table, explained on hover and on keyboard focus.
  await page.locator('#chart-exams summary').click();
  const columns = await page.locator('#chart-exams thead th').allTextContents();
  const regionName = await page.evaluate(async (code) => (await import('/js/forms.js')).codeLabel('region', code), target.region);
  const column = columns.indexOf(regionName);
  assert.ok(column > 0, `column of ${regionName}`);
  const cell = page.locator('#chart-exams tbody tr').nth(target.index).locator('td').nth(column - 1);
  assert.equal((await cell.innerText()).replace(/\s+/g, ' ').trim(), 'x (onderdrukt)');
  const mark = cell.locator('button.suppressed');
  const tip = cell.locator('[role="tooltip"]');
  assert.equal(await tip.isVisible(), false);
  await mark.hover();
  await tip.waitFor({ state: 'visible' });
  assert.match(await tip.textContent(), /minder dan 10 waarnemingen/);
  await page.mouse.move(0, 0);
  await tip.waitFor({ state: 'hidden' });
  await mark.focus();
  await tip.waitFor({ state: 'visible' });
  assert.equal(await mark.getAttribute('aria-describedby'), await tip.getAttribute('id'));
  await page.keyboard.press('Escape');
  await tip.waitFor({ state: 'hidden' });
  await screenshot(page, 'dashboard-suppressed-cell');

  // In the network: every JSON response is walked; a suppressed figure is {"suppressed": true}
  // and nothing else, and the suppressed cell is suppressed in every dashboard response.
  let dashboards = 0;
  for (const response of t.responses) {
    if (!(response.headers()['content-type'] || '').startsWith('application/json')) continue;
    const json = await response.json().catch(() => null);
    if (json === null) continue;
    const walk = (v) => {
      if (Array.isArray(v)) return v.forEach(walk);
      if (v && typeof v === 'object') {
        if ('suppressed' in v) assert.deepEqual(v, { suppressed: true }, `a mark in ${response.url()}`);
        Object.values(v).forEach(walk);
      }
    };
    walk(json);
    if (new URL(response.url()).pathname === '/api/v1/dashboard') {
      dashboards++;
      const series = json.charts.exams_per_period.series.find((s) => s.region === target.region);
      assert.deepEqual(series.values[json.charts.exams_per_period.periods.indexOf(period)], { suppressed: true });
      assert.equal(JSON.stringify(json).includes('record_count'), false);
    }
  }
  assert.ok(dashboards >= 1);
});

test('the dashboard passes axe-core on a laptop and a tablet, in Dutch and in English', async (t) => {
  for (const [name, viewport] of [['laptop', LAPTOP], ['tablet', TABLET]]) {
    const page = await open(t, viewport);
    await dashboardAfter(page, () => signIn(page, users.national));
    await screenshot(page, `dashboard-${name}`);
    for (const summary of await page.locator('details summary').all()) await summary.click();
    await axeCheck(page, `the dashboard (${name}, tables open)`);
    // Nothing runs off the side of the screen.
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `no sideways scrolling on the ${name}`);
    if (name === 'laptop') {
      await screenshot(page, 'dashboard-tables');
      await dashboardAfter(page, () => page.locator('#lang-switch').click());
      assert.equal(await page.getAttribute('html', 'lang'), 'en');
      assert.equal(await text(page, 'h1'), 'Strangulation pilot dashboard');
      // Field and code labels come from the form definition, in English.
      assert.equal(await text(page, '#kpi-laryngoscopy-label'), 'Laryngoscopy performed');
      assert.equal(await text(page, '#kpi-om-label'), 'Prosecution decision');
      await axeCheck(page, 'the dashboard in English');
      await screenshot(page, 'dashboard-english');
      await page.locator('#lang-switch').click();
    }
    await t.context.close();
  }
});

test('a doctor and a researcher cannot open the dashboard', async (t) => {
  for (const account of [users.doctor, users.researcher]) {
    const page = await open(t);
    await signIn(page, account);
    // A researcher must use a second factor (auth.require_2fa_roles keeps its default here).
    if (account.key) {
      await page.locator('#code').fill(await freshCode(account));
      await page.locator('#code-form button[type="submit"]').click();
    }
    // A doctor's home is their exam list (issue 11); the dashboard is opened by its address.
    if (account.role === 'forensic_doctor') {
      await page.locator('#new-exam').waitFor();
      await page.goto(`${registry.base}/dashboard`);
    }
    await page.locator('#no-access').waitFor();
    assert.match(await page.locator('#no-access').textContent(), new RegExp(account.role));
    assert.equal(await page.locator('#filter-region').count(), 0);
    const token = account.key ? await tokenWithSecondFactor(registry, account) : await registry.token(account);
    const direct = await registry.api('GET', '/api/v1/dashboard', { token });
    assert.equal(direct.status, 403);
    await t.context.close();
  }
});

runSuite(tests, {
  label: 'browser tests',
  setup: async (started, launched) => {
    registry = started;
    browser = launched;
    users.leadOb = registry.addUser('lead.ob.browser', 'pilot_lead', 'oost_brabant');
    users.doctor = registry.addUser('doctor.browser', 'forensic_doctor', 'oost_brabant');
    users.researcher = await enrolByApi(registry, registry.addUser('researcher.browser', 'researcher', ''));
    users.lockout = registry.addUser('lockout.browser', 'pilot_lead', 'midden_nederland');
    users.national = registry.accounts['demo.lead'];
  },
}).catch((e) => { console.error(e); process.exitCode = 1; });
