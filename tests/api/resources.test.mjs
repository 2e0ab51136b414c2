// CRUD for every resource with normalisation, lists (pagination, search, filters), computed
// assessment dates, organisation-tree rules, the audit trail and the dashboard's numbers.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { api, randomPassword } from '../lib/server.mjs';
import {
  addMonths, assertNoSecrets, expectError, listAll, makeUser, snapshot, startDemo,
} from '../lib/api_helpers.mjs';

let srv, U, admin, org;

before(async () => {
  ({ srv, url: U, admin, org } = await startDemo());
});

after(() => srv?.stop());

const ids = (items) => items.map((x) => x.id).sort((a, b) => a - b);
const TS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** Creates, reads, patches and deletes one record; returns nothing, asserts everything. */
async function crud(kind, body, expected, patch) {
  const created = await api(U, admin.token, 'POST', `/${kind}`, body);
  assert.equal(created.status, 201, `POST /${kind}: ${created.text}`);
  const rec = created.json;
  assert.equal(typeof rec.id, 'number');
  assert.ok(rec.id > 0);
  assert.match(rec.created_at, TS);
  assert.match(rec.updated_at, TS);
  for (const [k, v] of Object.entries(expected)) assert.deepEqual(rec[k], v, `${kind}.${k} after create`);
  assertNoSecrets(created.text, `POST /${kind}`);

  const got = await api(U, admin.token, 'GET', `/${kind}/${rec.id}`);
  assert.equal(got.status, 200, got.text);
  assert.deepEqual(got.json, rec, `GET /${kind}/${rec.id} differs from the create answer`);
  const listed = await listAll(U, admin.token, `/${kind}`);
  assert.deepEqual(listed.find((x) => x.id === rec.id), rec, 'the list shows the same record');

  const patched = await api(U, admin.token, 'PATCH', `/${kind}/${rec.id}`, patch);
  assert.equal(patched.status, 200, `PATCH /${kind}: ${patched.text}`);
  for (const [k, v] of Object.entries(rec)) {
    if (k === 'updated_at') continue;
    if (k in patch) continue;
    assert.deepEqual(patched.json[k], v, `${kind}.${k} changed although not in the PATCH`);
  }
  assert.ok(patched.json.updated_at >= rec.updated_at);
  const again = await api(U, admin.token, 'GET', `/${kind}/${rec.id}`);
  assert.deepEqual(again.json, patched.json);

  const del = await api(U, admin.token, 'DELETE', `/${kind}/${rec.id}`);
  assert.equal(del.status, 204, del.text);
  assert.equal(del.text, '');
  expectError(await api(U, admin.token, 'GET', `/${kind}/${rec.id}`), 404, { code: 'not_found' });
  expectError(await api(U, admin.token, 'PATCH', `/${kind}/${rec.id}`, patch), 404, { code: 'not_found' });
  expectError(await api(U, admin.token, 'DELETE', `/${kind}/${rec.id}`), 404, { code: 'not_found' });
  assert.ok(!(await listAll(U, admin.token, `/${kind}`)).some((x) => x.id === rec.id));
  return { rec, patched: patched.json };
}

