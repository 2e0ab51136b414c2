// The endpoint agent end to end, with a real server over TLS and the real vigil-agent on this
// machine: enrolment with a one-time token (certificate pinned), inventory (the package count
// equals dpkg-query's), an EICAR file detected, quarantined, restored from the console and found
// again by a console scan, a connection to a listed address raising an alert, events buffered
// while the server is down and delivered once after it is back, and revocation.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { REPO_ROOT, api, login, startServer } from '../lib/server.mjs';
import { expectError, makeUser, orgIdsByCode, rawRequest } from '../lib/api_helpers.mjs';

const AGENT = process.env.VIGIL_AGENT_BIN ?? path.join(REPO_ROOT, 'build', 'src', 'agent', 'vigil-agent');
// The anti-virus test file, assembled here so that this source is not itself one.
const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$' + 'EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-agent-test-'));
const home = path.join(work, 'home');
const agent = (...args) => spawnSync(AGENT, ['--home', home, ...args], { encoding: 'utf8', timeout: 120_000 });

let srv, U, admin, org, port;

async function start(reuse) {
  srv = await startServer({ demo: !reuse, tls: true, reuse, port });
  U = srv.url;
  port = Number(new URL(U).port);
  admin = await login(U, srv.admin.username, srv.admin.password);
}

before(async () => {
  await start();
  org = await orgIdsByCode(U, admin.token);
});

