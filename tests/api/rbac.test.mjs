// Roles and organisation scoping against the demo province, and authentication of every
// endpoint listed in the OpenAPI document.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { api, login } from '../lib/server.mjs';
import {
  expectError, listAll, makeUser, rawRequest, snapshot, startDemo,
} from '../lib/api_helpers.mjs';

let srv, U, admin;
let org; // code → id
let allOrgs;
let yt; // unit officer of Sở Y tế
let ytViewer;
let khcnAnalyst;
let cdsOfficer; // unit officer of the data centre that operates several systems
let khcnAdmin; // admin scoped to Sở KH&CN
let sxViewer; // viewer scoped to the province root
const fx = {}; // fixture records

function subtree(rootId) {
  const out = [rootId];
  for (let i = 0; i < out.length; i++) {
    for (const o of allOrgs) if (o.parent_id === out[i]) out.push(o.id);
  }
  return new Set(out);
}

const ids = (items) => items.map((x) => x.id).sort((a, b) => a - b);

before(async () => {
  ({ srv, url: U, admin, org } = await startDemo());
  for (const code of ['SX', 'SX-YT', 'SX-TC', 'SX-KHCN', 'SX-CDS', 'SX-VP']) assert.ok(org[code], `demo org ${code} missing`);

  // A deeper Sở Y tế subtree with records of its own.
  const hospital = await api(U, admin.token, 'POST', '/orgs', { name: 'Bệnh viện Đa khoa tỉnh', code: 'SX-YT-BV', kind: 'unit', parent_id: org['SX-YT'] });
  assert.equal(hospital.status, 201, hospital.text);
  org['SX-YT-BV'] = hospital.json.id;
  const sys = await api(U, admin.token, 'POST', '/systems', { name: 'Hệ thống PACS bệnh viện', owner_org_id: org['SX-YT-BV'], security_level: 3 });
  assert.equal(sys.status, 201, sys.text);
  fx.ytSystem = sys.json.id;
  const asset = await api(U, admin.token, 'POST', '/assets', { hostname: 'bv-pacs-01', org_id: org['SX-YT-BV'], role: 'server', ips: ['10.30.2.10'], system_ids: [fx.ytSystem] });
  assert.equal(asset.status, 201, asset.text);
  fx.ytAsset = asset.json.id;
  const contact = await api(U, admin.token, 'POST', '/contacts', { name: 'Đỗ Văn Khoa', org_id: org['SX-YT-BV'], on_call: true, phone: '0912 111 222' });
  assert.equal(contact.status, 201, contact.text);
  fx.ytContact = contact.json.id;
  // A system owned by Sở Y tế but operated by the data centre, with no assets.
  const operated = await api(U, admin.token, 'POST', '/systems', { name: 'Cổng đặt lịch khám trực tuyến', owner_org_id: org['SX-YT'], operator_org_id: org['SX-CDS'], security_level: 2 });
  assert.equal(operated.status, 201, operated.text);
  fx.operatedSystem = operated.json.id;

  allOrgs = await listAll(U, admin.token, '/orgs');
  fx.tcSystem = (await listAll(U, admin.token, `/systems?owner_org_id=${org['SX-TC']}`))[0].id;
  fx.tcAsset = (await listAll(U, admin.token, `/assets?org_id=${org['SX-TC']}`))[0].id;
  fx.khcnContact = (await listAll(U, admin.token, `/contacts?org_id=${org['SX-KHCN']}`))[0].id;
  fx.vpSystemOperatedByCds = (await listAll(U, admin.token, '/systems')).find((s) => s.owner_org_id === org['SX-VP'] && s.operator_org_id === org['SX-CDS']).id;

  yt = await makeUser(U, admin.token, { role: 'unit_officer', org_id: org['SX-YT'] });
  ytViewer = await makeUser(U, admin.token, { role: 'viewer', org_id: org['SX-YT'] });
  khcnAnalyst = await makeUser(U, admin.token, { role: 'analyst', org_id: org['SX-KHCN'] });
  cdsOfficer = await makeUser(U, admin.token, { role: 'unit_officer', org_id: org['SX-CDS'] });
  khcnAdmin = await makeUser(U, admin.token, { role: 'admin', org_id: org['SX-KHCN'] });
  sxViewer = await makeUser(U, admin.token, { role: 'viewer', org_id: org.SX });
  // Audit entries in Sở Y tế's subtree written by its own officer.
  const own = await api(U, yt.token, 'PATCH', `/contacts/${fx.ytContact}`, { position: 'Bác sĩ trực' });
  assert.equal(own.status, 200, own.text);
});

