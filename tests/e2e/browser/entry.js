// Browser tests of exam entry and the justice-outcome pages (issue 11), in Debian's chromium
// against a served registry with the demo data, plus a version 2 of the form with one added field
// (published the way tests/integration/test_form_versions.cpp does). CTest: `browser_entry`.
'use strict';
const assert = require('assert/strict');
const fs = require('fs');
const path = require('path');
const { isDeepStrictEqual } = require('util');
const { SOURCE } = require('./harness');
const suite = require('./suite');
const { enrolByApi, freshCode, tokenWithSecondFactor } = require('./totp');

const LAPTOP = { width: 1366, height: 768 };
const ADDED = { code: 'browser_added_question', label_nl: 'Toegevoegde testvraag', label_en: 'Added test question' };

const tests = [];
const test = (name, fn) => tests.push({ name, fn });
let registry;
let browser;
const users = {};
const tokens = {};

async function open(t) {
  t.context = t.context || await browser.newContext({ viewport: LAPTOP, locale: 'nl-NL', timezoneId: 'Europe/Amsterdam' });
  const page = await t.context.newPage();
  t.bodies = t.bodies || [];
  suite.watchProblems(t, page);
  page.on('response', (r) => { if (r.url().includes('/api/')) t.bodies.push(r.text().catch(() => '')); });
  t.page = page;
  return page;
}

async function signIn(page, account) {
  await suite.passwordStep(page, registry.base, account);
  // A role that must use a second factor (auth.require_2fa_roles keeps its default) gives its code.
  if (account.key) {
    await page.locator('#code').fill(await freshCode(account));
    await page.locator('#code-form button[type="submit"]').click();
  }
  await page.locator('#sign-out').waitFor({ state: 'visible' });
}

const { ARTIFACTS, axeCheck } = suite;
// This suite's screenshots are named entry-*, and show the viewport unless asked for the page.
const screenshot = (page, name, fullPage = false) => suite.screenshot(page, `entry-${name}`, fullPage);

async function noSidewaysScroll(page, what) {
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `no sideways scrolling on ${what}`);
}

let refCounter = 0;
const reference = (prefix) => `${prefix}-${Date.now().toString(36)}-${++refCounter}`;

// The fields of a record that passes full validation (a Veilig Thuis referral: no police fields).
function completeFields(extra = {}) {
  return {
    region: 'oost_brabant', referral_source: 'veilig_thuis', victim_reference: reference('VICTIM'),
    incident_at: '2026-03-13T22:15:00+01:00', incident_at_precision: 'exact',
    exam_at: '2026-03-14T10:30:00+01:00', exam_at_precision: 'exact',
    age_band: '25-34', sex: 'female', pregnant: 'no', ...extra,
  };
}

