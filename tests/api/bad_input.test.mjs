// Bad requests: each must be answered with a 4xx (never a 5xx) in the documented error shape,
// naming the field where there is one, and must write nothing (list totals and the audit log are
// compared before and after every request).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { api } from '../lib/server.mjs';
import { expect4xx, expectError, rawRequest, snapshot, startDemo } from '../lib/api_helpers.mjs';

let srv, U, admin, org;
let assetId;
let systemId;
let orgId;
let contactId;
let userId;

before(async () => {
  ({ srv, url: U, admin, org } = await startDemo());
  assetId = (await api(U, admin.token, 'GET', '/assets?limit=1')).json.items[0].id;
  systemId = (await api(U, admin.token, 'GET', '/systems?limit=1')).json.items[0].id;
  contactId = (await api(U, admin.token, 'GET', '/contacts?limit=1')).json.items[0].id;
  orgId = org['SX-YT'];
  const u = await api(U, admin.token, 'POST', '/users', { username: 'bad-input-user', role: 'viewer', org_id: org.SX, password: 'Abcdefgh-1234' });
  assert.equal(u.status, 201, u.text);
  userId = u.json.id;
});

after(() => srv?.stop());

// Valid bodies; each case changes one thing.
const asset = (over = {}) => ({ hostname: 'bad-input-01', org_id: org.SX, role: 'server', ...over });
const system = (over = {}) => ({ name: 'Hệ thống thử', owner_org_id: org.SX, security_level: 3, ...over });
const orgBody = (over = {}) => ({ name: 'Đơn vị thử', kind: 'unit', parent_id: org.SX, ...over });
const contact = (over = {}) => ({ name: 'Người thử', org_id: org.SX, ...over });
const user = (over = {}) => ({ username: 'bad-input-new', role: 'viewer', org_id: org.SX, password: 'Abcdefgh-1234', ...over });
const without = (obj, key) => {
  const o = { ...obj };
  delete o[key];
  return o;
};

/**
 * A case: { name, method = 'POST', path, json (object → JSON) | raw (string|Buffer),
 *           type = 'application/json', headers, status = 400, code, field, todo }
 * `path` and `json` may be functions (evaluated after the fixtures exist).
 */