after(() => srv?.stop());

describe('unit officer of Sở Y tế sees only its subtree', () => {
  test('lists of orgs, systems, assets and contacts hold exactly the subtree', async () => {
    const scope = subtree(org['SX-YT']);
    assert.ok(scope.size >= 2);
    const orgs = await listAll(U, yt.token, '/orgs');
    assert.deepEqual(ids(orgs), [...scope].sort((a, b) => a - b));

    const allSystems = await listAll(U, admin.token, '/systems');
    const expectSystems = allSystems.filter((s) => scope.has(s.owner_org_id) || scope.has(s.operator_org_id));
    const systems = await listAll(U, yt.token, '/systems');
    assert.deepEqual(ids(systems), ids(expectSystems));
    assert.ok(systems.some((s) => s.id === fx.ytSystem));

    for (const kind of ['assets', 'contacts']) {
      const all = await listAll(U, admin.token, `/${kind}`);
      const mine = await listAll(U, yt.token, `/${kind}`);
      const expected = all.filter((r) => scope.has(r.org_id));
      assert.ok(expected.length >= 2, `${kind}: fixture too small`);
      assert.ok(expected.length < all.length, `${kind}: fixture too large`);
      assert.deepEqual(ids(mine), ids(expected), kind);
      const page = await api(U, yt.token, 'GET', `/${kind}?limit=1`);
      assert.equal(page.json.total, expected.length, `${kind}: total counts only the subtree`);
      // Searching does not reach outside the subtree either.
      const q = await api(U, yt.token, 'GET', `/${kind}?q=${encodeURIComponent(kind === 'assets' ? 'stc' : 'Lê Quang')}`);
      assert.equal(q.status, 200);
      assert.equal(q.json.total, 0, `${kind}: search found records outside the subtree: ${q.text}`);
    }
  });

  test('org_id filters outside the subtree are 404', async () => {
    for (const kind of ['orgs', 'systems', 'assets', 'contacts', 'assets/export.csv', 'dashboard']) {
      const r = await api(U, yt.token, 'GET', `/${kind}?org_id=${org['SX-TC']}`);
      expectError(r, 404, { code: 'not_found', field: 'org_id' }, kind);
    }
    const inside = await api(U, yt.token, 'GET', `/assets?org_id=${org['SX-YT-BV']}`);
    assert.equal(inside.status, 200);
    assert.deepEqual(ids(inside.json.items), [fx.ytAsset]);
  });

  test('dashboard covers only the subtree', async () => {
    const mine = await api(U, yt.token, 'GET', '/dashboard');
    assert.equal(mine.status, 200, mine.text);
    const ref = await api(U, admin.token, 'GET', `/dashboard?org_id=${org['SX-YT']}`);
    assert.equal(ref.status, 200, ref.text);
    for (const k of ['systems_by_level', 'assets_by_role', 'contacts']) assert.deepEqual(mine.json[k], ref.json[k], k);
    assert.deepEqual(ids(mine.json.on_call), ids(ref.json.on_call));
    const scope = subtree(org['SX-YT']);
    const contacts = (await listAll(U, admin.token, '/contacts')).filter((c) => scope.has(c.org_id));
    assert.equal(mine.json.contacts, contacts.length);
    assert.deepEqual(ids(mine.json.on_call), ids(contacts.filter((c) => c.on_call)));
    const assets = (await listAll(U, admin.token, '/assets')).filter((a) => scope.has(a.org_id));
    const byRole = {};
    for (const a of assets) byRole[a.role] = (byRole[a.role] ?? 0) + 1;
    assert.deepEqual(mine.json.assets_by_role, byRole);
    const visibleOrgIds = new Set((await listAll(U, yt.token, '/orgs')).map((o) => o.id));
    for (const d of mine.json.assessments_due) {
      if (d.kind === 'org') assert.ok(visibleOrgIds.has(d.id), `due org ${d.id} outside the subtree`);
    }
  });

  test('CSV exports hold only the subtree', async () => {
    const scope = subtree(org['SX-YT']);
    for (const kind of ['assets', 'contacts']) {
      const r = await api(U, yt.token, 'GET', `/${kind}/export.csv`);
      assert.equal(r.status, 200, r.text);
      const lines = r.text.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
      const header = lines[0].split(',');
      const idCol = header.indexOf('id');
      assert.equal(idCol, 0);
      const got = lines.slice(1).map((l) => Number(l.split(',')[0])).sort((a, b) => a - b);
      const expected = (await listAll(U, admin.token, `/${kind}`)).filter((x) => scope.has(x.org_id));
      assert.deepEqual(got, ids(expected), kind);
    }
  });

  test('another subtree\'s records are 404 for GET, PATCH and DELETE, and stay unchanged', async () => {
    const targets = [
      ['orgs', org['SX-TC'], { name: 'Đổi tên' }],
      ['orgs', org.SX, { name: 'Đổi tên' }],
      ['systems', fx.tcSystem, { name: 'Đổi tên' }],
      ['assets', fx.tcAsset, { hostname: 'renamed' }],
      ['contacts', fx.khcnContact, { name: 'Đổi tên' }],
    ];
    const before_ = await snapshot(U, admin.token);
    for (const [kind, id, patch] of targets) {
      const original = await api(U, admin.token, 'GET', `/${kind}/${id}`);
      assert.equal(original.status, 200);
      expectError(await api(U, yt.token, 'GET', `/${kind}/${id}`), 404, { code: 'not_found' }, `GET ${kind}/${id}`);
      expectError(await api(U, yt.token, 'PATCH', `/${kind}/${id}`, patch), 404, { code: 'not_found' }, `PATCH ${kind}/${id}`);
      expectError(await api(U, yt.token, 'DELETE', `/${kind}/${id}`), 404, { code: 'not_found' }, `DELETE ${kind}/${id}`);
      assert.deepEqual((await api(U, admin.token, 'GET', `/${kind}/${id}`)).json, original.json);
    }
    assert.deepEqual(await snapshot(U, admin.token), before_);
  });

  test('cannot create records in another org, move records out, or reference foreign systems', async () => {
    const before_ = await snapshot(U, admin.token);
    const refused = (r, field, what) => {
      assert.ok([400, 403].includes(r.status), `${what}: HTTP ${r.status} ${r.text}`);
      expectError(r, r.status, { field }, what);
    };
    refused(await api(U, yt.token, 'POST', '/assets', { hostname: 'x-01', org_id: org['SX-TC'], role: 'server' }), 'org_id', 'asset in SX-TC');
    refused(await api(U, yt.token, 'POST', '/contacts', { name: 'X', org_id: org['SX-TC'] }), 'org_id', 'contact in SX-TC');
    refused(await api(U, yt.token, 'POST', '/systems', { name: 'X', owner_org_id: org['SX-TC'], security_level: 1 }), 'owner_org_id', 'system owned by SX-TC');
    refused(await api(U, yt.token, 'POST', '/systems', { name: 'X', owner_org_id: org['SX-YT'], operator_org_id: org['SX-TC'], security_level: 1 }), 'operator_org_id', 'system operated by SX-TC');
    refused(await api(U, yt.token, 'PATCH', `/assets/${fx.ytAsset}`, { org_id: org['SX-TC'] }), 'org_id', 'move asset out');
    refused(await api(U, yt.token, 'PATCH', `/contacts/${fx.ytContact}`, { org_id: org.SX }), 'org_id', 'move contact up');
    refused(await api(U, yt.token, 'PATCH', `/systems/${fx.ytSystem}`, { owner_org_id: org['SX-TC'] }), 'owner_org_id', 'move system out');
    refused(await api(U, yt.token, 'POST', '/assets', { hostname: 'x-02', org_id: org['SX-YT'], role: 'server', system_ids: [fx.tcSystem] }), 'system_ids[0]', 'foreign system on create');
    refused(await api(U, yt.token, 'PATCH', `/assets/${fx.ytAsset}`, { system_ids: [fx.ytSystem, fx.tcSystem] }), 'system_ids[1]', 'foreign system on update');
    assert.deepEqual(await snapshot(U, admin.token), before_);
    const asset = await api(U, admin.token, 'GET', `/assets/${fx.ytAsset}`);
    assert.equal(asset.json.org_id, org['SX-YT-BV']);
    assert.deepEqual(asset.json.system_ids, [fx.ytSystem]);
    // Inside the subtree the same operations work.
    const ok = await api(U, yt.token, 'POST', '/assets', { hostname: 'yt-ws-01', org_id: org['SX-YT'], role: 'workstation', system_ids: [fx.ytSystem] });
    assert.equal(ok.status, 201, ok.text);
    const moved = await api(U, yt.token, 'PATCH', `/assets/${ok.json.id}`, { org_id: org['SX-YT-BV'] });
    assert.equal(moved.status, 200, moved.text);
    assert.equal((await api(U, yt.token, 'DELETE', `/assets/${ok.json.id}`)).status, 204);
  });

  test('cannot list or manage users (403)', async () => {
    expectError(await api(U, yt.token, 'GET', '/users'), 403, { code: 'permission_denied' });
    expectError(await api(U, yt.token, 'GET', `/users/${yt.id}`), 403, { code: 'permission_denied' });
    expectError(await api(U, yt.token, 'POST', '/users', { username: 'x', role: 'viewer', org_id: org['SX-YT'], password: 'Abcdefgh-123' }), 403, { code: 'permission_denied' });
    expectError(await api(U, yt.token, 'PATCH', `/users/${yt.id}`, { role: 'admin' }), 403, { code: 'permission_denied' });
    expectError(await api(U, yt.token, 'DELETE', `/users/${ytViewer.id}`), 403, { code: 'permission_denied' });
    assert.equal((await api(U, admin.token, 'GET', `/users/${yt.id}`)).json.role, 'unit_officer');
  });

  test('cannot create, move or delete organisations (403), may edit one below its root', async () => {
    const before_ = await snapshot(U, admin.token);
    expectError(await api(U, yt.token, 'POST', '/orgs', { name: 'Khoa mới', kind: 'unit', parent_id: org['SX-YT'] }), 403, { code: 'permission_denied' }, 'create');
    expectError(await api(U, yt.token, 'PATCH', `/orgs/${org['SX-YT-BV']}`, { parent_id: org.SX }), 403, { code: 'permission_denied' }, 'move out');
    expectError(await api(U, yt.token, 'DELETE', `/orgs/${org['SX-YT-BV']}`), 403, { code: 'permission_denied' }, 'delete child');
    expectError(await api(U, yt.token, 'DELETE', `/orgs/${org['SX-YT']}`), 403, { code: 'permission_denied' }, 'delete root');
    assert.deepEqual(await snapshot(U, admin.token), before_);
    assert.equal((await api(U, admin.token, 'GET', `/orgs/${org['SX-YT-BV']}`)).json.parent_id, org['SX-YT']);
    const edit = await api(U, yt.token, 'PATCH', `/orgs/${org['SX-YT-BV']}`, { address: '1 Đường Lê Lợi' });
    assert.equal(edit.status, 200, edit.text);
    assert.equal(edit.json.address, '1 Đường Lê Lợi');
  });

  test('may edit the details of the organisation its account is scoped to, but not move it', async () => {
    for (const patch of [{ last_assessment_date: '2026-11-01' }, { public_ranges: ['198.51.100.48/28'] }]) {
      const r = await api(U, yt.token, 'PATCH', `/orgs/${org['SX-YT']}`, patch);
      assert.equal(r.status, 200, `${JSON.stringify(patch)}: ${r.text}`);
    }
    const before_ = (await api(U, admin.token, 'GET', `/orgs/${org['SX-YT']}`)).json;
    expectError(await api(U, yt.token, 'PATCH', `/orgs/${org['SX-YT']}`, { parent_id: org['SX-TC'] }), 403, { code: 'permission_denied' }, 'officer moves its root');
    expectError(await api(U, khcnAnalyst.token, 'PATCH', `/orgs/${org['SX-KHCN']}`, { parent_id: null }), 403, { code: 'permission_denied' }, 'analyst moves its root');
    const sent_back = await api(U, yt.token, 'PATCH', `/orgs/${org['SX-YT']}`, before_);  // the whole record, parent unchanged
    assert.equal(sent_back.status, 200, sent_back.text);
    assert.equal((await api(U, admin.token, 'GET', `/orgs/${org['SX-YT']}`)).json.parent_id, before_.parent_id);
  });

  test('unchanged references outside the subtree do not block edits of its own records', {}, async () => {
    const owned = await api(U, yt.token, 'PATCH', `/systems/${fx.operatedSystem}`, { description: 'Sửa bởi Sở Y tế' });
    assert.equal(owned.status, 200, owned.text);
    assert.equal(owned.json.operator_org_id, org['SX-CDS']);
    const provincial = fx.vpSystemOperatedByCds;
    const linked = await api(U, admin.token, 'POST', '/assets', { hostname: 'yt-portal-proxy', org_id: org['SX-YT'], role: 'server', system_ids: [provincial] });
    assert.equal(linked.status, 201, linked.text);
    const edit = await api(U, yt.token, 'PATCH', `/assets/${linked.json.id}`, { os: 'Debian' });
    assert.equal(edit.status, 200, edit.text);
    assert.deepEqual(edit.json.system_ids, [provincial]);
  });

  test('a unit officer reads the audit log of its own subtree only', async () => {
    const r = await api(U, yt.token, 'GET', '/audit?limit=1000');
    assert.equal(r.status, 200, r.text);
    const scope = subtree(org['SX-YT']);
    assert.ok(r.json.items.length > 0);
    for (const e of r.json.items) assert.ok(scope.has(e.org_id), JSON.stringify(e));
  });
});

