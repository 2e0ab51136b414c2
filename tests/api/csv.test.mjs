// CSV export and import of assets and contacts: the spreadsheets offices keep (Excel, LibreOffice;
// Vietnamese text; ',' or ';' separated).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { api } from '../lib/server.mjs';
import {
  expectError, listAll, makeUser, parseCsv, rawRequest, snapshot, startDemo, toCsv,
} from '../lib/api_helpers.mjs';

const ASSET_COLUMNS = ['id', 'hostname', 'org_id', 'role', 'ips', 'mac', 'os', 'os_version', 'system_ids', 'description'];
const CONTACT_COLUMNS = ['id', 'name', 'position', 'phone', 'email', 'org_id', 'on_call'];
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

let srv, U, admin, org;

before(async () => {
  ({ srv, url: U, admin, org } = await startDemo());
});

after(() => srv?.stop());

/** GET an export as raw bytes; asserts 200 and the CSV headers; returns { buffer, text (no BOM), rows }. */
async function exportCsv(kind, query = '', token = admin.token) {
  const r = await rawRequest(U, `/${kind}/export.csv${query}`, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers['content-type'], /^text\/csv; charset=utf-8$/i);
  assert.match(r.headers['content-disposition'] ?? '', new RegExp(`attachment; filename="${kind}\\.csv"`));
  assert.ok(r.buffer.subarray(0, 3).equals(BOM), 'the export starts with a UTF-8 BOM (for Excel)');
  const text = r.buffer.subarray(3).toString('utf8');
  assert.ok(!text.startsWith('\uFEFF'), 'only one BOM');
  return { buffer: r.buffer, text, rows: parseCsv(text) };
}

/** POST a CSV import; `body` is a string or Buffer. */
function importCsv(kind, body, { mode, token = admin.token, type = 'text/csv; charset=utf-8' } = {}) {
  return rawRequest(U, `/${kind}/import${mode ? `?mode=${mode}` : ''}`, {
    method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': type, Accept: 'application/json' }, body,
  });
}

/** The CSV cell the export should hold for a JSON value. */
function cell(v) {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.join(';');
  return String(v);
}

// A record without updated_at, with an empty list written as null: CSV has one spelling for
// both (an empty cell), so [] → "" → null is not a change.
const stripTimes = (r) => {
  const { updated_at: _u, ...rest } = r;
  for (const [k, v] of Object.entries(rest)) if (Array.isArray(v) && v.length === 0) rest[k] = null;
  return rest;
};

describe('export', () => {
  test('assets: BOM, header row, CRLF, one row per asset, lists joined with ";"', async () => {
    const { text, rows } = await exportCsv('assets');
    assert.deepEqual(rows[0], ASSET_COLUMNS);
    assert.ok(text.startsWith(`${ASSET_COLUMNS.join(',')}\r\n`), 'CRLF line ends');
    const assets = await listAll(U, admin.token, '/assets');
    assert.equal(rows.length - 1, assets.length);
    for (const [i, a] of assets.entries()) {
      assert.deepEqual(rows[i + 1], ASSET_COLUMNS.map((c) => cell(a[c])), `row for asset ${a.id}`);
    }
    const dvc = rows.find((r) => r[1] === 'dvc-app-01');
    assert.equal(dvc[4], '10.20.1.21;2001:db8:5a::21');
    const lb = rows.find((r) => r[1] === 'f5-lb-01');
    assert.match(lb[8], /^\d+;\d+$/, 'system_ids joined with ;');
  });

  test('contacts: Vietnamese text intact, quoted commas, filters apply', async () => {
    const { buffer, rows } = await exportCsv('contacts');
    assert.deepEqual(rows[0], CONTACT_COLUMNS);
    assert.ok(buffer.includes(Buffer.from('Nguyễn Văn An', 'utf8')), 'UTF-8 bytes of "Nguyễn Văn An"');
    const contacts = await listAll(U, admin.token, '/contacts');
    assert.equal(rows.length - 1, contacts.length);
    for (const [i, c] of contacts.entries()) {
      assert.deepEqual(rows[i + 1], CONTACT_COLUMNS.map((k) => cell(c[k])), `row for contact ${c.id}`);
    }
    assert.ok(rows.some((r) => r[2] === 'Trưởng phòng Bưu chính, Viễn thông và CNTT'));
    assert.ok(rows.some((r) => r[1] === 'Hoàng Minh Đức' && r[2] === 'Công chức Văn phòng – Thống kê'));

    const khcn = await exportCsv('contacts', `?org_id=${org['SX-KHCN']}`);
    const expected = await listAll(U, admin.token, `/contacts?org_id=${org['SX-KHCN']}`);
    assert.deepEqual(khcn.rows.slice(1).map((r) => Number(r[0])), expected.map((c) => c.id));
    const q = await exportCsv('contacts', `?q=${encodeURIComponent('NGUYỄN')}`);
    assert.deepEqual(q.rows.slice(1).map((r) => r[1]), ['Nguyễn Văn An']);
    const servers = await exportCsv('assets', '?role=network_device');
    assert.ok(servers.rows.length > 1);
    assert.ok(servers.rows.slice(1).every((r) => r[3] === 'network_device'));
  });

  test('cells that a spreadsheet would run as formulas are defused', async () => {
    const c = await api(U, admin.token, 'POST', '/contacts', { name: '=HYPERLINK("http://evil.example","Bấm")', position: '@SUM(A1)', org_id: org['SX-TC'] });
    assert.equal(c.status, 201, c.text);
    const { rows } = await exportCsv('contacts', `?org_id=${org['SX-TC']}`);
    const row = rows.find((r) => Number(r[0]) === c.json.id);
    assert.equal(row[1], '\'=HYPERLINK("http://evil.example","Bấm")');
    assert.equal(row[2], '\'@SUM(A1)');
    assert.equal((await api(U, admin.token, 'DELETE', `/contacts/${c.json.id}`)).status, 204);
  });
});

