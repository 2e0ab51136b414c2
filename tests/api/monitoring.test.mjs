// 24/7 monitoring against a running server with the whole SigmaHQ rule set: syslog over UDP and
// TCP and NDJSON batches over HTTP become stored events and alerts, attributed to registered
// assets, deduplicated, scoped by organisation, live over server-sent events, acknowledged,
// closed with a suppression, and kept across a restart without being evaluated twice.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import tls from 'node:tls';

import { api, freePort, startServer, login } from '../lib/server.mjs';
import { makeUser, orgIdsByCode, runVigil } from '../lib/api_helpers.mjs';
import { CERTUTIL, CERTUTIL_CMD, SIGMA_RULES, eventually, octet, postIngest, rfc5424, sendTcp as sendTcpTo, sendUdp as sendUdpTo, sysmonProcess as sysmonObject } from '../lib/monitoring.mjs';

const RULES = SIGMA_RULES;

let srv, U, admin, org, udpPort, tcpPort, tlsPort, sourceToken;

async function start(extra = {}) {
  udpPort = await freePort();
  tcpPort = await freePort();
  tlsPort = await freePort();
  return startServer({
    demo: true,
    extraArgs: ['--rules', RULES, '--syslog-udp', `127.0.0.1:${udpPort}`, '--syslog-tcp', `127.0.0.1:${tcpPort}`,
      '--syslog-tls', `127.0.0.1:${tlsPort}`],
    ...extra,
  });
}

before(async () => {
  assert.ok(fs.existsSync(RULES), `SigmaHQ rules missing at ${RULES} (set VIGIL_SHARED_DIR)`);
  srv = await start();
  U = srv.url;
  admin = await login(U, srv.admin.username, srv.admin.password);
  org = await orgIdsByCode(U, admin.token);
});

after(() => srv?.stop());

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));


async function alerts(token = admin.token, query = '') {
  const r = await api(U, token, 'GET', `/alerts?limit=1000${query}`);
  assert.equal(r.status, 200, r.text);
  return r.json.items;
}