describe('audit scoping', () => {
  test('a viewer of Sở Y tế reads only audit entries of its subtree', async () => {
    const scope = subtree(org['SX-YT']);
    const mine = await listAll(U, ytViewer.token, '/audit');
    assert.ok(mine.length > 0, 'expected audit entries in the subtree');
    for (const e of mine) assert.ok(scope.has(e.org_id), `entry ${e.id} of org ${e.org_id} (${e.action} ${e.kind})`);
    const all = await listAll(U, admin.token, '/audit');
    const expected = all.filter((e) => scope.has(e.org_id));
    assert.deepEqual(ids(mine), ids(expected));
    assert.ok(mine.some((e) => e.kind === 'contacts' && e.object_id === fx.ytContact && e.action === 'update'));
  });
});

describe('analyst of Sở KH&CN', () => {
  test('can create child orgs under its root, not a root org nor outside; cannot move its root', async () => {
    const child = await api(U, khcnAnalyst.token, 'POST', '/orgs', { name: 'Phòng Quản lý công nghệ', kind: 'unit', parent_id: org['SX-KHCN'] });
    assert.equal(child.status, 201, child.text);
    const grandchild = await api(U, khcnAnalyst.token, 'POST', '/orgs', { name: 'Tổ an toàn thông tin', kind: 'unit', parent_id: org['SX-CDS'] });
    assert.equal(grandchild.status, 201, grandchild.text);
    const before_ = await snapshot(U, admin.token);
    expectError(await api(U, khcnAnalyst.token, 'POST', '/orgs', { name: 'Tỉnh khác', kind: 'province' }), 403, { code: 'permission_denied', field: 'parent_id' }, 'root org');
    expectError(await api(U, khcnAnalyst.token, 'POST', '/orgs', { name: 'Tỉnh khác', kind: 'province', parent_id: null }), 403, { code: 'permission_denied', field: 'parent_id' }, 'explicit null parent');
    const outside = await api(U, khcnAnalyst.token, 'POST', '/orgs', { name: 'Khoa', kind: 'unit', parent_id: org['SX-YT'] });
    assert.ok([400, 403].includes(outside.status), outside.text);
    expectError(outside, outside.status, { field: 'parent_id' });
    expectError(await api(U, khcnAnalyst.token, 'PATCH', `/orgs/${org['SX-KHCN']}`, { parent_id: org['SX-VP'] }), 403, { code: 'permission_denied', field: 'parent_id' }, 'move own root');
    expectError(await api(U, khcnAnalyst.token, 'PATCH', `/orgs/${org['SX-KHCN']}`, { parent_id: null }), 403, { code: 'permission_denied', field: 'parent_id' }, 'make own root a root');
    expectError(await api(U, khcnAnalyst.token, 'DELETE', `/orgs/${org['SX-KHCN']}`), 403, { code: 'permission_denied' }, 'delete own root');
    assert.deepEqual(await snapshot(U, admin.token), before_);
    assert.equal((await api(U, admin.token, 'GET', `/orgs/${org['SX-KHCN']}`)).json.parent_id, org.SX);
    // Moving inside its subtree and deleting what it created is allowed.
    const moved = await api(U, khcnAnalyst.token, 'PATCH', `/orgs/${grandchild.json.id}`, { parent_id: child.json.id });
    assert.equal(moved.status, 200, moved.text);
    assert.equal(moved.json.parent_id, child.json.id);
    assert.equal((await api(U, khcnAnalyst.token, 'DELETE', `/orgs/${grandchild.json.id}`)).status, 204);
    assert.equal((await api(U, khcnAnalyst.token, 'DELETE', `/orgs/${child.json.id}`)).status, 204);
  });

  test('cannot list users; can read the audit log of its scope', async () => {
    expectError(await api(U, khcnAnalyst.token, 'GET', '/users'), 403, { code: 'permission_denied' });
    const audit = await api(U, khcnAnalyst.token, 'GET', '/audit');
    assert.equal(audit.status, 200, audit.text);
    const scope = subtree(org['SX-KHCN']);
    for (const e of audit.json.items) assert.ok(scope.has(e.org_id), JSON.stringify(e));
  });
});

