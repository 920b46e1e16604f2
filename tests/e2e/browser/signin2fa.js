// Browser tests of the two-step sign-in and the account page (issue 13, web part): enrolment of
// a TOTP second factor (forced for a mandatory role), sign-in with password and code, a wrong
// code, recovery codes, the lockout, the challenge running out, the user's own sessions, focus
// after route changes, and axe-core on the new pages. The registry runs with the default
// auth.require_2fa_roles (admin,loef,researcher). Codes are computed here from the secret the
// enrolment page showed, with RFC 6238 implemented on node's crypto, as a phone would.
// Run by CTest (`browser_signin2fa`); screenshots go to REGISTRY_BROWSER_ARTIFACTS.
'use strict';
const assert = require('assert/strict');
const suite = require('./suite');
const { axeCheck, runSuite, screenshot, watchProblems } = suite;
const { base32Decode, checkRfc6238Vectors, currentStep, enrolByApi, freshCode, totpAt, wrongCode } = require('./totp');

const LAPTOP = { width: 1366, height: 768 };

// --- harness -------------------------------------------------------------------------------
const tests = [];
const test = (name, fn) => tests.push({ name, fn });
let registry;
let browser;
const users = {};

async function open(t, { clock = false } = {}) {
  const context = await browser.newContext({ viewport: LAPTOP, locale: 'nl-NL', timezoneId: 'Europe/Amsterdam' });
  const page = await context.newPage();
  if (clock) await page.clock.install();
  watchProblems(t, page);
  t.contexts = [...(t.contexts || []), context];
  t.page = page;
  return page;
}

const passwordStep = (page, account) => suite.passwordStep(page, registry.base, account);

async function codeStep(page, code) {
  await page.locator('#code').waitFor();
  await page.locator('#code').fill(code);
  const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/sessions/second-factor');
  await page.locator('#code-form button[type="submit"]').click();
  const status = (await answered).status();
  // A refusal leaves the form, ready again; a success replaces it with the next page.
  if (status !== 201) await page.locator('#code-form button[type="submit"]:not([disabled])').waitFor();
  return status;
}

// The page moves the focus once it has rendered, which can be a moment after its h1 appears.
const focusOnHeading = (page) => page.waitForFunction(() => document.activeElement?.tagName === 'H1', null, { timeout: 5000 });

const activeId = (page) => page.evaluate(() => document.activeElement && (document.activeElement.id || document.activeElement.tagName));

// --- tests ---------------------------------------------------------------------------------
test('the test computes RFC 6238 codes correctly (appendix B, SHA-1)', async () => {
  checkRfc6238Vectors();
});