// An RFC 3164 stamp ("Nov 21 09:05:03") in Vietnam time, the zone the server assumes for them.
function bsdStamp() {
  const d = new Date(Date.now() + 7 * 3600e3);
  const mon = d.toUTCString().slice(8, 11);
  const pad = (n) => String(n).padStart(2, '0');
  return `${mon} ${String(d.getUTCDate()).padStart(2, ' ')} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}
const sendUdp = (message) => sendUdpTo(udpPort, message);
const sendTcp = (frames) => sendTcpTo(tcpPort, frames);
const sysmonProcess = (computer, image, commandLine) => JSON.stringify(sysmonObject(computer, image, commandLine));
const ingest = (token, body) => postIngest(U, token, body);

describe('registering the sources and assets', () => {
  test('a log source gets a token shown once; only admins register sources', async () => {
    const r = await api(U, admin.token, 'POST', '/ingest/sources', { name: 'winlogbeat-dc01', org_id: org['SX-KHCN'] });
    assert.equal(r.status, 201, r.text);
    assert.match(r.json.token, /^vgi_/);
    assert.equal(r.json.token_hash, undefined);
    sourceToken = r.json.token;
    const list = await api(U, admin.token, 'GET', '/ingest/sources');
    assert.equal(list.json.items[0].token, undefined, 'the token is never shown again');
    const officer = await makeUser(U, admin.token, { role: 'unit_officer', org_id: org['SX-KHCN'] });
    const denied = await api(U, officer.token, 'POST', '/ingest/sources', { name: 'x', org_id: org['SX-KHCN'] });
    assert.equal(denied.status, 403);
  });

  test('an asset of a level-4 system is registered as web01 / 127.0.0.1', async () => {
    const sys = await api(U, admin.token, 'POST', '/systems', {
      name: 'Cổng dịch vụ công', owner_org_id: org['SX-KHCN'], security_level: 4,
    });
    assert.equal(sys.status, 201, sys.text);
    const asset = await api(U, admin.token, 'POST', '/assets', {
      hostname: 'web01', org_id: org['SX-KHCN'], role: 'server', ips: ['127.0.0.1'], system_ids: [sys.json.id],
    });
    assert.equal(asset.status, 201, asset.text);
    await sleep(1000); // the directory is refreshed right after the change
  });
});

describe('ingestion and alerts', () => {
  test('NDJSON: no token, a user token and a wrong token are refused; bad lines are reported, good ones stored', async () => {
    assert.equal((await ingest('', '{}\n')).status, 401);
    assert.equal((await ingest(admin.token, '{}\n')).status, 401);
    assert.equal((await ingest('vgi_wrong', '{}\n')).status, 401);
    const body = [sysmonProcess('PC-KT-07', CERTUTIL, CERTUTIL_CMD), 'not json', '', '[1,2]', '{"message":"hello from vector"}'].join('\n');
    const r = await ingest(sourceToken, body);
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.equal(r.json.accepted, 2);
    assert.equal(r.json.rejected, 2);
    assert.deepEqual(r.json.errors.map((e) => e.line), [2, 4]);
  });

  test('the certutil download fires its SigmaHQ rule as one alert of the source organisation', async () => {
    const found = await eventually(async () => (await alerts()).find((a) => a.rule_title === 'Suspicious Download Via Certutil.EXE'), 'certutil alert');
    assert.equal(found.host, 'PC-KT-07');
    assert.equal(found.org_id, org['SX-KHCN']);
    assert.equal(found.status, 'new');
    assert.equal(found.count, 1);
    assert.equal(found.fields.Image, CERTUTIL);
    assert.ok(found.tags.length > 0);
    const detail = await api(U, admin.token, 'GET', `/alerts/${found.id}`);
    assert.equal(detail.status, 200);
    assert.equal(detail.json.events.length, 1);
    assert.equal(detail.json.events[0].fields.CommandLine, CERTUTIL_CMD);
    assert.match(detail.json.events[0].raw, /urlcache/);
  });

  test('a repeat of the same rule on the same host folds into the alert with a count', async () => {
    const r = await ingest(sourceToken, sysmonProcess('PC-KT-07', CERTUTIL, CERTUTIL_CMD) + '\n');
    assert.equal(r.status, 200);
    const a = await eventually(async () => (await alerts()).find((x) => x.rule_title === 'Suspicious Download Via Certutil.EXE' && x.count === 2), 'count 2');
    assert.equal((await alerts()).filter((x) => x.rule_title === a.rule_title).length, 1);
  });

  test('syslog over TCP (octet counting) and UDP from a registered asset: attributed, severity raised by level 4', async () => {
    await sendTcp(octet(rfc5424('web01', 'sshd', 'error: unexpected internal error')) + rfc5424('web01', 'sshd', 'session opened') + '\n');
    await sendUdp(`<13>${bsdStamp()} web01 httpd: GET /cgi-bin/x "() { :; }; /bin/bash -c id"`);
    const ssh = await eventually(async () => (await alerts()).find((a) => a.rule_title === 'Suspicious OpenSSH Daemon Error'), 'sshd alert');
    assert.equal(ssh.host, 'web01');
    assert.equal(ssh.asset_name, 'web01');
    assert.equal(ssh.org_id, org['SX-KHCN']);
    assert.equal(ssh.system_security_level, 4);
    assert.equal(ssh.rule_level, 'medium');
    assert.equal(ssh.severity, 'high', 'a level-4 system raises medium to high');
    assert.match(ssh.fields.message, /unexpected internal error/);
    const shock = await eventually(async () => (await alerts()).find((a) => a.rule_title === 'Shellshock Expression'), 'shellshock alert');
    assert.equal(shock.severity, 'critical');
    // Both syslog events are stored and searchable by host, field and text.
    const ev = await api(U, admin.token, 'GET', '/events?host=web01&where=app_name=sshd&q=session+opened');
    assert.equal(ev.status, 200, ev.text);
    assert.equal(ev.json.items.length, 1);
    assert.equal(ev.json.items[0].source, `syslog/tcp:${tcpPort}`);
    assert.equal(ev.json.items[0].peer, '127.0.0.1');
  });

  test('syslog over TLS with the server\'s certificate', async () => {
    const cert = fs.readFileSync(`${srv.dataDir}/tls/server.crt`);
    await new Promise((resolve, reject) => {
      const c = tls.connect({ port: tlsPort, host: '127.0.0.1', ca: cert, servername: 'localhost' }, () => {
        c.end(octet(rfc5424('db01', 'postgres', 'tls-delivered checkpoint complete')));
      });
      c.on('close', resolve);
      c.on('error', reject);
    });
    const ev = await eventually(async () => {
      const r = await api(U, admin.token, 'GET', '/events?host=db01');
      return r.json.items.length === 1 && r.json.items[0];
    }, 'the TLS event');
    assert.equal(ev.source, `syslog/tls:${tlsPort}`);
    assert.match(ev.message, /tls-delivered/);
  });

  test('organisation scoping: another unit sees neither the alerts nor the events', async () => {
    const other = org['SX-YT'];
    const outsider = await makeUser(U, admin.token, { role: 'unit_officer', org_id: other });
    const theirs = await alerts(outsider.token);
    assert.equal(theirs.filter((a) => a.host === 'web01' || a.host === 'PC-KT-07').length, 0);
    const id = (await alerts()).find((a) => a.host === 'web01').id;
    assert.equal((await api(U, outsider.token, 'GET', `/alerts/${id}`)).status, 404);
    assert.equal((await api(U, outsider.token, 'POST', `/alerts/${id}/acknowledge`, {})).status, 404);
    const ev = await api(U, outsider.token, 'GET', '/events?host=web01');
    assert.equal(ev.json.items.length, 0);
    const insider = await makeUser(U, admin.token, { role: 'viewer', org_id: org['SX-KHCN'] });
    assert.ok((await alerts(insider.token)).some((a) => a.host === 'web01'));
    assert.equal((await api(U, insider.token, 'POST', `/alerts/${id}/acknowledge`, {})).status, 403, 'viewers only read');
  });

  test('the live stream delivers a new alert to a subscribed console', async () => {
    const ctrl = new AbortController();
    const res = await fetch(`${U}/api/v1/alerts/stream`, { headers: { Authorization: `Bearer ${admin.token}` }, signal: ctrl.signal });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /text\/event-stream/);
    const reader = res.body.getReader();
    let text = '';
    const got = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return false;
        text += Buffer.from(value).toString();
        if (/event: alert\ndata: .*Whoami/.test(text)) return true;
      }
    })();
    await sleep(500);
    await ingest(sourceToken, sysmonProcess('PC-KT-08', 'C:\\Windows\\System32\\whoami.exe', 'whoami /priv') + '\n');
    const timeout = sleep(15_000).then(() => false);
    const ok = await Promise.race([got, timeout]);
    ctrl.abort();
    assert.ok(ok, `no alert on the stream; received:\n${text.slice(0, 2000)}`);
  });

  test('acknowledge, then close as a false positive with a suppression: the next repeat makes no alert', async () => {
    const a = (await alerts()).find((x) => x.rule_title === 'Suspicious Download Via Certutil.EXE');
    const ack = await api(U, admin.token, 'POST', `/alerts/${a.id}/acknowledge`, { note: 'đang kiểm tra' });
    assert.equal(ack.status, 200, ack.text);
    assert.equal(ack.json.status, 'acknowledged');
    assert.equal(ack.json.acknowledged_by_name, 'admin');
    assert.equal((await api(U, admin.token, 'POST', `/alerts/${a.id}/acknowledge`, {})).status, 409);
    const noReason = await api(U, admin.token, 'POST', `/alerts/${a.id}/close`, { false_positive: true });
    assert.equal(noReason.status, 400);
    assert.equal(noReason.json.error.field, 'reason');
    const closed = await api(U, admin.token, 'POST', `/alerts/${a.id}/close`, { reason: 'Quản trị viên tải bản cập nhật', false_positive: true, suppress: true });
    assert.equal(closed.status, 200, closed.text);
    assert.equal(closed.json.status, 'closed');
    assert.equal(closed.json.false_positive, true);
    const sup = await api(U, admin.token, 'GET', '/suppressions');
    assert.equal(sup.json.items.length, 1);
    assert.equal(sup.json.items[0].host, 'PC-KT-07');

    await ingest(sourceToken, sysmonProcess('PC-KT-07', CERTUTIL, CERTUTIL_CMD) + '\n');
    await eventually(async () => (await api(U, admin.token, 'GET', '/suppressions')).json.items[0].hits === 1, 'suppression hit');
    assert.equal((await alerts()).filter((x) => x.rule_title === a.rule_title).length, 1, 'no new alert');
    const audit = await api(U, admin.token, 'GET', '/audit?limit=50');
    const actions = audit.json.items.filter((e) => e.kind === 'alerts').map((e) => e.action);
    assert.ok(actions.includes('acknowledge') && actions.includes('close'), JSON.stringify(actions));
    // Open alerts (the console's default filter) no longer include it.
    const open = await alerts(admin.token, '&status=new,acknowledged');
    assert.ok(!open.some((x) => x.id === a.id));
    assert.equal((await api(U, admin.token, 'GET', '/alerts?status=bogus')).status, 400);
  });

  test('status reports the store, the rules and the listeners', async () => {
    const s = await api(U, admin.token, 'GET', '/monitoring/status');
    assert.equal(s.status, 200, s.text);
    assert.ok(s.json.rules_loaded > 3000, `rules_loaded ${s.json.rules_loaded}`);
    assert.equal(s.json.rules_refused, 0);
    assert.ok(s.json.events_stored >= 8);
    assert.equal(s.json.detection_lag_events, 0);
    assert.deepEqual(s.json.listeners.map((l) => l.name).sort(), [`syslog/tcp:${tcpPort}`, `syslog/tls:${tlsPort}`, `syslog/udp:${udpPort}`]);
  });
});

describe('restart', () => {
  test('events and alerts survive a restart, and nothing is evaluated twice', async () => {
    const before = await alerts();
    const events = (await api(U, admin.token, 'GET', '/monitoring/status')).json.events_stored;
    await srv.stop({ keepData: true });
    srv = await start({ reuse: srv, demo: false });
    U = srv.url;
    admin = await login(U, srv.admin.username, srv.admin.password);
    await sleep(1500);
    const afterRestart = await alerts();
    assert.deepEqual(afterRestart.map((a) => [a.id, a.count]), before.map((a) => [a.id, a.count]));
    assert.equal((await api(U, admin.token, 'GET', '/monitoring/status')).json.events_stored, events);
  });
});

describe('retro-hunt', () => {
  test('vigil sigma scan reads the stored events of a data directory, while the server runs', async () => {
    const r = await runVigil(['sigma', 'scan', '--jsonl', '--rules', RULES, srv.dataDir], { timeout: 60_000 });
    assert.equal(r.code, 0, r.stderr);
    const hits = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const titles = new Set(hits.map((h) => h.title));
    for (const t of ['Suspicious Download Via Certutil.EXE', 'Suspicious OpenSSH Daemon Error', 'Shellshock Expression']) {
      assert.ok(titles.has(t), `${t} not found again; got ${[...titles].join(', ')}`);
    }
    assert.ok(hits.every((h) => h.file.endsWith('events.db') && h.record > 0));
  });
});