describe('CRUD with normalised values', () => {
  test('orgs', async () => {
    const { patched } = await crud('orgs',
      {
        name: '  Phòng Công nghệ thông tin  ', code: ' SX-YT-CNTT ', kind: 'unit', parent_id: org['SX-YT'],
        address: ' 12 Trần Phú, phường Bình Minh ',
        public_ranges: ['10.1.0.0/16', '2001:0DB8:ABCD:0000::/48', '192.0.2.7', '10.1.0.0/16'],
        last_assessment_date: '2024-02-29',
      },
      {
        name: 'Phòng Công nghệ thông tin', code: 'SX-YT-CNTT', kind: 'unit', parent_id: org['SX-YT'],
        address: '12 Trần Phú, phường Bình Minh',
        public_ranges: ['10.1.0.0/16', '2001:db8:abcd::/48', '192.0.2.7/32'],
        last_assessment_date: '2024-02-29', next_assessment_due: '2026-02-28',
      },
      { address: 'Số 1 đường Lê Lợi' });
    assert.equal(patched.address, 'Số 1 đường Lê Lợi');
  });

  test('systems', async () => {
    const { patched } = await crud('systems',
      {
        name: ' Hệ thống một cửa điện tử ', description: 'Tiếp nhận hồ sơ', owner_org_id: org['SX-VP'],
        operator_org_id: org['SX-CDS'], security_level: 3, info_types: ['public', 'personal', 'public'],
        system_type: 'public_service', online_service_level: 'full', personal_data_subjects: 1200,
        scope: 'province', needs_24x7: true, approval_decision: ' 77/QĐ-UBND ', approval_date: '2024-05-01',
        last_assessment_date: '2025-01-15',
      },
      {
        name: 'Hệ thống một cửa điện tử', owner_org_id: org['SX-VP'], operator_org_id: org['SX-CDS'],
        security_level: 3, info_types: ['public', 'personal'], system_type: 'public_service',
        online_service_level: 'full', personal_data_subjects: 1200, scope: 'province', needs_24x7: true,
        approval_decision: '77/QĐ-UBND', approval_date: '2024-05-01', last_assessment_date: '2025-01-15',
        next_assessment_due: '2026-01-15',
      },
      { needs_24x7: false, personal_data_subjects: 0 });
    assert.equal(patched.needs_24x7, false);
    assert.equal(patched.personal_data_subjects, 0);
  });

  test('assets', async () => {
    const sys = (await listAll(U, admin.token, '/systems'))[0].id;
    const { patched } = await crud('assets',
      {
        hostname: '  web-01.songxanh.example  ', org_id: org['SX-CDS'], role: 'server',
        ips: ['2001:DB8:0:0:0:0:0:1', ' 10.0.0.1 ', '::FFFF:192.0.2.1', '2001:db8:0:0:1:0:0:1', 'FE80:0000::0001', '2001:db8::1'],
        mac: 'AA-BB-CC-DD-EE-0F', os: 'Ubuntu', os_version: '24.04', system_ids: [sys, sys], description: 'Máy chủ web',
      },
      {
        hostname: 'web-01.songxanh.example', org_id: org['SX-CDS'], role: 'server',
        ips: ['2001:db8::1', '10.0.0.1', '::ffff:192.0.2.1', '2001:db8::1:0:0:1', 'fe80::1'],
        mac: 'aa:bb:cc:dd:ee:0f', os: 'Ubuntu', os_version: '24.04', system_ids: [sys], description: 'Máy chủ web',
      },
      { os_version: '24.04.1', mac: 'AABB.CCDD.EEFF' });
    assert.equal(patched.mac, 'aa:bb:cc:dd:ee:ff');
    assert.equal(patched.os_version, '24.04.1');
  });

  test('contacts', async () => {
    const { patched } = await crud('contacts',
      {
        name: ' Ngô Thị Hằng ', position: 'Chuyên viên', phone: ' +84 (912) 345-678 ', email: ' hang.nt@songxanh.example ',
        org_id: org['SX-TC'], on_call: false,
      },
      {
        name: 'Ngô Thị Hằng', position: 'Chuyên viên', phone: '+84 (912) 345-678', email: 'hang.nt@songxanh.example',
        org_id: org['SX-TC'], on_call: false,
      },
      { on_call: true });
    assert.equal(patched.on_call, true);
  });

  test('users (never returning the password), and deleting a user ends its sessions', async () => {
    const pw = randomPassword();
    const { rec, patched } = await crud('users',
      { username: ' nguyen.van.b ', display_name: ' Nguyễn Văn B ', role: 'analyst', org_id: org['SX-KHCN'], password: pw },
      { username: 'nguyen.van.b', display_name: 'Nguyễn Văn B', role: 'analyst', org_id: org['SX-KHCN'], locked_until: null, last_login_at: null },
      { display_name: 'Nguyễn Văn Bình', role: 'viewer' });
    assert.equal(patched.display_name, 'Nguyễn Văn Bình');
    assert.equal(patched.role, 'viewer');
    assert.equal(rec.password, undefined);

    const u = await makeUser(U, admin.token, { role: 'viewer', org_id: org['SX-YT'] });
    assert.equal((await api(U, admin.token, 'DELETE', `/users/${u.id}`)).status, 204);
    expectError(await api(U, u.token, 'GET', '/auth/me'), 401, { code: 'unauthenticated' });
  });

  test('uniqueness and self-protection conflicts are 409 and write nothing', async () => {
    const before_ = await snapshot(U, admin.token);
    expectError(await api(U, admin.token, 'POST', '/orgs', { name: 'Trùng mã', code: 'SX-YT', kind: 'unit', parent_id: org.SX }), 409,
      { code: 'already_exists', field: 'code' });
    expectError(await api(U, admin.token, 'POST', '/users', { username: srv.admin.username.toUpperCase(), role: 'viewer', org_id: org.SX, password: randomPassword() }), 409,
      { code: 'already_exists', field: 'username' });
    const me = (await api(U, admin.token, 'GET', '/auth/me')).json;
    expectError(await api(U, admin.token, 'DELETE', `/users/${me.id}`), 409, { code: 'conflict' });
    assert.deepEqual(await snapshot(U, admin.token), before_);
  });
});

