// `vigil sigma check` and `vigil sigma scan` as a responder runs them: the whole public SigmaHQ
// rule set (../shared/data/sigma), generated Windows events, EVTX, stdin and gzip, every output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { resolveBinary } from '../lib/server.mjs';

const VIGIL = resolveBinary();
const GEN = process.env.VIGIL_SIGMA_DATA_BIN;
const SIGMA = path.join(process.env.VIGIL_SHARED_DIR ?? path.resolve('../shared'), 'data', 'sigma');
const haveData = fs.existsSync(path.join(SIGMA, 'rules'));
const skipData = haveData ? false : `no SigmaHQ data at ${SIGMA}`;
const RULES = ['rules', 'rules-emerging-threats', 'rules-threat-hunting', 'rules-compliance',
  'rules-dfir'].flatMap((d) => ['--rules', path.join(SIGMA, d)]);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-sigma-'));
const file = (name, text) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
};
const sigma = (args, input) =>
  spawnSync(VIGIL, ['sigma', ...args], { input, encoding: 'utf8', maxBuffer: 1 << 28 });
const jsonl = (text) => text.split('\n').filter(Boolean).map((l) => JSON.parse(l));

test('sigma check loads every public SigmaHQ rule', { skip: skipData }, () => {
  const r = sigma(['check', ...RULES]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /, 0 not loaded/);
  const loaded = Number(/(\d+) rules loaded/.exec(r.stderr)[1]);
  assert.ok(loaded > 3000, r.stderr);
});

test('sigma check names file, line, column and a reason code for each bad rule', () => {
  const rules = path.join(dir, 'bad-rules');
  fs.mkdirSync(rules, { recursive: true });
  fs.writeFileSync(path.join(rules, 'good.yml'),
    'title: ok\nlogsource: {product: windows}\ndetection:\n  s: {A: 1}\n  condition: s\n');
  fs.writeFileSync(path.join(rules, 'bad.yml'),
    'title: bad\nlogsource: {product: windows}\ndetection:\n  s: {A|nope: 1}\n  condition: s\n');
  fs.writeFileSync(path.join(rules, 'broken.yaml'), 'title: [unclosed\n');
  const text = sigma(['check', '--rules', rules]);
  assert.equal(text.status, 1);
  assert.match(text.stdout, /bad\.yml:4:\d+: unknown_modifier: /);
  assert.match(text.stdout, /broken\.yaml:\d+:\d+: bad_yaml: /);
  const json = jsonl(sigma(['check', '--json', '--rules', rules]).stdout);
  assert.deepEqual(json.map((p) => p.code).sort(), ['bad_yaml', 'unknown_modifier']);
  assert.ok(json.every((p) => p.file && p.line > 0 && p.severity === 'error'));
});

test('a benign office workload raises nothing with the whole rule set', { skip: skipData || !GEN }, () => {
  const events = path.join(dir, 'benign.ndjson');
  const gen = spawnSync(GEN, [events, '20000', '--benign', '--seed', '7']);
  assert.equal(gen.status, 0);
  const r = sigma(['scan', ...RULES, '--jsonl', events]);
  assert.equal(r.status, 1, r.stderr);  // like grep: 1 = nothing found
  assert.equal(r.stdout, '', 'documented false positives: none');
  assert.match(r.stderr, /20000 events/);
});