describe('viewer', () => {
  test('every POST, PATCH and DELETE on data is 403 and writes nothing', async () => {
    const doc = (await api(U, null, 'GET', '/openapi.json')).json;
    // Agents, detections and YARA files: a viewer is refused before the record is looked up.
    const sampleId = {
      orgs: org['SX-YT'], systems: fx.ytSystem, assets: fx.ytAsset, contacts: fx.ytContact, users: ytViewer.id,
      agents: 1, 'agent-detections': 1, 'yara-rules': 1,
    };
    const bodies = {
      orgs: { name: 'X', kind: 'unit', parent_id: org['SX-YT'] },
      systems: { name: 'X', owner_org_id: org['SX-YT'], security_level: 1 },
      assets: { hostname: 'x', org_id: org['SX-YT'], role: 'server' },
      contacts: { name: 'X', org_id: org['SX-YT'] },
      users: { username: 'x-by-viewer', role: 'admin', org_id: org['SX-YT'], password: 'Abcdefgh-123' },
    };
    // Valid bodies, so that only the role can be the reason for a refusal.
    const patches = {
      orgs: { name: 'X' }, systems: { name: 'X' }, assets: { hostname: 'x' }, contacts: { name: 'X' }, users: { display_name: 'X' },
    };
    const before_ = await snapshot(U, admin.token);
    let checked = 0;
    for (const [p, ops] of Object.entries(doc.paths)) {
      const kind = p.split('/')[3];
      if (['auth', 'tokens'].includes(kind)) continue; // a viewer may log out and manage its own tokens
      if (p === '/api/v1/ingest') continue; // authenticated by a log source's token, not a user
      if (kind === 'agent') continue; // vigil-agent's protocol: authenticated by the agent's secret
      for (const method of Object.keys(ops)) {
        if (method === 'get') continue;
        const concrete = p.replace('{id}', String(sampleId[kind]));
        for (const who of [ytViewer, sxViewer]) {
          let r;
          if (p.endsWith('/import')) {
            r = await api(U, who.token, 'POST', `${concrete}?mode=lenient`, 'hostname,org_id,role\r\nx,' + org['SX-YT'] + ',server\r\n');
          } else {
            const body = method === 'delete' ? undefined : method === 'patch' ? patches[kind] : bodies[kind];
            r = await api(U, who.token, method.toUpperCase(), concrete, body);
          }
          expectError(r, 403, { code: 'permission_denied' }, `${who.username} ${method.toUpperCase()} ${concrete}`);
          checked++;
        }
      }
    }
    assert.ok(checked >= 2 * 17, `only ${checked} write operations found in openapi.json`);
    assert.deepEqual(await snapshot(U, admin.token), before_);
  });

  test('reads everything in scope except users', async () => {
    for (const p of ['/orgs', '/systems', '/assets', '/contacts', '/audit', '/dashboard', '/assets/export.csv', '/contacts/export.csv']) {
      const r = await api(U, ytViewer.token, 'GET', p);
      assert.equal(r.status, 200, `${p}: ${r.text.slice(0, 200)}`);
    }
    expectError(await api(U, ytViewer.token, 'GET', '/users'), 403, { code: 'permission_denied' });
  });
});

