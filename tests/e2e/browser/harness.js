// Sets up what the browser tests run against: a fresh database in the throwaway cluster of
// ./test.sh, migrated and seeded with the demo data, a served registry on a free port, and
// Debian's chromium driven by playwright-core (never a downloaded browser).
'use strict';
const { spawn, execFileSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const net = require('net');
const path = require('path');

const SOURCE = process.env.REGISTRY_SOURCE_DIR || path.resolve(__dirname, '../../..');
const BINARY = process.env.REGISTRY_BINARY || path.join(SOURCE, 'build', 'registry');
const PGHOST = process.env.REGISTRY_TEST_PGHOST;
const PGPORT = process.env.REGISTRY_TEST_PGPORT;
const TMP = process.env.REGISTRY_TEST_TMPDIR || fs.mkdtempSync('/tmp/registry-browser-');
const CHROMIUM = process.env.REGISTRY_CHROMIUM || '/usr/bin/chromium';
const { chromium } = require(path.join(SOURCE, 'server/web/node_modules/playwright-core'));

function psql(sql, database = 'postgres') {
  return execFileSync('psql', ['-v', 'ON_ERROR_STOP=1', '-qtA', '-h', PGHOST, '-p', PGPORT, '-U', 'postgres', '-d', database, '-c', sql],
    { encoding: 'utf8' }).trim();
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

class Registry {
  async start() {
    if (!PGHOST || !PGPORT) throw new Error('REGISTRY_TEST_PGHOST/REGISTRY_TEST_PGPORT are not set: run through ./test.sh');
    this.database = `browser_${crypto.randomBytes(5).toString('hex')}`;
    psql(`CREATE DATABASE ${this.database} OWNER registry_owner`);
    const dir = fs.mkdtempSync(path.join(TMP, 'browser-'));
    fs.chmodSync(dir, 0o755);
    const key = path.join(dir, 'pseudonym.key');
    fs.writeFileSync(key, crypto.randomBytes(64).toString('hex'), { mode: 0o600 });
    const totpKey = path.join(dir, 'totp.key');
    fs.writeFileSync(totpKey, crypto.randomBytes(64).toString('hex'), { mode: 0o600 });
    this.port = await freePort();
    const url = (user) => `postgresql:///${this.database}?host=${PGHOST}&port=${PGPORT}&user=${user}`;
    this.config = path.join(dir, 'registry.properties');
    fs.writeFileSync(this.config, [
      'http.address = 127.0.0.1',
      `http.port = ${this.port}`,
      `db.url = ${url('registry_app')}`,
      `db.owner_url = ${url('registry_owner')}`,
      `db.schema_dir = ${path.join(SOURCE, 'schema')}`,
      `web.root = ${path.join(SOURCE, 'server/web/app')}`,
      `pseudonym.key_file = ${key}`,
      `auth.totp_key_file = ${totpKey}`,
      'auth.pbkdf2_iterations = 1000',
      'log.level = warning',
      'demo.enabled = true',
      '',
    ].join('\n'));
    this.cli(['migrate']);
    const seeded = this.cli(['demo', 'seed']);
    this.accounts = {};
    for (const line of seeded.split('\n')) {
      const m = /^\s+(demo\.[a-z.]+)\s+(\S+)\s+(\S+)/.exec(line);
      if (m) this.accounts[m[1]] = { username: m[1], password: m[2], role: m[3] };
    }
    this.process = spawn(BINARY, ['--config', this.config, 'serve'], { stdio: ['ignore', 'inherit', 'inherit'] });
    this.base = `http://127.0.0.1:${this.port}`;
    for (let i = 0; i < 200; i++) {
      try {
        const r = await fetch(`${this.base}/ready`);
        if (r.ok) return this;
      } catch (e) { /* not listening yet */ }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the registry did not become ready');
  }

  cli(args, input) {
    return execFileSync(BINARY, ['--config', this.config, ...args], { encoding: 'utf8', input });
  }

  // A user with a known password, made through the registry's own CLI.
  addUser(username, role, region) {
    const password = `browser test ${crypto.randomBytes(6).toString('hex')}`;
    this.cli(['user', 'add', '--username', username, '--role', role, ...(region ? ['--region', region] : []),
      '--display-name', `Test ${role}${region ? ` ${region}` : ''}`, '--password-stdin'], `${password}\n`);
    return { username, password, role, region };
  }

  // Ends every live session of a user on the server, as idle or absolute expiry would.
  expireSessions(username) {
    psql(`UPDATE sessions SET expires_at = now() - interval '1 second'
          WHERE revoked_at IS NULL AND user_id = (SELECT id FROM users WHERE username = '${username.replace(/'/g, "''")}')`,
    this.database);
  }

  query(sql) { return psql(sql, this.database); }

  async api(method, pathname, { token, body } = {}) {
    const r = await fetch(this.base + pathname, { method,
      headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined });
    const text = await r.text();
    return { status: r.status, headers: r.headers, body: text ? JSON.parse(text) : null };
  }

  async token(account) {
    const r = await this.api('POST', '/api/v1/sessions', { body: { username: account.username, password: account.password } });
    if (r.status !== 201) throw new Error(`login of ${account.username} failed: ${r.status}`);
    return r.body.token;
  }

  async stop() {
    if (this.process && this.process.exitCode === null) {
      const exited = new Promise((resolve) => this.process.once('exit', resolve));
      this.process.kill('SIGTERM');
      await exited;
    }
    if (this.database) {
      try { psql(`DROP DATABASE IF EXISTS ${this.database} WITH (FORCE)`); } catch (e) { /* the cluster goes anyway */ }
    }
  }
}

async function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
}

module.exports = { Registry, launchBrowser, SOURCE };