describe('lists', () => {
  test('pagination: limit, offset, total', async () => {
    const all = await listAll(U, admin.token, '/assets');
    assert.ok(all.length >= 12, `demo has ${all.length} assets`);
    assert.deepEqual(all.map((a) => a.id), ids(all), 'lists are ordered by id');
    const seen = [];
    for (let offset = 0; offset < all.length; offset += 5) {
      const r = await api(U, admin.token, 'GET', `/assets?limit=5&offset=${offset}`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.total, all.length);
      assert.equal(r.json.limit, 5);
      assert.equal(r.json.offset, offset);
      assert.equal(r.json.items.length, Math.min(5, all.length - offset));
      seen.push(...r.json.items.map((a) => a.id));
    }
    assert.deepEqual(seen, all.map((a) => a.id));
    const past = await api(U, admin.token, 'GET', `/assets?limit=5&offset=${all.length + 10}`);
    assert.equal(past.status, 200);
    assert.deepEqual(past.json.items, []);
    assert.equal(past.json.total, all.length);
    const dflt = await api(U, admin.token, 'GET', '/assets');
    assert.equal(dflt.json.limit, 100);
    assert.equal(dflt.json.offset, 0);
    const max = await api(U, admin.token, 'GET', '/assets?limit=1000');
    assert.equal(max.status, 200);
    assert.equal(max.json.items.length, all.length);
  });

  test('audit pagination: newest first, has_more, pages add up to the whole log', async () => {
    const all = await listAll(U, admin.token, '/audit');
    assert.ok(all.length >= 5);
    assert.deepEqual(all.map((e) => e.id), [...all.map((e) => e.id)].sort((a, b) => b - a), 'newest first');
    const paged = [];
    for (let offset = 0; ; offset += 3) {
      const r = await api(U, admin.token, 'GET', `/audit?limit=3&offset=${offset}`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.limit, 3);
      assert.equal(r.json.offset, offset);
      paged.push(...r.json.items.map((e) => e.id));
      assert.equal(r.json.has_more, offset + 3 < all.length, `has_more at offset ${offset}`);
      if (!r.json.has_more) break;
    }
    // The log may only grow at the front while paging (nothing writes here), so compare ids.
    assert.deepEqual(paged, all.map((e) => e.id));
  });

  const SEARCHABLE = {
    orgs: ['name', 'code'],
    systems: ['name', 'approval_decision'],
    assets: ['hostname', 'os'],
    contacts: ['name', 'position', 'email'],
  };
  const lower = (s) => String(s ?? '').toLocaleLowerCase('vi');

  for (const [kind, q, mustFind] of [
    ['orgs', 'sở y tế', 'Sở Y tế'],
    ['orgs', 'SỞ Y TẾ', 'Sở Y tế'],
    ['orgs', 'sx-khcn', 'Sở Khoa học và Công nghệ'],
    ['systems', 'CỔNG', 'Cổng dịch vụ công tỉnh'],
    ['systems', 'qđ-skhcn', 'Trung tâm dữ liệu tỉnh'],
    ['assets', 'DVC', 'dvc-db-01'],
    ['assets', 'windows server', 'qlvb-01'],
    ['contacts', 'NGUYỄN', 'Nguyễn Văn An'],
    ['contacts', 'ĐỨC', 'Hoàng Minh Đức'],
    ['contacts', 'Chuyên Viên CNTT', 'Phạm Thu Dung'],
  ]) {
    test(`q=${q} on ${kind} finds exactly the case-insensitive matches`, async () => {
      const all = await listAll(U, admin.token, `/${kind}`);
      const expected = all.filter((r) => SEARCHABLE[kind].some((f) => lower(r[f]).includes(lower(q))));
      const r = await api(U, admin.token, 'GET', `/${kind}?q=${encodeURIComponent(q)}&limit=1000`);
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(ids(r.json.items), ids(expected));
      assert.equal(r.json.total, expected.length);
      const label = kind === 'assets' ? 'hostname' : 'name';
      assert.ok(r.json.items.some((x) => x[label] === mustFind), `${mustFind} not found by q=${q}: ${JSON.stringify(r.json.items.map((x) => x[label]))}`);
    });
  }

  test('filters: role, security_level, ips, system_ids, on_call, org_id subtree, combined', async () => {
    const assets = await listAll(U, admin.token, '/assets');
    const systems = await listAll(U, admin.token, '/systems');
    const contacts = await listAll(U, admin.token, '/contacts');
    const allOrgs = await listAll(U, admin.token, '/orgs');
    const subtree = (root) => {
      const out = [root];
      for (let i = 0; i < out.length; i++) for (const o of allOrgs) if (o.parent_id === out[i]) out.push(o.id);
      return new Set(out);
    };
    const check = async (p, expected) => {
      const r = await api(U, admin.token, 'GET', `${p}${p.includes('?') ? '&' : '?'}limit=1000`);
      assert.equal(r.status, 200, `${p}: ${r.text}`);
      assert.deepEqual(ids(r.json.items), ids(expected), p);
      assert.equal(r.json.total, expected.length, p);
      assert.ok(expected.length > 0, `${p}: the fixture should match something`);
    };
    await check('/assets?role=server', assets.filter((a) => a.role === 'server'));
    await check('/assets?role=network_device', assets.filter((a) => a.role === 'network_device'));
    await check('/systems?security_level=3', systems.filter((s) => s.security_level === 3));
    const dvc = assets.filter((a) => a.ips?.includes('10.20.1.21'));
    assert.deepEqual(dvc.map((a) => a.hostname), ['dvc-app-01']);
    await check('/assets?ips=10.20.1.21', dvc);
    await check(`/assets?ips=${encodeURIComponent('2001:DB8:5A:0::21')}`, dvc);
    const services = systems.find((s) => s.name === 'Cổng dịch vụ công tỉnh').id;
    await check(`/assets?system_ids=${services}`, assets.filter((a) => a.system_ids?.includes(services)));
    await check('/contacts?on_call=true', contacts.filter((c) => c.on_call === true));
    const khcn = subtree(org['SX-KHCN']);
    assert.ok(khcn.has(org['SX-CDS']));
    await check(`/assets?org_id=${org['SX-KHCN']}`, assets.filter((a) => khcn.has(a.org_id)));
    await check(`/orgs?org_id=${org['SX-KHCN']}`, allOrgs.filter((o) => khcn.has(o.id)));
    await check(`/contacts?org_id=${org['SX-KHCN']}`, contacts.filter((c) => khcn.has(c.org_id)));
    await check(`/systems?org_id=${org['SX-KHCN']}`, systems.filter((s) => khcn.has(s.owner_org_id) || khcn.has(s.operator_org_id)));
    await check(`/assets?org_id=${org['SX-KHCN']}&role=network_device`, assets.filter((a) => khcn.has(a.org_id) && a.role === 'network_device'));
    const none = await api(U, admin.token, 'GET', '/assets?ips=10.99.99.99');
    assert.equal(none.status, 200);
    assert.equal(none.json.total, 0);
  });
});

