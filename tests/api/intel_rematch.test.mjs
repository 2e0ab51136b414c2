// Stored indicator lists are matched again when the register changes: a new asset, an asset
// whose addresses change, an organisation whose public ranges change. The finding exists as soon
// as the write returns, is audited with it, is never duplicated or reopened, and is scoped like
// every other finding.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { api } from '../lib/server.mjs';
import { expectError, makeUser, rawRequest, startDemo, total } from '../lib/api_helpers.mjs';

let srv, U, admin, org;

before(async () => {
  ({ srv, url: U, admin, org } = await startDemo());
});

after(() => srv?.stop());

const pad = (n) => String(n).padStart(2, '0');
const vn = (d) => `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;
const iso = (d) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
const yesterday = new Date(Date.now() - 86400e3);
const longAgo = new Date(Date.now() - 200 * 86400e3); // beyond the 90-day lifetime of an entry

const HEADER = 'STT,Địa chỉ IP,Thời gian,Tên mạng botnet,Cổng,IP đích,Cổng đích,Nhà mạng';
const botnetCsv = (rows) =>
  ['DANH SÁCH ĐỊA CHỈ IP NGHI NHIỄM MÃ ĐỘC BOTNET,,,,,,,', HEADER, ...rows].join('\r\n') + '\r\n';

// None of these addresses belongs to the demo province, so the imports find nothing at first.
const BOTNET = botnetCsv([
  `1,198.18.0.10,${vn(yesterday)} 08:15:00,Mirai,40001,198.51.100.7,443,VNPT`,
  `2,198.18.2.50,${vn(yesterday)} 07:00:00,Emotet,,,,Viettel`,
  `3,198.18.5.5,${vn(yesterday)} 07:30:00,Gafgyt,,,,FPT`,
]);
const NETWORKS = '# networks of a feed\n198.18.1.0/24\n198.18.8.0/22\n';
const EXPIRED = botnetCsv([`1,198.18.3.3,${vn(longAgo)} 08:00:00,Mirai,,,,VNPT`]);

function importList(body, query, token = admin.token) {
  return rawRequest(U, `/intel/lists?${query}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream', Accept: 'application/json' },
    body,
  });
}

