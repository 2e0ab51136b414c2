// The reporting chain: whom an organisation reports to, following the editable tree.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, login, startServer } from '../lib/server.mjs';

describe('reporting chain', () => {
  let srv;
  let token;
  before(async () => {
    srv = await startServer({ demo: true });
    ({ token } = await login(srv.url, srv.admin.username, srv.admin.password));
  });
  after(async () => { await srv?.stop(); });

  test('follows the tree upwards and changes when the tree is edited', async () => {
    const orgs = (await api(srv.url, token, 'GET', '/orgs?limit=1000')).json.items;
    const byCode = Object.fromEntries(orgs.map((o) => [o.code, o]));
    let r = await api(srv.url, token, 'GET', `/orgs/${byCode['SX-CDS'].id}/reporting-chain`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.chain.map((o) => o.code), ['SX-KHCN', 'SX']);
    // Reorganisation: the centre now reports to the provincial office.
    const moved = await api(srv.url, token, 'PATCH', `/orgs/${byCode['SX-CDS'].id}`, { parent_id: byCode['SX-VP'].id });
    assert.equal(moved.status, 200, moved.text);
    r = await api(srv.url, token, 'GET', `/orgs/${byCode['SX-CDS'].id}/reporting-chain`);
    assert.deepEqual(r.json.chain.map((o) => o.code), ['SX-VP', 'SX']);
    r = await api(srv.url, token, 'GET', `/orgs/${byCode.SX.id}/reporting-chain`);
    assert.deepEqual(r.json.chain, []);
    assert.equal((await api(srv.url, token, 'GET', '/orgs/999999/reporting-chain')).status, 404);
  });
});