describe('import', () => {
  test('Vietnamese rows: create with org_code, update with id', async () => {
    const dung = (await listAll(U, admin.token, '/contacts')).find((c) => c.name === 'Phạm Thu Dung');
    const csv = toCsv([
      ['id', 'name', 'position', 'phone', 'email', 'org_code', 'on_call'],
      ['', 'Trịnh Thị Ngọc Ánh', 'Chuyên viên quản trị mạng', '0912 333 444', 'anh.ttn@songxanh.example', 'SX-YT', 'có'],
      ['', 'Đặng Quốc Việt', 'Phó Chánh Văn phòng', '0912 555 666', '', 'SX-VP', 'không'],
      [dung.id, 'Phạm Thu Dung', 'Trưởng phòng Công nghệ thông tin', '0912 000 004', 'dung.pt@songxanh.example', 'SX-YT', 'không'],
    ]);
    const before_ = await listAll(U, admin.token, '/contacts');
    const r = await importCsv('contacts', csv);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.created, 2);
    assert.equal(r.json.updated, 1);
    assert.deepEqual(r.json.errors, []);
    const after_ = await listAll(U, admin.token, '/contacts');
    assert.equal(after_.length, before_.length + 2);
    const anh = after_.find((c) => c.name === 'Trịnh Thị Ngọc Ánh');
    assert.ok(anh, 'created contact');
    assert.equal(anh.position, 'Chuyên viên quản trị mạng');
    assert.equal(anh.org_id, org['SX-YT']);
    assert.equal(anh.on_call, true);
    assert.equal(anh.email, 'anh.ttn@songxanh.example');
    const viet = after_.find((c) => c.name === 'Đặng Quốc Việt');
    assert.equal(viet.org_id, org['SX-VP']);
    assert.equal(viet.on_call, false);
    assert.equal(viet.email, null);
    const dung2 = after_.find((c) => c.id === dung.id);
    assert.equal(dung2.position, 'Trưởng phòng Công nghệ thông tin');
    assert.equal(dung2.on_call, false);
    assert.equal(after_.filter((c) => c.name === 'Phạm Thu Dung').length, 1, 'the update did not duplicate');
    const audit = await api(U, admin.token, 'GET', '/audit?action=import&limit=10');
    assert.equal(audit.status, 200);
    const ids = audit.json.items.filter((e) => e.kind === 'contacts').map((e) => e.object_id);
    for (const id of [anh.id, viet.id, dung.id]) assert.ok(ids.includes(id), `audit entry for contact ${id}`);
  });

  test('an org_code with stray spaces, as spreadsheets leave them, still resolves', async () => {
    const csv = toCsv([['name', 'org_code'], ['Đinh Văn Mười', '  SX-YT  ']]);
    const r = await importCsv('contacts', csv);
    assert.equal(r.status, 200, r.text);
    const c = (await listAll(U, admin.token, '/contacts')).find((x) => x.name === 'Đinh Văn Mười');
    assert.equal(c?.org_id, org['SX-YT']);
  });

  test('assets: lists separated by ";", values normalised like the API', async () => {
    const systems = await listAll(U, admin.token, '/systems');
    const s1 = systems[0].id;
    const s2 = systems[1].id;
    const csv = toCsv([
      ['hostname', 'org_code', 'role', 'ips', 'mac', 'os', 'system_ids', 'description'],
      ['  csv-srv-01  ', 'SX-CDS', 'server', '10.50.0.1; 2001:DB8:0:0:0:0:0:7 ;10.50.0.1', 'AA-BB-CC-00-11-22', 'Ubuntu', `${s1};${s2}`, 'Máy chủ nhập từ Excel'],
    ]);
    const r = await importCsv('assets', csv);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.created, 1);
    const a = (await listAll(U, admin.token, '/assets')).find((x) => x.hostname === 'csv-srv-01');
    assert.ok(a, 'hostname trimmed');
    assert.deepEqual(a.ips, ['10.50.0.1', '2001:db8::7']);
    assert.equal(a.mac, 'aa:bb:cc:00:11:22');
    assert.deepEqual(a.system_ids, [s1, s2]);
    assert.equal(a.org_id, org['SX-CDS']);
    assert.equal(a.description, 'Máy chủ nhập từ Excel');
  });

  // Line 1 header; lines 2–3 one record with a quoted line break; line 4 good; line 5 bad e-mail;
  // line 6 good; line 7 unknown org_code; line 8 good.
  // (Excel and LibreOffice write a line break inside a cell as LF, between records as CRLF.)
  const mixed = [
    'name,position,email,org_code',
    'Lương Văn Hai,"Kỹ sư hệ thống,\ntrực ca đêm",hai.lv@songxanh.example,SX-YT',
    'Mai Thị Ba,Chuyên viên,ba.mt@songxanh.example,SX-YT',
    'Tạ Văn Bốn,Chuyên viên,khong-phai-email,SX-YT',
    'Phan Thị Năm,Chuyên viên,nam.pt@songxanh.example,SX-TC',
    'Vi Văn Sáu,Chuyên viên,sau.vv@songxanh.example,SX-KHONG-CO',
    'Hồ Thị Bảy,Chuyên viên,bay.ht@songxanh.example,SX-AP',
  ].join('\r\n') + '\r\n';
  const goodNames = ['Lương Văn Hai', 'Mai Thị Ba', 'Phan Thị Năm', 'Hồ Thị Bảy'];
  const badNames = ['Tạ Văn Bốn', 'Vi Văn Sáu'];

  test('strict mode: one bad row → 400, errors name the line and field, nothing is written', async () => {
    const before_ = await snapshot(U, admin.token);
    for (const mode of [undefined, 'strict']) {
      const r = await importCsv('contacts', mixed, { mode });
      expectError(r, 400, { code: 'invalid_argument' }, `mode=${mode}`);
      assert.equal(r.json.created, 0);
      assert.equal(r.json.updated, 0);
      assert.deepEqual(r.json.errors.map((e) => [e.line, e.field]), [[5, 'email'], [7, 'org_code']]);
      for (const e of r.json.errors) assert.ok(e.message.length > 0);
    }
    assert.deepEqual(await snapshot(U, admin.token), before_, 'strict import with errors wrote something');
    const names = (await listAll(U, admin.token, '/contacts')).map((c) => c.name);
    for (const n of [...goodNames, ...badNames]) assert.ok(!names.includes(n), `${n} was written`);
  });

  test('lenient mode keeps the good rows and reports the bad ones', async () => {
    const r = await importCsv('contacts', mixed, { mode: 'lenient' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.created, goodNames.length);
    assert.equal(r.json.updated, 0);
    assert.deepEqual(r.json.errors.map((e) => [e.line, e.field]), [[5, 'email'], [7, 'org_code']]);
    const contacts = await listAll(U, admin.token, '/contacts');
    for (const n of goodNames) assert.equal(contacts.filter((c) => c.name === n).length, 1, `${n} imported once`);
    for (const n of badNames) assert.ok(!contacts.some((c) => c.name === n), `${n} must not be imported`);
    const hai = contacts.find((c) => c.name === 'Lương Văn Hai');
    assert.equal(hai.position, 'Kỹ sư hệ thống,\ntrực ca đêm', 'quoted comma and line break kept');
    assert.equal(contacts.find((c) => c.name === 'Hồ Thị Bảy').org_id, org['SX-AP']);
  });

  test('quoted fields with commas, quotes and line breaks survive import and export', async () => {
    const description = 'Tầng 2, phòng máy chủ\nTủ rack "A", khe 3';
    const os = 'Windows "Server", bản quyền';
    const csv = `hostname,org_code,role,os,description\r\nquoted-01,SX-TC,server,"${os.replace(/"/g, '""')}","${description.replace(/"/g, '""')}"\r\n`;
    const r = await importCsv('assets', csv);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.created, 1);
    const a = (await listAll(U, admin.token, '/assets')).find((x) => x.hostname === 'quoted-01');
    assert.equal(a.description, description);
    assert.equal(a.os, os);
    const { rows } = await exportCsv('assets', `?org_id=${org['SX-TC']}`);
    const row = rows.find((x) => x[1] === 'quoted-01');
    assert.equal(row[9], description);
    assert.equal(row[6], os);
  });

  test('semicolon-delimited file with BOM (Excel with Vietnamese regional settings)', async () => {
    const text = [
      'Hostname;Org_Code;Role;IPs;Description',
      'semi-01;SX-YT;server;"10.60.0.1;10.60.0.2";Máy chủ, tầng 3',
      'semi-02;SX-YT;workstation;10.60.0.3;Máy trạm phòng Kế hoạch – Tài chính',
    ].join('\r\n') + '\r\n';
    const r = await importCsv('assets', Buffer.concat([BOM, Buffer.from(text, 'utf8')]));
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.created, 2);
    assert.deepEqual(r.json.errors, []);
    const assets = await listAll(U, admin.token, `/assets?org_id=${org['SX-YT']}`);
    const s1 = assets.find((a) => a.hostname === 'semi-01');
    assert.ok(s1, 'semi-01 imported (header names are case-insensitive, BOM skipped)');
    assert.deepEqual(s1.ips, ['10.60.0.1', '10.60.0.2']);
    assert.equal(s1.description, 'Máy chủ, tầng 3');
    const s2 = assets.find((a) => a.hostname === 'semi-02');
    assert.equal(s2.role, 'workstation');
    assert.equal(s2.description, 'Máy trạm phòng Kế hoạch – Tài chính');
  });

  test('tab-separated file', async () => {
    const r = await importCsv('contacts', 'name\tphone\torg_code\r\nTrần Tab\t0912 777 888\tSX-TC\r\n');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.created, 1);
    const c = (await listAll(U, admin.token, '/contacts')).find((x) => x.name === 'Trần Tab');
    assert.equal(c.phone, '0912 777 888');
  });

  test('unknown, duplicate or read-only columns → 400 naming the column, nothing written', async () => {
    const before_ = await snapshot(U, admin.token);
    for (const [header, col] of [
      ['name,org_code,colour', 'colour'],
      ['name,org_code,Màu sắc', 'màu sắc'],
      ['name,org_code,created_at', 'created_at'],
      ['name,org_code,name', 'name'],
    ]) {
      const r = await importCsv('contacts', `${header}\r\nA,SX-YT,x\r\n`);
      const err = expectError(r, 400, { code: 'invalid_argument' }, header);
      assert.ok(String(err.field).includes(col) || err.message.includes(col), `${header}: ${r.text}`);
      assert.match(String(err.field), /^line 1/, `${header}: the header is line 1`);
    }
    const hosts = await importCsv('assets', 'hostname,org_code,role,password_hash\r\nx,SX-YT,server,abc\r\n');
    expectError(hosts, 400, { code: 'invalid_argument', field: 'line 1: password_hash' });
    assert.deepEqual(await snapshot(U, admin.token), before_);
  });

  test('rows that do not fit the header, and ids that do not exist, are errors on their line', async () => {
    const before_ = await snapshot(U, admin.token);
    const r = await importCsv('contacts', 'id,name,org_code\r\n,A,SX-YT,extra\r\n999999,B,SX-YT\r\n,,SX-YT\r\n');
    expectError(r, 400, { code: 'invalid_argument' });
    assert.deepEqual(r.json.errors.map((e) => e.line), [2, 3, 4]);
    assert.equal(r.json.errors[2].field, 'name');
    assert.deepEqual(await snapshot(U, admin.token), before_);
  });

  test('a file that cannot be read (not UTF-8, unterminated quote) names the line', async () => {
    const before_ = await snapshot(U, admin.token);
    const win1258 = Buffer.concat([Buffer.from('name,org_code\r\nGood,SX-YT\r\nS'), Buffer.from([0xf5]), Buffer.from(' Y t\xea,SX-YT\r\n', 'latin1')]);
    const r = await importCsv('contacts', win1258);
    expectError(r, 400, { code: 'invalid_argument' });
    assert.equal(r.json.errors.length, 1);
    assert.match(r.json.errors[0].message, /UTF-8/);
    assert.equal(r.json.errors[0].line, 3);
    const q = await importCsv('contacts', 'name,org_code\r\nGood,SX-YT\r\n"Unterminated,SX-YT\r\n');
    expectError(q, 400, { code: 'invalid_argument' });
    assert.equal(q.json.errors[0].line, 3);
    assert.deepEqual(await snapshot(U, admin.token), before_);
  });

  test('a viewer cannot import (403); a unit officer imports only into its subtree', async () => {
    const viewer = await makeUser(U, admin.token, { role: 'viewer', org_id: org.SX });
    const officer = await makeUser(U, admin.token, { role: 'unit_officer', org_id: org['SX-YT'] });
    const before_ = await snapshot(U, admin.token);
    for (const mode of ['strict', 'lenient']) {
      expectError(await importCsv('contacts', 'name,org_code\r\nKhông được,SX\r\n', { mode, token: viewer.token }), 403, { code: 'permission_denied' });
      expectError(await importCsv('assets', 'hostname,org_code,role\r\nx,SX,server\r\n', { mode, token: viewer.token }), 403, { code: 'permission_denied' });
    }
    const foreignContact = (await listAll(U, admin.token, `/contacts?org_id=${org['SX-KHCN']}`))[0];
    const r = await importCsv('contacts', `id,name,org_code\r\n,Ngoài phạm vi,SX-TC\r\n${foreignContact.id},Sửa trộm,\r\n`, { token: officer.token });
    expectError(r, 400, { code: 'invalid_argument' });
    assert.deepEqual(r.json.errors.map((e) => [e.line, e.field]), [[2, 'org_code'], [3, '']]);
    assert.deepEqual(await snapshot(U, admin.token), before_);
    const ok = await importCsv('contacts', 'name,org_code\r\nTrong phạm vi,SX-YT\r\n', { token: officer.token });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.created, 1);
  });
});

