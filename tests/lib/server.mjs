// Shared test harness: starts a throwaway `vigil serve` on a free loopback port and talks to it.
// ES module, Node built-ins only (Node >= 18).
//
//   import { startServer, login, api } from '../../tests/lib/server.mjs';
//   const srv = await startServer({ webRoot: 'web/dist', demo: true });
//   const { token } = await login(srv.url, srv.admin.username, srv.admin.password);
//   const { status, json } = await api(srv.url, token, 'POST', '/orgs', { name: 'X', code: 'X', kind: 'unit' });
//   await srv.stop();
//
// The binary is taken from `binary`, else $VIGIL_BIN, else <repo>/build/src/cli/vigil.

import { spawn, execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DEFAULT_BINARY = path.join(REPO_ROOT, 'build', 'src', 'cli', 'vigil');

const READY_TIMEOUT_MS = 20_000;
const CMD_TIMEOUT_MS = 60_000;
const MAX_LOG = 256 * 1024;

/** The vigil binary the harness would use (for "is it built?" checks in tests). */
export function resolveBinary(binary = process.env.VIGIL_BIN) {
  return binary || DEFAULT_BINARY;
}

/** A password that satisfies the official policy (upper, lower, digit, special, >= 8). */
export function randomPassword() {
  return `Vg-${randomBytes(12).toString('base64url')}#7a`;
}

function run(binary, args, { timeout = CMD_TIMEOUT_MS } = {}) {
  return new Promise((resolve, reject) => {
    execFile(binary, args, { timeout, maxBuffer: 8 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        const how = err.killed ? `killed after ${timeout} ms` : `exit code ${err.code ?? '?'}${err.signal ? `, signal ${err.signal}` : ''}`;
        reject(new Error(`\`${path.basename(binary)} ${args.join(' ')}\` failed (${how})\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`));
      } else {
        resolve({ stdout, stderr });
      }
    });
  });
}

export function freePort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, host, () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** One GET with a short timeout; resolves to the status code or null on any error. */
function probe(url) {
  return new Promise((resolve) => {
    const mod = url.startsWith('https:') ? https : http;
    const req = mod.get(url, { timeout: 1000, rejectUnauthorized: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? null);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(null));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts `vigil serve` on a fresh data directory.
 * Returns { url, dataDir, tmp, admin: { username, password }, stop({ keepData }), logs(), pid }.
 */
export async function startServer({ binary = process.env.VIGIL_BIN, webRoot, demo = false, tls = false, extraArgs = [], env = {}, reuse, port: fixedPort } = {}) {
  const bin = resolveBinary(binary);
  try {
    await fsp.access(bin, fs.constants.X_OK);
  } catch {
    throw new Error(`vigil binary not found or not executable: ${bin} (build it first, or set VIGIL_BIN)`);
  }
  if (webRoot !== undefined) {
    const index = path.join(webRoot, 'index.html');
    if (!fs.existsSync(index)) throw new Error(`web root has no index.html: ${index} (run \`npm run build\` in web/)`);
  }

  // `reuse`: a server stopped with stop({ keepData: true }), restarted on the same data.
  const tmp = reuse ? reuse.tmp : await fsp.mkdtemp(path.join(os.tmpdir(), 'vigil-test-'));
  const dataDir = path.join(tmp, 'data');
  const passwordFile = path.join(tmp, 'admin-password');
  const admin = reuse ? reuse.admin : { username: 'admin', password: randomPassword() };
  let child = null;
  let output = '';
  const append = (prefix, chunk) => {
    output += chunk
      .toString('utf8')
      .split('\n')
      .map((l, i, a) => (i === a.length - 1 && l === '' ? '' : `${prefix}${l}`))
      .join('\n');
    if (output.length > MAX_LOG) output = output.slice(-MAX_LOG);
  };
  const logs = () => output;

  const cleanup = async () => {
    await fsp.rm(tmp, { recursive: true, force: true }).catch(() => {});
  };

  if (!reuse) try {
    await fsp.mkdir(dataDir, { mode: 0o700 });
    await fsp.writeFile(passwordFile, admin.password, { mode: 0o600 });
    const init = await run(bin, ['admin', 'init', '--data', dataDir, '--user', admin.username, '--password-file', passwordFile]);
    append('[init] ', init.stdout + init.stderr);
    if (demo) {
      const d = await run(bin, ['admin', 'demo', '--data', dataDir]);
      append('[demo] ', d.stdout + d.stderr);
    }
  } catch (e) {
    await cleanup();
    throw e;
  }

  const port = fixedPort ?? (await freePort());
  const host = `127.0.0.1:${port}`;
  const url = `${tls ? 'https' : 'http'}://${host}`;
  const args = ['serve', '--data', dataDir, '--listen', host];
  if (webRoot !== undefined) args.push('--web-root', path.resolve(webRoot));
  if (tls) args.push('--tls', 'on');
  args.push(...extraArgs);
  if (tls) {
    // The test server uses a self-signed certificate; let fetch() in this process accept it.
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  }

  child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  child.stdout.on('data', (c) => append('[out] ', c));
  child.stderr.on('data', (c) => append('[err] ', c));
  let exited = null;
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    });
    child.on('error', (err) => {
      append('[spawn] ', `${err.message}\n`);
      exited = { code: null, signal: null, error: err };
      resolve(exited);
    });
  });
  // Never leave a server behind if the test process dies.
  const killOnExit = () => {
    if (!exited) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  let stopped = false;
  const stop = async ({ keepData = false } = {}) => {
    if (stopped) return;
    stopped = true;
    process.removeListener('exit', killOnExit);
    if (!exited) {
      child.kill('SIGTERM');
      const t = setTimeout(() => {
        if (!exited) child.kill('SIGKILL');
      }, 5000);
      await exitPromise;
      clearTimeout(t);
    }
    if (!keepData) await cleanup();
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (exited) {
      const msg = `vigil serve exited before it was ready (code ${exited.code}, signal ${exited.signal})\ncommand: ${bin} ${args.join(' ')}\n${logs()}`;
      await stop();
      throw new Error(msg);
    }
    const status = await probe(`${url}/healthz`);
    if (status === 200) break;
    if (Date.now() > deadline) {
      const msg = `vigil serve did not answer GET /healthz with 200 within ${READY_TIMEOUT_MS / 1000} s (last status: ${status})\ncommand: ${bin} ${args.join(' ')}\n${logs()}`;
      await stop();
      throw new Error(msg);
    }
    await sleep(100);
  }

  return { url, dataDir, tmp, admin, stop, logs, pid: child.pid };
}

