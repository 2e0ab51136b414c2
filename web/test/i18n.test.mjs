// Checks the console's translation files: same keys, no empty values, same {placeholders},
// NFC-normalised Vietnamese, every t('literal.key') used in src/ defined, and the domain vocabulary present.
// Run: node --test web/test/   (or `npm test` in web/)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const WEB = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const load = (lang) => JSON.parse(fs.readFileSync(path.join(WEB, 'src', 'i18n', `${lang}.json`), 'utf8'));
const vi = load('vi');
const en = load('en');

function sourceFiles(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(ts|tsx)$/.test(e.name)) out.push(p);
  }
  return out;
}

test('vi.json and en.json have exactly the same keys', () => {
  const a = Object.keys(vi).sort();
  const b = Object.keys(en).sort();
  assert.deepEqual(a.filter((k) => !(k in en)), [], 'keys only in vi.json');
  assert.deepEqual(b.filter((k) => !(k in vi)), [], 'keys only in en.json');
  assert.ok(a.length > 100, 'suspiciously few keys');
});

test('no empty or non-string values', () => {
  for (const [lang, d] of [['vi', vi], ['en', en]]) {
    for (const [k, v] of Object.entries(d)) {
      assert.equal(typeof v, 'string', `${lang}:${k} is not a string`);
      assert.ok(v.trim().length > 0, `${lang}:${k} is empty`);
    }
  }
});

test('placeholders match between languages', () => {
  const ph = (s) => (s.match(/\{[a-zA-Z0-9_]+\}/g) ?? []).sort().join(',');
  for (const k of Object.keys(vi)) assert.equal(ph(vi[k]), ph(en[k]), `placeholders differ for ${k}`);
});

test('Vietnamese text is NFC-normalised (precomposed diacritics)', () => {
  for (const [k, v] of Object.entries(vi)) assert.equal(v, v.normalize('NFC'), `vi:${k} is not NFC`);
});

test('Vietnamese uses the domain vocabulary', () => {
  const all = Object.values(vi).join('\n').toLocaleLowerCase('vi');
  for (const term of [
    'hệ thống thông tin',
    'cấp độ an toàn',
    'chủ quản',
    'đơn vị vận hành',
    'tài sản',
    'đầu mối liên hệ',
    'trực 24/7',
    'nhật ký kiểm toán',
    'sự cố an toàn thông tin mạng',
  ]) {
    assert.ok(all.includes(term), `vi.json never says "${term}"`);
  }
  // Not a copy of the English file.
  const same = Object.keys(vi).filter((k) => vi[k] === en[k] && /[A-Za-z]{3,}/.test(vi[k]));
  assert.ok(same.length < 10, `too many untranslated strings: ${same.join(', ')}`);
});

test('every literal t(...) key used in src/ exists', () => {
  const missing = new Set();
  let seen = 0;
  for (const f of sourceFiles(path.join(WEB, 'src'))) {
    const src = fs.readFileSync(f, 'utf8');
    for (const m of src.matchAll(/\bt\(\s*'([a-zA-Z0-9_.]+)'/g)) {
      seen++;
      if (!(m[1] in vi)) missing.add(`${path.relative(WEB, f)}: ${m[1]}`);
    }
    // Template keys like t(`level.hint.${n}`): the prefix must have some keys.
    for (const m of src.matchAll(/\bt\(\s*`([a-zA-Z0-9_.]+)\.\$\{/g)) {
      if (!Object.keys(vi).some((k) => k.startsWith(`${m[1]}.`))) missing.add(`${path.relative(WEB, f)}: ${m[1]}.*`);
    }
  }
  assert.ok(seen > 100, 'found too few t() calls: is the pattern still right?');
  assert.deepEqual([...missing], []);
});

test('every API enum value has a label', () => {
  const enums = {
    orgKind: ['province', 'department', 'peoples_committee', 'commune', 'unit', 'other'],
    infoType: ['public', 'private', 'personal', 'state_secret'],
    systemType: ['internal', 'public_service', 'shared_infrastructure', 'industrial_control'],
    onlineLevel: ['none', 'partial', 'full'],
    scope: ['agency', 'province', 'national'],
    assetRole: ['server', 'workstation', 'network_device'],
    role: ['admin', 'analyst', 'unit_officer', 'viewer'],
    'users.roleHint': ['admin', 'analyst', 'unit_officer', 'viewer'],
    action: ['create', 'update', 'delete', 'import', 'login'],
    'level.hint': ['1', '2', '3', '4', '5'],
    findingStatus: ['open', 'cleaned', 'false_positive'],
    intelFormat: ['auto', 'botnet-csv', 'xlsx', 'plain', 'drop', 'drop-json', 'feodo', 'stix', 'misp-csv', 'misp-json'],
    attrMethod: ['nat_port', 'destination', 'window'],
    attrMethodHint: ['nat_port', 'destination', 'window'],
    attrSource: ['upload', 'events'],
    'intel.recent': ['7d', '30d', '0'],
    error: ['invalid_argument', 'unauthenticated', 'permission_denied', 'not_found', 'conflict', 'already_exists', 'payload_too_large', 'resource_exhausted', 'internal'],
  };
  const missing = [];
  for (const [prefix, values] of Object.entries(enums)) for (const v of values) if (!(`${prefix}.${v}` in vi)) missing.push(`${prefix}.${v}`);
  assert.deepEqual(missing, []);
});
