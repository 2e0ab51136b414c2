// Indicator lists, findings and NAT attribution through the API: the monthly botnet list as
// received (Vietnamese headers, dd/mm/yyyy times) matched against the demo province's assets and
// public ranges, scoped like everything else.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';

import { api } from '../lib/server.mjs';
import { expectError, listAll, makeUser, parseCsv, rawRequest, startDemo, total } from '../lib/api_helpers.mjs';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

let srv, U, admin, org;

before(async () => {
  ({ srv, url: U, admin, org } = await startDemo());
});

after(() => srv?.stop());

// Yesterday (UTC date), so that listed entries are recent and never expired.
const day = new Date(Date.now() - 86400e3);
const pad = (n) => String(n).padStart(2, '0');
const [Y, M, D] = [day.getUTCFullYear(), pad(day.getUTCMonth() + 1), pad(day.getUTCDate())];
const vnDate = `${D}/${M}/${Y}`;
const isoDate = `${Y}-${M}-${D}`;

const HEADER = 'STT,Địa chỉ IP,Thời gian,Tên mạng botnet,Cổng,IP đích,Cổng đích,Nhà mạng';
const botnetCsv = (rows) =>
  ['DANH SÁCH ĐỊA CHỈ IP NGHI NHIỄM MÃ ĐỘC BOTNET,,,,,,,', HEADER, ...rows].join('\r\n') + '\r\n';

// 203.0.113.101: an address of mail-01 (Trung tâm Chuyển đổi số, system level 3), inside that
// unit's public range 203.0.113.96/27 (whose systems go up to level 4).
// 198.51.100.50: inside Sở Y tế's range 198.51.100.48/28 (level 3). 192.0.2.18: inside UBND xã
// An Phú's range 192.0.2.16/29 (level 1). 8.8.8.8: none of ours.
const LIST = botnetCsv([
  `1,203.0.113.101,${vnDate} 08:15:00,Mirai,40001,198.51.100.7,443,VNPT`,
  `2,198.51.100.50,${vnDate} 07:00:00,Emotet,,,,Viettel`,
  `3,192.0.2.18,${vnDate} 09:00:00,Conficker,,,,VNPT`,
  `4,8.8.8.8,${vnDate} 10:00:00,Mirai,,,,FPT`,
]);

