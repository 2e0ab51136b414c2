// Indicator lists against the stored events: an import answers "is any recent connection on this
// list?" and NAT attribution runs on the firewall logs the server already received over syslog,
// both scoped to the events the caller may see.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { api, freePort, resolveBinary } from '../lib/server.mjs';
import { expectError, makeUser, rawRequest, startDemo } from '../lib/api_helpers.mjs';
import { eventually, octet, sendTcp } from '../lib/monitoring.mjs';

// Yesterday (UTC date): listings and events are recent, and within every retention.
const day = new Date(Date.now() - 86400e3);
const pad = (n) => String(n).padStart(2, '0');
const [Y, M, D] = [day.getUTCFullYear(), pad(day.getUTCMonth() + 1), pad(day.getUTCDate())];
const isoDate = `${Y}-${M}-${D}`;

const botnetCsv = (rows) => ['STT,Địa chỉ IP,Thời gian,Tên mạng botnet,Cổng', ...rows].join('\r\n') + '\r\n';
// 203.0.113.101 is mail-01's public address (Trung tâm Chuyển đổi số); 8.8.8.8 is none of ours.
const LIST = botnetCsv([
  `1,203.0.113.101,${D}/${M}/${Y} 08:15:00,Mirai,40001`,
  `2,8.8.8.8,${D}/${M}/${Y} 10:00:00,Emotet,`,
]);

// A FortiGate traffic log line as the firewall sends it over syslog (RFC 5424, local time +07:00).
const fortigate = (time, src, sport, transip, transport) =>
  `<189>1 ${isoDate}T${time}+07:00 fw-core-01 fortigate - - - date=${isoDate} time=${time} devname="FGT60F" ` +
  `tz="+0700" type="traffic" srcip=${src} srcport=${sport} dstip=198.51.100.7 dstport=443 proto=6 ` +
  `action="close" transip=${transip} transport=${transport}`;

let srv, U, admin, org, tcpPort;

before(async () => {
  tcpPort = await freePort();
  ({ srv, url: U, admin, org } = await startDemo({ extraArgs: ['--syslog-tcp', `127.0.0.1:${tcpPort}`] }));
  // Two NAT sessions behind mail-01's public address around the listed time (the first on the
  // listed port), one in another hour, a workstation of xã An Phú talking to 8.8.8.8, and a sender
  // that is no registered asset (its events belong to no organisation) talking to it too.
  await sendTcp(tcpPort, [
    fortigate('08:15:30', '10.20.1.41', 51234, '203.0.113.101', 40001),
    fortigate('08:16:00', '10.20.1.99', 5000, '203.0.113.101', 40002),
    fortigate('11:00:00', '10.20.1.77', 6000, '203.0.113.101', 40003),
    `<14>1 ${isoDate}T03:00:00Z xa-anphu-pc01 agent - - - outbound connection to 8.8.8.8:443 established`,
    `<14>1 ${isoDate}T03:30:00Z unregistered-box agent - - - outbound connection to 8.8.8.8:53 established`,
  ].map(octet).join(''));
  await eventually(async () => {
    const r = await api(U, admin.token, 'GET', `/events?from=${isoDate}T00:00:00Z&limit=10`);
    return r.json?.items?.length === 5;
  }, 'the five syslog events');
});

after(() => srv?.stop());

