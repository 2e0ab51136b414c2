// `vigil hunt` end to end: the real binary on generated logs and lists, compared line for line
// with grepcidr (Debian's package) where it is installed, and with the documented JSON output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { resolveBinary } from '../lib/server.mjs';

const VIGIL = resolveBinary();
const GREPCIDR = ['/usr/bin/grepcidr', '/usr/local/bin/grepcidr'].find((p) => fs.existsSync(p));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-hunt-'));
const file = (name, text) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
};
const hunt = (args, input) =>
  spawnSync(VIGIL, ['hunt', ...args], { input, encoding: 'utf8', maxBuffer: 1 << 28 });

// Deterministic pseudo-random numbers (mulberry32).
function rng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Log lines in many shapes around a small address pool, so that lists hit often and the
// scanner's edge cases (glued text, ports, brackets, MACs, times, IPv6) all occur.
function randomLog(random, lines, pool) {
  const pick = (a) => a[Math.floor(random() * a.length)];
  const shapes = [
    (ip) => `Nov 21 08:15:01 fw kernel: [1234.5678] IN=eth0 OUT= MAC=00:16:3e:5c:1a:2b:00:16:3e:aa:bb:cc:08:00 SRC=${ip} DST=10.0.0.5 LEN=60 PROTO=TCP SPT=5123 DPT=22`,
    (ip) => `date=2026-11-21 time=08:15:01 srcip=10.1.1.5 dstip=${ip} transip=203.0.113.5 transport=40001`,
    (ip) => `conn from [${ip}]:443 ok`,
    (ip) => `${ip}`,
    (ip) => `host${ip}x ${ip}.`,
    (ip) => `a.b${ip} ${ip}/24 (${ip}),${ip};`,
    (ip) => `1234.${ip} v${ip} ${ip}:${ip}`,
    (ip) => `\t  ${ip}\t${ip}  `,
    () => `no address here 12:00:01 1.2.3 999.1.1.1 01.2.3.4`,
    () => ``,
  ];
  const out = [];
  for (let i = 0; i < lines; i++) out.push(pick(shapes)(pick(pool)));
  return out.join('\n') + '\n';
}

const POOL = [
  '198.51.100.7', '198.51.100.77', '203.0.113.5', '203.0.113.200', '10.0.0.5', '192.0.2.1',
  '255.255.255.255', '0.0.0.0', '2001:db8::1', '2001:db8:0:1::5', '::ffff:198.51.100.7', 'fe80::1',
];

test('matches exactly the lines grepcidr matches, on random logs and lists', (t) => {
  if (!GREPCIDR) {
    t.skip('grepcidr is not installed (scripts/install-deps.sh --test installs it)');
    return;
  }
  const random = rng(7);
  let matched = 0;
  for (let round = 0; round < 12; round++) {
    const entries = [];
    for (let i = 0; i < 4; i++) {
      const ip = POOL[Math.floor(random() * POOL.length)];
      if (ip.includes(':')) entries.push(random() < 0.5 ? ip : '2001:db8::/32');
      else entries.push(random() < 0.3 ? ip.split('.').slice(0, 3).join('.') + '.0/24' : ip);
    }
    if (round % 3 === 0) entries.push('198.51.100.0-198.51.100.10');
    const list = file(`list${round}.txt`, `# round ${round}\n${entries.join('\n')}\n`);
    const log = file(`log${round}.log`, randomLog(random, 3000, POOL));
    const expected = execFileSync(GREPCIDR, ['-f', list, log], { encoding: 'utf8', maxBuffer: 1 << 28 });
    const got = hunt(['-q', '--threads', '2', '--block-kb', '16', '--indicators', list, log]);
    assert.equal(got.stderr, '');
    assert.equal(got.stdout, expected, `round ${round}: list ${entries.join(' ')}`);
    assert.equal(got.status, expected ? 0 : 1);
    matched += expected.split('\n').length - 1;
  }
  assert.ok(matched > 1000, `only ${matched} lines matched: the comparison would prove little`);
});

test('reports each match as JSON with the line number and the fields of the format', () => {
  const list = file('fg-list.txt', '203.0.113.0/24\n198.51.100.7\n');
  const log = file('fg.log', [
    'date=2026-11-21 time=08:15:01 devname="FG" tz="+0700" srcip=10.1.1.5 srcport=51234 dstip=198.51.100.7 dstport=443 proto=6 action="accept" transip=203.0.113.5 transport=40001',
    'date=2026-11-21 time=08:15:02 devname="FG" tz="+0700" srcip=10.1.1.6 srcport=5000 dstip=192.0.2.9 dstport=80 proto=6 action="accept"',
  ].join('\n') + '\n');
  const got = hunt(['-q', '--jsonl', '--indicators', list, log]);
  assert.equal(got.status, 0, got.stderr);
  const rows = got.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(rows.length, 2);
  assert.deepEqual(rows.map((r) => [r.line, r.ip, r.indicator, r.field]), [
    [1, '198.51.100.7', '198.51.100.7', 'dst'],
    [1, '203.0.113.5', '203.0.113.0/24', 'nat_src'],
  ]);
  const row = rows[1];
  assert.equal(row.file, log);
  assert.equal(row.format, 'fortigate');
  assert.equal(row.time, '2026-11-21T08:15:01+07:00');
  assert.equal(row.src_ip, '10.1.1.5');
  assert.equal(row.src_port, 51234);
  assert.equal(row.nat_src_port, 40001);
  assert.equal(row.source, 'fg-list.txt');
});