const cases = [
  // --- Syntax of the body ---
  { name: 'malformed JSON (trailing comma)', path: '/assets', raw: '{"hostname": "x", "org_id": 1, "role": "server",}' },
  { name: 'malformed JSON (single quotes)', path: '/assets', raw: "{'hostname': 'x'}" },
  { name: 'truncated JSON', path: '/assets', raw: '{"hostname": "x", "org_id": 1, "role": "serv' },
  { name: 'JSON nested 100000 deep (arrays)', path: '/assets', raw: '['.repeat(100000) + ']'.repeat(100000) },
  { name: 'JSON nested 100000 deep (objects)', path: '/assets', raw: '{"a":'.repeat(100000) + '1' + '}'.repeat(100000) },
  { name: 'JSON nested 100000 deep inside a field', path: '/assets', raw: () => `{"hostname":"x","org_id":${org.SX},"role":"server","ips":${'['.repeat(100000)}${']'.repeat(100000)}}` },
  { name: 'body is an array', path: '/assets', raw: () => JSON.stringify([asset()]) },
  { name: 'body is a string', path: '/assets', raw: '"hostname"' },
  { name: 'body is a number', path: '/assets', raw: '42' },
  { name: 'body is null', path: '/assets', raw: 'null' },
  { name: 'empty body', path: '/assets', raw: '' },
  { name: 'two JSON documents', path: '/assets', raw: () => `${JSON.stringify(asset())}${JSON.stringify(asset())}` },
  { name: 'PATCH body is an array', method: 'PATCH', path: () => `/assets/${assetId}`, raw: '[]' },
  { name: 'PATCH malformed JSON', method: 'PATCH', path: () => `/assets/${assetId}`, raw: '{"os":' },

  // --- Types ---
  { name: 'security_level as a string', path: '/systems', json: () => system({ security_level: '3' }), field: 'security_level' },
  { name: 'security_level as a float', path: '/systems', json: () => system({ security_level: 3.5 }), field: 'security_level' },
  { name: 'name as a number', path: '/orgs', json: () => orgBody({ name: 42 }), field: 'name' },
  { name: 'hostname as an array', path: '/assets', json: () => asset({ hostname: ['a'] }), field: 'hostname' },
  { name: 'ips as an object', path: '/assets', json: () => asset({ ips: { 0: '10.0.0.1' } }), field: 'ips' },
  { name: 'ips as a string', path: '/assets', json: () => asset({ ips: '10.0.0.1' }), field: 'ips' },
  { name: 'ips item as a number', path: '/assets', json: () => asset({ ips: [167772161] }), field: 'ips[0]' },
  { name: 'org_id as a string', path: '/assets', json: () => asset({ org_id: String(org.SX) }), field: 'org_id' },
  { name: 'org_id beyond int64', path: '/assets', json: () => asset({ org_id: 18446744073709551615n }), field: 'org_id' },
  { name: 'system_ids item as a string', path: '/assets', json: () => asset({ system_ids: [String(systemId)] }), field: 'system_ids[0]' },
  { name: 'system_ids item zero', path: '/assets', json: () => asset({ system_ids: [0] }), field: 'system_ids[0]' },
  { name: 'on_call as a string', path: '/contacts', json: () => contact({ on_call: 'true' }), field: 'on_call' },
  { name: 'needs_24x7 as a number', path: '/systems', json: () => system({ needs_24x7: 1 }), field: 'needs_24x7' },
  { name: 'info_types as a string', path: '/systems', json: () => system({ info_types: 'public' }), field: 'info_types' },
  { name: 'personal_data_subjects negative', path: '/systems', json: () => system({ personal_data_subjects: -1 }), field: 'personal_data_subjects' },
  { name: 'personal_data_subjects in exponent form', path: '/systems', raw: () => JSON.stringify(system()).replace('}', ',"personal_data_subjects":1e3}'), field: 'personal_data_subjects' },
  { name: 'PATCH role to a number', method: 'PATCH', path: () => `/assets/${assetId}`, json: { role: 1 }, field: 'role' },

  // --- Unknown, missing and empty fields ---
  { name: 'unknown field', path: '/assets', json: () => asset({ colour: 'red' }), field: 'colour' },
  { name: 'unknown field in PATCH', method: 'PATCH', path: () => `/assets/${assetId}`, json: { owner: 'x' }, field: 'owner' },
  { name: 'internal field password_hash', path: '/users', json: () => user({ password_hash: '$argon2id$v=19$m=65536,t=2,p=1$x$y' }), field: 'password_hash' },
  { name: 'internal field failed_logins', method: 'PATCH', path: () => `/users/${userId}`, json: { failed_logins: 0 }, field: 'failed_logins' },
  { name: 'missing hostname', path: '/assets', json: () => without(asset(), 'hostname'), field: 'hostname' },
  { name: 'missing role', path: '/assets', json: () => without(asset(), 'role'), field: 'role' },
  { name: 'missing org_id', path: '/assets', json: () => without(asset(), 'org_id'), field: 'org_id' },
  { name: 'missing kind', path: '/orgs', json: () => without(orgBody(), 'kind'), field: 'kind' },
  { name: 'missing security_level', path: '/systems', json: () => without(system(), 'security_level'), field: 'security_level' },
  { name: 'missing owner_org_id', path: '/systems', json: () => without(system(), 'owner_org_id'), field: 'owner_org_id' },
  { name: 'missing contact name', path: '/contacts', json: () => without(contact(), 'name'), field: 'name' },
  { name: 'missing username', path: '/users', json: () => without(user(), 'username'), field: 'username' },
  { name: 'required field null', path: '/assets', json: () => asset({ role: null }), field: 'role' },
  { name: 'PATCH required field to null', method: 'PATCH', path: () => `/orgs/${orgId}`, json: { name: null }, field: 'name' },
  { name: 'empty hostname', path: '/assets', json: () => asset({ hostname: '' }), field: 'hostname' },
  { name: 'blank name (spaces only)', path: '/orgs', json: () => orgBody({ name: '   ' }), field: 'name' },
  { name: 'PATCH hostname to empty', method: 'PATCH', path: () => `/assets/${assetId}`, json: { hostname: ' ' }, field: 'hostname' },

  // --- Lengths ---
  { name: 'name of 201 bytes', path: '/orgs', json: () => orgBody({ name: 'a'.repeat(201) }), field: 'name' },
  { name: 'name of 201 bytes in Vietnamese (67 × "ế")', path: '/orgs', json: () => orgBody({ name: 'ế'.repeat(67) }), field: 'name' },
  { name: 'hostname of 300 bytes', path: '/assets', json: () => asset({ hostname: 'h'.repeat(300) }), field: 'hostname' },
  { name: 'code of 51 bytes', path: '/orgs', json: () => orgBody({ code: 'C'.repeat(51) }), field: 'code' },
  { name: 'description of 2001 bytes', path: '/systems', json: () => system({ description: 'd'.repeat(2001) }), field: 'description' },
  { name: 'username of 65 bytes', path: '/users', json: () => user({ username: 'u'.repeat(65) }), field: 'username' },
  { name: '1001 IP addresses', path: '/assets', json: () => asset({ ips: Array.from({ length: 1001 }, (_, i) => `10.${(i >> 8) & 255}.${i & 255}.1`) }), field: 'ips' },

  // --- IP addresses and networks ---
  { name: 'IP 10.0.0.256', path: '/assets', json: () => asset({ ips: ['10.0.0.256'] }), field: 'ips[0]' },
  { name: 'IP 1.2.3', path: '/assets', json: () => asset({ ips: ['1.2.3'] }), field: 'ips[0]' },
  { name: 'IP ::g', path: '/assets', json: () => asset({ ips: ['::g'] }), field: 'ips[0]' },
  { name: 'IP with leading zero (second item)', path: '/assets', json: () => asset({ ips: ['10.0.0.1', '010.0.0.1'] }), field: 'ips[1]' },
  { name: 'IP with zone id', path: '/assets', json: () => asset({ ips: ['fe80::1%eth0'] }), field: 'ips[0]' },
  { name: 'IP in brackets', path: '/assets', json: () => asset({ ips: ['[::1]'] }), field: 'ips[0]' },
  { name: 'IP with prefix', path: '/assets', json: () => asset({ ips: ['10.0.0.1/32'] }), field: 'ips[0]' },
  { name: 'empty IP', path: '/assets', json: () => asset({ ips: [''] }), field: 'ips[0]' },
  { name: 'PATCH with a bad IP', method: 'PATCH', path: () => `/assets/${assetId}`, json: { ips: ['10.0.0.1', '300.1.1.1'] }, field: 'ips[1]' },
  { name: 'CIDR 10.0.0.0/33', path: '/orgs', json: () => orgBody({ public_ranges: ['10.0.0.0/33'] }), field: 'public_ranges[0]' },
  { name: 'CIDR with host bits set 10.0.0.1/24', path: '/orgs', json: () => orgBody({ public_ranges: ['10.0.0.1/24'] }), field: 'public_ranges[0]' },
  { name: 'CIDR 2001:db8::/129', path: '/orgs', json: () => orgBody({ public_ranges: ['203.0.113.0/24', '2001:db8::/129'] }), field: 'public_ranges[1]' },
  { name: 'CIDR with a signed prefix', path: '/orgs', json: () => orgBody({ public_ranges: ['10.0.0.0/+8'] }), field: 'public_ranges[0]' },
  { name: 'CIDR with an empty prefix', path: '/orgs', json: () => orgBody({ public_ranges: ['10.0.0.0/'] }), field: 'public_ranges[0]' },

  // --- Security levels and enums ---
  ...[0, 6, -1, 3.5, '3', true, [3]].map((v) => ({
    name: `security_level ${JSON.stringify(v)}`, path: '/systems', json: () => system({ security_level: v }), field: 'security_level',
  })),
  { name: 'PATCH security_level 6', method: 'PATCH', path: () => `/systems/${systemId}`, json: { security_level: 6 }, field: 'security_level' },
  { name: 'asset role "Server" (case)', path: '/assets', json: () => asset({ role: 'Server' }), field: 'role' },
  { name: 'asset role "database"', path: '/assets', json: () => asset({ role: 'database' }), field: 'role' },
  { name: 'org kind "city"', path: '/orgs', json: () => orgBody({ kind: 'city' }), field: 'kind' },
  { name: 'system_type unknown', path: '/systems', json: () => system({ system_type: 'cloud' }), field: 'system_type' },
  { name: 'scope unknown', path: '/systems', json: () => system({ scope: 'global' }), field: 'scope' },
  { name: 'info_types item unknown', path: '/systems', json: () => system({ info_types: ['public', 'secret'] }), field: 'info_types[1]' },
  { name: 'user role "root"', path: '/users', json: () => user({ role: 'root' }), field: 'role' },

  // --- Dates ---
  { name: 'date 2025-02-30', path: '/systems', json: () => system({ approval_date: '2025-02-30' }), field: 'approval_date' },
  { name: 'date 2023-02-29 (not a leap year)', path: '/systems', json: () => system({ last_assessment_date: '2023-02-29' }), field: 'last_assessment_date' },
  { name: 'date 30/04/2025', path: '/systems', json: () => system({ approval_date: '30/04/2025' }), field: 'approval_date' },
  { name: 'date 2025-4-30', path: '/systems', json: () => system({ approval_date: '2025-4-30' }), field: 'approval_date' },
  { name: 'date with a time', path: '/orgs', json: () => orgBody({ last_assessment_date: '2025-04-30T00:00:00Z' }), field: 'last_assessment_date' },
  { name: 'date 2025-13-01', path: '/orgs', json: () => orgBody({ last_assessment_date: '2025-13-01' }), field: 'last_assessment_date' },
  { name: 'date as a number', path: '/orgs', json: () => orgBody({ last_assessment_date: 20250430 }), field: 'last_assessment_date' },

  // --- MAC, e-mail, phone ---
  { name: 'MAC with 5 octets', path: '/assets', json: () => asset({ mac: 'aa:bb:cc:dd:ee' }), field: 'mac' },
  { name: 'MAC with a non-hex digit', path: '/assets', json: () => asset({ mac: 'zz:bb:cc:dd:ee:ff' }), field: 'mac' },
  { name: 'MAC with mixed separators', path: '/assets', json: () => asset({ mac: 'aa:bb-cc:dd:ee:ff' }), field: 'mac' },
  { name: 'MAC with 7 octets', path: '/assets', json: () => asset({ mac: 'aa:bb:cc:dd:ee:ff:00' }), field: 'mac' },
  { name: 'e-mail without @', path: '/contacts', json: () => contact({ email: 'hang.songxanh.example' }), field: 'email' },
  { name: 'e-mail without a domain dot', path: '/contacts', json: () => contact({ email: 'hang@songxanh' }), field: 'email' },
  { name: 'e-mail with two @', path: '/contacts', json: () => contact({ email: 'a@b@songxanh.example' }), field: 'email' },
  { name: 'e-mail with a space', path: '/contacts', json: () => contact({ email: 'ngo hang@songxanh.example' }), field: 'email' },
  { name: 'e-mail starting with @', path: '/contacts', json: () => contact({ email: '@songxanh.example' }), field: 'email' },
  { name: 'phone with letters', path: '/contacts', json: () => contact({ phone: 'gọi 0912' }), field: 'phone' },
  { name: 'PATCH a bad e-mail', method: 'PATCH', path: () => `/contacts/${contactId}`, json: { email: 'an.nv at songxanh' }, field: 'email' },

  // --- Text encoding ---
  { name: 'invalid UTF-8 in a string (raw bytes C3 28)', path: '/orgs', raw: () => Buffer.concat([Buffer.from(`{"name":"S`), Buffer.from([0xc3, 0x28]), Buffer.from(`","kind":"unit","parent_id":${org.SX}}`)]) },
  { name: 'overlong UTF-8 encoding (C0 AF)', path: '/orgs', raw: () => Buffer.concat([Buffer.from(`{"name":"`), Buffer.from([0xc0, 0xaf]), Buffer.from(`","kind":"unit","parent_id":${org.SX}}`)]) },
  { name: 'UTF-8 encoded surrogate (ED A0 80)', path: '/orgs', raw: () => Buffer.concat([Buffer.from(`{"name":"`), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from(`","kind":"unit","parent_id":${org.SX}}`)]) },
  { name: 'Windows-1258 byte (Sở as 0x53 0xF5)', path: '/contacts', raw: () => Buffer.concat([Buffer.from('{"name":"S'), Buffer.from([0xf5]), Buffer.from(`","org_id":${org.SX}}`)]) },
  { name: 'lone surrogate escape \\ud800', path: '/orgs', raw: () => `{"name":"x\\ud800y","kind":"unit","parent_id":${org.SX}}` },
  { name: 'control character U+0001 in a name', path: '/orgs', json: () => orgBody({ name: 'Sở\u0001Y tế' }), field: 'name' },
  { name: 'NUL in a hostname', path: '/assets', json: () => asset({ hostname: 'web\u000001' }), field: 'hostname' },
  { name: 'DEL in a position', path: '/contacts', json: () => contact({ position: 'Chuyên viên\u007f' }), field: 'position' },
  { name: 'ESC in a display name', path: '/users', json: () => user({ display_name: 'A\u001b[31mB' }), field: 'display_name' },
  { name: 'CR in an OS name', method: 'PATCH', path: () => `/assets/${assetId}`, json: { os: 'Linux\rX' }, field: 'os' },

  // --- References and ids ---
  { name: 'org_id that does not exist', path: '/assets', json: () => asset({ org_id: 999999 }), field: 'org_id' },
  { name: 'parent_id that does not exist', path: '/orgs', json: () => orgBody({ parent_id: 999999 }), field: 'parent_id' },
  { name: 'system_ids item that does not exist', path: '/assets', json: () => asset({ system_ids: [systemId, 999999] }), field: 'system_ids[1]' },
  { name: 'negative org_id', path: '/contacts', json: () => contact({ org_id: -5 }), field: 'org_id' },
  { name: 'GET an id that does not exist', method: 'GET', path: '/assets/999999', status: 404, code: 'not_found' },
  { name: 'PATCH an id that does not exist', method: 'PATCH', path: '/systems/999999', json: { name: 'x' }, status: 404, code: 'not_found' },
  { name: 'DELETE an id that does not exist', method: 'DELETE', path: '/contacts/999999', status: 404, code: 'not_found' },
  { name: 'DELETE a token that does not exist', method: 'DELETE', path: '/tokens/999999', status: 404, code: 'not_found' },
  ...['abc', '-1', '99999999999999999999', '1.5', '0x10', '1e3', '%20', '12abc'].flatMap((id) => ['GET', 'PATCH', 'DELETE'].map((method) => ({
    name: `${method} /assets/${id}`, method, path: `/assets/${id}`, json: method === 'PATCH' ? { os: 'x' } : undefined, field: 'id',
  }))),

  // --- Query parameters ---
  ...['0', '5000', '1001', 'abc', '-1', '', '10.5'].map((v) => ({ name: `limit=${v}`, method: 'GET', path: `/assets?limit=${v}`, field: 'limit' })),
  ...['-1', 'abc'].map((v) => ({ name: `offset=${v}`, method: 'GET', path: `/orgs?offset=${v}`, field: 'offset' })),
  { name: 'unknown query parameter', method: 'GET', path: '/assets?colour=red', field: 'colour' },
  { name: 'filter on a value the enum does not have', method: 'GET', path: '/assets?role=toaster', field: 'role' },
  { name: 'filter on a value the enum list does not have', method: 'GET', path: '/systems?info_types=gossip', field: 'info_types' },
  { name: 'query parameter of another resource', method: 'GET', path: '/orgs?hostname=x', field: 'hostname' },
  { name: 'query parameter on an internal column', method: 'GET', path: '/users?password_hash=x', field: 'password_hash' },
  { name: 'query parameter on a write-only field', method: 'GET', path: '/users?password=x', field: 'password' },
  { name: 'filter with a bad IP', method: 'GET', path: '/assets?ips=10.0.0.256', field: /^ips(\[0\])?$/ },
  { name: 'filter with a bad number', method: 'GET', path: '/systems?security_level=high', field: 'security_level' },
  { name: 'filter with a bad boolean', method: 'GET', path: '/contacts?on_call=maybe', field: 'on_call' },
  { name: 'org_id filter not a number', method: 'GET', path: '/assets?org_id=SX', field: 'org_id' },
  { name: 'org_id filter that does not exist', method: 'GET', path: '/assets?org_id=999999', status: 404, code: 'not_found', field: 'org_id' },
  { name: 'q of 201 bytes', method: 'GET', path: `/orgs?q=${'a'.repeat(201)}`, field: 'q' },
  { name: 'invalid percent-escape in the query', method: 'GET', path: '/orgs?q=%zz' },
  { name: 'dashboard with a bad org_id', method: 'GET', path: '/dashboard?org_id=abc', field: 'org_id' },
  { name: 'dashboard with an unknown parameter', method: 'GET', path: '/dashboard?colour=red', field: 'colour' },
  { name: 'audit with limit=0', method: 'GET', path: '/audit?limit=0', field: 'limit' },
  { name: 'CSV export with a bad limit', method: 'GET', path: '/assets/export.csv?limit=abc', field: 'limit' },
  { name: 'CSV import with an unknown mode', path: '/assets/import?mode=yolo', raw: 'hostname,org_id,role\r\nx,1,server\r\n', type: 'text/csv', field: 'mode' },

  // --- Content types ---
  { name: 'JSON sent as text/plain', path: '/assets', raw: () => JSON.stringify(asset()), type: 'text/plain' },
  { name: 'JSON sent as a form', path: '/assets', raw: () => JSON.stringify(asset()), type: 'application/x-www-form-urlencoded' },
  { name: 'a real form body', path: '/orgs', raw: 'name=X&kind=unit', type: 'application/x-www-form-urlencoded' },
  { name: 'JSON sent as text/csv', path: '/assets', raw: () => JSON.stringify(asset()), type: 'text/csv' },
  { name: 'JSON sent as multipart/form-data', method: 'PATCH', path: () => `/assets/${assetId}`, raw: '{"os":"x"}', type: 'multipart/form-data; boundary=x' },
  { name: 'JSON sent to the CSV import', path: '/assets/import', raw: () => JSON.stringify(asset()), type: 'application/json' },
  { name: 'empty CSV import', path: '/contacts/import', raw: '', type: 'text/csv' },

  // --- Endpoints and methods ---
  { name: 'request headers over 16 KiB', method: 'GET', path: '/orgs', headers: { 'X-Padding': 'p'.repeat(20 * 1024) }, status: 431, code: 'request_header_fields_too_large' },
  { name: 'unknown endpoint', method: 'GET', path: '/api/v1/nothing-here', status: 404, code: 'not_found' },
  { name: 'unknown API version', method: 'GET', path: '/api/v2/assets', status: 404, code: 'not_found' },
  { name: 'unknown sub-resource', method: 'POST', path: () => `/api/v1/assets/${assetId}/clone`, json: {}, status: 404, code: 'not_found' },
  { name: 'bare /api', method: 'GET', path: '/api', status: 404, code: 'not_found' },
  { name: 'unknown endpoint, anonymous', method: 'GET', path: '/api/v1/nothing-here', status: 404, code: 'not_found', anonymous: true },
  { name: 'PUT on a record', method: 'PUT', path: () => `/assets/${assetId}`, json: () => asset(), wrongMethod: true },
  { name: 'DELETE on a collection', method: 'DELETE', path: '/assets', wrongMethod: true },
  { name: 'POST on a record', method: 'POST', path: () => `/systems/${systemId}`, json: () => system(), wrongMethod: true },
  { name: 'PATCH on the audit log', method: 'PATCH', path: '/audit', json: {}, wrongMethod: true },
  { name: 'POST on the audit log', method: 'POST', path: '/audit', json: { action: 'create', kind: 'assets' }, wrongMethod: true },
  { name: 'DELETE on the dashboard', method: 'DELETE', path: '/dashboard', wrongMethod: true },
  { name: 'GET on login', method: 'GET', path: '/auth/login', wrongMethod: true },
  { name: 'GET on the CSV import', method: 'GET', path: '/assets/import', wrongMethod: true },
  { name: 'POST on the CSV export', method: 'POST', path: '/contacts/export.csv', raw: 'name\r\nx\r\n', type: 'text/csv', wrongMethod: true },
];