describe('next_assessment_due', () => {
  const cases = [
    // level, last_assessment_date, approval_date, expected
    [5, '2025-08-31', '2020-01-01', '2026-02-28'],
    [5, '2025-03-10', null, '2025-09-10'],
    [4, '2025-01-15', '2020-01-01', '2026-01-15'],
    [3, '2025-01-15', '2020-01-01', '2026-01-15'],
    [2, '2024-02-29', '2020-01-01', '2026-02-28'],
    [1, '2024-03-10', '2020-01-01', '2026-03-10'],
    [3, null, '2024-02-29', '2025-02-28'],
    [1, null, '2023-06-30', '2025-06-30'],
    [3, null, null, null],
  ];
  for (const [level, last, approved, expected] of cases) {
    test(`level ${level}, last ${last}, approved ${approved} → ${expected}`, async () => {
      const r = await api(U, admin.token, 'POST', '/systems', {
        name: `Đánh giá cấp ${level}`, owner_org_id: org['SX-TC'], security_level: level,
        last_assessment_date: last, approval_date: approved,
      });
      assert.equal(r.status, 201, r.text);
      assert.equal(r.json.next_assessment_due, expected);
      const got = await api(U, admin.token, 'GET', `/systems/${r.json.id}`);
      assert.equal(got.json.next_assessment_due, expected);
      assert.equal((await api(U, admin.token, 'DELETE', `/systems/${r.json.id}`)).status, 204);
    });
  }

  test('is recomputed when the level or the dates change, and cannot be set', async () => {
    const r = await api(U, admin.token, 'POST', '/systems', {
      name: 'Hệ thống đổi cấp', owner_org_id: org['SX-TC'], security_level: 1,
      last_assessment_date: '2025-04-30', approval_date: '2024-01-31', next_assessment_due: '2000-01-01',
    });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.next_assessment_due, addMonths('2025-04-30', 24));
    const id = r.json.id;
    let p = await api(U, admin.token, 'PATCH', `/systems/${id}`, { security_level: 5 });
    assert.equal(p.json.next_assessment_due, '2025-10-30');
    p = await api(U, admin.token, 'PATCH', `/systems/${id}`, { security_level: 3 });
    assert.equal(p.json.next_assessment_due, '2026-04-30');
    p = await api(U, admin.token, 'PATCH', `/systems/${id}`, { last_assessment_date: null });
    assert.equal(p.json.next_assessment_due, '2025-01-31', 'falls back to the approval date');
    p = await api(U, admin.token, 'PATCH', `/systems/${id}`, { security_level: 5 });
    assert.equal(p.json.next_assessment_due, '2024-07-31');
    const listed = (await listAll(U, admin.token, '/systems')).find((s) => s.id === id);
    assert.equal(listed.next_assessment_due, '2024-07-31');
    // Organisations: every 2 years.
    const o = await api(U, admin.token, 'PATCH', `/orgs/${org['SX-TC']}`, { last_assessment_date: '2025-05-20' });
    assert.equal(o.status, 200, o.text);
    assert.equal(o.json.next_assessment_due, '2027-05-20');
    const o2 = await api(U, admin.token, 'PATCH', `/orgs/${org['SX-TC']}`, { last_assessment_date: null });
    assert.equal(o2.json.next_assessment_due, null);
  });
});