async function apiExam(fields, { submit = false } = {}) {
  const r = await registry.api('POST', `/api/v1/exams${submit ? '?submit=true' : ''}`, { token: tokens.doctor, body: { fields } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

async function savedAfter(page, action) {
  const saved = page.waitForResponse((r) => /\/api\/v1\/exams(\/[0-9a-f-]+)?$/.test(new URL(r.url()).pathname)
    && ['POST', 'PATCH'].includes(r.request().method()));
  await action();
  const response = await saved;
  await page.locator('#save-state[data-state="save_done"]').waitFor();
  return response;
}

const examId = (page) => new URL(page.url()).searchParams.get('id');

// The stored fields of an exam once `check` holds for them (autosave is asynchronous), or a failure
// after `ms`.
async function storedWhen(id, check, ms = 10000) {
  const until = Date.now() + ms;
  let last;
  while (Date.now() < until) {
    last = (await registry.api('GET', `/api/v1/exams/${id}`, { token: tokens.doctor })).body;
    if (check(last.fields)) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`exam ${id} never reached the expected state: ${JSON.stringify(last?.fields)}`);
}

test('a doctor signs in, creates a draft, reloads the page and finds it saved', async (t) => {
  const page = await open(t);
  await signIn(page, users.doctor);
  await page.locator('h1', { hasText: 'Mijn onderzoeken' }).waitFor();
  await page.locator('#new-exam').click();
  await page.locator('h1', { hasText: 'Nieuw onderzoek' }).waitFor();
  assert.equal(await page.locator('#f-region').inputValue(), 'oost_brabant');
  assert.equal(await page.locator('#f-region').isDisabled(), true);
  // The first change creates the draft; the URL then names it.
  const created = await savedAfter(page, () => page.locator('#f-referral_source').selectOption('veilig_thuis'));
  assert.equal(created.request().method(), 'POST');
  const id = examId(page);
  assert.match(id, /^[0-9a-f-]{36}$/);
  await savedAfter(page, () => page.locator('#f-age_band').selectOption('35-44'));
  await savedAfter(page, () => page.locator('#f-notes').fill('Hoest sinds het incident.'));
  // The victim reference is sent once, when the doctor leaves the field, and then cleared.
  const victim = reference('LOEF');
  await page.locator('#f-victim_reference').fill(victim);
  const sent = await savedAfter(page, () => page.locator('#f-victim_reference').press('Tab'));
  assert.equal(sent.request().headers()['if-match'], '"3"');
  assert.equal(await page.locator('#f-victim_reference').inputValue(), '');
  await page.locator('#f-victim_reference-presence', { hasText: 'Vastgelegd' }).waitFor();
  // A change typed just before leaving the page is still saved (keepalive on pagehide).
  await page.locator('#f-photo_storage_ref').fill('kast 4');
  await page.goto(`${registry.base}/exams`);
  await storedWhen(id, (f) => f.photo_storage_ref === 'kast 4');
  await page.locator('#drafts').waitFor();
  assert.equal(await page.locator(`#drafts tr[data-id="${id}"]`).count(), 1);
  await page.goto(`${registry.base}/exam?id=${id}`);
  await page.locator('h1', { hasText: 'Onderzoek (concept)' }).waitFor();
  assert.equal(await page.locator('#f-referral_source').inputValue(), 'veilig_thuis');
  assert.equal(await page.locator('#f-age_band').inputValue(), '35-44');
  assert.equal(await page.locator('#f-notes').inputValue(), 'Hoest sinds het incident.');
  assert.equal(await page.locator('#f-photo_storage_ref').inputValue(), 'kast 4');
  assert.equal(await page.locator('#f-victim_reference').inputValue(), '');
  assert.match(await page.locator('#f-victim_reference-presence').textContent(), /^Vastgelegd/);
  // Labels are tied to their inputs.
  assert.equal(await page.getByLabel('Leeftijdscategorie').getAttribute('id'), 'f-age_band');
  // The reference never came back from the server, nor is it kept in the page.
  const bodies = await Promise.all(t.bodies);
  assert.equal(bodies.some((b) => b.includes(victim)), false, 'the victim reference is in a response');
  assert.equal((await page.content()).includes(victim), false);
  await noSidewaysScroll(page, 'the entry page');
  await axeCheck(page, 'the entry page (draft)');
  await screenshot(page, 'draft');
  await screenshot(page, 'draft-full', true);
});

test('submitting with a required field missing shows the message at that field; fixed, it submits', async (t) => {
  const draft = await apiExam(completeFields({ sex: undefined }));
  const page = await open(t);
  await signIn(page, users.doctor);
  await page.goto(`${registry.base}/exam?id=${draft.id}`);
  await page.locator('#submit-exam:not([disabled])').click();
  const error = page.locator('#f-err-sex');
  await error.waitFor();
  assert.equal(await error.textContent(), 'Dit veld is verplicht.');
  assert.equal(await page.locator('#f-sex').getAttribute('aria-invalid'), 'true');
  assert.match(await page.locator('#f-sex').getAttribute('aria-describedby'), /f-err-sex/);
  // The summary is announced (role=alert), has the focus, and links to the field.
  assert.equal(await page.evaluate(() => document.activeElement.id), 'error-summary');
  assert.equal(await page.locator('#error-summary').getAttribute('role'), 'alert');
  assert.match(await page.locator('#error-summary').textContent(), /Geslacht: Dit veld is verplicht\./);
  assert.equal(await page.locator('[aria-invalid="true"]').count(), 1);
  await axeCheck(page, 'the entry page with a validation error');
  await screenshot(page, 'submit-error');
  await page.locator('#error-summary a').click();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'f-sex');
  await screenshot(page, 'field-error');
  await savedAfter(page, () => page.locator('#f-sex').selectOption('female'));
  assert.equal(await error.isHidden(), true);
  await page.locator('#submit-exam').click();
  await page.locator('#exam-notice', { hasText: 'ingediend' }).waitFor();
  assert.equal(await page.locator('h1').textContent(), 'Onderzoek (ingediend)');
  const stored = await registry.api('GET', `/api/v1/exams/${draft.id}`, { token: tokens.doctor });
  assert.equal(stored.body.status, 'submitted');
  assert.equal(stored.body.fields.sex, 'female');
});

test('server messages appear at their fields in English too', async (t) => {
  const draft = await apiExam(completeFields({ exam_at: '2026-03-12T10:30:00+01:00' }));
  const page = await open(t);
  await signIn(page, users.doctor);
  await page.locator('#lang-switch').click();
  await page.goto(`${registry.base}/exam?id=${draft.id}`);
  await page.locator('h1', { hasText: 'Exam (draft)' }).waitFor();
  await page.locator('#submit-exam:not([disabled])').click();
  await page.locator('#f-err-exam_at').waitFor();
  assert.equal(await page.locator('#f-err-exam_at').textContent(), 'This time cannot be earlier than: Time of incident.');
  // A type error of a draft save is shown at its field as well: an integer out of range.
  await page.locator('#f-episodes').fill('0');
  await page.locator('#f-err-episodes').waitFor();
  assert.equal(await page.locator('#f-err-episodes').textContent(), 'The value must be between 1 and 999.');
  await axeCheck(page, 'the entry page in English');
  await screenshot(page, 'english');
  // Leaving with a value the registry refused asks first.
  const dialog = new Promise((resolve) => page.once('dialog', (d) => { resolve(d.type()); d.accept(); }));
  await page.goto(`${registry.base}/exams`);
  assert.equal(await dialog, 'beforeunload');
  await page.locator('#new-exam').waitFor();
  await page.locator('#lang-switch').click();
});

test('the doctor amends a submitted record with a reason and sees the history with its diff', async (t) => {
  const exam = await apiExam(completeFields(), { submit: true });
  const page = await open(t);
  await signIn(page, users.doctor);
  await page.goto(`${registry.base}/exam?id=${exam.id}`);
  await page.locator('h1', { hasText: 'Onderzoek (ingediend)' }).waitFor();
  await page.locator('#f-pregnant').selectOption('unknown');
  // No reason: the server refuses, and the page says so at the reason field.
  await page.locator('#save-amendment').click();
  await page.locator('#amend-reason-error').waitFor();
  assert.equal(await page.locator('#amend-reason-error').textContent(), 'Geef een reden voor de wijziging.');
  assert.equal(await page.locator('#amend-reason').getAttribute('aria-invalid'), 'true');
  await page.locator('#amend-reason').fill('Zwangerschap nagevraagd: onbekend.');
  await page.locator('#save-amendment').click();
  await page.locator('#exam-notice', { hasText: 'nieuwe versie' }).waitFor();
  assert.equal(await page.locator('#f-pregnant').inputValue(), 'unknown');
  await page.locator('#history-link').click();
  await page.locator('h1', { hasText: 'Versiegeschiedenis' }).waitFor();
  const latest = page.locator('article.history-entry').first();
  assert.match(await latest.locator('h2').textContent(), /: gewijzigd$/);
  assert.match(await latest.textContent(), /Zwangerschap nagevraagd: onbekend\./);
  const row = latest.locator('tr[data-field="pregnant"]');
  assert.deepEqual((await row.locator('th, td').allTextContents()).map((s) => s.trim()), ['Zwanger', 'Nee', 'Onbekend']);
  await noSidewaysScroll(page, 'the history page');
  await axeCheck(page, 'the history page');
  await screenshot(page, 'history');
});

test('a locked record is shown read only', async (t) => {
  const exam = await apiExam(completeFields(), { submit: true });
  // Locking is LOEF's (POST /lock, behind a second factor); here the state is set directly.
  registry.query(`UPDATE exams SET status = 'locked', locked_at = now() WHERE id = '${exam.id}'`);
  const page = await open(t);
  await signIn(page, users.doctor);
  await page.goto(`${registry.base}/exam?id=${exam.id}`);
  await page.locator('h1', { hasText: 'Onderzoek (vergrendeld)' }).waitFor();
  assert.equal(await page.locator('#exam-form select:not([disabled]), #exam-form input:not([disabled]), #exam-form textarea:not([disabled])').count(), 0);
  assert.equal(await page.locator('#save-amendment, #submit-exam').count(), 0);
  assert.equal(await page.locator('#f-sex').inputValue(), 'female');
});

test('a conditional field appears only when its condition holds', async (t) => {
  const page = await open(t);
  await signIn(page, users.doctor);
  await page.goto(`${registry.base}/exam`);
  // A precision is asked with its timestamp: reported_at is asked for police referrals only.
  await page.locator('#f-referral_source').waitFor();
  assert.equal(await page.locator('[data-field="reported_at_precision"]').isHidden(), true);
  await page.locator('#f-referral_source').selectOption('police');
  await page.locator('[data-field="reported_at_precision"]').waitFor();
  assert.equal(await page.locator('[data-field="reported_at"] .required-mark').isVisible(), true);
  const ligature = page.locator('[data-field="ligature_material"]');
  await page.locator('#f-mechanism-ligature').waitFor();
  assert.equal(await ligature.isHidden(), true);
  await page.locator('#f-mechanism-ligature').check();
  await ligature.waitFor({ state: 'visible' });
  assert.equal(await ligature.locator('.required-mark').isVisible(), true);
  await page.locator('#f-mechanism-ligature').uncheck();
  await ligature.waitFor({ state: 'hidden' });
  const findings = page.locator('[data-field="laryngoscopy_findings"]');
  assert.equal(await findings.isHidden(), true);
  await page.locator('#f-laryngoscopy_done').selectOption('true');
  await findings.waitFor({ state: 'visible' });
  await page.locator('#f-laryngoscopy_done').selectOption('false');
  await findings.waitFor({ state: 'hidden' });
});

test('the body map is a list of findings: region, type, side and size', async (t) => {
  const page = await open(t);
  await signIn(page, users.doctor);
  await page.goto(`${registry.base}/exam`);
  await page.locator('#f-body_map-add').click();
  const row = page.locator('#f-body_map-items > li').first();
  await row.getByLabel('Lichaamsregio').fill('hals links');
  await row.getByLabel('Soort letsel').selectOption('bruise');
  await row.getByLabel('Zijde').selectOption('left');
  await row.locator('input[name="body_map[0].size_mm[0]"]').fill('20');
  await savedAfter(page, () => row.locator('input[name="body_map[0].size_mm[1]"]').fill('15'));
  await page.locator('#f-body_map-add').click();
  await page.locator('#f-body_map-items > li').nth(1).getByLabel('Lichaamsregio').fill('kin');
  const expected = [{ region_code: 'hals links', type: 'bruise', side: 'left', size_mm: [20, 15] }, { region_code: 'kin' }];
  await storedWhen(examId(page), (f) => isDeepStrictEqual(f.body_map, expected));
  await page.locator('#save-state[data-state="save_done"]').waitFor();
  // Submitting names the incomplete finding's missing members at their controls.
  await page.locator('#submit-exam').click();
  await page.locator('#error-summary').waitFor();
  const second = page.locator('#f-body_map-items > li').nth(1);
  assert.equal(await second.getByLabel('Soort letsel').getAttribute('aria-invalid'), 'true');
  assert.match(await second.locator('.field-error:not([hidden])').first().textContent(), /verplicht/);
  assert.match(await page.locator('#error-summary').textContent(), /Lichaamskaart, Bevinding 2, Soort letsel: Dit veld is verplicht\./);
  await page.locator('[data-field="body_map"]').screenshot({ path: path.join(ARTIFACTS, 'entry-body-map.png') });
  await second.getByRole('button', { name: 'Bevinding 2 verwijderen' }).click();
  await storedWhen(examId(page), (f) => f.body_map?.length === 1 && f.body_map[0].region_code === 'hals links');
  assert.equal(await page.locator('#f-body_map-items > li').count(), 1);
});

test('a field added to a test form definition appears without code changes', async (t) => {
  const page = await open(t);
  await signIn(page, users.doctor);
  await page.goto(`${registry.base}/exam`);
  const select = page.getByLabel(ADDED.label_nl);
  await select.waitFor();
  assert.equal(await select.getAttribute('id'), `f-${ADDED.code}`);
  assert.deepEqual(await select.locator('option').allTextContents(), ['— kies —', 'Eerste keuze', 'Tweede keuze']);
  await savedAfter(page, () => select.selectOption('second'));
  const stored = await registry.api('GET', `/api/v1/exams/${examId(page)}`, { token: tokens.doctor });
  assert.equal(stored.body.form_version, 2);
  assert.equal(stored.body.fields[ADDED.code], 'second');
  // Switching the language while a change still waits to be saved: it is saved first.
  await page.locator('#f-notes').fill('net voor de taalwissel');
  await page.locator('#lang-switch').click();
  await page.getByLabel(ADDED.label_en).waitFor();
  assert.equal(await page.getByLabel(ADDED.label_en).inputValue(), 'second');
  assert.equal(await page.locator('#f-notes').inputValue(), 'net voor de taalwissel');
  const after = await savedAfter(page, () => page.locator('#f-notes').fill('after the switch'));
  assert.equal(after.status(), 200);
  assert.equal(await page.locator('#conflict').isHidden(), true);
  await page.locator('#lang-switch').click();
});

test('two tabs editing the same draft: the second save shows the conflict, with a reload', async (t) => {
  const draft = await apiExam(completeFields());
  const first = await open(t);
  await signIn(first, users.doctor);
  await first.goto(`${registry.base}/exam?id=${draft.id}`);
  const second = await open(t);
  await second.goto(`${registry.base}/exam?id=${draft.id}`);
  await second.locator('#f-notes').waitFor();
  await savedAfter(first, () => first.locator('#f-notes').fill('eerste tabblad'));
  const answered = second.waitForResponse((r) => r.request().method() === 'PATCH');
  await second.locator('#f-notes').fill('tweede tabblad');
  assert.equal((await answered).status(), 412);
  await second.locator('#conflict').waitFor();
  assert.equal(await second.locator('#conflict').getAttribute('role'), 'alert');
  assert.match(await second.locator('#conflict').textContent(), /elders gewijzigd/);
  await screenshot(second, 'conflict');
  await second.locator('#conflict-reload').click();
  await second.waitForFunction(() => document.querySelector('#f-notes')?.value === 'eerste tabblad');
  assert.equal(await second.locator('#conflict').isHidden(), true);
  // Submitted in the first tab, the draft no longer takes a save from the second (409).
  await first.reload();
  await first.locator('#submit-exam:not([disabled])').click();
  await first.locator('#exam-notice', { hasText: 'ingediend' }).waitFor();
  const late = second.waitForResponse((r) => r.request().method() === 'PATCH');
  await second.locator('#f-notes').fill('te laat');
  assert.equal((await late).status(), 409);
  await second.locator('#conflict').waitFor();
});

test('a police user records an aangifte by police reference; a prosecutor records a dismissal with its code', async (t) => {
  const policeReference = reference('PL0912');
  const exam = await apiExam(completeFields({ referral_source: 'police', police_reference: policeReference,
    reported_at: '2026-03-13T23:40:00+01:00', reported_at_precision: 'exact' }), { submit: true });
  const page = await open(t);
  await signIn(page, users.police);
  await page.locator('h1', { hasText: 'Politie: afloop vastleggen' }).waitFor();
  // Only the police's own fields.
  assert.equal(await page.locator('#o-aangifte').count(), 1);
  assert.equal(await page.locator('#o-om_decision').count(), 0);
  await page.locator('input[name="lookup"][value="reference"]').check();
  await page.locator('#lookup-police-reference').fill('PL-does-not-exist');
  await page.locator('#save-outcome').click();
  await page.locator('#lookup-error', { hasText: 'geen ingediend onderzoek' }).waitFor();
  await page.locator('#lookup-police-reference').fill(policeReference);
  await page.locator('#o-aangifte').selectOption('yes');
  await page.locator('#o-aangifte_date').fill('2026-03-15');
  await page.locator('#save-outcome').click();
  await page.locator('#outcome-saved').waitFor();
  assert.match(await page.locator('#outcome-saved').textContent(), new RegExp(exam.id));
  assert.equal(await page.locator('#lookup-police-reference').inputValue(), '');
  await noSidewaysScroll(page, 'the police outcome page');
  await axeCheck(page, 'the police outcome page');
  await screenshot(page, 'outcome-police');
  assert.equal(registry.query(`SELECT aangifte || ' ' || (police_fields->>'aangifte_date') FROM exam_outcomes WHERE exam_id = '${exam.id}'`),
    'yes 2026-03-15');
  await t.context.close();
  t.context = null;

  const om = await open(t);
  await signIn(om, users.prosecutor);
  await om.locator('h1', { hasText: 'OM: beslissing vastleggen' }).waitFor();
  assert.equal(await om.locator('#o-aangifte').count(), 0);
  await om.locator('#lookup-exam-id').fill(exam.id);
  const code = om.locator('[data-field="dismissal_code"]');
  assert.equal(await code.isHidden(), true);
  await om.locator('#o-om_decision').selectOption('dismissal');
  await code.waitFor({ state: 'visible' });
  // The codes are the ones GET /api/v1/sepot-codes serves.
  const served = await registry.api('GET', '/api/v1/sepot-codes', { token: tokens.prosecutor });
  const offered = await om.locator('#o-dismissal_code option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
  assert.ok(offered.length > 0);
  for (const c of offered) assert.ok(served.body.items.some((i) => i.code === c), c);
  // Without the code the server refuses, at the field.
  await om.locator('#save-outcome').click();
  await om.locator('#o-err-dismissal_code').waitFor();
  assert.equal(await om.locator('#o-err-dismissal_code').textContent(), 'Dit veld is verplicht.');
  await om.locator('#o-dismissal_code').selectOption(offered[0]);
  await om.locator('#o-om_decision_date').fill('2026-04-01');
  await om.locator('#save-outcome').click();
  await om.locator('#outcome-saved').waitFor();
  await axeCheck(om, 'the prosecutor outcome page');
  await screenshot(om, 'outcome-prosecutor');
  assert.equal(registry.query(`SELECT om_decision || ' ' || dismissal_code FROM exam_outcomes WHERE exam_id = '${exam.id}'`),
    `dismissal ${offered[0]}`);
});

test('a researcher cannot open the entry pages, and police cannot open the exam form', async (t) => {
  const exam = await apiExam(completeFields(), { submit: true });
  const page = await open(t);
  await signIn(page, users.researcher);
  for (const p of ['/exams', '/exam', `/exam?id=${exam.id}`, `/exam/history?id=${exam.id}`, '/outcome']) {
    await page.goto(`${registry.base}${p}`);
    await page.locator('#no-access').waitFor();
    assert.equal(await page.locator('form').count(), 0, p);
    assert.equal(await page.locator('#f-region, #o-aangifte').count(), 0, p);
  }
  const direct = await registry.api('GET', `/api/v1/exams/${exam.id}`, { token: await tokenWithSecondFactor(registry, users.researcher) });
  assert.equal(direct.status, 403);
  await t.context.close();
  t.context = null;
  const police = await open(t);
  await signIn(police, users.police);
  await police.goto(`${registry.base}/exam`);
  await police.locator('#no-access').waitFor();
});

test('a demo doctor of ./run.sh finds their drafts and region, and opens a seeded draft', async (t) => {
  const account = registry.accounts['demo.doctor.ob'];
  assert.ok(account, 'demo seed prints demo.doctor.ob');
  const page = await open(t);
  await signIn(page, account);
  await page.locator('#drafts, #drafts-empty').first().waitFor();
  const drafts = Number(registry.query(`SELECT count(*) FROM exams e JOIN users u ON u.id = e.author_id
    WHERE u.username = 'demo.doctor.ob' AND e.status = 'draft'`));
  assert.equal(await page.locator('#drafts tbody tr').count(), drafts);
  assert.ok(await page.locator('#recent tbody tr').count() > 0);
  for (const region of await page.locator('#recent tbody tr td:nth-child(3)').allTextContents()) assert.equal(region, 'Oost-Brabant');
  await noSidewaysScroll(page, 'the exam list');
  await axeCheck(page, 'the exam list');
  await screenshot(page, 'list');
  if (drafts > 0) {
    await page.locator('#drafts a.open-exam').first().click();
    await page.locator('h1', { hasText: 'Onderzoek (concept)' }).waitFor();
    assert.equal(await page.locator('#f-region').inputValue(), 'oost_brabant');
  }
});

// The keys that type a date and time into <input type="datetime-local">: its segments follow the
// browser's locale (headless chromium: mm/dd/yyyy hh:mm AM/PM; a Dutch one: dd-mm-jjjj uu:mm),
// so the order is found once on a scratch page, as a user would read it off the field.
let dateTimeKeys;
async function probeDateTimeKeys() {
  const us = ({ y, mo, d, hh, mm }) => [mo, d, y, 'ArrowRight', String(((Number(hh) + 11) % 12) + 1).padStart(2, '0'), mm, Number(hh) >= 12 ? 'P' : 'A'];
  const eu = ({ y, mo, d, hh, mm }) => [d, mo, y, 'ArrowRight', hh, mm];
  const context = await browser.newContext({ locale: 'nl-NL' });
  const page = await context.newPage();
  try {
    for (const keys of [us, eu]) {
      await page.setContent('<input id="probe" type="datetime-local">');
      await page.focus('#probe');
      for (const k of keys({ y: '2026', mo: '03', d: '13', hh: '22', mm: '15' })) {
        if (k.startsWith('Arrow')) await page.keyboard.press(k); else await page.keyboard.type(k);
      }
      if (await page.inputValue('#probe') === '2026-03-13T22:15') return keys;
    }
    throw new Error('cannot type into datetime-local in this browser');
  } finally {
    await context.close();
  }
}

async function typeDateTime(page, iso) {
  const [, y, mo, d, hh, mm] = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(iso);
  for (const k of dateTimeKeys({ y, mo, d, hh, mm })) {
    if (k.startsWith('Arrow')) await page.keyboard.press(k); else await page.keyboard.type(k);
  }
}

// Presses Tab until the element with `id` has the focus (a keyboard user moving through the form).
async function tabTo(page, id, limit = 400) {
  for (let i = 0; i < limit; i++) {
    if (await page.evaluate(() => document.activeElement?.id) === id) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached #${id}`);
}

async function chooseByKeyboard(page, value) {
  for (let i = 0; i < 30; i++) {
    if (await page.evaluate(() => document.activeElement.value) === value) return;
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`no option ${value}`);
}

test('keyboard only: a whole exam is completed and submitted with the keyboard alone', async (t) => {
  const page = await open(t);
  await page.goto(`${registry.base}/`);
  await page.locator('#username').waitFor();
  await page.keyboard.type(users.doctor.username);
  await page.keyboard.press('Tab');
  await page.keyboard.type(users.doctor.password);
  await page.keyboard.press('Enter');
  await page.locator('#new-exam').waitFor();
  await tabTo(page, 'new-exam');
  await page.keyboard.press('Enter');
  await page.locator('h1', { hasText: 'Nieuw onderzoek' }).waitFor();
  await tabTo(page, 'f-referral_source');
  await chooseByKeyboard(page, 'veilig_thuis');
  await page.locator('#save-state[data-state="save_done"]').waitFor();
  await tabTo(page, 'f-victim_reference');
  await page.keyboard.type(reference('KB'));
  await tabTo(page, 'f-incident_at');
  await typeDateTime(page, '2026-03-13T22:15');
  await tabTo(page, 'f-exam_at');
  await typeDateTime(page, '2026-03-14T10:30');
  await tabTo(page, 'f-age_band');
  await chooseByKeyboard(page, '25-34');
  await tabTo(page, 'f-sex');
  await chooseByKeyboard(page, 'female');
  // A finding of the body map, by keyboard: add it, fill it, move on.
  await tabTo(page, 'f-body_map-add');
  await page.keyboard.press('Enter');
  await page.keyboard.type('hals');
  await page.keyboard.press('Tab');
  await chooseByKeyboard(page, 'abrasion');
  await page.keyboard.press('Tab');
  await chooseByKeyboard(page, 'right');
  await page.keyboard.press('Tab');
  await page.keyboard.type('10');
  await page.keyboard.press('Tab');
  await page.keyboard.type('5');
  await tabTo(page, 'f-mechanism-two_hands');
  await page.keyboard.press('Space');
  await tabTo(page, 'submit-exam');
  await page.locator('#save-state[data-state="save_done"]').waitFor();
  await page.keyboard.press('Enter');
  await page.locator('#exam-notice', { hasText: 'ingediend' }).waitFor();
  const stored = await registry.api('GET', `/api/v1/exams/${examId(page)}`, { token: tokens.doctor });
  assert.equal(stored.body.status, 'submitted');
  assert.equal(stored.body.references.victim_reference, 'present');
  assert.equal(new Date(stored.body.fields.incident_at).toISOString(), '2026-03-13T21:15:00.000Z');
  assert.deepEqual(stored.body.fields.mechanism, ['two_hands']);
  assert.deepEqual(stored.body.fields.body_map, [{ region_code: 'hals', type: 'abrasion', side: 'right', size_mm: [10, 5] }]);
  await screenshot(page, 'keyboard-submitted');
});

// Version 2 of the form: version 1 plus one enum field, published straight into form_definitions.
function publishVersionTwo() {
  const def = JSON.parse(fs.readFileSync(path.join(SOURCE, 'schema/forms/exam-v1.json'), 'utf8'));
  def.version = 2;
  def.fields.push({ code: ADDED.code, section: 4, type: 'enum', label_nl: ADDED.label_nl, label_en: ADDED.label_en,
    codes: [{ code: 'first', label_nl: 'Eerste keuze', label_en: 'First choice' },
      { code: 'second', label_nl: 'Tweede keuze', label_en: 'Second choice' }] });
  const json = JSON.stringify(def).replace(/'/g, "''");
  registry.query(`INSERT INTO form_definitions (version, form, definition, checksum) VALUES (2, 'exam', '${json}'::jsonb, 'browser-test')`);
}

suite.runSuite(tests, {
  label: 'entry browser tests',
  failurePrefix: 'entry-FAILED-',
  setup: async (started, launched) => {
    registry = started;
    browser = launched;
    users.doctor = registry.addUser('doctor.entry', 'forensic_doctor', 'oost_brabant');
    users.police = registry.addUser('police.entry', 'police', 'oost_brabant');
    users.prosecutor = registry.addUser('prosecutor.entry', 'prosecutor', 'oost_brabant');
    users.researcher = await enrolByApi(registry, registry.addUser('researcher.entry', 'researcher', ''));
    publishVersionTwo();
    tokens.doctor = await registry.token(users.doctor);
    tokens.prosecutor = await registry.token(users.prosecutor);
    dateTimeKeys = await probeDateTimeKeys();
  },
}).catch((e) => { console.error(e); process.exitCode = 1; });