function setCookies(headers) {
  if (typeof headers.getSetCookie === 'function') return headers.getSetCookie();
  const raw = headers.get('set-cookie');
  // Fallback: split a joined header on commas that start a new "name=" pair (Expires has commas).
  return raw ? raw.split(/,(?=\s*[A-Za-z0-9_\-]+=)/) : [];
}

async function readJson(res) {
  const text = await res.text();
  try {
    return { text, json: text ? JSON.parse(text) : null };
  } catch {
    return { text, json: null };
  }
}

/** POST /api/v1/auth/login → { token, csrfToken, cookie, user, expiresAt } (throws on failure). */
export async function login(url, username, password) {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const { text, json } = await readJson(res);
  if (res.status !== 200 || !json || !json.token) {
    throw new Error(`login as ${username} failed: HTTP ${res.status} ${text.slice(0, 500)}`);
  }
  const cookie = setCookies(res.headers)
    .map((c) => c.split(';')[0].trim())
    .filter(Boolean)
    .join('; ');
  return { token: json.token, csrfToken: json.csrf_token, cookie, user: json.user, expiresAt: json.expires_at };
}

/**
 * Calls the API with a Bearer token. `path` may be '/orgs' or '/api/v1/orgs'.
 * `body`: an object is sent as JSON, a string as text/csv (override with opts.contentType).
 * Returns { status, json, text, headers }.
 */
export async function api(url, token, method, path_, body, opts = {}) {
  const p = path_.startsWith('/api/') || path_ === '/healthz' ? path_ : `/api/v1${path_.startsWith('/') ? '' : '/'}${path_}`;
  const headers = { Accept: 'application/json', ...(opts.headers ?? {}) };
  if (token) headers.Authorization = `Bearer ${token}`;
  let payload;
  if (body !== undefined && body !== null) {
    if (typeof body === 'string') {
      payload = body;
      headers['Content-Type'] = opts.contentType ?? 'text/csv; charset=utf-8';
    } else {
      payload = JSON.stringify(body);
      headers['Content-Type'] = opts.contentType ?? 'application/json';
    }
  }
  const res = await fetch(`${url}${p}`, { method, headers, body: payload, redirect: 'manual' });
  const { text, json } = await readJson(res);
  return { status: res.status, json, text, headers: res.headers };
}