test('a mandatory-role user is forced to enrol, and then reaches their page', async (t) => {
  const page = await open(t);
  const account = users.loef;
  await passwordStep(page, account);
  await page.locator('#enrol-required').waitFor();
  assert.equal(new URL(page.url()).pathname, '/account/two-factor');
  assert.equal(await page.locator('h1').textContent(), 'Account en beveiliging');
  // After the route change the focus is on the page's heading.
  await focusOnHeading(page);
  // No way out but enrolment: the account link is hidden and another page sends back here.
  assert.equal(await page.locator('#account-link').isVisible(), false);
  await page.locator('#qr-code').waitFor();
  assert.ok(await page.locator('#qr-code').evaluate((img) => img.complete && img.naturalWidth > 0), 'the QR code is drawn');
  const uri = await page.locator('#otpauth-uri').textContent();
  assert.match(uri, /^otpauth:\/\/totp\/[^?]+\?.*secret=[A-Z2-7]+/);
  const secret = await page.locator('#totp-secret').textContent();
  assert.equal(new URL(uri).searchParams.get('secret'), secret);
  await axeCheck(page, 'the enrolment page');
  await screenshot(page, 'enrol-qr');

  await page.goto(`${registry.base}/dashboard`);
  await page.locator('#enrol-required').waitFor();
  assert.equal(new URL(page.url()).pathname, '/account/two-factor');
  const direct = await page.evaluate(async () => (await fetch('/api/v1/dashboard')).status);
  assert.equal(direct, 403);
  await page.locator('#qr-code').waitFor();
  // The reload started a new enrolment: its secret replaced the first one.
  const key = base32Decode(await page.locator('#totp-secret').textContent());

  // A wrong code is refused, and the error takes the focus.
  const step = await currentStep();
  await page.locator('#confirm-code').fill(wrongCode(key, step));
  await page.locator('#confirm-form button[type="submit"]').click();
  await page.locator('#confirm-error').waitFor();
  assert.match(await page.locator('#confirm-error').textContent(), /klopt niet/);
  assert.equal(await activeId(page), 'confirm-error');

  await page.locator('#confirm-code').fill(totpAt(key, step));
  await page.locator('#confirm-form button[type="submit"]').click();
  await page.locator('#recovery-codes').waitFor();
  const codes = await page.locator('#recovery-codes li').allTextContents();
  assert.equal(codes.length, 10);
  assert.equal(new Set(codes).size, 10);
  assert.match(await page.locator('#codes-warning').textContent(), /nu.*één keer getoond/);
  assert.equal(await activeId(page), 'codes-title');
  await axeCheck(page, 'the recovery codes');
  await screenshot(page, 'enrol-recovery-codes');
  // The codes are shown once: the server keeps only their hashes.
  const where = `user_id = (SELECT id FROM users WHERE username = '${account.username}')`;
  assert.equal(registry.query(`SELECT count(*) FROM recovery_codes WHERE ${where}`), '10');
  const clear = codes.flatMap((c) => [c, c.replace(/[^0-9a-z]/gi, '').toLowerCase()]).map((c) => `'${c.replace(/'/g, '')}'`);
  assert.equal(registry.query(`SELECT count(*) FROM recovery_codes WHERE ${where} AND code_hash IN (${clear.join(',')})`), '0');

  assert.equal(await page.locator('#enrol-continue').isDisabled(), true);
  await page.locator('#codes-saved').check();
  await page.locator('#enrol-continue').click();
  await page.locator('h1', { hasText: 'Dashboard' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/dashboard');
  assert.equal(await page.locator('#account-link').isVisible(), true);
  users.loefEnrolled = { ...account, key, lastStep: step, recoveryCodes: codes };
});

test('a user with a second factor signs in with password and code', async (t) => {
  const account = users.loefEnrolled;
  assert.ok(account, 'needs the enrolment test');
  const page = await open(t);
  await passwordStep(page, account);
  await page.locator('#code').waitFor();
  assert.equal(await page.locator('h1').textContent(), 'Aanmeldcode');
  assert.equal(await activeId(page), 'code');
  // The password step opened no session.
  assert.equal((await t.contexts[0].cookies()).some((c) => c.name === 'registry_session'), false);
  await axeCheck(page, 'the code step');
  await screenshot(page, 'signin-code');
  assert.equal(await codeStep(page, await freshCode(account)), 201);
  await page.locator('h1', { hasText: 'Dashboard' }).waitFor();
  await focusOnHeading(page);
  const session = (await t.contexts[0].cookies()).find((c) => c.name === 'registry_session');
  assert.ok(session && session.httpOnly && session.sameSite === 'Strict', 'an HttpOnly SameSite=Strict session cookie');
  // The header says until when the session lasts, from GET /api/v1/me's expires_at.
  const expiry = registry.query(`SELECT to_char(max(expires_at) AT TIME ZONE 'Europe/Amsterdam', 'HH24:MI') FROM sessions s
                                 JOIN users u ON u.id = s.user_id WHERE u.username = '${account.username}' AND revoked_at IS NULL`);
  await page.locator('#session-expiry').waitFor();
  assert.match(await page.locator('#session-expiry').textContent(), new RegExp(`^Sessie tot .*${expiry}`));
  await screenshot(page, 'dashboard-after-2fa');
});

test('a wrong code is refused plainly and its error takes the focus', async (t) => {
  const account = users.loefEnrolled;
  const page = await open(t);
  await passwordStep(page, account);
  await page.locator('#code').waitFor();
  assert.equal(await codeStep(page, wrongCode(account.key, await currentStep())), 401);
  await page.locator('#code-error').waitFor();
  assert.equal(await page.locator('#code-error').textContent(),
    'Deze code klopt niet of is al gebruikt. Wacht op de volgende code en probeer het opnieuw.');
  assert.equal(await activeId(page), 'code-error');
  assert.equal(new URL(page.url()).pathname, '/signin');
  // Not six digits: refused before anything is sent.
  await page.locator('#code').fill('12a');
  await page.locator('#code-form button[type="submit"]').click();
  assert.match(await page.locator('#code-error').textContent(), /zes cijfers/);
  await screenshot(page, 'signin-code-wrong');
});

test('a recovery code works once', async (t) => {
  const account = users.loefEnrolled;
  let page = await open(t);
  await passwordStep(page, account);
  await page.locator('#use-recovery').click();
  assert.equal(await page.locator('label[for="code"]').textContent(), 'Herstelcode');
  assert.equal(await codeStep(page, account.recoveryCodes[0]), 201);
  await page.locator('h1', { hasText: 'Dashboard' }).waitFor();
  await page.locator('#sign-out').click();
  await page.locator('#signin-notice', { hasText: 'afgemeld' }).waitFor();

  page = await open(t);
  await passwordStep(page, account);
  await page.locator('#use-recovery').click();
  assert.equal(await codeStep(page, account.recoveryCodes[0]), 401);
  assert.equal(await page.locator('#code-error').textContent(), 'Deze herstelcode klopt niet of is al gebruikt.');
  await screenshot(page, 'signin-recovery-used');
  // Case and dashes do not matter; the next code works.
  assert.equal(await codeStep(page, account.recoveryCodes[1].toUpperCase()), 201);
  await page.locator('h1', { hasText: 'Dashboard' }).waitFor();
});

test('failed codes lock the sign-in, and the page says so plainly', async (t) => {
  const account = users.lockout;
  const page = await open(t);
  await passwordStep(page, account);
  for (let i = 0; i < 5; i++) assert.equal(await codeStep(page, wrongCode(account.key, await currentStep())), 401);
  // Locked now: even the right code is refused with 429 and Retry-After.
  assert.equal(await codeStep(page, await freshCode(account)), 429);
  assert.match(await page.locator('#code-error').textContent(), /geblokkeerd.*probeer het over \d+ minuten opnieuw/);
  assert.equal(await activeId(page), 'code-error');
  await screenshot(page, 'signin-code-locked');
});

test('the code step running out sends the user back to the password step with a message', async (t) => {
  const account = users.expiring;
  const page = await open(t, { clock: true });
  await passwordStep(page, account);
  await page.locator('#code').waitFor();
  // The server gives auth.second_factor_minutes (default 5); six minutes later the page gives up.
  await page.clock.fastForward('06:00');
  await page.locator('#signin-notice', { hasText: 'verstreken' }).waitFor();
  await page.locator('#username').waitFor();
  assert.equal(await page.locator('h1').textContent(), 'Aanmelden');
  await screenshot(page, 'signin-challenge-expired');
});

test('the account page lists the user\'s sessions and ends another one', async (t) => {
  const account = users.lead;
  const other = await open(t);
  await passwordStep(other, account);
  await other.locator('h1', { hasText: 'Dashboard' }).waitFor();
  const page = await open(t);
  await passwordStep(page, account);
  await page.locator('h1', { hasText: 'Dashboard' }).waitFor();
  // Password only: a pilot lead is not a mandatory role.
  await page.locator('#account-link').click();
  await page.locator('#sessions tbody tr').nth(1).waitFor();
  assert.equal(new URL(page.url()).pathname, '/account/two-factor');
  await focusOnHeading(page);
  assert.equal(await page.locator('#sessions tbody tr').count(), 2);
  assert.equal(await page.locator('#sessions tbody tr', { hasText: 'Deze sessie' }).count(), 1);
  await axeCheck(page, 'the account page');
  await screenshot(page, 'account-sessions');
  await page.locator('#sessions tbody button').click();
  await page.waitForFunction(() => document.querySelectorAll('#sessions tbody tr').length === 1);
  // The other browser's next request finds its session ended.
  await other.reload();
  await other.locator('#username').waitFor();

  // Voluntary enrolment starts from a button, and the focus moves to the new section.
  await page.locator('#start-enrolment').click();
  await page.locator('#qr-code').waitFor();
  assert.equal(await activeId(page), 'enrol-title');
  await page.locator('#lang-switch').click();
  await page.locator('h1', { hasText: 'Account and security' }).waitFor();
  await axeCheck(page, 'the account page in English');
  await page.locator('#lang-switch').click();
});

runSuite(tests, {
  label: 'two-factor browser tests',
  failurePrefix: 'FAILED-2fa-',
  setup: async (started, launched) => {
    registry = started;
    browser = launched;
    users.loef = registry.addUser('loef.2fa.browser', 'loef', '');
    users.lead = registry.addUser('lead.2fa.browser', 'pilot_lead', 'oost_brabant');
    users.lockout = await enrolByApi(registry, registry.addUser('lockout.2fa.browser', 'pilot_lead', 'midden_nederland'));
    users.expiring = await enrolByApi(registry, registry.addUser('expiring.2fa.browser', 'pilot_lead', 'oost_nederland'));
  },
}).catch((e) => { console.error(e); process.exitCode = 1; });
