// RFC 6238 (TOTP: HMAC-SHA1, 6 digits, 30 s steps) on node's crypto, for the browser tests: they
// compute the codes from the secret an enrolment showed, as a phone would.
'use strict';
const assert = require('assert/strict');
const crypto = require('crypto');

const STEP_SECONDS = 30;

function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const c of text.replace(/=+$/, '').toUpperCase()) {
    const index = alphabet.indexOf(c);
    if (index < 0) throw new Error(`not base32: ${c}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

function hotp(key, counter) {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = crypto.createHmac('sha1', key).update(message).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = (mac.readUInt32BE(offset) & 0x7fffffff) % 1000000;
  return String(binary).padStart(6, '0');
}

const stepAt = (unixSeconds) => Math.floor(unixSeconds / STEP_SECONDS);
const totpAt = (key, step) => hotp(key, step);

// The RFC 6238 appendix B SHA-1 rows: the test's own TOTP is checked before it checks the app.
function checkRfc6238Vectors() {
  const key = Buffer.from('12345678901234567890', 'ascii');
  const rows = [[59, '94287082'], [1111111109, '07081804'], [1111111111, '14050471'],
    [1234567890, '89005924'], [2000000000, '69279037'], [20000000000, '65353130']];
  for (const [time, expected] of rows) {
    const message = Buffer.alloc(8);
    message.writeBigUInt64BE(BigInt(stepAt(time)));
    const mac = crypto.createHmac('sha1', key).update(message).digest();
    const offset = mac[mac.length - 1] & 0x0f;
    const code = String((mac.readUInt32BE(offset) & 0x7fffffff) % 100000000).padStart(8, '0');
    assert.equal(code, expected, `RFC 6238 vector at T=${time}`);
    assert.equal(hotp(key, stepAt(time)), expected.slice(2), `6-digit code at T=${time}`);
  }
}

// The current step, kept clear of its last two seconds so that the server, a moment later,
// is still in the same step.
async function currentStep() {
  if ((Date.now() / 1000) % STEP_SECONDS >= STEP_SECONDS - 2) await new Promise((r) => setTimeout(r, 3000));
  return stepAt(Date.now() / 1000);
}

// A six-digit code that none of the steps around `step` accepts.
function wrongCode(key, step) {
  for (let candidate = 100000; ; candidate++) {
    const code = String(candidate);
    let valid = false;
    for (let s = step - 2; s <= step + 2; s++) valid = valid || totpAt(key, s) === code;
    if (!valid) return code;
  }
}

// A code newer than any the server has accepted for this user (a code cannot be used twice,
// nor an older one), within the one step of skew the server allows.
async function freshCode(enrolled) {
  const step = Math.max(await currentStep(), enrolled.lastStep + 1);
  enrolled.lastStep = step;
  return totpAt(enrolled.key, step);
}

// Enrols an account over the API, as its own phone would (for tests that are not about enrolment).
async function enrolByApi(registry, account) {
  const token = await registry.token(account);
  const offer = await registry.api('POST', '/api/v1/me/second-factor', { token });
  assert.equal(offer.status, 201);
  const key = base32Decode(offer.body.secret);
  const step = await currentStep();
  const confirm = await registry.api('POST', '/api/v1/me/second-factor/confirm', { token, body: { code: totpAt(key, step) } });
  assert.equal(confirm.status, 200);
  await registry.api('DELETE', '/api/v1/sessions/current', { token });
  return { ...account, key, lastStep: step, recoveryCodes: confirm.body.recovery_codes };
}

// A bearer token for an enrolled account, through both steps (with one of its recovery codes).
async function tokenWithSecondFactor(registry, enrolled) {
  const first = await registry.api('POST', '/api/v1/sessions', { body: { username: enrolled.username, password: enrolled.password } });
  assert.equal(first.status, 200);
  const code = enrolled.recoveryCodes.pop();
  const second = await registry.api('POST', '/api/v1/sessions/second-factor',
    { body: { challenge_token: first.body.challenge_token, code } });
  assert.equal(second.status, 201);
  return second.body.token;
}

module.exports = { base32Decode, checkRfc6238Vectors, currentStep, enrolByApi, freshCode, hotp, stepAt, totpAt,
  tokenWithSecondFactor, wrongCode };