describe('stored lists matched against register changes', () => {
  let botnet, networks, expired, ytOfficer, apOfficer, ytSystem;

  const findingsOf = async (query, token = admin.token) => {
    const r = await api(U, token, 'GET', `/findings?limit=1000&${query}`);
    assert.equal(r.status, 200, r.text);
    return r.json.items;
  };
  const auditOf = async (kind, id) => {
    const r = await api(U, admin.token, 'GET', `/audit?kind=${kind}&object_id=${id}`);
    assert.equal(r.status, 200, r.text);
    return r.json.items; // newest first
  };
  const createAsset = async (body, token = admin.token) => {
    const r = await api(U, token, 'POST', '/assets', { role: 'server', ...body });
    assert.equal(r.status, 201, r.text);
    return r.json;
  };
  const patch = async (path, body, token = admin.token) => {
    const r = await api(U, token, 'PATCH', path, body);
    assert.equal(r.status, 200, r.text);
    return r.json;
  };

  before(async () => {
    ytOfficer = await makeUser(U, admin.token, { role: 'unit_officer', org_id: org['SX-YT'] });
    apOfficer = await makeUser(U, admin.token, { role: 'unit_officer', org_id: org['SX-AP'] });
    const systems = await api(U, admin.token, 'GET', `/systems?owner_org_id=${org['SX-YT']}`);
    ytSystem = systems.json.items[0];
    assert.equal(ytSystem.security_level, 3);
    for (const [body, query, name] of [
      [BOTNET, 'name=botnet-rematch.csv&format=botnet-csv', 'botnet'],
      [NETWORKS, 'name=networks.txt&format=plain', 'networks'],
      [EXPIRED, 'name=old.csv&format=botnet-csv', 'expired'],
    ]) {
      const r = await importList(body, query);
      assert.equal(r.status, 201, r.text);
      assert.deepEqual(r.json.findings, [], `${name}: nothing of ours is listed yet`);
      if (name === 'botnet') botnet = r.json.list;
      if (name === 'networks') networks = r.json.list;
      if (name === 'expired') expired = r.json.list;
    }
    assert.equal(expired.expired, 1);
  });

  test('a new asset with a listed address has its finding when the create returns, as an import makes it', async () => {
    const asset = await createAsset({
      hostname: 'his-new-01', org_id: org['SX-YT'], ips: ['10.30.9.9', '198.18.0.10'], system_ids: [ytSystem.id],
    }, ytOfficer.token);
    const found = await findingsOf(`list_id=${botnet.id}`);
    assert.equal(found.length, 1);
    const f = found[0];
    assert.equal(f.org_id, org['SX-YT']);
    assert.equal(f.asset_id, asset.id);
    assert.equal(f.system_security_level, 3);
    assert.equal(f.ip, '198.18.0.10');
    assert.equal(f.indicator, '198.18.0.10');
    assert.equal(f.family, 'Mirai');
    assert.equal(f.listed_time, `${iso(yesterday)}T01:15:00Z`);
    assert.equal(f.listed_port, 40001);
    assert.equal(f.dest_ip, '198.51.100.7');
    assert.equal(f.status, 'open');
    assert.equal(f.resolved_at, null);
    // Same members as the findings an import returns.
    const imported = await importList(BOTNET, 'name=same-shape.csv&format=botnet-csv');
    assert.equal(imported.status, 201, imported.text);
    const twin = imported.json.findings.find((x) => x.asset_id === asset.id);
    assert.deepEqual(Object.keys(f).sort(), Object.keys(twin).sort());
    for (const k of ['org_id', 'asset_id', 'system_security_level', 'ip', 'indicator', 'family', 'listed_time', 'listed_port', 'dest_ip', 'status']) {
      assert.deepEqual(f[k], twin[k], k);
    }
    assert.equal((await api(U, admin.token, 'DELETE', `/intel/lists/${imported.json.list.id}`)).status, 204);
    // The asset's audit entry names the findings the change created.
    const [entry] = await auditOf('assets', asset.id);
    assert.equal(entry.action, 'create');
    assert.equal(entry.actor, ytOfficer.username);
    assert.equal(entry.after.findings, 1);
    // An address on no list: no finding, and no findings member in the audit entry.
    const clean = await createAsset({ hostname: 'his-new-02', org_id: org['SX-YT'], ips: ['10.30.9.10'] });
    assert.equal((await findingsOf(`q=10.30.9.10`)).length, 0);
    assert.equal((await auditOf('assets', clean.id))[0].after.findings, undefined);
  });

  test('an asset whose address moves into a listed network gets a finding on that entry', async () => {
    const asset = await createAsset({ hostname: 'ap-pc-01', org_id: org['SX-AP'], role: 'workstation', ips: ['10.50.0.7'] });
    assert.equal((await findingsOf(`list_id=${networks.id}`)).length, 0);
    await patch(`/assets/${asset.id}`, { ips: ['10.50.0.7', '198.18.1.77'] }, apOfficer.token);
    const found = await findingsOf(`list_id=${networks.id}`);
    assert.deepEqual(found.map((f) => [f.org_id, f.asset_id, f.ip, f.indicator, f.family, f.system_security_level]),
      [[org['SX-AP'], asset.id, '198.18.1.77', '198.18.1.0/24', null, null]]);
    const [entry] = await auditOf('assets', asset.id);
    assert.equal(entry.action, 'update');
    assert.equal(entry.after.findings, 1);
    assert.deepEqual(entry.after.ips, ['10.50.0.7', '198.18.1.77']);
  });

  test("an organisation's new public range covering a listed address, or inside a listed network", async () => {
    await patch(`/orgs/${org['SX-AP']}`, { public_ranges: ['192.0.2.16/29', '198.18.2.48/29'] }, apOfficer.token);
    let found = await findingsOf(`list_id=${botnet.id}&org_id=${org['SX-AP']}`);
    assert.deepEqual(found.map((f) => [f.org_id, f.asset_id, f.ip, f.indicator, f.family, f.system_security_level]),
      [[org['SX-AP'], null, '198.18.2.48/29', '198.18.2.50', 'Emotet', 1]]);
    assert.equal((await auditOf('orgs', org['SX-AP']))[0].after.findings, 1);
    // A new organisation whose range lies inside a listed /22: the network entry covers its start.
    const r = await api(U, admin.token, 'POST', '/orgs', {
      name: 'Trường THPT Sông Xanh', code: 'SX-THPT', kind: 'unit', parent_id: org['SX-AP'], public_ranges: ['198.18.9.0/28'],
    });
    assert.equal(r.status, 201, r.text);
    found = await findingsOf(`org_id=${r.json.id}`);
    assert.deepEqual(found.map((f) => [f.list_id, f.asset_id, f.ip, f.indicator]),
      [[networks.id, null, '198.18.9.0/28', '198.18.8.0/22']]);
    assert.equal((await auditOf('orgs', r.json.id))[0].after.findings, 1);
  });

  test('repeated and unrelated updates do not duplicate findings', async () => {
    const before_ = await total(U, admin.token, '/findings');
    const [asset] = (await api(U, admin.token, 'GET', '/assets?hostname=his-new-01')).json.items;
    await patch(`/assets/${asset.id}`, { ips: ['198.18.0.10', '10.30.9.9'] });
    await patch(`/assets/${asset.id}`, { ips: ['198.18.0.10'] });
    await patch(`/assets/${asset.id}`, { description: 'máy chủ HIS mới' });
    await patch(`/orgs/${org['SX-AP']}`, { public_ranges: ['198.18.2.48/29', '192.0.2.16/29', '203.0.113.200/30'] });
    await patch(`/orgs/${org['SX-AP']}`, { address: 'xã An Phú' });
    assert.equal(await total(U, admin.token, '/findings'), before_);
    const [entry] = await auditOf('orgs', org['SX-AP']);
    assert.equal(entry.after.findings, undefined, 'no finding created, none mentioned');
  });

  test('a cleaned or false-positive finding is neither reopened nor duplicated', async () => {
    const [f] = await findingsOf(`list_id=${botnet.id}&q=198.18.0.10`);
    await patch(`/findings/${f.id}`, { status: 'cleaned', note: 'cài lại hệ điều hành' }, ytOfficer.token);
    const [r] = await findingsOf(`list_id=${botnet.id}&org_id=${org['SX-AP']}`);
    await patch(`/findings/${r.id}`, { status: 'false_positive' }, apOfficer.token);
    const before_ = await total(U, admin.token, '/findings');
    // The address leaves and comes back; the range goes and comes back.
    await patch(`/assets/${f.asset_id}`, { ips: ['10.30.9.9'] }, ytOfficer.token);
    await patch(`/assets/${f.asset_id}`, { ips: ['10.30.9.9', '198.18.0.10'] }, ytOfficer.token);
    await patch(`/orgs/${org['SX-AP']}`, { public_ranges: ['192.0.2.16/29'] }, apOfficer.token);
    await patch(`/orgs/${org['SX-AP']}`, { public_ranges: ['192.0.2.16/29', '198.18.2.48/29'] }, apOfficer.token);
    assert.equal(await total(U, admin.token, '/findings'), before_);
    assert.equal((await api(U, admin.token, 'GET', `/findings/${f.id}`)).json.status, 'cleaned');
    assert.equal((await api(U, admin.token, 'GET', `/findings/${r.id}`)).json.status, 'false_positive');
  });

  test('an expired entry does not match', async () => {
    const asset = await createAsset({ hostname: 'old-01', org_id: org['SX-YT'], ips: ['198.18.3.3'] });
    assert.equal((await findingsOf(`list_id=${expired.id}`)).length, 0);
    assert.equal((await findingsOf(`q=198.18.3.3`)).length, 0);
    assert.equal((await auditOf('assets', asset.id))[0].after.findings, undefined);
  });

  test('lists only cover their own subtree; findings are scoped by their organisation', async () => {
    // A list a unit officer imported for Sở Y tế does not reach An Phú's assets.
    const yt = await importList(botnetCsv([`1,198.18.6.6,${vn(yesterday)} 08:00:00,Mirai,,,,VNPT`]), 'name=yt-own.csv', ytOfficer.token);
    assert.equal(yt.status, 201, yt.text);
    await createAsset({ hostname: 'ap-srv-09', org_id: org['SX-AP'], ips: ['198.18.6.6'] }, apOfficer.token);
    assert.equal((await findingsOf(`list_id=${yt.json.list.id}`)).length, 0);
    const ytAsset = await createAsset({ hostname: 'yt-srv-09', org_id: org['SX-YT'], ips: ['198.18.6.6'] }, ytOfficer.token);
    const [mine] = await findingsOf(`list_id=${yt.json.list.id}`, ytOfficer.token);
    assert.equal(mine.asset_id, ytAsset.id);
    // The province list's finding on Sở Y tế's asset does not exist for An Phú's officer.
    const [f] = await findingsOf(`list_id=${botnet.id}&q=198.18.0.10`);
    expectError(await api(U, apOfficer.token, 'GET', `/findings/${f.id}`), 404);
    const apSees = await findingsOf('', apOfficer.token);
    assert.ok(apSees.length > 0);
    assert.ok(!apSees.some((x) => x.org_id === org['SX-YT']), JSON.stringify(apSees));
    assert.ok((await findingsOf('', ytOfficer.token)).some((x) => x.id === f.id));
  });

  test("findings follow their asset to another organisation and take its systems' current level", async () => {
    const asset = await createAsset({ hostname: 'yt-move-01', org_id: org['SX-YT'], ips: ['198.18.2.50'], system_ids: [ytSystem.id] });
    const [f] = await findingsOf(`list_id=${botnet.id}&q=198.18.2.50`);
    assert.equal(f.asset_id, asset.id);
    assert.equal(f.system_security_level, 3);
    await patch(`/findings/${f.id}`, { status: 'cleaned', note: 'reinstalled' }, ytOfficer.token);
    // Handed over to xã An Phú, out of every system: An Phú's officer now owns the finding.
    await patch(`/assets/${asset.id}`, { org_id: org['SX-AP'], system_ids: [] });
    const moved = (await api(U, apOfficer.token, 'GET', `/findings/${f.id}`)).json;
    assert.equal(moved.org_id, org['SX-AP']);
    assert.equal(moved.system_security_level, null);
    assert.equal(moved.status, 'cleaned', 'the history stays');
    expectError(await api(U, ytOfficer.token, 'GET', `/findings/${f.id}`), 404);
    const [entry] = await auditOf('assets', asset.id);
    assert.equal(entry.after.findings_updated, 1);
    // Back into Sở Y tế's system, whose level is then raised: the finding's level follows.
    await patch(`/assets/${asset.id}`, { org_id: org['SX-YT'], system_ids: [ytSystem.id] });
    await patch(`/systems/${ytSystem.id}`, { security_level: 4 });
    const relevelled = (await api(U, admin.token, 'GET', `/findings/${f.id}`)).json;
    assert.equal(relevelled.org_id, org['SX-YT']);
    assert.equal(relevelled.system_security_level, 4);
    // A finding on a public range of an organisation that owns the system is re-levelled too.
    await patch(`/orgs/${org['SX-YT']}`, { public_ranges: ['198.18.0.8/29'] });
    const [range] = (await findingsOf(`list_id=${botnet.id}&q=198.18.0.8/29`)).filter((x) => x.asset_id === null);
    assert.equal(range.system_security_level, 4);
    await patch(`/systems/${ytSystem.id}`, { security_level: 3 });
    assert.equal((await api(U, admin.token, 'GET', `/findings/${range.id}`)).json.system_security_level, 3);
    assert.equal((await api(U, admin.token, 'GET', `/findings/${f.id}`)).json.system_security_level, 3);
  });

  test('a CSV import of assets is matched like single creates, and a failed write leaves no finding', async () => {
    const csv = 'hostname,org_id,role,ips\r\n' +
      `csv-01,${org['SX-YT']},server,198.18.5.5\r\n` +
      `csv-02,${org['SX-YT']},server,not-an-ip\r\n`;
    const before_ = await total(U, admin.token, '/findings');
    const strict = await rawRequest(U, '/assets/import?mode=strict', {
      method: 'POST', headers: { Authorization: `Bearer ${admin.token}`, 'Content-Type': 'text/csv' }, body: csv,
    });
    assert.equal(strict.status, 400, strict.text);
    assert.equal(await total(U, admin.token, '/findings'), before_, 'nothing written');
    const lenient = await rawRequest(U, '/assets/import?mode=lenient', {
      method: 'POST', headers: { Authorization: `Bearer ${admin.token}`, 'Content-Type': 'text/csv' }, body: csv,
    });
    assert.equal(lenient.status, 200, lenient.text);
    const found = await findingsOf(`list_id=${botnet.id}&q=198.18.5.5`);
    assert.deepEqual(found.map((f) => [f.org_id, f.ip, f.family]), [[org['SX-YT'], '198.18.5.5', 'Gafgyt']]);
  });
});
