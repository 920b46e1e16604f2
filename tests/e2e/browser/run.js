// Browser tests of the web app (issue 10): sign-in, session handling, the dashboard, its
// accessibility and its disclosure control, in Debian's chromium against a served registry with
// the demo data. Run by CTest (`browser`); screenshots go to REGISTRY_BROWSER_ARTIFACTS.
'use strict';
const assert = require('assert/strict');
const fs = require('fs');
const path = require('path');
const { Registry, launchBrowser, SOURCE } = require('./harness');

const ARTIFACTS = process.env.REGISTRY_BROWSER_ARTIFACTS || path.join(SOURCE, 'build', 'browser-artifacts');
const AXE = fs.readFileSync(path.join(SOURCE, 'server/web/node_modules/axe-core/axe.min.js'), 'utf8');
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
  t.problems = [];
  page.on('console', (m) => {
    // Chromium logs every 4xx answer as an error; the tests check those answers themselves.
    if (m.type() === 'error' && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) {
      t.problems.push(`console: ${m.text()}`);
    }
  });
  page.on('pageerror', (e) => t.problems.push(`page error: ${e.message}`));
  t.responses = [];
  page.on('response', (r) => t.responses.push(r));
  t.context = context;
  t.page = page;
  return page;
}

async function signIn(page, account) {
  await page.goto(`${registry.base}/`);
  await page.locator('#username').fill(account.username);
  await page.locator('#password').fill(account.password);
  await page.locator('form.signin-form button[type="submit"]').click();
}

async function axeCheck(page, what) {
  await page.evaluate(AXE);
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    resultTypes: ['violations'],
  }));
  const found = result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  assert.deepEqual(found, [], `axe-core found WCAG 2.1 A/AA violations on ${what}`);
}

async function screenshot(page, name) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

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
  for (let i = 0; i < 4; i++) {
    await page.keyboard.press('Tab');
    order.push(await page.evaluate(() => document.activeElement.id || document.activeElement.className));
  }
  assert.deepEqual(order, ['skip-link', 'lang-switch', 'sign-out', 'filter-region']);
});

test('English can be chosen and stays chosen', async (t) => {
  const page = await open(t);
  await page.goto(`${registry.base}/signin`);
  await page.locator('#lang-switch').click();
  assert.equal(await page.locator('h1').textContent(), 'Sign in');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await page.reload();
  assert.equal(await page.locator('h1').textContent(), 'Sign in');
  await page.locator('#lang-switch').click();
  assert.equal(await page.locator('h1').textContent(), 'Aanmelden');
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
  await page.locator('input[name="granularity"][value="quarter"]').check();
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

test('a doctor and a researcher cannot open the dashboard', async (t) => {
  for (const account of [users.doctor, users.researcher]) {
    const page = await open(t);
    await signIn(page, account);
    await page.locator('#no-access').waitFor();
    assert.match(await page.locator('#no-access').textContent(), new RegExp(account.role));
    assert.equal(await page.locator('#filter-region').count(), 0);
    const direct = await registry.api('GET', '/api/v1/dashboard', { token: await registry.token(account) });
    assert.equal(direct.status, 403);
    await t.context.close();
  }
});

async function main() {
  const only = process.argv[2] ? new RegExp(process.argv[2]) : null;
  registry = await new Registry().start();
  let failed = 0;
  try {
    users.leadOb = registry.addUser('lead.ob.browser', 'pilot_lead', 'oost_brabant');
    users.doctor = registry.addUser('doctor.browser', 'forensic_doctor', 'oost_brabant');
    users.researcher = registry.addUser('researcher.browser', 'researcher', '');
    users.lockout = registry.addUser('lockout.browser', 'pilot_lead', 'midden_nederland');
    users.national = registry.accounts['demo.lead'];
    browser = await launchBrowser();
    for (const { name, fn } of tests) {
      if (only && !only.test(name)) continue;
      const t = {};
      const started = Date.now();
      try {
        await fn(t);
        assert.deepEqual(t.problems || [], [], 'console errors, page errors or CSP violations');
        console.log(`ok   ${name} (${Date.now() - started} ms)`);
      } catch (e) {
        failed++;
        if (t.page && !t.page.isClosed()) await screenshot(t.page, `FAILED-${name.replace(/\W+/g, '-').slice(0, 60)}`).catch(() => {});
        console.log(`FAIL ${name}\n     ${String(e.stack || e).split('\n').join('\n     ')}`);
      } finally {
        if (t.context) await t.context.close().catch(() => {});
      }
    }
  } finally {
    if (browser) await browser.close();
    await registry.stop();
  }
  console.log(failed ? `${failed} browser test(s) failed` : 'all browser tests passed');
  process.exitCode = failed ? 1 : 0;
}

main().catch((e) => { console.error(e); process.exitCode = 1; });