after(async () => {
  await srv?.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

async function newToken(body = { org_id: org['SX-CDS'], note: 'mail-01' }) {
  const r = await api(U, admin.token, 'POST', '/agents/enrollment-tokens', body);
  assert.equal(r.status, 201, r.text);
  return r.json;
}

const detections = async () => (await api(U, admin.token, 'GET', '/agent-detections?limit=100')).json.items;

describe('vigil-agent with a running server', () => {
  let agentId, secret;

  test('enrols with a one-time token that pins the server certificate', async () => {
    const token = await newToken();
    assert.match(token.token, /^vge_[A-Za-z0-9_-]{43}\.[0-9a-f]{64}$/);
    assert.equal(token.server_certificate_sha256, token.token.split('.')[1]);
    assert.equal(token.org_id, org['SX-CDS']);

    // A token whose certificate digest is not this server's is refused before anything is sent.
    const forged = token.token.split('.')[0] + '.' + '0'.repeat(64);
    const other = spawnSync(AGENT, ['--home', path.join(work, 'other'), 'enroll', '--server', U, '--token', forged], { encoding: 'utf8' });
    assert.equal(other.status, 4, other.stderr);
    assert.match(other.stderr, /pinned/);

    const r = agent('enroll', '--server', U, '--token', token.token);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /enrolled as agent \d+/);
    const state = JSON.parse(fs.readFileSync(path.join(home, 'agent.json'), 'utf8'));
    assert.equal(fs.statSync(path.join(home, 'agent.json')).mode & 0o777, 0o600);
    assert.equal(state.pin_sha256, token.server_certificate_sha256);
    assert.match(state.secret, /^vga_/);
    agentId = state.agent_id;
    secret = state.secret;

    // One enrolment per token.
    const again = spawnSync(AGENT, ['--home', path.join(work, 'again'), 'enroll', '--server', U, '--token', token.token], { encoding: 'utf8' });
    assert.equal(again.status, 3, again.stderr);
    assert.match(again.stderr, /unknown, used or expired enrolment token/);

    const listed = await api(U, admin.token, 'GET', '/agents');
    const mine = listed.json.items.find((a) => a.id === agentId);
    assert.equal(mine.status, 'active');
    assert.equal(mine.org_id, org['SX-CDS']);
    assert.equal(mine.name, os.hostname());
    assert.equal(mine.token_hash, undefined);
    const audit = await api(U, admin.token, 'GET', '/audit?limit=20');
    assert.ok(audit.json.items.some((e) => e.action === 'enroll' && e.object_id === agentId), 'enrolment audited');
  });

  test('the inventory arrives, with exactly the packages dpkg knows', async () => {
    const r = agent('run', '--once');
    assert.equal(r.status, 0, r.stderr);
    const inv = await api(U, admin.token, 'GET', `/agents/${agentId}/inventory`);
    assert.equal(inv.status, 200, inv.text);
    const { inventory } = inv.json;
    const dpkg = spawnSync('dpkg-query', ['-W', '-f=${Package}\t${Version}\n'], { encoding: 'utf8' });
    const expected = dpkg.stdout.trim().split('\n').filter(Boolean).length;
    assert.equal(inventory.packages.length, expected);
    assert.equal(inventory.system.hostname, os.hostname());
    assert.ok(inventory.processes.some((p) => p.pid === process.pid), 'this test process is listed');
    assert.ok(Array.isArray(inventory.listening) && inventory.listening.some((l) => l.port === port), 'the server listens');
    assert.ok(inventory.password_policy && 'min_length' in inventory.password_policy);
    assert.ok(Array.isArray(inventory.browser_stores));
    const a = (await api(U, admin.token, 'GET', `/agents/${agentId}`)).json;
    assert.equal(a.package_count, expected);
    assert.ok(a.last_seen);
    assert.equal(a.settings.quarantine, true);
    assert.equal(a.health.rules >= 1, true);
  });

  test('an EICAR file is detected, quarantined, restored from the console and found again', async () => {
    const dir = path.join(work, 'samples');
    fs.mkdirSync(dir);
    const sample = path.join(dir, 'eicar.com');
    fs.writeFileSync(sample, EICAR, { mode: 0o640 });
    fs.writeFileSync(path.join(dir, 'clean.txt'), 'nothing to see\n');

    const scan = agent('scan', dir);
    assert.equal(scan.status, 1, scan.stderr);
    const found = scan.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(found.length, 1);
    assert.equal(found[0].path, sample);
    assert.match(found[0].rule, /EICAR/i);
    assert.ok(found[0].quarantine_id);
    assert.equal(fs.existsSync(sample), false, 'moved into the vault');

    let d = (await detections()).find((x) => x.path === sample);
    assert.equal(d.status, 'quarantined');
    assert.equal(d.agent_id, agentId);
    assert.equal(d.org_id, org['SX-CDS']);
    const alert = (await api(U, admin.token, 'GET', `/alerts/${d.alert_id}`)).json;
    assert.match(alert.rule_id, /^vigil-agent:/);
    assert.equal(alert.host, os.hostname());

    // Restore from the console: a task the agent runs on its next round.
    const task = await api(U, admin.token, 'POST', `/agent-detections/${d.id}/restore`);
    assert.equal(task.status, 201, task.text);
    expectError(await api(U, admin.token, 'POST', `/agent-detections/${d.id}/quarantine`), 409, { field: 'status' });
    const r = agent('run', '--once');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(fs.readFileSync(sample, 'utf8'), EICAR);
    assert.equal(fs.statSync(sample).mode & 0o777, 0o640);
    d = (await detections()).find((x) => x.id === d.id);
    assert.equal(d.status, 'restored');
    const tasks = (await api(U, admin.token, 'GET', `/agent-tasks?agent_id=${agentId}`)).json.items;
    assert.equal(tasks.find((t) => t.id === task.json.id).status, 'done');

    // A scan asked for in the console finds it again.
    const asked = await api(U, admin.token, 'POST', `/agents/${agentId}/scans`, { paths: [dir] });
    assert.equal(asked.status, 201, asked.text);
    assert.equal(agent('run', '--once').status, 0);
    const again = (await detections()).filter((x) => x.path === sample);
    assert.equal(again.length, 2);
    assert.ok(again.some((x) => x.status === 'quarantined'));
    const a = (await api(U, admin.token, 'GET', `/agents/${agentId}`)).json;
    assert.ok(a.last_scan_at);
    assert.equal(a.last_scan.stats.detections, 1);
  });

  test('events are buffered while the server is down and delivered once when it is back', async () => {
    const before = (await detections()).length;
    await srv.stop({ keepData: true });
    const dir = path.join(work, 'offline');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'a.com'), EICAR);
    fs.writeFileSync(path.join(dir, 'b.com'), EICAR);
    const scan = agent('scan', dir);
    assert.equal(scan.status, 1, scan.stderr);
    assert.match(scan.stderr, /findings queued, not yet sent/);
    const down = agent('run', '--once');
    assert.equal(down.status, 4, down.stderr);
    const status = JSON.parse(agent('status').stdout);
    assert.equal(status.queued_events, 3);  // two detections and the scan
    assert.equal(status.secret, undefined);

    await start(srv);
    assert.equal(agent('run', '--once').status, 0);
    assert.equal((await detections()).length, before + 2);
    assert.equal(JSON.parse(agent('status').stdout).queued_events, 0);
    // A batch delivered again (the agent never saw the answer) changes nothing.
    const replay = await rawRequest(U, '/agent/events', {
      method: 'POST',
      headers: { Authorization: `Bearer ${secret}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ events: [{ seq: 1, type: 'detection', path: '/x', rule: 'EICAR' }] }),
    });
    assert.equal(replay.status, 200, replay.text);
    assert.equal(replay.json.duplicates, 1);
    assert.equal(replay.json.applied, 0);
    assert.equal((await detections()).length, before + 2);
  });

  test('a connection to a listed address raises an alert', async () => {
    // The agent's own connection to the server is established while it takes the inventory.
    const body = 'STT,Địa chỉ IP,Thời gian,Tên mạng botnet\r\n1,127.0.0.1,01/11/2026 08:00:00,TestNet\r\n';
    const r = await rawRequest(U, `/intel/lists?name=loopback.csv&format=botnet-csv&org_id=${org['SX-CDS']}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${admin.token}`, 'Content-Type': 'application/octet-stream' },
      body,
    });
    assert.equal(r.status, 201, r.text);
    assert.equal(agent('run', '--once').status, 0);
    const alerts = (await api(U, admin.token, 'GET', '/alerts?q=vigil-agent-listed-connection')).json.items;
    assert.equal(alerts.length, 1, JSON.stringify(alerts));
    assert.equal(alerts[0].host, os.hostname());
    assert.equal(alerts[0].fields.remote_ip, '127.0.0.1');
    assert.equal(alerts[0].fields.family, 'TestNet');
  });

  test('agents are scoped to the organisation subtree and writes need a writing role', async () => {
    const outsider = await makeUser(U, admin.token, { role: 'unit_officer', org_id: org['SX-AP'] });
    expectError(await api(U, outsider.token, 'GET', `/agents/${agentId}`), 404);
    assert.equal((await api(U, outsider.token, 'GET', '/agents')).json.items.length, 0);
    expectError(await api(U, outsider.token, 'POST', `/agents/${agentId}/scans`, {}), 404);
    const viewer = await makeUser(U, admin.token, { role: 'viewer', org_id: org['SX-CDS'] });
    expectError(await api(U, viewer.token, 'POST', '/agents/enrollment-tokens', {}), 403);
    expectError(await api(U, outsider.token, 'POST', '/yara-rules', { name: 'x', source: 'rule x { condition: true }' }), 403);
    expectError(await api(U, null, 'GET', '/agents'), 401);
    expectError(await api(U, admin.token, 'POST', '/yara-rules', { name: 'broken', source: 'rule x { condition: nope }' }), 400, { field: 'source' });
  });

  test('a YARA file added in the console reaches the agent, and its removal too', async () => {
    const marker = 'vigil-marker-7f3a' + '9c';
    const created = await api(U, admin.token, 'POST', '/yara-rules', {
      name: 'marker', source: `rule Vigil_Marker { strings: $a = "${marker}" condition: $a }`,
    });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.json.rule_count, 1);
    // The server compiles the new set in the background: a heartbeat brings it once it is ready
    // (a set this small is ready for the first one, unless the machine is very busy).
    const scanAfterHeartbeats = (file, wanted) => {
      let result;
      for (let beat = 0; beat < 20; ++beat) {
        assert.equal(agent('run', '--once').status, 0);
        fs.writeFileSync(path.join(dir, `${file}-${beat}.txt`), `x ${marker} x`);
        result = agent('scan', '--no-report', dir);
        if (result.status === wanted) break;
        spawnSync('sleep', ['0.5']);
      }
      return result;
    };
    const dir = path.join(work, 'marked');
    fs.mkdirSync(dir);
    const found = scanAfterHeartbeats('one', 1);
    assert.equal(found.status, 1, found.stderr);
    assert.equal(JSON.parse(found.stdout.trim().split('\n')[0]).rule, 'Vigil_Marker');

    const removed = await api(U, admin.token, 'DELETE', `/yara-rules/${created.json.id}`);
    assert.equal(removed.status, 204, removed.text);
    fs.rmSync(dir, { recursive: true });
    fs.mkdirSync(dir);
    const clean = scanAfterHeartbeats('two', 0);
    assert.equal(clean.status, 0, clean.stdout);
  });

  test('a revoked agent is refused at once', async () => {
    const r = await api(U, admin.token, 'POST', `/agents/${agentId}/revoke`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status, 'revoked');
    const run = agent('run', '--once');
    assert.equal(run.status, 3, run.stderr);
    assert.match(run.stderr, /revoked/);
    const beat = await rawRequest(U, '/agent/heartbeat', {
      method: 'POST',
      headers: { Authorization: `Bearer ${secret}`, 'Content-Type': 'application/json' },
      body: '{}',
    });
    assert.equal(beat.status, 401);
  });
});