describe('scoped admin of Sở KH&CN', () => {
  test('creates users only within its subtree', async () => {
    const inside = await api(U, khcnAdmin.token, 'POST', '/users', { username: 'cds-analyst', role: 'analyst', org_id: org['SX-CDS'], password: 'Abcdefgh-123x' });
    assert.equal(inside.status, 201, inside.text);
    assert.equal(inside.json.org_id, org['SX-CDS']);
    const before_ = await snapshot(U, admin.token);
    const outside = await api(U, khcnAdmin.token, 'POST', '/users', { username: 'yt-x', role: 'viewer', org_id: org['SX-YT'], password: 'Abcdefgh-123x' });
    assert.ok([400, 403].includes(outside.status), outside.text);
    expectError(outside, outside.status, { field: 'org_id' });
    expectError(await api(U, khcnAdmin.token, 'POST', '/users', { username: 'global-x', role: 'admin', password: 'Abcdefgh-123x' }), 403, { code: 'permission_denied', field: 'org_id' }, 'unscoped user');
    expectError(await api(U, khcnAdmin.token, 'POST', '/users', { username: 'global-y', role: 'admin', org_id: null, password: 'Abcdefgh-123x' }), 403, { code: 'permission_denied', field: 'org_id' }, 'explicit null scope');
    const widen = await api(U, khcnAdmin.token, 'PATCH', `/users/${inside.json.id}`, { org_id: org.SX });
    assert.ok([400, 403].includes(widen.status), widen.text);
    expectError(widen, widen.status, { field: 'org_id' });
    expectError(await api(U, khcnAdmin.token, 'PATCH', `/users/${inside.json.id}`, { org_id: null }), 403, { field: 'org_id' }, 'unscope a user');
    assert.deepEqual(await snapshot(U, admin.token), before_);
  });

  test('sees and manages only the users of its subtree', async () => {
    const scope = subtree(org['SX-KHCN']);
    const users = await listAll(U, khcnAdmin.token, '/users');
    const all = await listAll(U, admin.token, '/users');
    assert.deepEqual(ids(users), ids(all.filter((u) => scope.has(u.org_id))));
    assert.ok(users.some((u) => u.id === cdsOfficer.id));
    const globalAdminId = all.find((u) => u.username === srv.admin.username).id;
    for (const id of [globalAdminId, yt.id]) {
      expectError(await api(U, khcnAdmin.token, 'GET', `/users/${id}`), 404, { code: 'not_found' });
      expectError(await api(U, khcnAdmin.token, 'PATCH', `/users/${id}`, { disabled: true }), 404, { code: 'not_found' });
      expectError(await api(U, khcnAdmin.token, 'DELETE', `/users/${id}`), 404, { code: 'not_found' });
    }
    assert.equal((await api(U, yt.token, 'GET', '/auth/me')).status, 200, 'the YT officer is still active');
    expectError(await api(U, khcnAdmin.token, 'POST', '/orgs', { name: 'Gốc mới', kind: 'province' }), 403, { code: 'permission_denied', field: 'parent_id' });
    expectError(await api(U, khcnAdmin.token, 'DELETE', `/orgs/${org['SX-KHCN']}`), 403, { code: 'permission_denied' });
  });
});

