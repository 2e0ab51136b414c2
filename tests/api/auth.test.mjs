// Authentication: login, cookies and CSRF, lockout and rate limits, sessions, API tokens, account
// state changes, password policy, first-admin provisioning and security headers.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { REPO_ROOT, api, login, randomPassword, startServer } from '../lib/server.mjs';
import {
  assertNoSecrets, expectError, makeUser, parseSetCookie, rawRequest, runVigil, setCookies, startDemo,
  total, tryLogin,
} from '../lib/api_helpers.mjs';

const WRONG = 'wrong username or password';

let srv;
let admin; // { token, csrfToken, cookie }
let orgs;

before(async () => {
  ({ srv, admin, org: orgs } = await startDemo());
});

after(() => srv?.stop());

function cookieHeader(s) {
  return `vigil_session=${s.token}; vigil_csrf=${s.csrfToken}`;
}

describe('login', () => {
  test('success returns token, csrf_token, user and sets the two cookies', async () => {
    const res = await fetch(`${srv.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: srv.admin.username, password: srv.admin.password }),
    });
    const text = await res.text();
    assert.equal(res.status, 200, text);
    const body = JSON.parse(text);
    assert.match(body.token, /^vgs_[A-Za-z0-9_-]{20,}$/);
    assert.equal(typeof body.csrf_token, 'string');
    assert.ok(body.csrf_token.length >= 20);
    assert.notEqual(body.csrf_token, body.token);
    assert.ok(Date.parse(body.expires_at) > Date.now() + 3600_000, `expires_at ${body.expires_at}`);
    assert.equal(body.user.username, srv.admin.username);
    assert.equal(body.user.role, 'admin');
    assertNoSecrets(text, 'login answer');

    const cookies = Object.fromEntries(setCookies(res.headers).map(parseSetCookie).map((c) => [c.name, c]));
    const session = cookies.vigil_session;
    assert.ok(session, `no vigil_session cookie in ${JSON.stringify(setCookies(res.headers))}`);
    assert.equal(session.value, body.token);
    assert.equal(session.attrs.httponly, true, 'vigil_session must be HttpOnly');
    assert.equal(String(session.attrs.samesite).toLowerCase(), 'strict');
    assert.equal(session.attrs.path, '/');
    assert.equal(session.attrs.secure, undefined, 'no Secure flag over plain HTTP on loopback');
    const csrf = cookies.vigil_csrf;
    assert.ok(csrf, 'no vigil_csrf cookie');
    assert.equal(csrf.value, body.csrf_token);
    assert.equal(csrf.attrs.httponly, undefined, 'the console must be able to read vigil_csrf');
    assert.equal(String(csrf.attrs.samesite).toLowerCase(), 'strict');
  });

  test('wrong password and unknown user: 401 with the same message, both audited', async () => {
    const wrong = await tryLogin(srv.url, srv.admin.username, 'Not-the-password-1');
    const unknown = await tryLogin(srv.url, 'no-such-user-xyz', 'Not-the-password-1');
    expectError(wrong, 401, { code: 'unauthenticated', message: WRONG });
    expectError(unknown, 401, { code: 'unauthenticated', message: WRONG });
    assert.equal(wrong.json.error.field, unknown.json.error.field);
    assert.equal(setCookies(wrong.headers).length, 0, 'a failed login sets no cookie');
    assert.equal(wrong.json.token, undefined);
    const audit = await api(srv.url, admin.token, 'GET', '/audit?action=login_failed&limit=10');
    assert.equal(audit.status, 200, audit.text);
    const names = audit.json.items.map((e) => e.after?.username);
    assert.ok(names.includes(srv.admin.username) && names.includes('no-such-user-xyz'), JSON.stringify(audit.json.items));
    // A success resets the per-address counter for the tests that follow.
    await login(srv.url, srv.admin.username, srv.admin.password);
  });

  test('five wrong passwords lock the account: 429 with Retry-After even with the right password', async () => {
    const u = await makeUser(srv.url, admin.token, { role: 'viewer', org_id: orgs['SX-YT'] });
    await login(srv.url, srv.admin.username, srv.admin.password); // reset the per-address counter
    for (let i = 1; i <= 5; i++) {
      const r = await tryLogin(srv.url, u.username, `Wrong-password-${i}`);
      expectError(r, 401, { code: 'unauthenticated', message: WRONG }, `attempt ${i}`);
    }
    const locked = await tryLogin(srv.url, u.username, u.password);
    expectError(locked, 429, { code: 'resource_exhausted' });
    const retry = Number(locked.headers['retry-after']);
    assert.ok(Number.isInteger(retry) && retry > 0 && retry <= 15 * 60, `Retry-After: ${locked.headers['retry-after']}`);
    assert.equal(locked.json.token, undefined);
    const again = await tryLogin(srv.url, u.username, u.password);
    assert.equal(again.status, 429);
    const rec = await api(srv.url, admin.token, 'GET', `/users/${u.id}`);
    assert.equal(rec.status, 200);
    assert.ok(Date.parse(rec.json.locked_until) > Date.now(), `locked_until ${rec.json.locked_until}`);
    // Other accounts are not locked.
    await login(srv.url, srv.admin.username, srv.admin.password);
    // An administrator's password reset unlocks the account.
    const pw = randomPassword();
    const reset = await api(srv.url, admin.token, 'PATCH', `/users/${u.id}`, { password: pw });
    assert.equal(reset.status, 200, reset.text);
    assert.equal(reset.json.locked_until, null);
    await login(srv.url, u.username, pw);
  });
});

describe('per-address rate limit', () => {
  let s2;
  before(async () => {
    s2 = await startServer();
  });
  after(async () => {
    await s2?.stop();
  });

  test('10 failed logins from one address → 429 for every login from it, other addresses unaffected', async (t) => {
    for (let i = 1; i <= 10; i++) {
      // Different (unknown) users: this is the address limit, not the account lockout.
      const r = await tryLogin(s2.url, `nobody-${i}`, 'Wrong-password-1');
      expectError(r, 401, { code: 'unauthenticated' }, `attempt ${i}`);
    }
    const limited = await tryLogin(s2.url, s2.admin.username, s2.admin.password);
    expectError(limited, 429, { code: 'resource_exhausted' });
    const retry = Number(limited.headers['retry-after']);
    assert.ok(Number.isInteger(retry) && retry > 0 && retry <= 5 * 60, `Retry-After: ${limited.headers['retry-after']}`);
    assert.equal(limited.json.token, undefined);
    // Another client address (127.0.0.2 is loopback too on Linux) may still log in.
    let other = null;
    try {
      other = await tryLogin(s2.url, s2.admin.username, s2.admin.password, { localAddress: '127.0.0.2' });
    } catch (e) {
      if (e.code !== 'EADDRNOTAVAIL') throw e;
      t.diagnostic('127.0.0.2 is not available here; the other-address check is skipped');
    }
    if (other) assert.equal(other.status, 200, other.text);
    // ...and the first address is still limited.
    const still = await tryLogin(s2.url, s2.admin.username, s2.admin.password);
    assert.equal(still.status, 429);
  });
});

describe('sessions', () => {
  test('Bearer session token authenticates; no credentials → 401 with WWW-Authenticate', async () => {
    const me = await api(srv.url, admin.token, 'GET', '/auth/me');
    assert.equal(me.status, 200, me.text);
    assert.equal(me.json.username, srv.admin.username);
    const anon = await api(srv.url, null, 'GET', '/auth/me');
    expectError(anon, 401, { code: 'unauthenticated' });
    assert.match(anon.headers.get('www-authenticate') ?? '', /^Bearer/);
    const bad = await api(srv.url, `${admin.token}x`, 'GET', '/auth/me');
    expectError(bad, 401, { code: 'unauthenticated' });
    const notBearer = await rawRequest(srv.url, '/auth/me', { headers: { Authorization: `Basic ${Buffer.from('admin:x').toString('base64')}` } });
    expectError(notBearer, 401, { code: 'unauthenticated' });
  });

  test('the session cookie authenticates GET requests', async () => {
    const s = await login(srv.url, srv.admin.username, srv.admin.password);
    const r = await rawRequest(srv.url, '/auth/me', { headers: { Cookie: cookieHeader(s) } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.username, srv.admin.username);
    assert.equal(r.json.csrf_token, s.csrfToken);
    const list = await rawRequest(srv.url, '/orgs?limit=1', { headers: { Cookie: cookieHeader(s) } });
    assert.equal(list.status, 200, list.text);
  });

  test('cookie-authenticated POST needs X-CSRF-Token equal to csrf_token', async () => {
    const s = await login(srv.url, srv.admin.username, srv.admin.password);
    const before_ = await total(srv.url, admin.token, '/orgs');
    const body = JSON.stringify({ name: 'Phòng thử CSRF', kind: 'unit', parent_id: orgs.SX });
    const post = (headers) => rawRequest(srv.url, '/orgs', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: cookieHeader(s), ...headers },
      body,
    });
    expectError(await post({}), 403, { code: 'permission_denied' }, 'no header');
    expectError(await post({ 'X-CSRF-Token': 'forged' }), 403, { code: 'permission_denied' }, 'wrong header');
    expectError(await post({ 'X-CSRF-Token': admin.csrfToken }), 403, { code: 'permission_denied' },
      "another session's token");
    assert.equal(await total(srv.url, admin.token, '/orgs'), before_, 'a refused POST wrote something');
    const ok = await post({ 'X-CSRF-Token': s.csrfToken });
    assert.equal(ok.status, 201, ok.text);
    assert.equal(ok.json.name, 'Phòng thử CSRF');
    assert.equal(await total(srv.url, admin.token, '/orgs'), before_ + 1);
    // DELETE through the cookie needs it too.
    const del = await rawRequest(srv.url, `/orgs/${ok.json.id}`, { method: 'DELETE', headers: { Cookie: cookieHeader(s) } });
    expectError(del, 403, { code: 'permission_denied' });
    const del2 = await rawRequest(srv.url, `/orgs/${ok.json.id}`, {
      method: 'DELETE', headers: { Cookie: cookieHeader(s), 'X-CSRF-Token': s.csrfToken },
    });
    assert.equal(del2.status, 204, del2.text);
    // Logging out through the cookie needs it as well (no forced logout from another site).
    const out = await rawRequest(srv.url, '/auth/logout', { method: 'POST', headers: { Cookie: cookieHeader(s) } });
    expectError(out, 403, { code: 'permission_denied' });
    const still = await rawRequest(srv.url, '/auth/me', { headers: { Cookie: cookieHeader(s) } });
    assert.equal(still.status, 200, 'the refused logout ended the session');
    const out2 = await rawRequest(srv.url, '/auth/logout', { method: 'POST', headers: { Cookie: cookieHeader(s), 'X-CSRF-Token': s.csrfToken } });
    assert.equal(out2.status, 204, out2.text);
    expectError(await rawRequest(srv.url, '/auth/me', { headers: { Cookie: cookieHeader(s) } }), 401, { code: 'unauthenticated' });
  });

  test('logout ends that session only and clears the cookies', async () => {
    const s1 = await login(srv.url, srv.admin.username, srv.admin.password);
    const s2 = await login(srv.url, srv.admin.username, srv.admin.password);
    const out = await api(srv.url, s1.token, 'POST', '/auth/logout');
    assert.equal(out.status, 204, out.text);
    const cleared = Object.fromEntries(setCookies(out.headers).map(parseSetCookie).map((c) => [c.name, c]));
    assert.equal(cleared.vigil_session?.value, '');
    assert.equal(cleared.vigil_session?.attrs['max-age'], '0');
    expectError(await api(srv.url, s1.token, 'GET', '/auth/me'), 401, { code: 'unauthenticated' });
    const viaCookie = await rawRequest(srv.url, '/auth/me', { headers: { Cookie: cookieHeader(s1) } });
    expectError(viaCookie, 401, { code: 'unauthenticated' });
    assert.equal((await api(srv.url, s2.token, 'GET', '/auth/me')).status, 200);
  });

  test('GET /auth/me describes the current user without secrets', async () => {
    const u = await makeUser(srv.url, admin.token, { role: 'analyst', org_id: orgs['SX-KHCN'], display_name: 'Lê Thị Mai' });
    const me = await api(srv.url, u.token, 'GET', '/auth/me');
    assert.equal(me.status, 200, me.text);
    assert.equal(me.json.id, u.id);
    assert.equal(me.json.username, u.username);
    assert.equal(me.json.display_name, 'Lê Thị Mai');
    assert.equal(me.json.role, 'analyst');
    assert.equal(me.json.org_id, orgs['SX-KHCN']);
    assert.notEqual(me.json.disabled, true);
    assert.equal(me.json.csrf_token, u.csrfToken);
    assert.ok(me.json.last_login_at, 'last_login_at is set by the login');
    assertNoSecrets(me.text, '/auth/me');
  });
});

describe('API tokens', () => {
  test('create (shown once, vgt_), use, list without secret, revoke → 401', async () => {
    const u = await makeUser(srv.url, admin.token, { role: 'analyst', org_id: orgs['SX-YT'] });
    const created = await api(srv.url, u.token, 'POST', '/tokens', { name: 'backup script', expires_in_days: 30 });
    assert.equal(created.status, 201, created.text);
    const tok = created.json.token;
    assert.match(tok, /^vgt_[A-Za-z0-9_-]{20,}$/);
    assert.equal(created.json.name, 'backup script');
    assert.equal(typeof created.json.id, 'number');
    const exp = Date.parse(created.json.expires_at);
    assert.ok(Math.abs(exp - (Date.now() + 30 * 86400_000)) < 2 * 86400_000, `expires_at ${created.json.expires_at}`);
    assert.doesNotMatch(created.text, /token_hash/);

    const me = await api(srv.url, tok, 'GET', '/auth/me');
    assert.equal(me.status, 200, me.text);
    assert.equal(me.json.username, u.username);
    const list = await api(srv.url, tok, 'GET', '/systems');
    assert.equal(list.status, 200, list.text);
    // An API token is for the Authorization header, never a cookie.
    const asCookie = await rawRequest(srv.url, '/auth/me', { headers: { Cookie: `vigil_session=${tok}` } });
    expectError(asCookie, 401, { code: 'unauthenticated' });

    const mine = await api(srv.url, u.token, 'GET', '/tokens');
    assert.equal(mine.status, 200, mine.text);
    const item = mine.json.items.find((t) => t.id === created.json.id);
    assert.ok(item, JSON.stringify(mine.json));
    assert.equal(item.name, 'backup script');
    assert.equal(item.token, undefined, 'the secret is shown only once');
    assert.ok(!mine.text.includes(tok), 'the list contains the secret');
    assert.doesNotMatch(mine.text, /token_hash/);
    // Other users neither see nor revoke it.
    const others = await api(srv.url, admin.token, 'GET', '/tokens');
    assert.ok(!others.json.items.some((t) => t.id === created.json.id));
    expectError(await api(srv.url, admin.token, 'DELETE', `/tokens/${created.json.id}`), 404, { code: 'not_found' });
    assert.equal((await api(srv.url, tok, 'GET', '/auth/me')).status, 200);

    const del = await api(srv.url, u.token, 'DELETE', `/tokens/${created.json.id}`);
    assert.equal(del.status, 204, del.text);
    expectError(await api(srv.url, tok, 'GET', '/auth/me'), 401, { code: 'unauthenticated' });
    const after_ = await api(srv.url, u.token, 'GET', '/tokens');
    assert.ok(!after_.json.items.some((t) => t.id === created.json.id));
    expectError(await api(srv.url, u.token, 'DELETE', `/tokens/${created.json.id}`), 404, { code: 'not_found' });
  });

  test('token creation validates its body', async () => {
    expectError(await api(srv.url, admin.token, 'POST', '/tokens', { expires_in_days: 5 }), 400,
      { code: 'invalid_argument', field: 'name' });
    expectError(await api(srv.url, admin.token, 'POST', '/tokens', { name: 'x', expires_in_days: 0 }), 400,
      { code: 'invalid_argument', field: 'expires_in_days' });
    expectError(await api(srv.url, admin.token, 'POST', '/tokens', { name: 'x', token_hash: 'abc' }), 400,
      { code: 'invalid_argument', field: 'token_hash' });
  });
});

describe('account changes', () => {
  test('a disabled user cannot log in and its sessions and tokens stop working', async () => {
    const u = await makeUser(srv.url, admin.token, { role: 'unit_officer', org_id: orgs['SX-TC'] });
    const t = await api(srv.url, u.token, 'POST', '/tokens', { name: 'cron' });
    assert.equal(t.status, 201, t.text);
    const off = await api(srv.url, admin.token, 'PATCH', `/users/${u.id}`, { disabled: true });
    assert.equal(off.status, 200, off.text);
    assert.equal(off.json.disabled, true);
    expectError(await api(srv.url, u.token, 'GET', '/auth/me'), 401, { code: 'unauthenticated' });
    expectError(await api(srv.url, t.json.token, 'GET', '/auth/me'), 401, { code: 'unauthenticated' });
    const again = await tryLogin(srv.url, u.username, u.password);
    expectError(again, 401, { code: 'unauthenticated', message: WRONG });
    await login(srv.url, srv.admin.username, srv.admin.password); // reset the per-address counter
    // Enabling it again lets it log in (old sessions stay ended).
    const on = await api(srv.url, admin.token, 'PATCH', `/users/${u.id}`, { disabled: false });
    assert.equal(on.status, 200, on.text);
    const s = await login(srv.url, u.username, u.password);
    assert.equal((await api(srv.url, s.token, 'GET', '/auth/me')).status, 200);
    expectError(await api(srv.url, u.token, 'GET', '/auth/me'), 401, { code: 'unauthenticated' });
  });

  test("an administrator's password change ends the user's sessions", async () => {
    const u = await makeUser(srv.url, admin.token, { role: 'viewer', org_id: orgs['SX-YT'] });
    const second = await login(srv.url, u.username, u.password);
    const pw = randomPassword();
    const r = await api(srv.url, admin.token, 'PATCH', `/users/${u.id}`, { password: pw });
    assert.equal(r.status, 200, r.text);
    assertNoSecrets(r.text, 'PATCH /users');
    expectError(await api(srv.url, u.token, 'GET', '/auth/me'), 401, { code: 'unauthenticated' });
    expectError(await api(srv.url, second.token, 'GET', '/auth/me'), 401, { code: 'unauthenticated' });
    expectError(await tryLogin(srv.url, u.username, u.password), 401, { message: WRONG });
    await login(srv.url, u.username, pw);
    // The administrator's own session is untouched.
    assert.equal((await api(srv.url, admin.token, 'GET', '/auth/me')).status, 200);
  });

  test('password policy errors are 400 naming the field password, and write nothing', async () => {
    const before_ = await total(srv.url, admin.token, '/users');
    const base = { role: 'viewer', org_id: orgs['SX-YT'] };
    const cases = [
      ['too short', { ...base, username: 'pw-short', password: 'Ab1!xyz' }],
      ['one character class', { ...base, username: 'pw-lower', password: 'abcdefghijklmnop' }],
      ['two character classes', { ...base, username: 'pw-two', password: 'abcdefghij12345' }],
      ['missing', { ...base, username: 'pw-missing' }],
      ['not a string', { ...base, username: 'pw-number', password: 12345678901 }],
      ['empty', { ...base, username: 'pw-empty', password: '' }],
    ];
    for (const [what, body] of cases) {
      const r = await api(srv.url, admin.token, 'POST', '/users', body);
      expectError(r, 400, { code: 'invalid_argument', field: 'password' }, what);
    }
    assert.equal(await total(srv.url, admin.token, '/users'), before_);
    const u = await makeUser(srv.url, admin.token, { role: 'viewer', org_id: orgs['SX-YT'] });
    const weak = await api(srv.url, admin.token, 'PATCH', `/users/${u.id}`, { password: 'short' });
    expectError(weak, 400, { code: 'invalid_argument', field: 'password' });
    // The refused change neither changed the password nor ended the session.
    assert.equal((await api(srv.url, u.token, 'GET', '/auth/me')).status, 200);
    await login(srv.url, u.username, u.password);
  });

  test('a password is stored exactly as given (surrounding spaces are part of it)', async () => {
    const pw = `  ${randomPassword()}  `;
    const u = await api(srv.url, admin.token, 'POST', '/users', { username: 'spaced-pw', role: 'viewer', org_id: orgs['SX-YT'], password: pw });
    assert.equal(u.status, 201, u.text);
    const r = await tryLogin(srv.url, 'spaced-pw', pw);
    await login(srv.url, srv.admin.username, srv.admin.password); // reset the per-address counter
    assert.equal(r.status, 200, `login with the exact password given at creation: ${r.text}`);
  });
});

test('`vigil admin init` refuses a second administrator', async () => {
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'vigil-init-'));
  try {
    const pwFile = path.join(tmp, 'pw');
    await fs.writeFile(pwFile, randomPassword(), { mode: 0o600 });
    const before_ = await total(srv.url, admin.token, '/users');
    const r = await runVigil(['admin', 'init', '--data', srv.dataDir, '--user', 'second-admin', '--password-file', pwFile]);
    assert.notEqual(r.code, 0, `exit code ${r.code}\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stderr + r.stdout, /already exists/);
    assert.equal(await total(srv.url, admin.token, '/users'), before_);
    expectError(await tryLogin(srv.url, 'second-admin', await fs.readFile(pwFile, 'utf8')), 401, { message: WRONG });
    await login(srv.url, srv.admin.username, srv.admin.password);
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
});

describe('security headers', () => {
  function assertCommon(headers, what) {
    const h = (n) => (typeof headers.get === 'function' ? headers.get(n) : headers[n]);
    const csp = h('content-security-policy');
    assert.ok(csp, `${what}: no Content-Security-Policy`);
    assert.match(csp, /default-src 'self'/, what);
    assert.match(csp, /frame-ancestors 'none'/, what);
    assert.match(csp, /object-src 'none'/, what);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, what);
    assert.equal(h('x-content-type-options'), 'nosniff', what);
    assert.equal(h('x-frame-options'), 'DENY', what);
    assert.equal(h('referrer-policy'), 'no-referrer', what);
    assert.equal(h('strict-transport-security') ?? undefined, undefined, `${what}: HSTS over plain HTTP`);
    return h;
  }

  test('API responses (success and error) carry CSP, nosniff, DENY and Cache-Control: no-store', async () => {
    const cases = [
      ['GET /auth/me', await api(srv.url, admin.token, 'GET', '/auth/me'), 200],
      ['GET /orgs anonymous', await api(srv.url, null, 'GET', '/orgs'), 401],
      ['GET unknown endpoint', await api(srv.url, admin.token, 'GET', '/no-such-thing'), 404],
      ['GET /openapi.json', await api(srv.url, null, 'GET', '/openapi.json'), 200],
      ['GET /healthz', await api(srv.url, null, 'GET', '/healthz'), 200],
    ];
    for (const [what, r, status] of cases) {
      assert.equal(r.status, status, `${what}: ${r.text.slice(0, 200)}`);
      const h = assertCommon(r.headers, what);
      assert.match(h('cache-control') ?? '', /no-store/, `${what}: Cache-Control`);
      assert.match(h('content-type') ?? '', /^application\/json/, `${what}: Content-Type`);
    }
  });

  // With a built console (web/dist, or $VIGIL_WEB_ROOT under CTest) "/" is index.html; without
  // one "/" is a plain-text notice and /index.html does not exist.
  const webRoot = process.env.VIGIL_WEB_ROOT || path.join(REPO_ROOT, 'web', 'dist');
  const hasConsole = fsSync.existsSync(path.join(webRoot, 'index.html'));
  const STATIC = [['/', 200], ['/index.html', hasConsole ? 200 : 404], ['/no-such-file.js', 404]];

  test('static responses carry CSP, nosniff and DENY', async () => {
    for (const [p, status] of STATIC) {
      const r = await rawRequest(srv.url, p, { prefix: false });
      assert.equal(r.status, status, p);
      // Tolerate a repeated nosniff here (browsers use the first value); see the next test.
      const headers = { ...r.headers, 'x-content-type-options': r.headers['x-content-type-options']?.split(/\s*,\s*/)[0] };
      assertCommon(headers, `GET ${p}`);
      assert.doesNotMatch(r.headers['cache-control'] ?? '', /no-store/, `${p}: the console's files may be cached`);
    }
  });

  test('static responses send each security header once', async () => {
    for (const [p] of STATIC) {
      const r = await rawRequest(srv.url, p, { prefix: false });
      for (const name of ['x-content-type-options', 'x-frame-options', 'content-security-policy', 'referrer-policy']) {
        assert.doesNotMatch(String(r.headers[name]), /,/, `GET ${p}: ${name}: ${r.headers[name]}`);
      }
      assert.equal(r.headers['x-content-type-options'], 'nosniff', `GET ${p}`);
    }
  });
});

test('form-encoded and text/plain logins are refused with 400 and set no cookie', async () => {
  const form = new URLSearchParams({ username: srv.admin.username, password: srv.admin.password }).toString();
  const r = await rawRequest(srv.url, '/auth/login', {
    method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: form,
  });
  expectError(r, 400, { code: 'invalid_argument' });
  assert.equal(setCookies(r.headers).length, 0);
  const plain = await rawRequest(srv.url, '/auth/login', {
    method: 'POST',
    headers: { 'Content-Type': 'text/plain' },
    body: JSON.stringify({ username: srv.admin.username, password: srv.admin.password }),
  });
  expectError(plain, 400, { code: 'invalid_argument' });
  assert.equal(setCookies(plain.headers).length, 0);
  const extra = await api(srv.url, null, 'POST', '/auth/login', { username: srv.admin.username, password: srv.admin.password, remember: true });
  expectError(extra, 400, { code: 'invalid_argument', field: 'remember' });
  const missing = await api(srv.url, null, 'POST', '/auth/login', { username: srv.admin.username });
  expectError(missing, 400, { code: 'invalid_argument', field: 'password' });
});

describe('session housekeeping', () => {
  test('a login removes its user\'s expired sessions and keeps live ones', async () => {
    const { execFileSync } = await import('node:child_process');
    const db = path.join(srv.dataDir, 'vigil.db');
    const sql = (q) => execFileSync('sqlite3', [db, q], { encoding: 'utf8' }).trim();
    const user = await makeUser(srv.url, admin.token, { role: 'viewer', org_id: orgs['SX-YT'] });
    await login(srv.url, user.username, user.password);
    const uid = sql(`SELECT id FROM users WHERE username = '${user.username}'`);
    const live = () => Number(sql(`SELECT COUNT(*) FROM sessions WHERE user_id = ${uid}`));
    const before_ = live();
    assert.ok(before_ >= 2);
    // The user's first session (from makeUser) lapses.
    sql(`UPDATE sessions SET expires_at = '2000-01-01T00:00:00Z' WHERE id = (SELECT MIN(id) FROM sessions WHERE user_id = ${uid})`);
    assert.equal((await api(srv.url, user.token, 'GET', '/auth/me')).status, 401, 'the expired session is refused');
    await login(srv.url, user.username, user.password);
    assert.equal(live(), before_, 'one expired session removed, one new added');
    assert.equal(sql(`SELECT COUNT(*) FROM sessions WHERE user_id = ${uid} AND expires_at < '2001'`), '0');
  });
});