test('reads gzip, zstd and standard input, and gives the same answer with one or two threads', () => {
  const random = rng(11);
  const text = randomLog(random, 20000, POOL);
  const log = file('big.log', text);
  const list = file('big-list.txt', '198.51.100.0/24\n2001:db8::/32\n');
  const plain = hunt(['-q', '--threads', '1', '--indicators', list, log]);
  assert.equal(plain.status, 0);
  assert.ok(plain.stdout.length > 0);
  const two = hunt(['-q', '--threads', '2', '--block-kb', '8', '--indicators', list, log]);
  assert.equal(two.stdout, plain.stdout);
  const gz = file('big.log.gz', Buffer.concat([zlib.gzipSync(text.slice(0, 1000)), zlib.gzipSync(text.slice(1000))]));
  assert.equal(hunt(['-q', '--indicators', list, gz]).stdout, plain.stdout);
  const zst = path.join(dir, 'big.log.zst');
  const zstd = spawnSync('zstd', ['-q', '-f', log, '-o', zst]);
  if (zstd.status === 0) assert.equal(hunt(['-q', '--indicators', list, zst]).stdout, plain.stdout);
  assert.equal(hunt(['-q', '--indicators', list, '-'], text).stdout, plain.stdout);
  // A tiny streamed input, on the thread pool.
  const tiny = hunt(['-q', '--threads', '2', '--indicators', list, '-'], '198.51.100.7\n');
  assert.equal(tiny.stdout, '198.51.100.7\n');
  // Line numbers count across blocks and members.
  const json = hunt(['-q', '--jsonl', '--block-kb', '4', '--threads', '2', '--indicators', list, gz]);
  const lines = text.split('\n');
  const rows = json.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.ok(rows.length > 100);
  for (const row of rows) assert.ok(lines[row.line - 1].includes(row.ip), `line ${row.line} holds ${row.ip}`);
});

test('allow-lists and expiry suppress matches; --since/--until filter by the line time', () => {
  const log = file('ipt.log', [
    'Nov 21 08:00:00 fw kernel: IN=eth0 OUT= SRC=198.51.100.7 DST=10.0.0.5 LEN=60 PROTO=TCP SPT=1 DPT=22',
    'Nov 21 09:00:00 fw kernel: IN=eth0 OUT= SRC=198.51.100.8 DST=10.0.0.5 LEN=60 PROTO=TCP SPT=1 DPT=22',
    'Nov 21 10:00:00 fw kernel: IN=eth0 OUT= SRC=198.51.100.9 DST=10.0.0.5 LEN=60 PROTO=TCP SPT=1 DPT=22',
  ].join('\n') + '\n');
  const list = file('allow-list.txt', '198.51.100.0/24\n');
  const allow = file('allow.txt', '198.51.100.8\n');
  const got = hunt(['-q', '--jsonl', '--indicators', list, '--allow', allow, log]);
  assert.deepEqual(got.stdout.trim().split('\n').map((l) => JSON.parse(l).ip), ['198.51.100.7', '198.51.100.9']);
  const year = new Date().getUTCFullYear();
  const window = hunt(['-q', '--jsonl', '--indicators', list, '--since', `${year}-11-21 08:30`, '--until', `21/11/${year} 09:30`, log]);
  assert.deepEqual(window.stdout.trim().split('\n').map((l) => JSON.parse(l).ip), ['198.51.100.8']);
  // A STIX indicator whose valid_until has passed no longer matches.
  const stix = file('old.json', JSON.stringify({
    type: 'bundle', id: 'bundle--1', objects: [{
      type: 'indicator', spec_version: '2.1', id: 'indicator--1', created: '2020-01-01T00:00:00Z',
      modified: '2020-01-01T00:00:00Z', pattern: "[ipv4-addr:value = '198.51.100.7']", pattern_type: 'stix',
      valid_from: '2020-01-01T00:00:00Z', valid_until: '2020-02-01T00:00:00Z',
    }],
  }));
  const expired = hunt(['--indicators', stix, log]);
  assert.equal(expired.status, 1, expired.stderr);
  assert.match(expired.stderr, /1 expired/);
});

test('bad input: clear errors and grep-like exit codes', () => {
  const list = file('e-list.txt', '198.51.100.7\nnot-an-address!\n10.0.0.1/8\n');
  const log = file('e.log', 'SRC=198.51.100.7\n');
  const lenient = hunt(['--indicators', list, log]);
  assert.equal(lenient.status, 0);
  assert.match(lenient.stderr, /e-list\.txt:2/);
  assert.match(lenient.stderr, /e-list\.txt:3.*did you mean 10\.0\.0\.0\/8/);
  const strict = hunt(['--strict', '--indicators', list, log]);
  assert.equal(strict.status, 2);
  assert.match(strict.stderr, /e-list\.txt:2/);
  assert.equal(hunt(['-q', '--indicators', list, path.join(dir, 'missing.log')]).status, 2);
  const corrupt = file('corrupt.gz', Buffer.concat([zlib.gzipSync('SRC=198.51.100.7\n'.repeat(1000)).subarray(0, 40)]));
  const bad = hunt(['-q', '--indicators', list, corrupt]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /corrupt\.gz: .*(truncated|corrupt)/);
  assert.equal(hunt(['-q', '--format', 'nope', '--indicators', list, log]).status, 2);
  // A multi-megabyte line and binary bytes are scanned, not fatal.
  const binary = file('bin.log', Buffer.concat([Buffer.from('x'.repeat(5 << 20)), Buffer.from([0, 255, 10]), Buffer.from(' 198.51.100.7\n')]));
  const weird = hunt(['-q', '--jsonl', '--indicators', list, binary]);
  assert.equal(weird.status, 0);
  assert.equal(JSON.parse(weird.stdout).line, 2);
});
