// Helpers for the API integration tests (tests/api/*.test.mjs), on top of tests/lib/server.mjs.
// ES module, Node built-ins only (Node >= 18).
//
//   import { startDemo, rawRequest, expectError, snapshot, makeUser } from '../lib/api_helpers.mjs';

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import http from 'node:http';
import https from 'node:https';

import { api, login, randomPassword, resolveBinary, startServer } from './server.mjs';

/** '/orgs' → '/api/v1/orgs'; paths already under /api/ or /healthz are kept. */
export function apiPath(p) {
  if (p.startsWith('/api/') || p === '/healthz' || !p.startsWith('/')) return p;
  return `/api/v1${p}`;
}

/** The Set-Cookie headers of a fetch() Headers object or a node IncomingMessage headers object. */
export function setCookies(headers) {
  if (typeof headers.getSetCookie === 'function') return headers.getSetCookie();
  if (typeof headers.get === 'function') {
    const raw = headers.get('set-cookie');
    return raw ? raw.split(/,(?=\s*[A-Za-z0-9_\-]+=)/).map((s) => s.trim()) : [];
  }
  const raw = headers['set-cookie'];
  if (!raw) return [];
  return Array.isArray(raw) ? raw : [raw];
}

/** Parses one Set-Cookie header: { name, value, attrs: { lower-case name: value|true } }. */
export function parseSetCookie(header) {
  const [pair, ...rest] = header.split(';');
  const eq = pair.indexOf('=');
  const attrs = {};
  for (const a of rest) {
    const t = a.trim();
    if (!t) continue;
    const i = t.indexOf('=');
    if (i < 0) attrs[t.toLowerCase()] = true;
    else attrs[t.slice(0, i).trim().toLowerCase()] = t.slice(i + 1).trim();
  }
  return { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), attrs };
}

const EARLY_ANSWER_BYTES = 256 * 1024;

/**
 * One HTTP(S) request with full control over the bytes (raw bodies, odd headers, huge bodies, a
 * chosen local address). Resolves with { status, headers, text, json } as soon as the answer has
 * been read, even if the server stopped reading the body early (413); rejects only when no answer
 * came at all.
 *   body: string | Buffer | undefined
 *   options: { method, headers, body, localAddress, ca, rejectUnauthorized, servername, timeout,
 *              prefix (default true: '/orgs' means '/api/v1/orgs'; false sends the path as is) }
 */
