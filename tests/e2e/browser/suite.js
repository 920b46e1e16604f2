// What every browser test file shares: the run loop (one registry, one chromium, the tests in
// order, a screenshot of each failure), the check that a page logged no console error, page
// error or CSP violation, axe-core, and screenshots into REGISTRY_BROWSER_ARTIFACTS.
'use strict';
const assert = require('assert/strict');
const fs = require('fs');
const path = require('path');
const { Registry, launchBrowser, SOURCE } = require('./harness');

const ARTIFACTS = process.env.REGISTRY_BROWSER_ARTIFACTS || path.join(SOURCE, 'build', 'browser-artifacts');
const AXE = fs.readFileSync(path.join(SOURCE, 'server/web/node_modules/axe-core/axe.min.js'), 'utf8');

// Records the page's console errors and page errors (a CSP violation is a console error) in
// t.problems; the run loop fails the test if any were recorded.
function watchProblems(t, page) {
  t.problems = t.problems || [];
  page.on('console', (m) => {
    // Chromium logs every 4xx answer as an error; the tests check those answers themselves.
    if (m.type() === 'error' && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) {
      t.problems.push(`console: ${m.text()}`);
    }
  });
  page.on('pageerror', (e) => t.problems.push(`page error: ${e.message}`));
}

async function axeCheck(page, what) {
  await page.evaluate(AXE);
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    resultTypes: ['violations'],
  }));
  const found = result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')})`);
  assert.deepEqual(found, [], `axe-core found WCAG 2.1 A/AA violations on ${what}`);
}

async function screenshot(page, name, fullPage = true) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage });
}

// The sign-in form's first step: the registry's start page, the account's username and password,
// and the button. What follows (a code step, the dashboard) is each suite's to wait for.
async function passwordStep(page, base, account) {
  await page.goto(`${base}/`);
  await page.locator('#username').fill(account.username);
  await page.locator('#password').fill(account.password);
  await page.locator('form.signin-form button[type="submit"]').click();
}

// Runs `tests` ({name, fn(t)}; a command-line argument keeps those whose name matches) against
// one served registry and one chromium; `setup(registry, browser)` runs first. Sets the exit code.
async function runSuite(tests, { label, failurePrefix = 'FAILED-', setup }) {
  const only = process.argv[2] ? new RegExp(process.argv[2]) : null;
  const registry = await new Registry().start();
  let browser;
  let failed = 0;
  try {
    browser = await launchBrowser();
    await setup(registry, browser);
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
        if (t.page && !t.page.isClosed()) {
          await screenshot(t.page, `${failurePrefix}${name.replace(/\W+/g, '-').slice(0, 60)}`).catch(() => {});
        }
        console.log(`FAIL ${name}\n     ${String(e.stack || e).split('\n').join('\n     ')}`);
      } finally {
        for (const context of [t.context, ...(t.contexts || [])]) if (context) await context.close().catch(() => {});
      }
    }
  } finally {
    if (browser) await browser.close();
    await registry.stop();
  }
  console.log(failed ? `${failed} ${label} failed` : `all ${label} passed`);
  process.exitCode = failed ? 1 : 0;
}

module.exports = { ARTIFACTS, axeCheck, passwordStep, runSuite, screenshot, watchProblems };
