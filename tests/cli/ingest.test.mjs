// `vigil ingest` against a running server with the SigmaHQ rules: NDJSON (with bad lines, in
// small batches), a JSON array document, gzip, stdin and an EVTX file from a SigmaHQ regression
// case become stored events and the expected alert; a wrong token, a server that is down, a busy
// server (503 then 200) and a too-small server limit (413) end as documented.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';

import { api, freePort, login, resolveBinary, startServer } from '../lib/server.mjs';
import { SIGMA_RULES, eventually, sysmonProcess } from '../lib/monitoring.mjs';
import { orgIdsByCode } from '../lib/api_helpers.mjs';

const VIGIL = resolveBinary();
const SHARED = process.env.VIGIL_SHARED_DIR || path.resolve('..', 'shared');
const RULES = SIGMA_RULES;
const CERTUTIL_CASE = path.join(SHARED, 'data', 'sigma', 'regression-dev', 'regression_data', 'rules',
  'windows', 'process_creation', 'proc_creation_win_certutil_decode');
const CERTUTIL_RULE = 'cc9cbe82-7bc0-4ef5-bc23-bbfb83947be7';
const SINCE = 'from=2000-01-01T00:00:00Z';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-ingest-'));
const file = (name, content) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, content);
  return p;
};

let srv, admin, sourceToken;

before(async () => {
  assert.ok(fs.existsSync(RULES), `SigmaHQ rules missing at ${RULES} (set VIGIL_SHARED_DIR)`);
  srv = await startServer({ demo: true, extraArgs: ['--rules', RULES] });
  admin = await login(srv.url, srv.admin.username, srv.admin.password);
  const org = await orgIdsByCode(srv.url, admin.token);
  const r = await api(srv.url, admin.token, 'POST', '/ingest/sources', { name: 'ingest-cli', org_id: org['SX-KHCN'] });
  assert.equal(r.status, 201, r.text);
  sourceToken = r.json.token;
});

after(async () => {
  await srv?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs `vigil ingest ARGS` (asynchronously, so servers in this process keep answering). */
function ingest(args, { input, env = {}, token = sourceToken } = {}) {
  return new Promise((resolve) => {
    const child = spawn(VIGIL, ['ingest', ...args], { env: { ...process.env, VIGIL_INGEST_TOKEN: token, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => { stdout += c; });
    child.stderr.on('data', (c) => { stderr += c; });
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    if (input !== undefined) child.stdin.end(input);
    else child.stdin.end();
  });
}

const whoami = (host, n = 0) => sysmonProcess(host, 'C:\\Windows\\System32\\whoami.exe', `whoami /priv #${n}`);

async function events(host) {
  const r = await api(srv.url, admin.token, 'GET', `/events?host=${encodeURIComponent(host)}&${SINCE}&limit=1000`);
  assert.equal(r.status, 200, r.text);
  return r.json.items;
}


test('--help shows the usage and examples', async () => {
  const r = await ingest(['--help']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /--server/);
  assert.match(r.stdout, /--batch-bytes/);
  assert.match(r.stdout, /VIGIL_INGEST_TOKEN/);
  assert.match(r.stdout, /Examples:/);
});

test('NDJSON in small batches: bad lines are named FILE:LINE, the rest stored (exit 1)', async () => {
  const lines = [];
  for (let i = 1; i <= 60; i++) lines.push(JSON.stringify(whoami('ING-NDJSON-01', i)));
  lines[1] = 'not json at all';        // line 2
  lines[44] = '[1, 2, 3]';             // line 45, in a later batch
  lines.splice(10, 0, '');             // a blank line: skipped, still counted
  const p = file('winlogbeat.ndjson', `${lines.join('\r\n')}\r\n`);
  const r = await ingest(['--server', srv.url, '--batch-bytes', '2048', p]);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`${p.replace(/[.\\]/g, '\\$&')}:2: `));
  assert.match(r.stderr, new RegExp(`${p.replace(/[.\\]/g, '\\$&')}:46: `));
  assert.match(r.stderr, /1 files, 58 events accepted, 2 rejected/);
  const stored = await events('ING-NDJSON-01');
  assert.equal(stored.length, 58);
  await eventually(async () => {
    const r2 = await api(srv.url, admin.token, 'GET', '/alerts?limit=1000');
    return r2.json.items.find((a) => a.host === 'ING-NDJSON-01');
  }, 'an alert for ING-NDJSON-01');
});

test('a pretty-printed JSON array document: one event per object (exit 0)', async () => {
  const doc = JSON.stringify([whoami('ING-ARRAY-01', 1), whoami('ING-ARRAY-01', 2), whoami('ING-ARRAY-01', 3)], null, 2);
  const r = await ingest(['--server', srv.url, file('export.json', doc)]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /3 events accepted, 0 rejected/);
  const stored = await events('ING-ARRAY-01');
  assert.equal(stored.length, 3);
  assert.ok(stored.every((e) => !e.raw.includes('\n')), 'each object was sent as one line');
});

test('gzip NDJSON and stdin', async () => {
  const text = [1, 2, 3, 4].map((i) => JSON.stringify(whoami('ING-GZIP-01', i))).join('\n');
  const gz = await ingest(['--server', srv.url, file('eve.json.gz', zlib.gzipSync(text))]);
  assert.equal(gz.status, 0, gz.stderr);
  assert.equal((await events('ING-GZIP-01')).length, 4);

  const piped = await ingest(['--server', `${srv.url}/`, '-'], { input: `${JSON.stringify(whoami('ING-STDIN-01'))}\nbad\n` });
  assert.equal(piped.status, 1, piped.stderr);
  assert.match(piped.stderr, /\(stdin\):2: /);
  assert.equal((await events('ING-STDIN-01')).length, 1);
});

test('EVTX from a SigmaHQ regression case: stored and the certutil rule fires', async () => {
  const evtx = path.join(CERTUTIL_CASE, `${CERTUTIL_RULE}.evtx`);
  assert.ok(fs.existsSync(evtx), `missing ${evtx}`);
  const r = await ingest(['--server', srv.url, '--quiet', evtx]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '', '--quiet prints nothing on success');
  const stored = await events('ar-win-dc.attackrange.local');
  assert.ok(stored.length >= 1);
  assert.ok(stored.some((e) => /certutil/i.test(e.raw)));
  const alert = await eventually(async () => {
    const a = await api(srv.url, admin.token, 'GET', '/alerts?limit=1000');
    return a.json.items.find((x) => x.rule_id === CERTUTIL_RULE);
  }, 'the certutil alert');
  assert.equal(alert.host, 'ar-win-dc.attackrange.local');
});

test('a wrong token, no token, no server or a bad URL: exit 2', async () => {
  const r = await ingest(['--server', srv.url, file('one.ndjson', `${JSON.stringify(whoami('ING-NOPE'))}\n`)], { token: 'vgi_wrong' });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /refused the token \(401/);
  const missing = await ingest(['--server', srv.url, path.join(dir, 'one.ndjson')], { token: '' });
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /token is required/);
  const noServer = await ingest([path.join(dir, 'one.ndjson')]);
  assert.equal(noServer.status, 2);
  assert.match(noServer.stderr, /--server URL is required/);
  const badUrl = await ingest(['--server', 'ftp://x', path.join(dir, 'one.ndjson')]);
  assert.equal(badUrl.status, 2);
  assert.match(badUrl.stderr, /ftp:\/\/x/);
});

test('a server that is down: exit 2 naming the URL', async () => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const r = await ingest(['--server', url, path.join(dir, 'one.ndjson')]);
  assert.equal(r.status, 2, r.stderr);
  assert.ok(r.stderr.includes(`${url}/api/v1/ingest`), r.stderr);
  assert.match(r.stderr, /refused/);
});