describe('organisation tree and references', () => {
  test('a cycle is 409 naming parent_id, and nothing changes', async () => {
    const before_ = await snapshot(U, admin.token);
    for (const [id, parent, what] of [
      [org['SX-KHCN'], org['SX-KHCN'], 'itself'],
      [org['SX-KHCN'], org['SX-CDS'], 'its child'],
      [org.SX, org['SX-CDS'], 'its grandchild'],
    ]) {
      expectError(await api(U, admin.token, 'PATCH', `/orgs/${id}`, { parent_id: parent }), 409, { code: 'conflict', field: 'parent_id' }, what);
    }
    assert.deepEqual(await snapshot(U, admin.token), before_);
    assert.equal((await api(U, admin.token, 'GET', `/orgs/${org['SX-KHCN']}`)).json.parent_id, org.SX);
    assert.equal((await api(U, admin.token, 'GET', `/orgs/${org.SX}`)).json.parent_id, null);
  });

  test('deleting an organisation that still has children is 409', async () => {
    const before_ = await snapshot(U, admin.token);
    const r = await api(U, admin.token, 'DELETE', `/orgs/${org['SX-KHCN']}`);
    expectError(r, 409, { code: 'conflict' });
    assert.deepEqual(await snapshot(U, admin.token), before_);
    assert.equal((await api(U, admin.token, 'GET', `/orgs/${org['SX-KHCN']}`)).status, 200);
  });

  test('deleting an organisation that still has assets, contacts, systems or users is 409', async () => {
    const leaf = await api(U, admin.token, 'POST', '/orgs', { name: 'Đơn vị lá', kind: 'unit', parent_id: org['SX-TC'] });
    assert.equal(leaf.status, 201);
    const id = leaf.json.id;
    const refs = [
      ['assets', { hostname: 'leaf-01', org_id: id, role: 'workstation' }],
      ['contacts', { name: 'Người liên hệ', org_id: id }],
      ['systems', { name: 'Hệ thống lá', owner_org_id: id, security_level: 1 }],
      ['users', { username: 'leaf-user', role: 'viewer', org_id: id, password: randomPassword() }],
    ];
    const failures = [];
    for (const [kind, body] of refs) {
      const c = await api(U, admin.token, 'POST', `/${kind}`, body);
      assert.equal(c.status, 201, c.text);
      const before_ = await snapshot(U, admin.token);
      const r = await api(U, admin.token, 'DELETE', `/orgs/${id}`);
      if (r.status !== 409 || r.json?.error?.code !== 'conflict') failures.push(`${kind}: HTTP ${r.status} ${r.text}`);
      assert.deepEqual(await snapshot(U, admin.token), before_);
      assert.equal((await api(U, admin.token, 'DELETE', `/${kind}/${c.json.id}`)).status, 204);
    }
    assert.deepEqual(failures, []);
    assert.equal((await api(U, admin.token, 'DELETE', `/orgs/${id}`)).status, 204, 'an unused leaf can be deleted');
  });

  test('deleting a system still used by assets is 409; after detaching it, 204', async () => {
    const sys = await api(U, admin.token, 'POST', '/systems', { name: 'Hệ thống tạm', owner_org_id: org['SX-YT'], security_level: 2 });
    assert.equal(sys.status, 201);
    const a = await api(U, admin.token, 'POST', '/assets', { hostname: 'tam-01', org_id: org['SX-YT'], role: 'server', system_ids: [sys.json.id] });
    assert.equal(a.status, 201, a.text);
    const before_ = await snapshot(U, admin.token);
    expectError(await api(U, admin.token, 'DELETE', `/systems/${sys.json.id}`), 409, { code: 'conflict' });
    assert.deepEqual(await snapshot(U, admin.token), before_);
    assert.equal((await api(U, admin.token, 'PATCH', `/assets/${a.json.id}`, { system_ids: [] })).status, 200);
    assert.equal((await api(U, admin.token, 'DELETE', `/systems/${sys.json.id}`)).status, 204);
    assert.equal((await api(U, admin.token, 'DELETE', `/assets/${a.json.id}`)).status, 204);
  });

  test('references to records that do not exist are 400 naming the field', async () => {
    const before_ = await snapshot(U, admin.token);
    expectError(await api(U, admin.token, 'POST', '/assets', { hostname: 'x', org_id: 987654, role: 'server' }), 400, { field: 'org_id' });
    expectError(await api(U, admin.token, 'POST', '/assets', { hostname: 'x', org_id: org.SX, role: 'server', system_ids: [987654] }), 400, { field: 'system_ids[0]' });
    expectError(await api(U, admin.token, 'POST', '/orgs', { name: 'x', kind: 'unit', parent_id: 987654 }), 400, { field: 'parent_id' });
    expectError(await api(U, admin.token, 'POST', '/systems', { name: 'x', owner_org_id: org.SX, operator_org_id: 987654, security_level: 1 }), 400, { field: 'operator_org_id' });
    assert.deepEqual(await snapshot(U, admin.token), before_);
  });
});

