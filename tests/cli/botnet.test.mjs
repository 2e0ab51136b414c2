// `vigil botnet attribute` end to end: the monthly list as received (CSV with a title row and
// Vietnamese headers) and FortiGate NAT logs with several internal hosts behind one public
// address (PAT), at the edges of the time window.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveBinary } from '../lib/server.mjs';

const VIGIL = resolveBinary();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-botnet-'));
const file = (name, text) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
};
const attribute = (args) => spawnSync(VIGIL, ['botnet', 'attribute', ...args], { encoding: 'utf8' });

const LIST = [
  'DANH SÁCH ĐỊA CHỈ IP NGHI NHIỄM MÃ ĐỘC BOTNET THÁNG 11/2026,,,,,,,',
  'STT,Địa chỉ IP,Thời gian,Tên mạng botnet,Cổng,IP đích,Cổng đích,Nhà mạng',
  '1,203.0.113.5,20/11/2026 08:15:00,Mirai,40001,198.51.100.7,443,VNPT',
  '2,203.0.113.5,20/11/2026 09:00:00,Emotet,,198.51.100.99,8080,VNPT',
  '3,203.0.113.6,20/11/2026 10:00:00,Conficker,,,,Viettel',
  '4,203.0.113.7,20/11/2026 10:00:00,Mirai,,,,Viettel',
].join('\r\n') + '\r\n';

const session = (time, src, sport, dst, dport, transip, transport) =>
  `date=2026-11-20 time=${time} devname="FGT60F" tz="+0700" type="traffic" srcip=${src} srcport=${sport} ` +
  `dstip=${dst} dstport=${dport} proto=6 action="close" transip=${transip} transport=${transport}`;

const LOG = [
  session('08:15:30', '10.1.1.5', 51234, '198.51.100.7', 443, '203.0.113.5', 40001),
  session('08:16:00', '10.1.1.6', 5000, '198.51.100.7', 443, '203.0.113.5', 40002),
  session('09:05:00', '10.1.1.8', 5001, '198.51.100.99', 8080, '203.0.113.5', 40003),
  session('09:05:10', '10.1.1.9', 5002, '8.8.8.8', 53, '203.0.113.5', 40004),
  session('09:49:59', '10.2.0.2', 6000, '192.0.2.1', 80, '203.0.113.6', 41000),
  session('09:50:00', '10.2.0.1', 6001, '192.0.2.1', 80, '203.0.113.6', 41001),
  session('09:58:00', '10.2.0.1', 6002, '192.0.2.2', 80, '203.0.113.6', 41002),
  session('10:10:00', '10.2.0.3', 6003, '192.0.2.3', 80, '203.0.113.6', 41003),
  session('10:10:01', '10.2.0.4', 6004, '192.0.2.4', 80, '203.0.113.6', 41004),
].join('\n') + '\n';

test('attributes each listing to the internal host behind the NAT', () => {
  const list = file('botnet-2026-11.csv', LIST);
  const log = file('fg.log', LOG);
  const got = attribute(['--listed', list, '--window', '10m', log]);
  assert.equal(got.status, 0, got.stderr);
  const rows = got.stdout.trim().split('\n').map((l) => JSON.parse(l));
  const summary = rows.map((r) => [r.listed_ip, r.listed_time, r.internal_ip, r.method ?? null, r.rank ?? null]);
  assert.deepEqual(summary, [
    // The listed source port picks one host among several behind 203.0.113.5 (PAT).
    ['203.0.113.5', '2026-11-20T08:15:00+07:00', '10.1.1.5', 'nat_port', 1],
    // No port: the C2 address and port pick the host.
    ['203.0.113.5', '2026-11-20T09:00:00+07:00', '10.1.1.8', 'destination', 1],
    // Neither: every host in the ±10 min window, the busiest first; 09:49:59 and 10:10:01 are out.
    ['203.0.113.6', '2026-11-20T10:00:00+07:00', '10.2.0.1', 'window', 1],
    ['203.0.113.6', '2026-11-20T10:00:00+07:00', '10.2.0.3', 'window', 2],
    ['203.0.113.7', '2026-11-20T10:00:00+07:00', null, null, null],
  ]);
  assert.deepEqual(rows[0].evidence, [`${log}:1`]);
  assert.equal(rows[0].family, 'Mirai');
  assert.equal(rows[0].listed_port, 40001);
  assert.deepEqual(rows[0].internal_ports, [51234]);
  assert.equal(rows[2].sessions, 2);
  assert.deepEqual(rows[2].evidence, [`${log}:6`, `${log}:7`]);
  assert.match(rows[4].reason, /no NAT session behind 203\.0\.113\.7/);
  assert.match(got.stderr, /4 listings, 4 attributions/);
});

test('a wider window takes in the sessions at its edges; bad flags are refused', () => {
  const list = file('b.csv', LIST);
  const log = file('fg2.log', LOG);
  const wide = attribute(['--listed', list, '--window', '11m', log]);
  const hosts = wide.stdout.trim().split('\n').map((l) => JSON.parse(l))
    .filter((r) => r.listed_ip === '203.0.113.6').map((r) => r.internal_ip).sort();
  assert.deepEqual(hosts, ['10.2.0.1', '10.2.0.2', '10.2.0.3', '10.2.0.4']);
  assert.equal(attribute(['--listed', list, '--window', 'soon', log]).status, 2);
  assert.equal(attribute(['--listed', list, path.join(dir, 'none.log')]).status, 2);
});