test('an unreadable input is reported and the others are still sent (exit 2)', async () => {
  const good = file('good.ndjson', `${JSON.stringify(whoami('ING-PARTIAL-01'))}\n`);
  const r = await ingest(['--server', srv.url, path.join(dir, 'nope.ndjson'), good]);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /nope\.ndjson/);
  assert.equal((await events('ING-PARTIAL-01')).length, 1);
});

/** A fake ingest endpoint answering from `answers` in turn (the last one repeats). */
async function fakeServer(answers) {
  const bodies = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      bodies.push({ url: req.url, auth: req.headers.authorization, body });
      const a = answers[Math.min(bodies.length - 1, answers.length - 1)];
      const lines = body.split('\n').filter(Boolean).length;
      res.writeHead(a.status, { 'Content-Type': 'application/json', ...(a.headers ?? {}) });
      res.end(JSON.stringify(a.status === 200 ? { accepted: lines, rejected: 0, errors: [] } : { error: { code: 'x', message: a.message ?? 'no' } }));
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}`, bodies, close: () => new Promise((r) => server.close(r)) };
}

test('a busy server (503, Retry-After) gets the same batch again', async () => {
  const fake = await fakeServer([{ status: 503, headers: { 'Retry-After': '1' }, message: 'queue full' }, { status: 200 }]);
  try {
    const started = Date.now();
    const r = await ingest(['--server', fake.url, path.join(dir, 'one.ndjson')]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /busy \(503\); retrying in 1\.0 s/);
    assert.ok(Date.now() - started >= 900, 'waited for Retry-After');
    assert.equal(fake.bodies.length, 2);
    assert.equal(fake.bodies[0].body, fake.bodies[1].body);
    assert.equal(fake.bodies[0].url, '/api/v1/ingest');
    assert.equal(fake.bodies[0].auth, `Bearer ${sourceToken}`);
  } finally {
    await fake.close();
  }
});

test('413 stops with advice about --batch-bytes', async () => {
  const fake = await fakeServer([{ status: 413, message: 'too large' }]);
  try {
    const r = await ingest(['--server', fake.url, path.join(dir, 'one.ndjson')]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /too large \(413\); lower --batch-bytes/);
    assert.equal(fake.bodies.length, 1);
  } finally {
    await fake.close();
  }
});