function importList(body, query, token = admin.token) {
  return rawRequest(U, `/intel/lists?${query}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream', Accept: 'application/json' },
    body,
  });
}

const fortigate = (time, src, sport, dst, dport, transip, transport) =>
  `date=${isoDate} time=${time} devname="FGT60F" tz="+0700" type="traffic" srcip=${src} srcport=${sport} ` +
  `dstip=${dst} dstport=${dport} proto=6 action="close" transip=${transip} transport=${transport}`;

describe('botnet list import and findings', () => {
  let imported, list, assets, ytOfficer, apOfficer, viewer, analyst;

  before(async () => {
    assets = Object.fromEntries((await listAll(U, admin.token, '/assets')).map((a) => [a.hostname, a]));
    ytOfficer = await makeUser(U, admin.token, { role: 'unit_officer', org_id: org['SX-YT'] });
    apOfficer = await makeUser(U, admin.token, { role: 'unit_officer', org_id: org['SX-AP'] });
    viewer = await makeUser(U, admin.token, { role: 'viewer', org_id: org.SX });
    analyst = await makeUser(U, admin.token, { role: 'analyst', org_id: org.SX });
    const r = await importList(LIST, 'name=botnet-11.csv&format=botnet-csv');
    assert.equal(r.status, 201, r.text);
    imported = r.json;
    list = imported.list;
  });

  test('the list is stored with its counts and who imported it', async () => {
    assert.equal(list.name, 'botnet-11.csv');
    assert.equal(list.format, 'botnet-csv');
    assert.equal(list.org_id, org.SX);
    assert.equal(list.entries, 4);
    assert.equal(list.rejected, 0);
    assert.equal(list.expired, 0);
    assert.equal(list.imported_by_name, srv.admin.username);
    assert.equal(typeof list.imported_by, 'number');
    assert.deepEqual(imported.issues, []);
    const got = await api(U, admin.token, 'GET', `/intel/lists/${list.id}`);
    assert.equal(got.status, 200, got.text);
    assert.deepEqual(got.json, list);
    const all = await api(U, admin.token, 'GET', '/intel/lists');
    assert.equal(all.json.items[0].id, list.id, 'newest first');
  });

  test('findings: asset and public ranges, with organisation, asset, level, in priority order', () => {
    const summary = imported.findings.map((f) => [f.org_id, f.asset_id, f.system_security_level, f.ip, f.indicator, f.status]);
    assert.deepEqual(summary, [
      [org['SX-CDS'], null, 4, '203.0.113.96/27', '203.0.113.101', 'open'],
      [org['SX-CDS'], assets['mail-01'].id, 3, '203.0.113.101', '203.0.113.101', 'open'],
      [org['SX-YT'], null, 3, '198.51.100.48/28', '198.51.100.50', 'open'],
      [org['SX-AP'], null, 1, '192.0.2.16/29', '192.0.2.18', 'open'],
    ]);
    const mail = imported.findings[1];
    assert.equal(mail.list_id, list.id);
    assert.equal(mail.family, 'Mirai');
    assert.equal(mail.listed_time, `${isoDate}T01:15:00Z`);
    assert.equal(mail.listed_port, 40001);
    assert.equal(mail.dest_ip, '198.51.100.7');
    assert.equal(mail.resolved_at, null);
  });

  test('GET /findings: same order, filters, search', async () => {
    const all = await api(U, admin.token, 'GET', `/findings?list_id=${list.id}`);
    assert.equal(all.status, 200, all.text);
    assert.equal(all.json.total, 4);
    assert.deepEqual(all.json.items.map((f) => f.id), imported.findings.map((f) => f.id));
    const yt = await api(U, admin.token, 'GET', `/findings?org_id=${org['SX-YT']}`);
    assert.deepEqual(yt.json.items.map((f) => f.indicator), ['198.51.100.50']);
    const q = await api(U, admin.token, 'GET', '/findings?q=conficker');
    assert.deepEqual(q.json.items.map((f) => f.indicator), ['192.0.2.18']);
    expectError(await api(U, admin.token, 'GET', '/findings?status=maybe'), 400, { field: 'status' });
  });

  test('a unit officer sees only its subtree; the list and other findings do not exist for it', async () => {
    const mine = await api(U, apOfficer.token, 'GET', '/findings');
    assert.deepEqual(mine.json.items.map((f) => f.indicator), ['192.0.2.18']);
    const yt = imported.findings.find((f) => f.org_id === org['SX-YT']);
    expectError(await api(U, apOfficer.token, 'GET', `/findings/${yt.id}`), 404);
    expectError(await api(U, apOfficer.token, 'PATCH', `/findings/${yt.id}`, { status: 'cleaned' }), 404);
    expectError(await api(U, apOfficer.token, 'GET', `/intel/lists/${list.id}`), 404);
    assert.equal((await api(U, apOfficer.token, 'GET', '/intel/lists')).json.total, 0);
    const exported = await rawRequest(U, '/findings/export.csv', { headers: { Authorization: `Bearer ${apOfficer.token}` } });
    assert.equal(parseCsv(exported.buffer.subarray(3).toString('utf8')).length, 2);
    // Importing for an organisation outside its scope: as if it did not exist.
    expectError(await importList(LIST, `name=x.csv&org_id=${org['SX-YT']}`, apOfficer.token), 404, { field: 'org_id' });
  });

  test('a unit officer imports for its own unit: only its findings', async () => {
    const r = await importList(LIST, 'name=yt.csv', ytOfficer.token);
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.list.org_id, org['SX-YT']);
    assert.deepEqual(r.json.findings.map((f) => [f.org_id, f.ip]), [[org['SX-YT'], '198.51.100.48/28']]);
    expectError(await api(U, apOfficer.token, 'GET', `/intel/lists/${r.json.list.id}`), 404);
  });

  test('a viewer can read but not import, change or attribute', async () => {
    assert.equal((await api(U, viewer.token, 'GET', '/findings')).status, 200);
    const before_ = await total(U, admin.token, '/intel/lists');
    expectError(await importList(LIST, 'name=v.csv', viewer.token), 403, { code: 'permission_denied' });
    const f = imported.findings[0];
    expectError(await api(U, viewer.token, 'PATCH', `/findings/${f.id}`, { status: 'cleaned' }), 403);
    expectError(await api(U, viewer.token, 'POST', `/intel/lists/${list.id}/attribute`, 'x'), 403);
    assert.equal(await total(U, admin.token, '/intel/lists'), before_);
  });

  test('strict import of a bad file: 400 naming file:line:field, nothing stored', async () => {
    const before_ = await total(U, admin.token, '/intel/lists');
    const findings = await total(U, admin.token, '/findings');
    const bad = botnetCsv([
      `1,203.0.113.101,${vnDate} 08:15:00,Mirai,40001,,,VNPT`,
      `2,203.0.113.999,${vnDate} 08:15:00,Mirai,40001,,,VNPT`,
    ]);
    const r = await importList(bad, 'name=bad.csv');
    const err = expectError(r, 400, { code: 'invalid_argument' });
    assert.equal(err.field, 'bad.csv:4:Địa chỉ IP');
    assert.equal(await total(U, admin.token, '/intel/lists'), before_);
    assert.equal(await total(U, admin.token, '/findings'), findings);
  });

  test('lenient import keeps the good entries and reports the bad ones', async () => {
    const bad = botnetCsv([
      `1,192.0.2.30,${vnDate} 08:15:00,Mirai,,,,VNPT`,
      `2,not-an-ip,${vnDate} 08:15:00,Mirai,,,,VNPT`,
    ]);
    const r = await importList(bad, 'name=lenient.csv&strict=false');
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.list.entries, 1);
    assert.equal(r.json.list.rejected, 1);
    assert.equal(r.json.issues.length, 1);
    assert.deepEqual(Object.keys(r.json.issues[0]).sort(), ['field', 'file', 'line', 'reason']);
    assert.equal(r.json.issues[0].file, 'lenient.csv');
    assert.equal(r.json.issues[0].line, 4);
    // 192.0.2.30 is inside UBND phường Bình Minh's 192.0.2.24/29 (no systems: no level).
    assert.deepEqual(r.json.findings.map((f) => [f.org_id, f.system_security_level]), [[org['SX-BM'], null]]);
  });

  test('list uploads may exceed the ordinary 16 MiB body limit, up to 64 MiB', async () => {
    const comments = '# padding line of a large feed, ignored by the importer\n'.repeat(Math.ceil((17 << 20) / 56));
    const body = Buffer.from(`${comments}192.0.2.30\n`);
    assert.ok(body.length > 16 << 20);
    const r = await importList(body, 'name=large.txt&format=plain');
    assert.equal(r.status, 201, r.text.slice(0, 300));
    assert.equal(r.json.list.entries, 1);
    const huge = Buffer.alloc((64 << 20) + 1, 0x23);
    expectError(await importList(huge, 'name=huge.txt&format=plain'), 413, { code: 'payload_too_large' });
  });

  test('bad parameters are refused before anything is read', async () => {
    expectError(await importList(LIST, 'format=botnet-csv'), 400, { field: 'name' });
    expectError(await importList(LIST, 'name=a&format=pdf'), 400, { field: 'format' });
    expectError(await importList(LIST, 'name=a&strict=maybe'), 400, { field: 'strict' });
    expectError(await importList(LIST, 'name=a&org_id=999999'), 404, { field: 'org_id' });
  });

  test('PATCH cleaned records who and when, with an audit entry; reopening clears them', async () => {
    const f = imported.findings.find((x) => x.org_id === org['SX-YT']);
    const r = await api(U, ytOfficer.token, 'PATCH', `/findings/${f.id}`, { status: 'cleaned', note: 'Đã gỡ mã độc' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status, 'cleaned');
    assert.equal(r.json.note, 'Đã gỡ mã độc');
    assert.equal(r.json.resolved_by, ytOfficer.id);
    assert.equal(r.json.resolved_by_name, ytOfficer.username);
    assert.ok(Math.abs(Date.parse(r.json.resolved_at) - Date.now()) < 60_000, r.json.resolved_at);
    const audit = await api(U, admin.token, 'GET', `/audit?kind=findings&object_id=${f.id}`);
    assert.equal(audit.json.items.length, 1);
    assert.equal(audit.json.items[0].action, 'update');
    assert.equal(audit.json.items[0].actor, ytOfficer.username);
    assert.equal(audit.json.items[0].before.status, 'open');
    assert.equal(audit.json.items[0].after.status, 'cleaned');
    // Resolved findings sort after the open ones.
    const list_ = await api(U, admin.token, 'GET', `/findings?list_id=${list.id}`);
    assert.equal(list_.json.items.at(-1).id, f.id);
    const cleaned = await api(U, admin.token, 'GET', `/findings?list_id=${list.id}&status=cleaned`);
    assert.deepEqual(cleaned.json.items.map((x) => x.id), [f.id]);
    expectError(await api(U, admin.token, 'PATCH', `/findings/${f.id}`, { status: 'gone' }), 400, { field: 'status' });
    const reopened = await api(U, admin.token, 'PATCH', `/findings/${f.id}`, { status: 'open' });
    assert.equal(reopened.json.resolved_at, null);
    assert.equal(reopened.json.resolved_by, null);
  });

  test('export.csv: BOM, header, one row per finding in priority order', async () => {
    const r = await rawRequest(U, `/findings/export.csv?list_id=${list.id}`, { headers: { Authorization: `Bearer ${admin.token}` } });
    assert.equal(r.status, 200, r.text);
    assert.match(r.headers['content-type'], /^text\/csv; charset=utf-8$/i);
    assert.match(r.headers['content-disposition'], /filename="findings\.csv"/);
    assert.ok(r.buffer.subarray(0, 3).equals(BOM));
    const rows = parseCsv(r.buffer.subarray(3).toString('utf8'));
    assert.deepEqual(rows[0].slice(0, 7), ['id', 'list_id', 'org_id', 'asset_id', 'system_security_level', 'ip', 'indicator']);
    assert.equal(rows.length, 5);
    const col = (name) => rows[0].indexOf(name);
    assert.equal(rows[2][col('ip')], '203.0.113.101');
    assert.equal(rows[2][col('family')], 'Mirai');
    assert.equal(rows[2][col('asset_id')], String(assets['mail-01'].id));
  });

  test('NAT attribution from an uploaded firewall log names the internal host and its asset', async () => {
    const log = [
      fortigate('08:15:30', '10.20.1.41', 51234, '198.51.100.7', 443, '203.0.113.101', 40001),
      fortigate('08:16:00', '10.20.1.99', 5000, '198.51.100.7', 443, '203.0.113.101', 40002),
      fortigate('07:02:00', '10.99.0.7', 6000, '192.0.2.1', 80, '198.51.100.50', 41000),
    ].join('\n') + '\n';
    const r = await api(U, analyst.token, 'POST', `/intel/lists/${list.id}/attribute?window=10m&format=auto`, log,
      { contentType: 'text/plain' });
    assert.equal(r.status, 200, r.text);
    const by = Object.fromEntries(r.json.attributions.map((a) => [a.listed_ip, a]));
    const mail = by['203.0.113.101'];
    assert.equal(mail.internal_ip, '10.20.1.41');
    assert.equal(mail.method, 'nat_port');
    assert.equal(mail.rank, 1);
    assert.equal(mail.listed_port, 40001);
    assert.equal(mail.listed_time, `${isoDate}T01:15:00Z`);
    assert.equal(mail.family, 'Mirai');
    assert.deepEqual(mail.evidence, ['log:1']);
    assert.deepEqual(mail.asset, { id: assets['mail-01'].id, hostname: 'mail-01', org_id: org['SX-CDS'] });
    const yt = by['198.51.100.50'];
    assert.equal(yt.internal_ip, '10.99.0.7');
    assert.equal(yt.method, 'window');
    assert.equal(yt.asset, undefined, 'an address no asset has');
    assert.equal(by['8.8.8.8'].internal_ip, null);
    assert.match(by['8.8.8.8'].reason, /no NAT session/);
    assert.equal(r.json.stats.lines, 3);
    // The same log gzip-compressed, as firewalls rotate them.
    const gz = await rawRequest(U, `/intel/lists/${list.id}/attribute`, {
      method: 'POST', headers: { Authorization: `Bearer ${analyst.token}` }, body: gzipSync(Buffer.from(log)),
    });
    assert.equal(gz.status, 200, gz.text);
    assert.equal(gz.json.attributions.find((a) => a.listed_ip === '203.0.113.101').asset.hostname, 'mail-01');
    // A unit officer outside the list's scope: the list does not exist.
    const ap = await api(U, apOfficer.token, 'POST', `/intel/lists/${list.id}/attribute`, log, { contentType: 'text/plain' });
    expectError(ap, 404);
    expectError(await api(U, analyst.token, 'POST', `/intel/lists/${list.id}/attribute?window=soon`, log), 400, { field: 'window' });
    expectError(await api(U, analyst.token, 'POST', `/intel/lists/${list.id}/attribute?format=nope`, log), 400, { field: 'format' });
  });

  test('DELETE: admin only; takes the entries and findings with it, audited', async () => {
    const r = await importList(LIST, 'name=to-delete.csv');
    assert.equal(r.status, 201, r.text);
    const id = r.json.list.id;
    assert.equal(await total(U, admin.token, `/findings?list_id=${id}`), 4);
    expectError(await api(U, analyst.token, 'DELETE', `/intel/lists/${id}`), 403);
    const del = await api(U, admin.token, 'DELETE', `/intel/lists/${id}`);
    assert.equal(del.status, 204, del.text);
    expectError(await api(U, admin.token, 'GET', `/intel/lists/${id}`), 404);
    assert.equal(await total(U, admin.token, `/findings?list_id=${id}`), 0);
    expectError(await api(U, admin.token, 'GET', `/findings/${r.json.findings[0].id}`), 404);
    const audit = await api(U, admin.token, 'GET', `/audit?kind=intel_lists&object_id=${id}`);
    assert.deepEqual(audit.json.items.map((e) => e.action), ['delete', 'import']);
    expectError(await api(U, admin.token, 'POST', `/intel/lists/${id}/attribute`, 'x'), 404);
  });
});