describe('systems operated by a unit', () => {
  test('are visible to the operating unit\'s officer', async () => {
    const list = await listAll(U, cdsOfficer.token, '/systems');
    for (const id of [fx.operatedSystem, fx.vpSystemOperatedByCds]) {
      assert.ok(list.some((s) => s.id === id), `system ${id} missing from the operator's list`);
      const one = await api(U, cdsOfficer.token, 'GET', `/systems/${id}`);
      assert.equal(one.status, 200, one.text);
    }
    const scope = subtree(org['SX-CDS']);
    for (const s of list) assert.ok(scope.has(s.owner_org_id) || scope.has(s.operator_org_id), JSON.stringify(s));
    // ...but not to an officer of an unrelated unit.
    expectError(await api(U, yt.token, 'GET', `/systems/${fx.vpSystemOperatedByCds}`), 404, { code: 'not_found' });
  });

  test('the operator cannot change a system it only operates', async () => {
    const before_ = (await api(U, admin.token, 'GET', `/systems/${fx.operatedSystem}`)).json;
    const r = await api(U, cdsOfficer.token, 'PATCH', `/systems/${fx.operatedSystem}`, { name: 'Đổi bởi đơn vị vận hành' });
    assert.ok(r.status >= 400 && r.status < 500, r.text);
    assert.deepEqual((await api(U, admin.token, 'GET', `/systems/${fx.operatedSystem}`)).json, before_);
  });

  test('the operator cannot delete a system owned by another organisation', {}, async () => {
    const r = await api(U, cdsOfficer.token, 'DELETE', `/systems/${fx.operatedSystem}`);
    assert.ok([403, 404].includes(r.status), `HTTP ${r.status} ${r.text}`);
    expectError(r, r.status, {});
    const still = await api(U, admin.token, 'GET', `/systems/${fx.operatedSystem}`);
    assert.equal(still.status, 200, 'the system was deleted');
  });
});