test('attacks in the workload are found, with the documented fields', { skip: skipData || !GEN }, () => {
  const events = path.join(dir, 'mixed.ndjson');
  assert.equal(spawnSync(GEN, [events, '20000', '--seed', '7']).status, 0);
  const r = sigma(['scan', ...RULES, '--jsonl', events]);
  assert.equal(r.status, 0, r.stderr);
  const detections = jsonl(r.stdout);
  assert.ok(detections.length > 0);
  const lines = fs.readFileSync(events, 'utf8').split('\n');
  for (const d of detections) {
    for (const key of ['rule_id', 'title', 'level', 'file', 'record', 'timestamp', 'host', 'tags', 'fields']) {
      assert.ok(key in d, `missing ${key}`);
    }
    assert.equal(d.file, events);
    // `record` is the 1-based line; that line holds the attacker's command the rule saw.
    const event = JSON.parse(lines[d.record - 1]);
    assert.equal(event.Event.EventData.Image, d.fields.Image);
  }
  const titles = new Set(detections.map((d) => d.title));
  assert.ok(titles.has('Shadow Copies Deletion Using Operating Systems Utilities'), [...titles].join('\n'));
  // 20,000 events are about 17 MB: several 8 MB blocks. Any number of threads gives the same
  // output, in the same order, also with a bad line, and from stdin (owned blocks).
  const text = fs.readFileSync(events, 'utf8');
  const withBad = file('mixed-bad.ndjson', text.replace(/\n/, '\n{"broken": \n'));
  const one = sigma(['scan', ...RULES, '--jsonl', '--threads', '1', withBad]);
  assert.equal(one.status, 0, one.stderr);
  for (const threads of ['2', '3']) {
    const many = sigma(['scan', ...RULES, '--jsonl', '--threads', threads, withBad]);
    assert.equal(many.stdout, one.stdout, `--threads ${threads} differs from one thread`);
    assert.match(many.stderr, /mixed-bad\.ndjson:2: /);
  }
  const piped = sigma(['scan', ...RULES, '--jsonl', '--threads', '2', '-'], text);
  assert.deepEqual(jsonl(piped.stdout).map((d) => [d.rule_id, d.record]), detections.map((d) => [d.rule_id, d.record]));
});

test('EVTX, gzip, stdin and a JSON array give the same detections', { skip: skipData }, () => {
  const caseDir = path.join(SIGMA, 'regression-dev', 'regression_data', 'rules', 'windows',
    'process_creation', 'proc_creation_win_certutil_decode');
  const evtx = fs.readdirSync(caseDir).find((f) => f.endsWith('.evtx'));
  const json = fs.readdirSync(caseDir).find((f) => f.endsWith('.json'));
  const fromEvtx = jsonl(sigma(['scan', ...RULES, '--jsonl', path.join(caseDir, evtx)]).stdout);
  const certutil = fromEvtx.find((d) => d.rule_id === 'cc9cbe82-7bc0-4ef5-bc23-bbfb83947be7');
  assert.ok(certutil, 'the case fires its rule from EVTX');
  assert.equal(certutil.record, 1);  // EVTX: the record number in the file (evtxexport: "Event number")
  assert.equal(certutil.host, 'ar-win-dc.attackrange.local');
  assert.equal(certutil.timestamp, '2025-10-25T16:56:16+00:00');

  const doc = fs.readFileSync(path.join(caseDir, json), 'utf8');
  const ids = (out) => jsonl(out).map((d) => d.rule_id).sort();
  const expected = ids(sigma(['scan', ...RULES, '--jsonl', path.join(caseDir, json)]).stdout);
  assert.deepEqual(ids(sigma(['scan', ...RULES, '--jsonl', '-'], doc).stdout), expected);
  const gz = file('case.json.gz', zlib.gzipSync(doc));
  assert.deepEqual(ids(sigma(['scan', ...RULES, '--jsonl', gz]).stdout), expected);
  const array = file('case-array.json', `[${JSON.stringify(JSON.parse(doc))}, 42]`);
  assert.deepEqual(ids(sigma(['scan', ...RULES, '--jsonl', array]).stdout), expected);
  assert.deepEqual(fromEvtx.map((d) => d.rule_id).sort(), expected);
});