describe('audit trail', () => {
  test('every create, update and delete is recorded with actor, action, kind, object_id, org_id, before and after', async () => {
    const analyst = await makeUser(U, admin.token, { role: 'analyst', org_id: org['SX-KHCN'] });
    const bodies = {
      orgs: [{ name: 'Phòng kiểm toán', kind: 'unit', parent_id: org['SX-KHCN'] }, { name: 'Phòng kiểm toán nội bộ' }, 'name'],
      systems: [{ name: 'Hệ thống kiểm toán', owner_org_id: org['SX-KHCN'], security_level: 2 }, { security_level: 3 }, 'security_level'],
      assets: [{ hostname: 'audit-01', org_id: org['SX-CDS'], role: 'server', ips: ['10.9.9.9'] }, { ips: ['10.9.9.10'] }, 'ips'],
      contacts: [{ name: 'Lý Thị Kiểm', org_id: org['SX-KHCN'] }, { on_call: true }, 'on_call'],
    };
    for (const [kind, [create, patch, field]] of Object.entries(bodies)) {
      // Ids of deleted records can be given again (SQLite rowids), so look only at new entries.
      const newest = (await api(U, admin.token, 'GET', '/audit?limit=1')).json.items[0].id;
      const c = await api(U, analyst.token, 'POST', `/${kind}`, create);
      assert.equal(c.status, 201, `${kind}: ${c.text}`);
      const id = c.json.id;
      const p = await api(U, analyst.token, 'PATCH', `/${kind}/${id}`, patch);
      assert.equal(p.status, 200, p.text);
      assert.equal((await api(U, analyst.token, 'DELETE', `/${kind}/${id}`)).status, 204);
      const orgOf = kind === 'orgs' ? id : kind === 'systems' ? create.owner_org_id : create.org_id;

      const r = await api(U, admin.token, 'GET', `/audit?kind=${kind}&object_id=${id}`);
      assert.equal(r.status, 200, r.text);
      const entries = r.json.items.filter((e) => e.id > newest);
      assert.deepEqual(entries.map((e) => e.action), ['delete', 'update', 'create'], `${kind}: newest first`);
      for (const e of entries) {
        assert.equal(e.actor, analyst.username);
        assert.equal(e.actor_id, analyst.id);
        assert.equal(e.kind, kind);
        assert.equal(e.object_id, id);
        assert.equal(e.org_id, orgOf, `${kind} ${e.action}: org_id`);
        assert.equal(e.remote_ip, '127.0.0.1');
        assert.match(e.at, TS);
      }
      const [del, upd, cre] = entries;
      assert.ok(del.id > upd.id && upd.id > cre.id);
      assert.equal(cre.before, null);
      assert.equal(cre.after.id, id);
      for (const [k, v] of Object.entries(create)) assert.deepEqual(cre.after[k], v, `${kind} create.after.${k}`);
      assert.deepEqual(upd.before[field], c.json[field], `${kind} update.before.${field}`);
      assert.deepEqual(upd.after[field], p.json[field], `${kind} update.after.${field}`);
      assert.notDeepEqual(upd.before[field], upd.after[field]);
      assert.equal(del.after, null);
      assert.equal(del.before.id, id);
      assert.deepEqual(del.before[field], p.json[field]);
    }
    const byActor = await listAll(U, admin.token, `/audit?actor=${encodeURIComponent(analyst.username)}`);
    assert.deepEqual(byActor.filter((e) => e.action !== 'login').length, 12);
    assert.ok(byActor.every((e) => e.actor === analyst.username));
  });

  test('user changes are audited without any password or hash', async () => {
    const pw = randomPassword();
    const c = await api(U, admin.token, 'POST', '/users', { username: 'audit.user', role: 'viewer', org_id: org['SX-YT'], password: pw });
    assert.equal(c.status, 201, c.text);
    const p = await api(U, admin.token, 'PATCH', `/users/${c.json.id}`, { password: randomPassword(), display_name: 'Kiểm toán' });
    assert.equal(p.status, 200, p.text);
    const r = await api(U, admin.token, 'GET', `/audit?kind=users&object_id=${c.json.id}`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.items.map((e) => e.action), ['update', 'create']);
    assert.equal(r.json.items[0].after.display_name, 'Kiểm toán');
    assertNoSecrets(r.text, 'audit of users');
    assert.ok(!r.text.includes(pw));
  });

  test('no response anywhere contains a password hash', async () => {
    const u = await makeUser(U, admin.token, { role: 'admin', org_id: org.SX });
    for (const p of ['/users', `/users/${u.id}`, '/auth/me', '/audit?limit=1000', '/orgs', '/systems', '/assets', '/contacts', '/dashboard', '/tokens', '/openapi.json']) {
      for (const token of [admin.token, u.token]) {
        const r = await api(U, token, 'GET', p);
        assert.equal(r.status, 200, `${p}: ${r.text.slice(0, 200)}`);
        assertNoSecrets(r.text.replace(/"password":\{"maxLength":1024,[^}]*\}/, ''), `GET ${p}`);
      }
    }
    const l = await api(U, null, 'POST', '/auth/login', { username: u.username, password: u.password });
    assertNoSecrets(l.text, 'login');
    // Internal columns cannot be used as filters either (no oracle on the hash).
    expectError(await api(U, admin.token, 'GET', '/users?password_hash=x'), 400, { field: 'password_hash' });
    expectError(await api(U, admin.token, 'GET', '/users?failed_logins=0'), 400, { field: 'failed_logins' });
  });
});

