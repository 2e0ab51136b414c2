// Pure logic of the monitoring pages: Vietnam-time formatting and datetime-local parsing
// (src/time.ts), the live alert list's merge and filter match, tags and search conditions
// (src/alerts.ts). The TypeScript sources are compiled on the fly with the project's own
// `typescript` (a dev dependency already): no extra tooling.
// Run: node --test web/test/   (or `npm test` in web/)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadSource } from './source.mjs';



const time = await loadSource('time');
const alerts = await loadSource('alerts');

test('formatVnTime shows UTC instants in Vietnam time (UTC+07:00)', () => {
  assert.equal(time.formatVnTime('2026-11-21T10:00:00Z'), '21/11/2026 17:00:00');
  assert.equal(time.formatVnTime('2026-11-21T10:00:00Z', 'en'), '2026-11-21 17:00:00');
  // Crosses midnight and the year.
  assert.equal(time.formatVnTime('2026-12-31T17:30:05Z'), '01/01/2027 00:30:05');
  assert.equal(time.formatVnTime('2026-03-01T16:59:59.900Z'), '01/03/2026 23:59:59');
  // Another zone in the input is converted too.
  assert.equal(time.formatVnTime('2026-11-21T10:00:00+02:00'), '21/11/2026 15:00:00');
  assert.equal(time.formatVnTime(Date.UTC(2026, 0, 2, 3, 4, 5)), '02/01/2026 10:04:05');
  assert.equal(time.formatVnTime(null), '');
  assert.equal(time.formatVnTime(''), '');
  assert.equal(time.formatVnTime('not a time'), 'not a time');
});

test('vnInputToIso reads datetime-local values as Vietnam time', () => {
  assert.equal(time.vnInputToIso('2026-11-21T17:00'), '2026-11-21T10:00:00Z');
  assert.equal(time.vnInputToIso('2026-11-21T17:00:30'), '2026-11-21T10:00:30Z');
  assert.equal(time.vnInputToIso('2027-01-01T00:30'), '2026-12-31T17:30:00Z');
  assert.equal(time.vnInputToIso('2026-03-01T06:59'), '2026-02-28T23:59:00Z');
  assert.equal(time.vnInputToIso(''), '');
  assert.equal(time.vnInputToIso('  '), '');
  assert.equal(time.vnInputToIso('2026-02-30T10:00'), null);
  assert.equal(time.vnInputToIso('2026-11-21T24:00'), null);
  assert.equal(time.vnInputToIso('21/11/2026 17:00'), null);
});

test('isoToVnInput is the inverse (to the minute)', () => {
  assert.equal(time.isoToVnInput('2026-11-21T10:00:59Z'), '2026-11-21T17:00');
  assert.equal(time.isoToVnInput('2026-12-31T17:30:00Z'), '2027-01-01T00:30');
  for (const iso of ['2026-01-01T00:00:00Z', '2026-06-15T12:34:00Z', '2028-02-29T16:59:00Z']) {
    assert.equal(time.vnInputToIso(time.isoToVnInput(iso)), iso);
  }
  assert.equal(time.isoToVnInput('garbage'), '');
});

const base = {
  id: 1,
  rule_id: 'r-1',
  rule_title: 'Suspicious PowerShell',
  rule_level: 'high',
  severity: 'high',
  status: 'new',
  host: 'dc01',
  asset_id: 3,
  asset_name: 'DC01',
  org_id: 5,
  rule_description: 'Encoded command',
  tags: ['attack.t1059.001', 'attack.execution'],
  count: 1,
  updated_at: '2026-11-21T10:00:00Z',
};
const all = { status: '', severity: '', host: '', q: '', org: null };

test('alertMatches applies the list filters to pushed alerts', () => {
  assert.ok(alerts.alertMatches(base, all, null));
  assert.ok(alerts.alertMatches(base, { ...all, status: 'open' }, null));
  assert.ok(alerts.alertMatches({ ...base, status: 'acknowledged' }, { ...all, status: 'open' }, null));
  assert.ok(!alerts.alertMatches({ ...base, status: 'closed' }, { ...all, status: 'open' }, null));
  assert.ok(!alerts.alertMatches(base, { ...all, status: 'closed' }, null));
  assert.ok(!alerts.alertMatches(base, { ...all, severity: 'critical' }, null));
  assert.ok(alerts.alertMatches(base, { ...all, host: 'DC0' }, null));
  assert.ok(!alerts.alertMatches(base, { ...all, host: 'web' }, null));
  assert.ok(alerts.alertMatches(base, { ...all, q: 'powershell t1059' }, null));
  assert.ok(!alerts.alertMatches(base, { ...all, q: 'mimikatz' }, null));
  assert.ok(alerts.alertMatches(base, { ...all, org: 1 }, new Set([1, 5])));
  assert.ok(!alerts.alertMatches(base, { ...all, org: 2 }, new Set([2])));
  assert.ok(!alerts.alertMatches({ ...base, org_id: null }, { ...all, org: 2 }, new Set([2])));
});

test('mergeAlert updates in place, prepends new ones on the first page, ignores stale copies', () => {
  const a2 = { ...base, id: 2 };
  const list = [a2, base];
  let r = alerts.mergeAlert(list, { ...base, count: 7, updated_at: '2026-11-21T10:05:00Z' }, true);
  assert.equal(r.added, false);
  assert.deepEqual(r.items.map((x) => [x.id, x.count]), [[2, 1], [1, 7]]);
  r = alerts.mergeAlert(list, { ...base, id: 3 }, true);
  assert.equal(r.added, true);
  assert.deepEqual(r.items.map((x) => x.id), [3, 2, 1]);
  r = alerts.mergeAlert(list, { ...base, id: 3 }, false);
  assert.equal(r.added, false);
  assert.equal(r.items, list);
  r = alerts.mergeAlert(list, { ...base, count: 9, updated_at: '2026-11-21T09:00:00Z' }, true);
  assert.equal(r.items, list);
});

test('mitreTechnique and whereCondition', () => {
  assert.equal(alerts.mitreTechnique('attack.t1059.001'), 'T1059.001');
  assert.equal(alerts.mitreTechnique('attack.T1003'), 'T1003');
  assert.equal(alerts.mitreTechnique('attack.execution'), null);
  assert.equal(alerts.mitreTechnique('cve.2021-44228'), null);
  assert.equal(alerts.whereCondition(' EventID ', '4688'), 'EventID=4688');
  assert.equal(alerts.whereCondition('Image', 'C:\\Windows\\System32\\cmd.exe'), 'Image=C:\\Windows\\System32\\cmd.exe');
  assert.equal(alerts.whereCondition('CommandLine', 'a=b'), 'CommandLine=a=b');
  assert.equal(alerts.whereCondition('', 'x'), null);
  assert.equal(alerts.whereCondition('a=b', 'x'), null);
});
