// Sigma correlation rules in the running server: an event_count correlation over syslog fires
// once its threshold is met, and its window survives a restart (rebuilt from the stored events),
// so a burst split by a restart still raises the alert, once.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { api, freePort, login, startServer } from '../lib/server.mjs';
import { eventually, rfc5424, sendTcp } from '../lib/monitoring.mjs';

const BASE_ID = '6f0d6c7e-1111-4c1e-9a55-000000000001';
const CORRELATION_ID = '6f0d6c7e-1111-4c1e-9a55-000000000002';
const RULES = `title: Probe login failure
id: ${BASE_ID}
status: test
logsource:
  product: linux
detection:
  keywords:
    - 'vigil-probe login failure'
  condition: keywords
level: low
---
title: Repeated probe login failures
id: ${CORRELATION_ID}
status: test
correlation:
  type: event_count
  rules:
    - ${BASE_ID}
  group-by:
    - hostname
  timespan: 10m
  condition:
    gte: 3
level: high
`;

let srv, U, admin, tcpPort, rulesDir;

async function start(extra = {}) {
  tcpPort = await freePort();
  return startServer({ extraArgs: ['--rules', rulesDir, '--syslog-tcp', `127.0.0.1:${tcpPort}`], ...extra });
}

before(async () => {
  rulesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-correlation-rules-'));
  fs.writeFileSync(path.join(rulesDir, 'probe.yml'), RULES);
  srv = await start();
  U = srv.url;
  admin = await login(U, srv.admin.username, srv.admin.password);
});

after(() => {
  srv?.stop();
  fs.rmSync(rulesDir, { recursive: true, force: true });
});

const status = async () => (await api(U, admin.token, 'GET', '/monitoring/status')).json;
const alerts = async () => (await api(U, admin.token, 'GET', '/alerts?limit=100')).json.items;
const failures = (host, n) => Array.from({ length: n }, () => `${rfc5424(host, 'sshd', 'vigil-probe login failure')}\n`).join('');

// All `n` stored events evaluated.
async function evaluated(n) {
  await eventually(async () => {
    const s = await status();
    return s.events_stored === n && s.detection_lag_events === 0;
  }, `${n} events stored and evaluated`);
}

test('the rules load: one detection rule and one correlation', async () => {
  const s = await status();
  assert.equal(s.rules_loaded, 2);
  assert.equal(s.rules_refused, 0);
});

test('a window split by a restart still fires, once, for the right host only', async () => {
  await sendTcp(tcpPort, failures('web01', 2) + failures('db01', 1));
  await evaluated(3);
  assert.deepEqual((await alerts()).map((a) => a.rule_id), [], 'base detections are not reported alone (generate: false)');

  await srv.stop({ keepData: true });
  srv = await start({ reuse: srv });
  U = srv.url;
  admin = await login(U, srv.admin.username, srv.admin.password);

  await sendTcp(tcpPort, failures('web01', 1) + failures('db01', 1));
  await evaluated(5);
  const fired = await eventually(async () => {
    const a = await alerts();
    return a.length > 0 ? a : null;
  }, 'the correlation alert');
  assert.equal(fired.length, 1, JSON.stringify(fired));
  assert.equal(fired[0].rule_id, CORRELATION_ID);
  assert.equal(fired[0].host, 'web01');
  assert.equal(fired[0].fields.correlation_events, 3);
});