export function rawRequest(baseUrl, path_, options = {}) {
  const { method = 'GET', headers = {}, body, localAddress, ca, rejectUnauthorized, servername,
    timeout = 30_000, prefix = true } = options;
  const url = new URL(prefix ? apiPath(path_) : path_, baseUrl);
  const mod = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    let settled = false;
    const done = (fn, v) => {
      if (!settled) {
        settled = true;
        fn(v);
      }
    };
    const reqOpts = {
      method,
      hostname: url.hostname,
      port: url.port,
      path: url.pathname + url.search,
      headers: { ...headers },
      timeout,
      agent: false,
    };
    if (localAddress) reqOpts.localAddress = localAddress;
    if (url.protocol === 'https:') {
      if (ca !== undefined) reqOpts.ca = ca;
      if (rejectUnauthorized !== undefined) reqOpts.rejectUnauthorized = rejectUnauthorized;
      if (servername !== undefined) reqOpts.servername = servername;
    }
    const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
    if (payload && reqOpts.headers['Content-Length'] === undefined && reqOpts.headers['content-length'] === undefined) {
      reqOpts.headers['Content-Length'] = String(payload.length);
    }
    const req = mod.request(reqOpts, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', (e) => done(reject, e));
      res.on('end', () => {
        const buf = Buffer.concat(chunks);
        const text = buf.toString('utf8');
        let json = null;
        try {
          json = text ? JSON.parse(text) : null;
        } catch {
          json = null;
        }
        done(resolve, { status: res.statusCode, headers: res.headers, text, json, buffer: buf });
        if (!req.writableEnded) req.destroy(); // answered before the whole body was sent
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path_}: timed out after ${timeout} ms`)));
    // After an early answer (413) the server may reset the connection while we still write: the
    // response handler above has usually resolved by then; only a request without answer fails.
    req.on('error', (e) => setTimeout(() => done(reject, e), 200));
    if (payload && payload.length > EARLY_ANSWER_BYTES) {
      // A large body: send the first part, then give the server a moment to answer early (413)
      // before sending the rest, like curl's "Expect: 100-continue" wait. A server that answers
      // only after the whole body still gets it. Stop sending once an answer has arrived: the
      // server closes the connection, and a reset could otherwise discard its answer unread.
      let answered = false;
      req.once('response', () => {
        answered = true;
      });
      let off = 0;
      const pump = () => {
        while (off < payload.length && !answered) {
          const part = payload.subarray(off, off + (1 << 20));
          off += part.length;
          if (!req.write(part)) {
            req.once('drain', pump);
            return;
          }
        }
        if (!answered) req.end();
      };
      req.write(payload.subarray(0, EARLY_ANSWER_BYTES));
      off = EARLY_ANSWER_BYTES;
      const t = setTimeout(pump, 1000);
      req.once('response', () => clearTimeout(t));
    } else {
      if (payload) req.write(payload);
      req.end();
    }
  });
}

/** Asserts the documented error shape and returns the error object. */
export function expectError(res, status, { code, field, message } = {}, what = '') {
  const ctx = `${what ? `${what}: ` : ''}HTTP ${res.status} ${String(res.text).slice(0, 400)}`;
  assert.equal(res.status, status, ctx);
  assert.ok(res.json && typeof res.json === 'object', `error body is not JSON: ${ctx}`);
  const err = res.json.error;
  assert.ok(err && typeof err === 'object', `no "error" object: ${ctx}`);
  assert.equal(typeof err.code, 'string', `error.code missing: ${ctx}`);
  assert.equal(typeof err.message, 'string', `error.message missing: ${ctx}`);
  assert.ok(err.message.length > 0, `empty error.message: ${ctx}`);
  if (code !== undefined) assert.equal(err.code, code, ctx);
  if (field !== undefined) {
    if (field instanceof RegExp) assert.match(String(err.field), field, ctx);
    else assert.equal(err.field, field, ctx);
  }
  if (message !== undefined) {
    if (message instanceof RegExp) assert.match(err.message, message, ctx);
    else assert.equal(err.message, message, ctx);
  }
  return err;
}

/** Asserts a 4xx (never 5xx) with the documented JSON error shape; returns the error object. */
export function expect4xx(res, what = '') {
  const ctx = `${what ? `${what}: ` : ''}HTTP ${res.status} ${String(res.text).slice(0, 400)}`;
  assert.ok(res.status >= 400 && res.status < 500, `expected a 4xx: ${ctx}`);
  assert.ok(res.json && res.json.error && typeof res.json.error.code === 'string' &&
            typeof res.json.error.message === 'string', `not a JSON error: ${ctx}`);
  return res.json.error;
}

/** Fetches every page of a list endpoint; returns the items. */
export async function listAll(url, token, path_) {
  const items = [];
  const sep = path_.includes('?') ? '&' : '?';
  for (let offset = 0; ; offset += 1000) {
    const r = await api(url, token, 'GET', `${path_}${sep}limit=1000&offset=${offset}`);
    assert.equal(r.status, 200, `GET ${path_}: ${r.text.slice(0, 300)}`);
    items.push(...r.json.items);
    const more = r.json.total !== undefined ? items.length < r.json.total : r.json.has_more;
    if (!more || r.json.items.length === 0) break;
  }
  return items;
}

/** GET a list with limit=1 and return its total (asserting 200). */
export async function total(url, token, path_) {
  const sep = path_.includes('?') ? '&' : '?';
  const r = await api(url, token, 'GET', `${path_}${sep}limit=1`);
  assert.equal(r.status, 200, `GET ${path_}: ${r.text.slice(0, 300)}`);
  assert.equal(typeof r.json.total, 'number', `GET ${path_} has no total`);
  return r.json.total;
}

/** { code: id } of every organisation the token can see. */
export async function orgIdsByCode(url, token) {
  const orgs = await listAll(url, token, '/orgs');
  return Object.fromEntries(orgs.filter((o) => o.code).map((o) => [o.code, o.id]));
}

/**
 * Starts a server with the demo province (plus `options` for startServer), signs in as its first
 * administrator and maps organisation codes to ids. For a test file's `before` hook:
 *
 *   let srv, U, admin, org;
 *   before(async () => {
 *     ({ srv, url: U, admin, org } = await startDemo());
 *   });
 *   after(() => srv?.stop());
 *
 * Returns { srv, url, admin, org }; stops the server again when signing in fails.
 */
export async function startDemo(options = {}) {
  const srv = await startServer({ demo: true, ...options });
  try {
    const admin = await login(srv.url, srv.admin.username, srv.admin.password);
    const org = await orgIdsByCode(srv.url, admin.token);
    return { srv, url: srv.url, admin, org };
  } catch (e) {
    await srv.stop();
    throw e;
  }
}

/**
 * What an admin can see of the stored state: list totals and the audit log's newest id and size.
 * Two equal snapshots mean nothing was written in between.
 */
export async function snapshot(url, adminToken) {
  const out = {};
  for (const c of ['orgs', 'systems', 'assets', 'contacts', 'users']) out[c] = await total(url, adminToken, `/${c}`);
  const audit = await listAll(url, adminToken, '/audit');
  out.audit_count = audit.length;
  out.audit_newest = audit.length ? audit[0].id : 0;
  return out;
}

/** Asserts that `body` (text or JSON) holds no password hash and no password. */
export function assertNoSecrets(body, what = '') {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  assert.doesNotMatch(text, /password_hash/, `${what}: leaks password_hash`);
  assert.doesNotMatch(text, /\$argon2/, `${what}: leaks an Argon2 hash`);
  assert.doesNotMatch(text, /"password"\s*:/, `${what}: returns a password`);
}

let userSeq = 0;
/**
 * Creates a user with the admin token and logs it in.
 * Returns { id, username, password, token, csrfToken, cookie, user }.
 */
export async function makeUser(url, adminToken, { role, org_id = null, username, password, display_name } = {}) {
  const name = username ?? `u${process.pid}x${++userSeq}${role ?? ''}`.slice(0, 60);
  const pw = password ?? randomPassword();
  const body = { username: name, role, password: pw };
  if (org_id !== undefined) body.org_id = org_id;
  if (display_name !== undefined) body.display_name = display_name;
  const r = await api(url, adminToken, 'POST', '/users', body);
  assert.equal(r.status, 201, `create user ${name}: ${r.text.slice(0, 300)}`);
  const s = await login(url, name, pw);
  return { id: r.json.id, username: name, password: pw, ...s };
}

/** Runs the vigil binary; resolves { code, signal, stdout, stderr } (never rejects on exit code). */
export function runVigil(args, { timeout = 20_000, env } = {}) {
  const bin = resolveBinary();
  return new Promise((resolve) => {
    execFile(bin, args, { timeout, maxBuffer: 8 << 20, env: env ? { ...process.env, ...env } : process.env },
      (err, stdout, stderr) => {
        resolve({
          code: err ? (typeof err.code === 'number' ? err.code : null) : 0,
          signal: err?.signal ?? null,
          killed: Boolean(err?.killed),
          stdout: String(stdout),
          stderr: String(stderr),
        });
      });
  });
}

/** POST /auth/login with a raw body; returns the api()-like result (no throw). */
export async function tryLogin(url, username, password, { localAddress } = {}) {
  const r = await rawRequest(url, '/auth/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ username, password }),
    localAddress,
  });
  return r;
}

/** Adds months like the server does (end of month clamped): '2025-08-31' + 6 → '2026-02-28'. */
export function addMonths(date, months) {
  const [y, m, d] = date.split('-').map(Number);
  const idx = y * 12 + (m - 1) + months;
  const ny = Math.floor(idx / 12);
  const nm = (idx % 12) + 1;
  const last = new Date(Date.UTC(ny, nm, 0)).getUTCDate();
  const nd = Math.min(d, last);
  return `${String(ny).padStart(4, '0')}-${String(nm).padStart(2, '0')}-${String(nd).padStart(2, '0')}`;
}

/**
 * A small RFC 4180 reader for checking exports: returns rows of fields. Handles quotes ("" inside),
 * delimiters and line breaks inside quotes, CRLF or LF line ends; a leading BOM must be removed by
 * the caller (so that tests can assert it is there). Throws on malformed input.
 */
export function parseCsv(text, delimiter = ',') {
  const rows = [];
  let row = [];
  let field = '';
  let i = 0;
  let quoted = false;
  let fieldStarted = false;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        if (i < text.length && text[i] !== delimiter && text[i] !== '\r' && text[i] !== '\n') {
          throw new Error(`text after a closing quote at offset ${i}`);
        }
        continue;
      }
      field += c;
      i++;
      continue;
    }
    if (c === '"' && !fieldStarted) {
      quoted = true;
      fieldStarted = true;
      i++;
    } else if (c === delimiter) {
      row.push(field);
      field = '';
      fieldStarted = false;
      i++;
    } else if (c === '\r' || c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      fieldStarted = false;
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
    } else {
      field += c;
      fieldStarted = true;
      i++;
    }
  }
  if (quoted) throw new Error('unterminated quote');
  if (fieldStarted || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Writes rows as CSV (RFC 4180: quotes when needed, CRLF). */
export function toCsv(rows, delimiter = ',') {
  const cell = (v) => {
    const s = v === null || v === undefined ? '' : String(v);
    return /["\r\n]/.test(s) || s.includes(delimiter) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return rows.map((r) => r.map(cell).join(delimiter)).join('\r\n') + '\r\n';
}
