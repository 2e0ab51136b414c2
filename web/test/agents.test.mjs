// Pure helpers of the endpoint agent pages (src/agents.ts): health from the last heartbeat, the
// enrolment command and token state, the inventory's weak spots (password policy, browsers
// keeping passwords), the package filter, the settings form and the YARA compile errors.
// agents.ts imports the API client (src/api.ts, itself import-free): both are compiled with the
// project's own `typescript`, the import pointed at the compiled file.
// Run: node --test web/test/   (or `npm test` in web/)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { WEB, loadSource, tempDir } from './source.mjs';

await loadSource('api'); // writes api.mjs next to agents.mjs
const src = fs.readFileSync(path.join(WEB, 'src', 'agents.ts'), 'utf8');
const out = ts.transpileModule(src, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2020 } });
const file = path.join(tempDir(), 'agents.mjs');
fs.writeFileSync(file, out.outputText.replace(/from '\.\/api'/g, "from './api.mjs'"));
const agents = await import(pathToFileURL(file).href);

const NOW = Date.parse('2026-11-21T10:00:00Z');
const ago = (s) => new Date(NOW - s * 1000).toISOString();

test('health: ok within 5 minutes, stale after (or never seen), revoked first', () => {
  assert.equal(agents.agentHealth({ status: 'active', last_seen: ago(30) }, NOW), 'ok');
  assert.equal(agents.agentHealth({ status: 'active', last_seen: ago(300) }, NOW), 'ok');
  assert.equal(agents.agentHealth({ status: 'active', last_seen: ago(301) }, NOW), 'stale');
  assert.equal(agents.agentHealth({ status: 'active', last_seen: null }, NOW), 'stale');
  assert.equal(agents.agentHealth({ status: 'active', last_seen: 'garbage' }, NOW), 'stale');
  assert.equal(agents.agentHealth({ status: 'revoked', last_seen: ago(1) }, NOW), 'revoked');
  // A long heartbeat widens the window to 3 heartbeats, never below 5 minutes.
  assert.equal(agents.agentHealth({ status: 'active', last_seen: ago(600) }, NOW, 300), 'ok');
  assert.equal(agents.agentHealth({ status: 'active', last_seen: ago(901) }, NOW, 300), 'stale');
  assert.equal(agents.agentHealth({ status: 'active', last_seen: ago(200) }, NOW, 30), 'ok');
  assert.equal(agents.staleAfterMs(), 5 * 60 * 1000);
  assert.equal(agents.staleAfterMs(30), 5 * 60 * 1000);
});

test('enrolment command and token state', () => {
  assert.equal(agents.enrollCommand('https://vigil.example.gov.vn', 'vge_abc'), 'vigil-agent enroll --server https://vigil.example.gov.vn --token vge_abc');
  assert.equal(agents.enrollCommand('https://10.0.0.5:8443/', 'x'), 'vigil-agent enroll --server https://10.0.0.5:8443 --token x');
  assert.equal(agents.tokenState({ used_at: ago(10), agent_id: 3, expires_at: ago(-100) }, NOW), 'used');
  assert.equal(agents.tokenState({ used_at: null, agent_id: null, expires_at: ago(1) }, NOW), 'expired');
  assert.equal(agents.tokenState({ used_at: null, agent_id: null, expires_at: ago(-3600) }, NOW), 'pending');
});

test('password policy weaknesses: min length under 8 or unset, max age unset or over 90 days', () => {
  assert.deepEqual(agents.passwordPolicyIssues({ min_length: 12, max_days: 90 }), []);
  assert.deepEqual(agents.passwordPolicyIssues({ min_length: 8, max_days: 30 }), []);
  assert.deepEqual(agents.passwordPolicyIssues({ min_length: 6, max_days: 99999 }), ['minLengthShort', 'maxDaysLong']);
  assert.deepEqual(agents.passwordPolicyIssues({ min_length: null, max_days: 91 }), ['minLengthUnset', 'maxDaysLong']);
  assert.deepEqual(agents.passwordPolicyIssues({ min_length: 0, max_days: -1 }), ['minLengthUnset', 'maxDaysUnset']);
  assert.deepEqual(agents.passwordPolicyIssues({}), ['minLengthUnset', 'maxDaysUnset']);
  assert.deepEqual(agents.passwordPolicyIssues(null), ['minLengthUnset', 'maxDaysUnset']);
});

