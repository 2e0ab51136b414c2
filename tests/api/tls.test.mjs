// TLS: the generated self-signed certificate, Secure cookies and HSTS; plain HTTP only on loopback.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { freePort, login, startServer } from '../lib/server.mjs';
import { parseSetCookie, rawRequest, runVigil, setCookies } from '../lib/api_helpers.mjs';

let srv;
let ca;

before(async () => {
  srv = await startServer({ tls: true, demo: true });
  ca = await fs.readFile(path.join(srv.dataDir, 'tls', 'server.crt'));
});

after(async () => {
  await srv?.stop();
});

/** An HTTPS request that verifies the server against the generated certificate. */
function verified(p, opts = {}) {
  return rawRequest(srv.url, p, { ca, rejectUnauthorized: true, ...opts, headers: { Accept: 'application/json', ...(opts.headers ?? {}) } });
}

describe('TLS with the generated certificate', () => {
  test('the server URL is https and verifies against <data>/tls/server.crt', async () => {
    assert.match(srv.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const r = await verified('/healthz');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status, 'ok');
    const doc = await verified('/openapi.json');
    assert.equal(doc.status, 200);
  });

  test('verification is real: without the certificate as CA the connection is refused', async () => {
    await assert.rejects(
      rawRequest(srv.url, '/healthz', { rejectUnauthorized: true, ca: [] }),
      (e) => /self[- ]signed|unable to verify|certificate/i.test(`${e.code} ${e.message}`),
    );
  });

  test('the certificate names the loopback address and its key is private', async () => {
    const cert = new X509Certificate(ca);
    assert.match(cert.subjectAltName ?? '', /IP Address:127\.0\.0\.1/);
    assert.match(cert.subjectAltName ?? '', /DNS:localhost/);
    assert.ok(new Date(cert.validTo) > new Date(Date.now() + 30 * 86400_000), `valid until ${cert.validTo}`);
    const key = await fs.stat(path.join(srv.dataDir, 'tls', 'server.key'));
    assert.equal(key.mode & 0o077, 0, `server.key mode ${(key.mode & 0o777).toString(8)}`);
  });

  test('login over TLS sets Secure cookies and answers carry Strict-Transport-Security', async () => {
    const r = await verified('/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: srv.admin.username, password: srv.admin.password }),
    });
    assert.equal(r.status, 200, r.text);
    const cookies = Object.fromEntries(setCookies(r.headers).map(parseSetCookie).map((c) => [c.name, c]));
    for (const name of ['vigil_session', 'vigil_csrf']) {
      assert.ok(cookies[name], `${name} missing`);
      assert.equal(cookies[name].attrs.secure, true, `${name} must be Secure over TLS`);
      assert.equal(String(cookies[name].attrs.samesite).toLowerCase(), 'strict');
    }
    assert.equal(cookies.vigil_session.attrs.httponly, true);
    assert.equal(cookies.vigil_session.value, r.json.token);
    for (const p of ['/auth/login', '/healthz', '/auth/me']) {
      const h = p === '/auth/login' ? r : await verified(p, { headers: { Authorization: `Bearer ${r.json.token}` } });
      assert.match(h.headers['strict-transport-security'] ?? '', /^max-age=\d{7,}/, `${p}: HSTS`);
    }
    const page = await verified('/', { prefix: false });
    assert.equal(page.status, 200);
    assert.match(page.headers['strict-transport-security'] ?? '', /^max-age=\d{7,}/, 'HSTS on console pages');
    // The harness's own helpers work over TLS too.
    const s = await login(srv.url, srv.admin.username, srv.admin.password);
    assert.match(s.token, /^vgs_/);
    const me = await verified('/auth/me', { headers: { Cookie: `vigil_session=${s.token}` } });
    assert.equal(me.status, 200, me.text);
  });

  test('plain HTTP on the TLS port gets no answer', async () => {
    const port = Number(new URL(srv.url).port);
    const reply = await new Promise((resolve) => {
      const sock = net.connect(port, '127.0.0.1', () => {
        sock.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
      });
      let data = '';
      sock.setTimeout(5000, () => sock.destroy());
      sock.on('data', (c) => {
        data += c.toString('latin1');
      });
      sock.on('error', () => resolve(data));
      sock.on('close', () => resolve(data));
    });
    assert.doesNotMatch(reply, /^HTTP\/1\.[01] 200/, 'served plain HTTP on the TLS port');
    assert.doesNotMatch(reply, /"status":"ok"/);
  });
});

describe('plain HTTP only on loopback', () => {
  let tmp;
  before(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'vigil-tls-'));
  });
  after(async () => {
    await fs.rm(tmp, { recursive: true, force: true });
  });

  for (const host of ['0.0.0.0', '[::]']) {
    test(`\`vigil serve --listen ${host}:PORT --tls off\` refuses to start`, async () => {
      const port = await freePort();
      const r = await runVigil(['serve', '--data', path.join(tmp, 'data'), '--listen', `${host}:${port}`, '--tls', 'off'], { timeout: 10_000 });
      assert.equal(r.killed, false, `the server started and kept running:\n${r.stdout}\n${r.stderr}`);
      assert.notEqual(r.code, 0, `exit code ${r.code}\n${r.stdout}\n${r.stderr}`);
      assert.match(`${r.stderr}${r.stdout}`, /loopback/i);
      // Nothing listens on that port.
      const open = await new Promise((resolve) => {
        const s = net.connect(port, '127.0.0.1');
        s.on('connect', () => {
          s.destroy();
          resolve(true);
        });
        s.on('error', () => resolve(false));
      });
      assert.equal(open, false);
    });
  }

  test('the same refusal through VIGIL_LISTEN and VIGIL_TLS', async () => {
    const port = await freePort();
    const r = await runVigil(['serve', '--data', path.join(tmp, 'data')], {
      timeout: 10_000, env: { VIGIL_LISTEN: `0.0.0.0:${port}`, VIGIL_TLS: 'off' },
    });
    assert.equal(r.killed, false, `the server started:\n${r.stdout}\n${r.stderr}`);
    assert.notEqual(r.code, 0);
    assert.match(`${r.stderr}${r.stdout}`, /loopback/i);
  });
});