describe('dashboard', () => {
  const today = () => new Date().toISOString().slice(0, 10);
  const plusDays = (n) => new Date(Date.now() + n * 86400_000).toISOString().slice(0, 10);

  for (const scope of [null, 'SX-KHCN', 'SX-YT', 'SX-AP']) {
    test(`numbers match the lists (${scope ?? 'everything'})`, async () => {
      const q = scope ? `org_id=${org[scope]}` : '';
      const sep = q ? '&' : '';
      const d = await api(U, admin.token, 'GET', `/dashboard${q ? `?${q}` : ''}`);
      assert.equal(d.status, 200, d.text);
      assert.equal(d.json.org_id, scope ? org[scope] : null);
      const levels = {};
      for (let l = 1; l <= 5; l++) {
        const r = await api(U, admin.token, 'GET', `/systems?security_level=${l}${sep}${q}&limit=1`);
        levels[String(l)] = r.json.total;
      }
      assert.deepEqual(d.json.systems_by_level, levels);
      const roles = {};
      for (const role of ['server', 'workstation', 'network_device']) {
        const r = await api(U, admin.token, 'GET', `/assets?role=${role}${sep}${q}&limit=1`);
        if (r.json.total > 0) roles[role] = r.json.total;
      }
      assert.deepEqual(d.json.assets_by_role, roles);
      const contacts = await listAll(U, admin.token, `/contacts${q ? `?${q}` : ''}`);
      assert.equal(d.json.contacts, contacts.length);
      assert.deepEqual(ids(d.json.on_call), ids(contacts.filter((c) => c.on_call)));

      const horizon = plusDays(90);
      const due = [];
      for (const [kind, path] of [['system', '/systems'], ['org', '/orgs']]) {
        for (const rec of await listAll(U, admin.token, `${path}${q ? `?${q}` : ''}`)) {
          if (rec.next_assessment_due && rec.next_assessment_due <= horizon) {
            due.push({ kind, id: rec.id, name: rec.name, due: rec.next_assessment_due, overdue: rec.next_assessment_due < today() });
          }
        }
      }
      const key = (x) => `${x.kind}:${x.id}`;
      assert.deepEqual([...d.json.assessments_due].sort((a, b) => key(a).localeCompare(key(b))),
        due.sort((a, b) => key(a).localeCompare(key(b))));
      const dates = d.json.assessments_due.map((x) => x.due);
      assert.deepEqual(dates, [...dates].sort(), 'soonest first');
    });
  }
});