test('text timeline and CSV outputs; bad lines reported, good ones still scanned', () => {
  const rules = file('one.yml', `title: Whoami
id: 0c7a1ac8-5c5b-4a1d-9c1b-9b7c1c1d2e3f
level: high
logsource: {product: windows, category: process_creation}
detection:
  s: {Image|endswith: '\\whoami.exe'}
  condition: s
`);
  const event = (n) => JSON.stringify({ Event: { System: { EventID: 1, Channel: 'Microsoft-Windows-Sysmon/Operational', Computer: `pc${n}`, TimeCreated: { '#attributes': { SystemTime: '2026-11-21T01:02:03Z' } } }, EventData: { Image: 'C:\\Windows\\System32\\whoami.exe' } } });
  const events = file('lines.ndjson', `${event(1)}\nnot json\n\n${event(2)}\n`);
  const text = sigma(['scan', '--rules', rules, events]);
  assert.equal(text.status, 0);
  assert.match(text.stdout, /^2026-11-21T01:02:03\+00:00 +pc1 +high +Whoami \[0c7a1ac8/m);
  assert.match(text.stderr, /lines\.ndjson:2: not JSON/);
  assert.match(text.stderr, /2 events .* 2 detections; 1 unreadable records/);
  const csv = sigma(['scan', '--csv', '--rules', rules, events]).stdout.trim().split('\n');
  assert.equal(csv[0], 'timestamp,host,level,rule_id,title,file,record');
  assert.equal(csv.length, 3);
  assert.match(csv[2], /"pc2","high","0c7a1ac8-5c5b-4a1d-9c1b-9b7c1c1d2e3f","Whoami",".*lines\.ndjson",4$/);
  const missing = sigma(['scan', '--rules', rules, path.join(dir, 'nope.json')]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /nope\.json/);
});

test('correlation rules: a burst of failures then a success, chained, with generate', () => {
  const rules = file('correlation.yml', `title: Failed logon
name: failed_logon
level: low
logsource: {product: windows, service: security}
detection:
  s: {EventID: 4625}
  condition: s
---
title: Successful logon
name: successful_logon
level: low
logsource: {product: windows, service: security}
detection:
  s: {EventID: 4624}
  condition: s
---
title: Many failures
name: many_failures
level: medium
correlation:
  type: event_count
  rules: [failed_logon]
  group-by: [TargetUserName]
  timespan: 5m
  condition: {gte: 3}
  generate: true
---
title: Brute force then success
level: high
correlation:
  type: temporal_ordered
  rules: [many_failures, successful_logon]
  group-by: [TargetUserName]
  timespan: 10m
`);
  const ev = (id, user, second) => JSON.stringify({ Event: { System: { EventID: id, Channel: 'Security', Computer: 'dc1', TimeCreated: { '#attributes': { SystemTime: `2026-11-21T01:00:${String(second).padStart(2, '0')}Z` } } }, EventData: { TargetUserName: user } } });
  const events = file('logons.ndjson', [ev(4625, 'admin', 0), ev(4625, 'admin', 10), ev(4625, 'admin', 20),
    ev(4625, 'bob', 25), ev(4624, 'admin', 40), ev(4624, 'bob', 50)].join('\n'));
  const out = jsonl(sigma(['scan', '--rules', rules, '--jsonl', events]).stdout);
  const titles = out.map((d) => d.title);
  assert.equal(titles.filter((t) => t === 'Failed logon').length, 4, 'generate: true reports the base rule');
  assert.ok(!titles.includes('Successful logon'), 'no generate: the base rule only feeds the correlation');
  const burst = out.find((d) => d.title === 'Many failures');
  assert.deepEqual([burst.correlation, burst.group, burst.value, burst.record],
    ['event_count', { TargetUserName: 'admin' }, 3, 3]);
  const chained = out.find((d) => d.title === 'Brute force then success');
  assert.deepEqual([chained.correlation, chained.group, chained.record, chained.first_timestamp],
    ['temporal_ordered', { TargetUserName: 'admin' }, 5, '2026-11-21T01:00:20+00:00']);
  assert.equal(out.filter((d) => d.correlation).length, 2, 'bob never had three failures');
});