test('browser stores with saved passwords are flagged', () => {
  const stores = [
    { user: 'a', browser: 'firefox', profile: 'default', path: '/home/a/.mozilla', saved_logins: 3 },
    { user: 'b', browser: 'chrome', profile: 'Default', path: '/home/b/.config/google-chrome', saved_logins: 0 },
    { user: 'c', browser: 'chromium', profile: 'Default', path: '/home/c', saved_logins: null },
  ];
  assert.deepEqual(agents.riskyBrowserStores(stores).map((s) => s.user), ['a']);
  assert.deepEqual(agents.riskyBrowserStores(undefined), []);
});

test('the package filter matches every word and caps the rows shown', () => {
  const pkgs = Array.from({ length: 2500 }, (_, i) => ({ name: `lib${i}`, version: `1.${i}`, arch: i % 2 ? 'amd64' : 'all', manager: 'dpkg', status: 'installed' }));
  pkgs.push({ name: 'openssl', version: '3.0.13-0ubuntu3', arch: 'amd64', manager: 'dpkg', status: 'installed' });
  let r = agents.filterPackages(pkgs, '', 300);
  assert.equal(r.shown.length, 300);
  assert.equal(r.matched, 2501);
  assert.equal(r.total, 2501);
  r = agents.filterPackages(pkgs, 'OpenSSL 3.0', 300);
  assert.deepEqual(r.shown.map((p) => p.name), ['openssl']);
  assert.equal(r.matched, 1);
  r = agents.filterPackages(pkgs, 'amd64', 300);
  assert.equal(r.matched, 1251);
  assert.equal(agents.filterPackages(null, 'x', 10).total, 0);
});

test('settings form: only changes are sent, ranges and absolute paths checked', () => {
  const cur = { scan_paths: ['/home', '/tmp'], scan_interval_hours: 24, cpu_percent: 50, max_file_mb: 64, quarantine: true, heartbeat_seconds: 30 };
  const form = agents.settingsForm(cur);
  assert.equal(form.scan_paths, '/home\n/tmp');
  assert.deepEqual(agents.settingsPatch(cur, form), { patch: {}, errors: {} });
  assert.deepEqual(agents.settingsPatch(cur, { ...form, scan_paths: ' /home \n\n/var/www\n', cpu_percent: '25', quarantine: false }), {
    patch: { scan_paths: ['/home', '/var/www'], cpu_percent: 25, quarantine: false },
    errors: {},
  });
  const bad = agents.settingsPatch(cur, { ...form, scan_paths: '/home\nvar/www', scan_interval_hours: '721', cpu_percent: '0', max_file_mb: '1.5' });
  assert.deepEqual(bad.errors, {
    scan_paths: { path: 'var/www' },
    scan_interval_hours: { min: 0, max: 720 },
    cpu_percent: { min: 1, max: 100 },
    max_file_mb: { min: 1, max: 4096 },
  });
  assert.deepEqual(agents.settingsPatch(cur, { ...form, scan_interval_hours: '0' }).patch, { scan_interval_hours: 0 });
  assert.equal(agents.settingsField('settings.cpu_percent'), 'cpu_percent');
  assert.equal(agents.settingsField('settings.scan_paths[2]'), 'scan_paths');
  assert.equal(agents.settingsField('body.settings.scan_paths[0]'), 'scan_paths');
  assert.equal(agents.settingsField('asset_id'), 'asset_id');
  assert.equal(agents.settingsField(null), null);
  assert.deepEqual(agents.pathLines(' /a \r\n\n/b'), ['/a', '/b']);
  assert.equal(agents.badPath(['/a', 'b']), 'b');
  assert.equal(agents.badPath(['/a']), null);
});

test('detection actions follow the status', () => {
  assert.deepEqual(agents.detectionActions('detected'), ['quarantine']);
  assert.deepEqual(agents.detectionActions('quarantined'), ['restore', 'delete']);
  assert.deepEqual(agents.detectionActions('restored'), []);
  assert.deepEqual(agents.detectionActions('deleted'), []);
});

test('YARA compile errors are read as name:line: message', () => {
  assert.deepEqual(agents.yaraErrors('webshell.yar:4: syntax error, unexpected identifier\nwebshell.yar:9: undefined string identifier "$b"\n'), [
    { file: 'webshell.yar', line: 4, text: 'syntax error, unexpected identifier' },
    { file: 'webshell.yar', line: 9, text: 'undefined string identifier "$b"' },
  ]);
  assert.deepEqual(agents.yaraErrors('empty rule set'), [{ file: null, line: null, text: 'empty rule set' }]);
});

test('formatBytes', () => {
  assert.equal(agents.formatBytes(512), '512 B');
  assert.equal(agents.formatBytes(1536), '1.5 KB');
  assert.equal(agents.formatBytes(64 * 1024 * 1024), '64.0 MB');
  assert.equal(agents.formatBytes(null), '—');
});