describe('round trip', () => {
  for (const [kind, columns] of [['assets', ASSET_COLUMNS], ['contacts', CONTACT_COLUMNS]]) {
    test(`${kind}: export → import with ids updates every row, creates none, changes nothing`, async () => {
      const records = await listAll(U, admin.token, `/${kind}`);
      const first = await exportCsv(kind);
      assert.deepEqual(first.rows[0], columns);
      const totalBefore = records.length;
      const r = await importCsv(kind, first.buffer);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.created, 0);
      assert.equal(r.json.updated, totalBefore);
      assert.deepEqual(r.json.errors, []);
      const after_ = await listAll(U, admin.token, `/${kind}`);
      assert.equal(after_.length, totalBefore, 'no duplicates');
      assert.deepEqual(after_.map(stripTimes), records.map(stripTimes));
      const second = await exportCsv(kind);
      assert.equal(second.text, first.text, 'a second export is identical');
    });
  }

  test('values that the export defuses come back unchanged', async () => {
    const c = await api(U, admin.token, 'POST', '/contacts', {
      name: '@Trực ban', position: '- Trực ca đêm', phone: '+84 912 345 678', org_id: org['SX-AP'],
    });
    assert.equal(c.status, 201, c.text);
    const before_ = (await api(U, admin.token, 'GET', `/contacts/${c.json.id}`)).json;
    const exp = await exportCsv('contacts', `?org_id=${org['SX-AP']}`);
    const r = await importCsv('contacts', exp.buffer);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.errors, []);
    const after_ = (await api(U, admin.token, 'GET', `/contacts/${c.json.id}`)).json;
    assert.deepEqual(stripTimes(after_), stripTimes(before_));
  });
});