function resolve(v) {
  return typeof v === 'function' ? v() : v;
}

/** JSON.stringify that writes BigInt values as bare numbers. */
function toJson(value) {
  return JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? `__BIG__${v}__` : v)).replace(/"__BIG__(\d+)__"/g, '$1');
}

async function send(c) {
  const method = c.method ?? 'POST';
  const path = resolve(c.path);
  let body;
  const headers = { Accept: 'application/json', ...(c.headers ?? {}) };
  if (!c.anonymous) headers.Authorization = `Bearer ${admin.token}`;
  if (c.raw !== undefined) body = resolve(c.raw);
  else if (c.json !== undefined) body = toJson(resolve(c.json));
  if (body !== undefined) headers['Content-Type'] = c.type ?? 'application/json';
  return rawRequest(U, path, { method, headers, body });
}

describe('bad requests are 4xx with a JSON error and write nothing', () => {
  for (const c of cases) {
    test(c.name, c.todo ? { todo: c.todo } : {}, async () => {
      const before_ = await snapshot(U, admin.token);
      const r = await send(c);
      const what = `${c.method ?? 'POST'} ${resolve(c.path)}`;
      expect4xx(r, what);
      if (c.wrongMethod) {
        // 405 is not in docs/API.md's list of codes, so 400 (invalid_argument) is right; 405
        // would be too. Must not be 404: the path exists.
        assert.ok([400, 405].includes(r.status), `${what}: HTTP ${r.status} ${r.text}`);
      } else {
        expectError(r, c.status ?? 400, { code: c.code ?? 'invalid_argument', field: c.field }, what);
      }
      assert.match(r.headers['content-type'] ?? '', /^application\/json/);
      assert.deepEqual(await snapshot(U, admin.token), before_, `${what} wrote something`);
    });
  }
});