function importList(token, query, body = LIST) {
  return rawRequest(U, `/intel/lists?${query}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream', Accept: 'application/json' },
    body,
  });
}

const byIp = (items) => Object.fromEntries(items.map((c) => [c.ip, c]));

describe('indicator lists against stored events', () => {
  let list, imported, fwEvents, apOfficer;

  before(async () => {
    apOfficer = await makeUser(U, admin.token, { role: 'unit_officer', org_id: org['SX-AP'] });
    const r = await importList(admin.token, 'name=botnet-events.csv&format=botnet-csv');
    assert.equal(r.status, 201, r.text);
    imported = r.json;
    list = imported.list;
    const ev = await api(U, admin.token, 'GET', `/events?from=${isoDate}T00:00:00Z&host=fw-core-01`);
    fwEvents = ev.json.items;
  });

  test('an import answers at once which stored events of the subtree hold a listed address', async () => {
    const c = imported.connections;
    assert.equal(c.truncated, false);
    assert.ok(c.events_examined >= 5, JSON.stringify(c));
    assert.equal(c.items.length, 3, JSON.stringify(c.items));
    // An administrator's check of a top-level list also reads the senders nobody registered.
    const stray = c.items.find((i) => i.host === 'unregistered-box');
    assert.equal(stray.ip, '8.8.8.8');
    assert.equal(stray.org_id, null);
    assert.equal(stray.asset_id, null);
    const got = byIp(c.items.filter((i) => i !== stray));
    const mail = got['203.0.113.101'];
    assert.equal(mail.indicator, '203.0.113.101');
    assert.equal(mail.family, 'Mirai');
    assert.equal(mail.host, 'fw-core-01');
    assert.equal(mail.org_id, org['SX-CDS']);
    assert.equal(mail.events, 3);
    assert.equal(mail.first_time, `${isoDate}T01:15:30Z`);
    assert.equal(mail.last_time, `${isoDate}T04:00:00Z`);
    assert.deepEqual([...mail.event_ids].sort(), fwEvents.map((e) => e.id).sort());
    const ap = got['8.8.8.8'];
    assert.equal(ap.host, 'xa-anphu-pc01');
    assert.equal(ap.org_id, org['SX-AP']);
    assert.equal(typeof ap.asset_id, 'number');
    assert.equal(ap.events, 1);
    // The list's findings (register matches) are still there beside the connections.
    assert.ok(imported.findings.some((f) => f.ip === '203.0.113.101'));
  });

  test('the check can be re-run later, and its window is a parameter', async () => {
    const r = await api(U, admin.token, 'GET', `/intel/lists/${list.id}/connections?recent=30d`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(byIp(r.json.items)['203.0.113.101'].events, 3);
    assert.ok(r.json.items.some((i) => i.host === 'unregistered-box'), r.text);
    const none = await api(U, admin.token, 'GET', `/intel/lists/${list.id}/connections?recent=1s`);
    assert.equal(none.status, 200, none.text);
    assert.deepEqual(none.json.items, []);
    expectError(await api(U, admin.token, 'GET', `/intel/lists/${list.id}/connections?recent=soon`), 400, { field: 'recent' });
    const skipped = await importList(admin.token, 'name=no-check.csv&format=botnet-csv&recent=0');
    assert.equal(skipped.status, 201, skipped.text);
    assert.equal(skipped.json.connections, null);
    expectError(await importList(admin.token, 'name=bad.csv&recent=soon'), 400, { field: 'recent' });
  });

  test('NAT attribution runs on the stored firewall events around each listed time', async () => {
    const r = await api(U, admin.token, 'POST', `/intel/lists/${list.id}/attribute?source=events&window=10m`);
    assert.equal(r.status, 200, r.text);
    const by = Object.fromEntries(r.json.attributions.map((a) => [a.listed_ip, a]));
    const mail = by['203.0.113.101'];
    assert.equal(mail.internal_ip, '10.20.1.41');
    assert.equal(mail.method, 'nat_port');
    assert.equal(mail.internal_ports[0], 51234);
    const first = fwEvents.find((e) => /srcport=51234/.test(e.raw ?? e.message));
    assert.deepEqual(mail.evidence, [`event:${first.id}`]);
    assert.equal(mail.asset.hostname, 'mail-01');
    // 8.8.8.8 has no NAT session: the workstation's event is not a firewall session.
    assert.equal(by['8.8.8.8'].internal_ip, null);
    assert.match(by['8.8.8.8'].reason, /no NAT session/);
    // Only the two windows were read (the 11:00 session lies outside both).
    assert.equal(r.json.stats.sessions, 2);
    assert.equal(r.json.stats.truncated, false);
    // Without the listed port's session, the window ranks the hosts seen behind the address.
    const wide = await api(U, admin.token, 'POST', `/intel/lists/${list.id}/attribute?source=events&window=3h`);
    const ranked = wide.json.attributions.filter((a) => a.listed_ip === '203.0.113.101');
    assert.equal(ranked[0].method, 'nat_port');
  });

  test('bad attribution requests are refused with the field at fault', async () => {
    expectError(await api(U, admin.token, 'POST', `/intel/lists/${list.id}/attribute?source=disk`), 400, { field: 'source' });
    expectError(await api(U, admin.token, 'POST', `/intel/lists/${list.id}/attribute?source=events`, 'x',
      { contentType: 'text/plain' }), 400, { field: 'body' });
    expectError(await api(U, admin.token, 'POST', `/intel/lists/${list.id}/attribute`), 400);
  });

  test('a unit sees only its own subtree\'s events, in the check and in attribution', async () => {
    const r = await importList(apOfficer.token, 'name=an-phu.csv&format=botnet-csv');
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.list.org_id, org['SX-AP']);
    // Neither the firewall's events nor the unregistered sender's are the officer's to read.
    assert.deepEqual(r.json.connections.items.map((c) => c.host), ['xa-anphu-pc01']);
    const again = await api(U, apOfficer.token, 'GET', `/intel/lists/${r.json.list.id}/connections`);
    assert.deepEqual(again.json.items.map((c) => c.host), ['xa-anphu-pc01']);
    // The firewall's sessions belong to Trung tâm Chuyển đổi số: not the officer's to read.
    const a = await api(U, apOfficer.token, 'POST', `/intel/lists/${r.json.list.id}/attribute?source=events`);
    assert.equal(a.status, 200, a.text);
    const mail = a.json.attributions.find((x) => x.listed_ip === '203.0.113.101');
    assert.equal(mail.internal_ip, null);
    assert.equal(a.json.stats.sessions, 0);
    // Nor the province's list and its connections.
    expectError(await api(U, apOfficer.token, 'GET', `/intel/lists/${list.id}/connections`), 404);
  });

  test('`vigil botnet attribute --data DIR` reads a server\'s stored events and names its assets', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-attr-'));
    const listFile = path.join(dir, 'list.csv');
    fs.writeFileSync(listFile, LIST);
    const run = (args) => spawnSync(resolveBinary(), ['botnet', 'attribute', ...args], { encoding: 'utf8' });
    const r = run(['--listed', listFile, '--data', srv.dataDir]);
    assert.equal(r.status, 0, r.stderr);
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const mail = rows.find((x) => x.listed_ip === '203.0.113.101');
    assert.equal(mail.internal_ip, '10.20.1.41');
    assert.equal(mail.method, 'nat_port');
    assert.match(mail.evidence[0], /^event:\d+$/);
    assert.equal(mail.asset.hostname, 'mail-01');
    assert.equal(mail.asset.org_id, org['SX-CDS']);
    assert.match(r.stderr, /stored events/);
    // A session log from elsewhere, with the server naming the assets.
    const log = path.join(dir, 'fw.log');
    fs.writeFileSync(log, fortigate('08:15:10', '10.20.1.41', 50000, '203.0.113.101', 40001).replace(/^.* - - - /, '') + '\n');
    const fromLog = run(['--listed', listFile, '--data', srv.dataDir, log]);
    assert.equal(fromLog.status, 0, fromLog.stderr);
    const viaLog = fromLog.stdout.trim().split('\n').map((l) => JSON.parse(l)).find((x) => x.listed_ip === '203.0.113.101');
    assert.deepEqual(viaLog.evidence, [`${log}:1`]);
    assert.equal(viaLog.asset.hostname, 'mail-01');
    const missing = run(['--listed', listFile, '--data', path.join(dir, 'nowhere')]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /nowhere: not a Vigil data directory/);
    const nothing = run(['--listed', listFile]);
    assert.equal(nothing.status, 2);
    assert.match(nothing.stderr, /LOG\.\.\.\) or a server's data directory/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