describe('authentication of every endpoint in openapi.json', () => {
  let operations;
  let tokenId;

  before(async () => {
    const doc = await api(U, null, 'GET', '/openapi.json');
    assert.equal(doc.status, 200, doc.text);
    const t = await api(U, admin.token, 'POST', '/tokens', { name: 'sweep' });
    assert.equal(t.status, 201, t.text);
    tokenId = t.json.id;
    const idFor = {
      orgs: org['SX-YT'], systems: fx.ytSystem, assets: fx.ytAsset, contacts: fx.ytContact, users: yt.id, tokens: tokenId,
      agents: 1, 'agent-detections': 1, 'yara-rules': 1,
    };
    operations = [];
    for (const [p, ops] of Object.entries(doc.json.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (Array.isArray(op.security) && op.security.length === 0) continue;
        const kind = p.split('/')[3];
        const concrete = p.replace('{id}', String(idFor[kind]));
        assert.ok(!concrete.includes('{'), `no sample id for ${p}`);
        const type = op.requestBody ? Object.keys(op.requestBody.content)[0] : undefined;
        operations.push({ method: method.toUpperCase(), path: concrete, type });
      }
    }
  });

  const publicOps = ['POST /api/v1/auth/login', 'GET /api/v1/openapi.json'];

  async function sweep(authorization) {
    const before_ = await snapshot(U, admin.token);
    assert.ok(operations.length >= 25, `only ${operations.length} protected operations`);
    for (const { method, path, type } of operations) {
      assert.ok(!publicOps.includes(`${method} ${path}`));
      const headers = { Accept: 'application/json' };
      if (authorization !== undefined) headers.Authorization = authorization;
      let body;
      if (type === 'text/csv') body = 'hostname,org_id,role\r\nx,1,server\r\n';
      else if (type) body = JSON.stringify({ name: 'x' });
      if (type) headers['Content-Type'] = type;
      const r = await rawRequest(U, path, { method, headers, body });
      expectError(r, 401, { code: 'unauthenticated' }, `${method} ${path} with ${authorization ?? 'no credentials'}`);
    }
    assert.deepEqual(await snapshot(U, admin.token), before_, 'an unauthenticated request wrote something');
  }

  test('only login and openapi.json are public', async () => {
    const doc = (await api(U, null, 'GET', '/openapi.json')).json;
    const pub = [];
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const [m, op] of Object.entries(ops)) if (Array.isArray(op.security) && op.security.length === 0) pub.push(`${m.toUpperCase()} ${p}`);
    }
    assert.deepEqual(pub.sort(), [...publicOps].sort());
  });

  test('anonymous requests get 401 on every protected operation', async () => {
    await sweep(undefined);
  });

  for (const [what, value] of [
    ['garbage bearer token', 'Bearer garbage'],
    ['unknown session token', 'Bearer vgs_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['unknown API token', 'Bearer vgt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['empty bearer token', 'Bearer '],
    ['Basic credentials', `Basic ${Buffer.from('admin:admin').toString('base64')}`],
  ]) {
    test(`requests with a ${what} get 401 on every protected operation`, async () => {
      await sweep(value);
    });
  }

  test('a logged-out session token gets 401 on every protected operation', async () => {
    const s = await login(U, srv.admin.username, srv.admin.password);
    assert.equal((await api(U, s.token, 'POST', '/auth/logout')).status, 204);
    await sweep(`Bearer ${s.token}`);
  });
});