describe('bodies past the size limit', () => {
  test('a body over 16 MiB is refused with 413 and nothing is written', async () => {
    const before_ = await snapshot(U, admin.token);
    const big = Buffer.alloc(17 * 1024 * 1024, 0x20);
    const head = Buffer.from(`{"hostname":"big","org_id":${org.SX},"role":"server","description":"`);
    head.copy(big, 0);
    Buffer.from('"}').copy(big, big.length - 2);
    const r = await rawRequest(U, '/assets', {
      method: 'POST', headers: { Authorization: `Bearer ${admin.token}`, 'Content-Type': 'application/json' }, body: big,
    });
    expectError(r, 413, { code: 'payload_too_large' });
    assert.deepEqual(await snapshot(U, admin.token), before_);
    // The server is still fine afterwards.
    assert.equal((await api(U, admin.token, 'GET', '/auth/me')).status, 200);
  });

  test('a CSV import over 16 MiB is refused with 413 and nothing is written', async () => {
    const before_ = await snapshot(U, admin.token);
    const row = `big-host,${org.SX},server\r\n`;
    const csv = `hostname,org_id,role\r\n${row.repeat(Math.ceil((17 * 1024 * 1024) / row.length))}`;
    const r = await rawRequest(U, '/assets/import', {
      method: 'POST', headers: { Authorization: `Bearer ${admin.token}`, 'Content-Type': 'text/csv' }, body: csv,
    });
    expectError(r, 413, { code: 'payload_too_large' });
    assert.deepEqual(await snapshot(U, admin.token), before_);
  });
});

describe('limits are inclusive', () => {
  test('the largest valid values are accepted (the refusals above are not off by one)', async () => {
    const r = await api(U, admin.token, 'POST', '/orgs', orgBody({ name: 'ế'.repeat(66) + 'ab', code: 'C'.repeat(50) }));
    assert.equal(r.status, 201, r.text);
    assert.equal(Buffer.byteLength(r.json.name), 200);
    const a = await api(U, admin.token, 'POST', '/assets', asset({ hostname: 'h'.repeat(253) }));
    assert.equal(a.status, 201, a.text);
    for (const level of [1, 5]) {
      const s = await api(U, admin.token, 'POST', '/systems', system({ security_level: level }));
      assert.equal(s.status, 201, s.text);
    }
    assert.equal((await api(U, admin.token, 'GET', '/assets?limit=1000')).status, 200);
    assert.equal((await api(U, admin.token, 'GET', '/assets?limit=1')).status, 200);
    assert.equal((await api(U, admin.token, 'GET', `/orgs?q=${'a'.repeat(200)}`)).status, 200);
  });
});
