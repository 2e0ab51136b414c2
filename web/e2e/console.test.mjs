// End-to-end test of the web console against a real `vigil serve`, driven by Debian's Chromium
// through playwright-core. Run from the repository root:  node --test web/e2e/
//
// Needs: the vigil binary (build/src/cli/vigil or $VIGIL_BIN), web/dist (npm run build in web/),
// web/node_modules (npm ci in web/) and /usr/bin/chromium (skipped with a message when missing).
// Screenshots go to $VIGIL_ARTIFACTS_DIR (default <repo>/build/test-artifacts/e2e).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, resolveBinary, REPO_ROOT } from '../../tests/lib/server.mjs';

const WEB_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(WEB_DIR, 'dist');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ARTIFACTS = process.env.VIGIL_ARTIFACTS_DIR || path.join(REPO_ROOT, 'build', 'test-artifacts', 'e2e');
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

test('web console: sign in, create org → system → asset, i18n, audit, phone layout', { timeout: 180_000 }, async (t) => {
  if (!fs.existsSync(CHROMIUM)) {
    t.skip(`Chromium not found at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH): console e2e test NOT run`);
    return;
  }
  const bin = resolveBinary();
  assert.ok(fs.existsSync(bin), `vigil binary missing at ${bin}: build the server first (or set VIGIL_BIN)`);
  assert.ok(fs.existsSync(path.join(DIST, 'index.html')), `web console not built: ${DIST}/index.html missing (run \`npm ci && npm run build\` in web/)`);

  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (e) {
    assert.fail(`playwright-core not installed (run \`npm ci\` in web/): ${e.message}`);
  }

  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const shot = (page, name, opts = {}) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), ...opts });

  const srv = await startServer({ webRoot: DIST });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const problems = []; // CSP violations and uncaught page errors
  const watch = (page) => {
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => {
      const text = msg.text();
      if (msg.type() === 'error' && /Content Security Policy|Refused to/i.test(text)) problems.push(`console: ${text}`);
    });
  };

  let page;
  try {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'vi-VN', reducedMotion: 'reduce' });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    watch(page);
    const suffix = Date.now().toString(36).slice(-5).toUpperCase();
    const orgName = `Sở Kiểm thử Tự động ${suffix}`;
    const sysName = `Cổng dịch vụ công E2E ${suffix}`;
    const hostname = `e2e-web-${suffix.toLowerCase()}`;

    // --- sign in (Vietnamese by default) ---
    await page.goto(srv.url);
    await page.getByLabel('Tên đăng nhập').fill(srv.admin.username);
    await page.getByLabel('Mật khẩu').fill(srv.admin.password);
    await shot(page, '01-login');
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByRole('heading', { level: 1, name: 'Tổng quan' }).waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'vi');
    await page.locator('.topbar').getByText('admin', { exact: false }).first().waitFor();

    // --- create an organisation (as a child of the first root if the tree is not empty) ---
    await page.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link', { name: 'Cơ quan, đơn vị' }).click();
    await page.getByRole('heading', { level: 1, name: 'Cơ quan, đơn vị' }).waitFor();
    await page.locator('.tree-card .state, .tree-card .tree').first().waitFor();
    const firstNode = page.locator('.tree .tree-link').first();
    if (await firstNode.count()) {
      await firstNode.click();
      await page.getByRole('link', { name: /Thêm đơn vị trực thuộc/ }).click();
    } else {
      await page.getByRole('link', { name: /Thêm cơ quan, đơn vị/ }).click();
    }
    await page.getByLabel('Tên cơ quan, đơn vị').fill(orgName);
    await page.getByLabel('Mã đơn vị').fill(`E2E${suffix}`);
    await page.getByLabel('Loại hình').selectOption('department');
    await page.getByLabel('Địa chỉ', { exact: true }).fill('Số 1 Đường Thử nghiệm');
    await page.getByLabel('Dải địa chỉ IP công khai').fill('203.0.113.0/28');
    await page.getByLabel('Ngày đánh giá gần nhất').fill('15/01/2025');
    await page.getByRole('button', { name: 'Tạo mới' }).click();
    await page.waitForURL(/#\/orgs\/\d+$/);
    const orgId = Number(/#\/orgs\/(\d+)$/.exec(page.url())[1]);
    await page.locator('.tree').getByText(orgName).waitFor();
    await page.getByRole('heading', { level: 2, name: orgName }).waitFor();
    await shot(page, '02-org-created');

    // --- create an information system, level 3, in that organisation ---
    await page.getByRole('link', { name: 'Hệ thống thông tin' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Hệ thống thông tin' }).waitFor();
    await page.getByRole('link', { name: /Thêm hệ thống/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Hệ thống thông tin mới' }).waitFor();
    await page.getByLabel('Tên hệ thống').fill(sysName);
    await page.locator('#sys-owner').selectOption(String(orgId));
    await page.getByRole('radio', { name: /Cấp độ 3/ }).check();
    await page.getByRole('checkbox', { name: 'Thông tin cá nhân' }).check();
    await page.locator('#sys-type').selectOption('public_service');
    await page.locator('#sys-online').selectOption('full');
    await page.getByLabel('Số chủ thể dữ liệu cá nhân').fill('25000');
    await page.locator('#sys-scope').selectOption('province');
    await page.getByRole('checkbox', { name: 'Hệ thống yêu cầu vận hành 24/7' }).check();
    await page.getByLabel('Số quyết định phê duyệt cấp độ').fill('123/QĐ-UBND');
    await page.getByLabel('Ngày phê duyệt').fill('10/03/2024');
    await page.locator('#sys-last').fill('01/02/2025');
    await shot(page, '03-system-form');
    await page.getByRole('button', { name: 'Tạo mới' }).click();
    await page.waitForURL(/#\/systems$/);
    const sysRow = page.locator('tbody tr', { hasText: sysName });
    await sysRow.waitFor();
    assert.match(await sysRow.innerText(), /Cấp độ 3/);
    assert.match(await sysRow.innerText(), new RegExp(orgName));
    await shot(page, '04-systems-list');

    // --- create an asset with two IPs attached to that system ---
    await page.getByRole('link', { name: 'Tài sản' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Tài sản' }).waitFor();
    await page.getByRole('link', { name: /Thêm tài sản/ }).click();
    await page.getByLabel('Tên máy').fill(hostname);
    await page.locator('#asset-org').selectOption(String(orgId));
    await page.locator('#asset-role').selectOption('server');
    await page.getByLabel('Địa chỉ IP').fill('10.10.0.15\n2001:db8::15');
    await page.getByLabel('Hệ điều hành', { exact: true }).fill('Ubuntu Server');
    await page.getByLabel('Phiên bản').fill('22.04');
    await page.getByRole('checkbox', { name: new RegExp(sysName) }).check();
    await page.getByRole('button', { name: 'Tạo mới' }).click();
    await page.waitForURL(/#\/assets$/);
    const assetRow = page.locator('tbody tr', { hasText: hostname });
    await assetRow.waitFor();
    const assetText = await assetRow.innerText();
    assert.match(assetText, /10\.10\.0\.15/);
    assert.match(assetText, /2001:db8::15/);
    assert.match(assetText, /Máy chủ/);
    assert.match(assetText, new RegExp(orgName));
    await shot(page, '05-assets-list');

    // The asset is attached to the system (check through its edit form).
    await assetRow.getByRole('link', { name: hostname }).click();
    await page.getByRole('heading', { level: 1, name: hostname }).waitFor();
    assert.equal(await page.getByRole('checkbox', { name: new RegExp(sysName) }).isChecked(), true);
    await page.getByRole('link', { name: /Danh sách tài sản/ }).click();
    await page.waitForURL(/#\/assets$/);

    // --- Vietnamese text, then English ---
    await page.getByRole('heading', { level: 1, name: 'Tài sản' }).waitFor();
    await page.getByRole('link', { name: 'Nhật ký kiểm toán' }).waitFor();
    assert.ok((await page.locator('.sidenav').innerText()).includes('Đầu mối liên hệ'));
    await page.getByRole('button', { name: 'EN', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Assets' }).waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    assert.match(await page.locator('tbody tr', { hasText: hostname }).innerText(), /Server/);
    assert.equal(await page.getByRole('heading', { level: 1, name: 'Tài sản' }).count(), 0);
    // The choice survives a reload (localStorage).
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Assets' }).waitFor();
    await shot(page, '06-assets-english');

    // --- audit log shows the three creations ---
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
    const auditRows = page.locator('tbody tr');
    await auditRows.first().waitFor();
    for (const [kind, name] of [
      ['Organisation', orgName],
      ['Information system', sysName],
      ['Asset', hostname],
    ]) {
      const row = page
        .locator('tbody tr')
        .filter({ has: page.locator('td[data-label="Kind"]', { hasText: kind }) })
        .filter({ has: page.locator('td[data-label="Action"]', { hasText: 'Create' }) })
        .filter({ has: page.locator('td[data-label="Object"]', { hasText: name }) });
      await row.first().waitFor();
    }
    // Expand the asset's entry: the after-values include both IPs.
    const assetAudit = page
      .locator('tbody tr')
      .filter({ has: page.locator('td[data-label="Object"]', { hasText: hostname }) })
      .filter({ has: page.locator('td[data-label="Action"]', { hasText: 'Create' }) })
      .first();
    await assetAudit.getByRole('button', { name: 'Show the change' }).click();
    const diff = page.locator('.diff-table').first();
    await diff.waitFor();
    assert.match(await diff.innerText(), /2001:db8::15/);
    await shot(page, '07-audit', { fullPage: true });

    // Back to Vietnamese; the dashboard of the new organisation counts what was created.
    await page.getByRole('button', { name: 'VI', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Nhật ký kiểm toán' }).waitFor();
    await page.getByRole('link', { name: 'Tổng quan' }).click();
    await page.getByRole('heading', { level: 1, name: 'Tổng quan' }).waitFor();
    await page.locator('#dash-org').selectOption(String(orgId));
    const levelsCard = page.locator('section.card', { hasText: 'Hệ thống thông tin theo cấp độ an toàn' });
    await levelsCard.locator('.bar-row', { hasText: 'Cấp độ 3' }).locator('.bar-value', { hasText: '1' }).waitFor();
    await page.locator('section.card', { hasText: 'Tài sản theo loại' }).locator('.bar-row', { hasText: 'Máy chủ' }).locator('.bar-value', { hasText: '1' }).waitFor();
    await shot(page, '08-dashboard');

    // --- phone width (390×844), same session ---
    const state = await context.storageState();
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, reducedMotion: 'reduce', storageState: state });
    const p2 = await phone.newPage();
    p2.setDefaultTimeout(15_000);
    watch(p2);
    await p2.goto(`${srv.url}/#/assets`);
    await p2.getByRole('heading', { level: 1, name: 'Tài sản' }).waitFor();
    await p2.getByText(hostname).waitFor();
    // The side navigation is hidden behind the menu button at this width.
    assert.equal(await p2.locator('.sidenav').isVisible() && (await p2.locator('.sidenav').boundingBox()).x >= 0, false);
    const noOverflow = await p2.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
    assert.ok(noOverflow, 'assets page overflows horizontally at 390 px');
    await shot(p2, '09-phone-assets', { fullPage: true });
    await p2.getByRole('button', { name: 'Mở menu' }).click();
    await p2.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link', { name: 'Hệ thống thông tin' }).waitFor();
    await shot(p2, '10-phone-menu');
    await phone.close();

    assert.deepEqual(problems, [], 'CSP violations or page errors');
    await context.close();
  } catch (err) {
    if (page && !page.isClosed()) await shot(page, 'failure', { fullPage: true }).catch(() => {});
    console.error(`--- vigil server log ---\n${srv.logs()}`);
    throw err;
  } finally {
    await browser.close().catch(() => {});
    await srv.stop();
  }
});

// --- Botnet lists page (#/intel) against the real /api/v1/intel and /api/v1/findings endpoints.
test('web console: botnet lists page (import a Vietnamese list, refusal, findings, phone layout)', { timeout: 180_000 }, async (t) => {
  if (!fs.existsSync(CHROMIUM)) {
    t.skip(`Chromium not found at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH): botnet lists e2e test NOT run`);
    return;
  }
  const bin = resolveBinary();
  assert.ok(fs.existsSync(bin), `vigil binary missing at ${bin}: build the server first (or set VIGIL_BIN)`);
  assert.ok(fs.existsSync(path.join(DIST, 'index.html')), `web console not built: ${DIST}/index.html missing (run \`npm ci && npm run build\` in web/)`);
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (e) {
    assert.fail(`playwright-core not installed (run \`npm ci\` in web/): ${e.message}`);
  }
  const { login, api, freePort } = await import('../../tests/lib/server.mjs');
  const { eventually, octet, rfc5424, sendTcp } = await import('../../tests/lib/monitoring.mjs');

  // A syslog listener: a firewall of the unit reports a connection to a listed address.
  const tcpPort = await freePort();
  const srv = await startServer({ webRoot: DIST, extraArgs: ['--syslog-tcp', `127.0.0.1:${tcpPort}`] });
  let browser;
  let page;
  try {
    const { token } = await login(srv.url, srv.admin.username, srv.admin.password);
    // An organisation whose public range holds the listed address.
    const suffix = Date.now().toString(36).slice(-5).toUpperCase();
    const orgName = `UBND xã Thử nghiệm Botnet ${suffix}`;
    const org = await api(srv.url, token, 'POST', '/orgs', { name: orgName, code: `BN${suffix}`, kind: 'commune', public_ranges: ['203.0.113.0/28'] });
    assert.equal(org.status, 201, `creating the organisation: ${org.text}`);
    const orgId = org.json.id;
    const fwHost = `fw-botnet-${suffix.toLowerCase()}`;
    const fw = await api(srv.url, token, 'POST', '/assets', { hostname: fwHost, org_id: orgId, role: 'network_device', ips: ['10.99.0.1'] });
    assert.equal(fw.status, 201, `creating the firewall asset: ${fw.text}`);
    await new Promise((r) => setTimeout(r, 1000)); // the host directory is refreshed right after the change
    await sendTcp(tcpPort, octet(rfc5424(fwHost, 'fortigate', 'type="traffic" srcip=10.99.0.20 srcport=5555 dstip=198.51.100.23 dstport=8080 action="close"')));
    await eventually(async () => (await api(srv.url, token, 'GET', `/events?host=${fwHost}`)).json?.items?.length === 1, 'the firewall event');

    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const shot = (pg, name, opts = {}) => pg.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), ...opts });
    const problems = [];
    const watch = (pg) => {
      pg.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
      pg.on('console', (msg) => {
        if (msg.type() === 'error' && /Content Security Policy|Refused to/i.test(msg.text())) problems.push(`console: ${msg.text()}`);
      });
    };

    // The national list as received: a title row, Vietnamese headers, local times of today.
    const d = new Date();
    const today = `${String(d.getDate()).padStart(2, '0')}/${String(d.getMonth() + 1).padStart(2, '0')}/${d.getFullYear()}`;
    const goodCsv = [
      'Danh sách IP mạng botnet',
      'STT,Địa chỉ IP,Thời gian,Tên mạng botnet,Cổng,IP đích,Cổng đích,Nhà mạng',
      `1,203.0.113.5,${today} 08:15:00,Mirai,40001,198.51.100.7,443,VNPT`,
      `2,198.51.100.23,${today} 09:00:00,Emotet,51000,198.51.100.8,8080,Viettel`,
      '',
    ].join('\r\n');
    const badCsv = goodCsv.replace('198.51.100.23', '198.51.100.999');

    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'vi-VN', reducedMotion: 'reduce' });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    watch(page);
    await page.goto(srv.url);
    await page.getByLabel('Tên đăng nhập').fill(srv.admin.username);
    await page.getByLabel('Mật khẩu').fill(srv.admin.password);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByRole('heading', { level: 1, name: 'Tổng quan' }).waitFor();

    await page.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link', { name: 'Danh sách botnet' }).click();
    await page.getByRole('heading', { level: 1, name: 'Danh sách botnet' }).waitFor();
    assert.match(page.url(), /#\/intel$/);
    if (await page.locator('#intel-org').count()) await page.locator('#intel-org').selectOption(String(orgId));

    // Strict import of a list with a bad address: refused, the line and column named, nothing stored.
    await page.locator('#intel-file').setInputFiles({ name: `botnet-loi-${suffix}.csv`, mimeType: 'text/csv', buffer: Buffer.from(badCsv, 'utf8') });
    assert.equal(await page.getByLabel('Tên danh sách').inputValue(), `botnet-loi-${suffix}`);
    assert.equal(await page.getByRole('checkbox', { name: /Chặt chẽ/ }).isChecked(), true);
    await page.getByRole('button', { name: 'Nhập và đối chiếu' }).click();
    const refused = page.locator('.intel-refused');
    await refused.waitFor();
    assert.match(await refused.innerText(), /không có gì được lưu/);
    assert.match(await refused.innerText(), /Dòng \d+/);
    await shot(page, '11-intel-refused');

    // The good list: summary, then the immediate answer for the unit's addresses.
    const listName = `Botnet tháng ${d.getMonth() + 1} ${suffix}`;
    await page.locator('#intel-file').setInputFiles({ name: `botnet-${suffix}.csv`, mimeType: 'text/csv', buffer: Buffer.from(goodCsv, 'utf8') });
    await page.getByLabel('Tên danh sách').fill(listName);
    await page.getByRole('button', { name: 'Nhập và đối chiếu' }).click();
    const summary = page.locator('.intel-summary');
    await summary.waitFor();
    assert.match(await summary.innerText(), new RegExp(`Đã nhập danh sách “${listName}”: \\d+ mục hợp lệ`));
    const answer = page.locator('.intel-answer');
    await answer.waitFor();
    const answerText = await answer.innerText();
    assert.match(answerText, /địa chỉ của đơn vị có trong danh sách|Không có địa chỉ nào của đơn vị/);
    await page.locator('section', { has: page.locator('#intel-lists-h') }).locator('tbody tr', { hasText: listName }).waitFor();
    await shot(page, '12-intel-imported', { fullPage: true });

    // The new organisation's range 203.0.113.0/28 holds the listed 203.0.113.5: one finding.
    assert.match(answerText, /1 địa chỉ của đơn vị có trong danh sách/);
    // Recent connections: the firewall's event holds the listed 198.51.100.23, with a link to it.
    const conn = page.locator('.intel-connections');
    assert.match(await conn.locator('.intel-conn-answer').innerText(), /1 kết nối tới địa chỉ trong danh sách trong 7 ngày qua/);
    const connRow = conn.locator('tbody tr', { hasText: '198.51.100.23' });
    assert.match(await connRow.innerText(), new RegExp(`Emotet[\\s\\S]*${fwHost}`));
    assert.match(await connRow.getByRole('link', { name: fwHost }).getAttribute('href'), new RegExp(`^#/assets/${fw.json.id}$`));
    await shot(page, '12b-intel-connections', { fullPage: true });

    // The finding is in the list of open findings; mark it cleaned with a note.
    assert.match(await page.locator('.intel-result tbody').first().innerText(), /203\.0\.113\.5/);
    const row = page.locator('.findings-table tbody tr', { hasText: '203.0.113.5' }).first();
    await row.waitFor();
    await row.getByRole('button', { name: 'Đã xử lý' }).click();
    await page.locator('.status-form textarea').fill('Đã cài lại máy, đổi mật khẩu');
    await shot(page, '13-intel-finding-note');
    await page.getByRole('button', { name: 'Xác nhận: Đã xử lý' }).click();
    // A range finding names our range (203.0.113.0/28), not the listed address.
    await page.locator('.toast', { hasText: /Đã xử lý/ }).waitFor();
    // Cleaned findings leave the default view (open ones only).
    await page.locator('.findings-table tbody tr', { hasText: '203.0.113.5' }).waitFor({ state: 'detached' });

    // The same check later, from the list's row; then its event link opens the event search on it.
    const listRow = page.locator('.lists-table tbody tr', { hasText: listName });
    await listRow.getByRole('button', { name: 'Kiểm tra kết nối' }).click();
    const panel = page.getByRole('region', { name: `Kết nối gần đây của danh sách “${listName}”` });
    await panel.locator('tbody tr', { hasText: '198.51.100.23' }).waitFor();
    await panel.locator('tbody tr', { hasText: '198.51.100.23' }).getByRole('link', { name: /^Sự kiện #\d+$/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Tra cứu sự kiện' }).waitFor();
    await page.locator('.events-table tr.detail-row').waitFor();
    assert.match(await page.locator('.events-table').innerText(), /198\.51\.100\.23/);
    await page.goBack();
    await page.getByRole('heading', { level: 1, name: 'Danh sách botnet' }).waitFor();

    // NAT attribution from the logs the server stored: no file, `source=events`.
    await page.getByRole('radio', { name: 'Nhật ký đã thu thập trên máy chủ' }).check();
    assert.equal(await page.locator('#intel-attr-file').count(), 0);
    const attrReq = page.waitForRequest((r) => r.method() === 'POST' && /\/attribute\?/.test(r.url()));
    await page.getByRole('button', { name: 'Truy máy nội bộ' }).click();
    assert.match((await attrReq).url(), /source=events/);
    const attr = page.locator('section', { has: page.locator('#intel-attr-h') });
    await attr.locator('.intel-result').waitFor();
    assert.match(await attr.locator('.stats').innerText(), /Sự kiện đã đọc/);
    await shot(page, '13b-intel-attribution-events', { fullPage: true });

    // Phone width: no horizontal overflow.
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, reducedMotion: 'reduce', storageState: await context.storageState() });
    const p2 = await phone.newPage();
    p2.setDefaultTimeout(15_000);
    watch(p2);
    await p2.goto(`${srv.url}/#/intel`);
    await p2.getByRole('heading', { level: 1, name: 'Danh sách botnet' }).waitFor();
    await p2.locator('section', { has: p2.locator('#intel-lists-h') }).getByText(listName).waitFor();
    assert.ok(await p2.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), 'botnet lists page overflows horizontally at 390 px');
    await shot(p2, '14-phone-intel', { fullPage: true });
    await phone.close();

    assert.deepEqual(problems, [], 'CSP violations or page errors');
    await context.close();
  } catch (err) {
    if (page && !page.isClosed()) await page.screenshot({ path: path.join(ARTIFACTS, 'failure-intel.png'), fullPage: true }).catch(() => {});
    console.error(`--- vigil server log ---\n${srv.logs()}`);
    throw err;
  } finally {
    if (browser) await browser.close().catch(() => {});
    await srv.stop();
  }
});
