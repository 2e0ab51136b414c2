// End-to-end test of the 24/7 monitoring pages of the web console against a real `vigil serve`
// loaded with the SigmaHQ rules, driven by Debian's Chromium through playwright-core. Run from the
// repository root:  VIGIL_SHARED_DIR=../shared node --test web/e2e/monitoring.test.mjs
//
// With the alert list open (stream "live"), a syslog line over TCP and a Sysmon NDJSON event over
// HTTP each fire a SigmaHQ rule; both alerts must appear without a reload. Then the certutil alert
// is acknowledged and closed as a false positive through its detail page, the sshd event is found
// in the event search, and the alert list is switched to English.
//
// Needs: the vigil binary (build/src/cli/vigil or $VIGIL_BIN), web/dist, web/node_modules,
// the SigmaHQ rules in $VIGIL_SHARED_DIR/data/sigma/rules (default ../shared) and
// /usr/bin/chromium (skipped with a message when missing). Screenshots go to $VIGIL_ARTIFACTS_DIR
// (default <repo>/build/test-artifacts/e2e).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { api, freePort, login, resolveBinary, startServer, REPO_ROOT } from '../../tests/lib/server.mjs';
import { CERTUTIL, CERTUTIL_CMD, SIGMA_RULES, octet, postIngest, rfc5424, sendTcp, sysmonProcess as sysmonObject } from '../../tests/lib/monitoring.mjs';
import { orgIdsByCode } from '../../tests/lib/api_helpers.mjs';

const WEB_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(WEB_DIR, 'dist');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ARTIFACTS = process.env.VIGIL_ARTIFACTS_DIR || path.join(REPO_ROOT, 'build', 'test-artifacts', 'e2e');
const RULES = SIGMA_RULES;
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const SSH_RULE = 'Suspicious OpenSSH Daemon Error';
const CERTUTIL_RULE = 'Suspicious Download Via Certutil.EXE';
const SSH_TEXT = 'error: unexpected internal error';
const CLOSE_REASON = 'Quản trị viên tải bản cập nhật, đã xác minh với đơn vị';

const sysmonProcess = (computer, image, commandLine) => JSON.stringify(sysmonObject(computer, image, commandLine));
const ingest = (url, token, body) => postIngest(url, token, body);

test('web console: live alerts from syslog and NDJSON, acknowledge and close, event search', { timeout: 180_000 }, async (t) => {
  if (!fs.existsSync(CHROMIUM)) {
    t.skip(`Chromium not found at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH): monitoring e2e test NOT run`);
    return;
  }
  const bin = resolveBinary();
  assert.ok(fs.existsSync(bin), `vigil binary missing at ${bin}: build the server first (or set VIGIL_BIN)`);
  assert.ok(fs.existsSync(path.join(DIST, 'index.html')), `web console not built: ${DIST}/index.html missing (run \`npm ci && npm run build\` in web/)`);
  assert.ok(fs.existsSync(RULES), `SigmaHQ rules missing at ${RULES} (set VIGIL_SHARED_DIR)`);
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (e) {
    assert.fail(`playwright-core not installed (run \`npm ci\` in web/): ${e.message}`);
  }

  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const shot = (page, name, opts = {}) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), ...opts });

  const udpPort = await freePort();
  const tcpPort = await freePort();
  const srv = await startServer({
    demo: true,
    webRoot: DIST,
    extraArgs: ['--rules', RULES, '--syslog-udp', `127.0.0.1:${udpPort}`, '--syslog-tcp', `127.0.0.1:${tcpPort}`],
  });
  let browser;
  let page;
  const problems = []; // CSP violations and uncaught page errors
  try {
    // --- as admin through the API: a log source for the NDJSON agent ---
    const admin = await login(srv.url, srv.admin.username, srv.admin.password);
    const org = await orgIdsByCode(srv.url, admin.token);
    assert.ok(org['SX-KHCN'], `demo organisation SX-KHCN missing: ${JSON.stringify(org)}`);
    const source = await api(srv.url, admin.token, 'POST', '/ingest/sources', { name: 'winlogbeat-e2e', org_id: org['SX-KHCN'] });
    assert.equal(source.status, 201, `registering the log source: ${source.text}`);
    const sourceToken = source.json.token;
    assert.match(sourceToken, /^vgi_/);

    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'vi-VN', reducedMotion: 'reduce' });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => {
      const text = msg.text();
      if (msg.type() === 'error' && /Content Security Policy|Refused to/i.test(text)) problems.push(`console: ${text}`);
    });

    // --- sign in (Vietnamese by default), open the alert list, wait for the live stream ---
    await page.goto(srv.url);
    await page.getByLabel('Tên đăng nhập').fill(srv.admin.username);
    await page.getByLabel('Mật khẩu').fill(srv.admin.password);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByRole('heading', { level: 1, name: 'Tổng quan' }).waitFor();
    await page.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link', { name: 'Cảnh báo' }).click();
    await page.waitForURL(/#\/alerts$/);
    await page.getByRole('heading', { level: 1, name: 'Cảnh báo' }).waitFor();
    await page.locator('[data-testid="live-indicator"][data-state="live"]').waitFor();
    // The list has loaded (rows or the empty state) before anything is sent.
    await page.locator('[data-testid="alert-row"], .state-empty').first().waitFor();
    const rowsBefore = await page.locator('[data-testid="alert-row"]').count();
    // Marks the document: a reload would lose the mark.
    await page.evaluate(() => {
      window.__vigilNoReload = true;
    });

    // --- with the page open: syslog over TCP and a Sysmon event over HTTP ---
    await sendTcp(tcpPort, octet(rfc5424('web01', 'sshd', SSH_TEXT)));
    const ing = await ingest(srv.url, sourceToken, sysmonProcess('PC-KT-07', CERTUTIL, CERTUTIL_CMD) + '\n');
    assert.equal(ing.status, 200, `NDJSON ingest: ${ing.text}`);

    // By the rule's exact title: the certutil event also fires "… From Direct IP Via Certutil.EXE".
    const alertRow = (rule) => page.locator('[data-testid="alert-row"]', { has: page.getByRole('link', { name: rule, exact: true }) });
    await alertRow(SSH_RULE).first().waitFor({ timeout: 15_000 });
    await alertRow(CERTUTIL_RULE).first().waitFor({ timeout: 15_000 });
    assert.equal(await page.evaluate(() => window.__vigilNoReload === true), true, 'the page was reloaded');
    // Pushed by the stream (highlighted for 10 s), not brought by a list reload after a reconnection.
    await page.locator('[data-testid="alert-row"].alert-fresh').filter({ hasText: 'web01' }).first().waitFor({ timeout: 2_000 });
    await page.locator('[data-testid="alert-row"].alert-fresh').filter({ hasText: 'PC-KT-07' }).first().waitFor({ timeout: 2_000 });
    assert.equal(await page.getByTestId('live-indicator').getAttribute('data-state'), 'live');
    assert.ok((await page.locator('[data-testid="alert-row"]').count()) >= rowsBefore + 2);
    assert.match(await alertRow(SSH_RULE).first().innerText(), /web01/);
    const certRow = alertRow(CERTUTIL_RULE).first();
    assert.match(await certRow.innerText(), /PC-KT-07/);
    assert.equal(await certRow.getAttribute('data-status'), 'new');
    assert.match(await certRow.innerText(), /Mới/);
    const alertId = Number(await certRow.getAttribute('data-alert-id'));
    assert.ok(alertId > 0, 'data-alert-id');
    await shot(page, 'monitoring-01-alerts-live');

    // --- the certutil alert: raw event, acknowledge, close as a false positive ---
    await certRow.getByRole('link', { name: CERTUTIL_RULE, exact: true }).click();
    await page.waitForURL(new RegExp(`#/alerts/${alertId}$`));
    await page.getByRole('heading', { level: 1, name: CERTUTIL_RULE }).waitFor();
    const event = page.locator('[data-testid="alert-event"]').first();
    await event.waitFor();
    const raw = event.locator('pre.raw-text');
    await raw.waitFor();
    assert.match(await raw.innerText(), /-urlcache -split -f http:\/\/198\.51\.100\.9\/a\.exe/);
    assert.match(await raw.innerText(), /PC-KT-07/);

    const workflow = page.locator('section[aria-labelledby="alert-wf-h"]');
    await workflow.locator('.badge', { hasText: 'Mới' }).waitFor();
    await page.getByTestId('ack-button').click();
    await workflow.locator('.badge', { hasText: 'Đã tiếp nhận' }).waitFor();
    await page.getByTestId('ack-button').waitFor({ state: 'detached' });
    await workflow.getByText('admin', { exact: false }).first().waitFor(); // acknowledged by
    await shot(page, 'monitoring-02-alert-acknowledged', { fullPage: true });

    await page.getByTestId('close-button').click();
    const dialog = page.getByRole('dialog', { name: 'Đóng cảnh báo' });
    await dialog.waitFor();
    await dialog.getByLabel('Lý do đóng').fill(CLOSE_REASON);
    await dialog.getByRole('checkbox', { name: 'Báo nhầm (không phải tấn công)' }).check();
    await shot(page, 'monitoring-03-close-dialog');
    await dialog.getByTestId('close-confirm').click();
    await dialog.waitFor({ state: 'detached' });
    await workflow.locator('.badge', { hasText: 'Đã đóng' }).waitFor();
    await workflow.locator('.badge', { hasText: 'Báo nhầm' }).waitFor();
    await workflow.getByText(CLOSE_REASON).waitFor();
    await page.getByTestId('reopen-button').waitFor();
    assert.equal(await page.getByTestId('close-button').count(), 0);
    await shot(page, 'monitoring-04-alert-closed', { fullPage: true });

    const detail = await api(srv.url, admin.token, 'GET', `/alerts/${alertId}`);
    assert.equal(detail.status, 200, detail.text);
    assert.equal(detail.json.status, 'closed');
    assert.equal(detail.json.false_positive, true);
    assert.equal(detail.json.close_reason, CLOSE_REASON);
    assert.equal(detail.json.acknowledged_by_name, 'admin');

    // --- event search: host web01 shows the sshd line ---
    await page.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link', { name: 'Tra cứu sự kiện' }).click();
    await page.waitForURL(/#\/events/);
    await page.getByRole('heading', { level: 1, name: 'Tra cứu sự kiện' }).waitFor();
    await page.locator('#ev-host').fill('web01');
    await page.getByRole('search').getByRole('button', { name: 'Tìm kiếm', exact: true }).click();
    // The page searched every host on arrival: wait until the filtered results replace those.
    await page.waitForFunction(() => {
      const hosts = [...document.querySelectorAll('[data-testid="event-row"] td[data-label="Máy"]')];
      return hosts.length > 0 && hosts.every((td) => /web01/.test(td.textContent));
    });
    const sshEvent = page.locator('[data-testid="event-row"]', { hasText: SSH_TEXT }).first();
    await sshEvent.waitFor();
    assert.match(await sshEvent.innerText(), /web01/);
    // Only web01's events are listed.
    for (const row of await page.locator('[data-testid="event-row"]').all()) {
      assert.match(await row.locator('td[data-label="Máy"]').innerText(), /web01/);
    }
    await sshEvent.click();
    await page.locator('.detail-row pre.raw-text', { hasText: SSH_TEXT }).waitFor();
    await shot(page, 'monitoring-05-events', { fullPage: true });

    // --- English once: the alert list's heading and the stream state follow ---
    await page.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link', { name: 'Cảnh báo' }).click();
    await page.getByRole('heading', { level: 1, name: 'Cảnh báo' }).waitFor();
    await page.getByRole('button', { name: 'EN', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Alerts' }).waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    assert.equal(await page.getByRole('heading', { level: 1, name: 'Cảnh báo' }).count(), 0);
    await page.locator('[data-testid="live-indicator"][data-state="live"]').waitFor();
    // The closed alert has left the open list; the sshd one is still there.
    await alertRow(SSH_RULE).first().waitFor();
    assert.equal(await page.locator(`[data-testid="alert-row"][data-alert-id="${alertId}"]`).count(), 0);
    await shot(page, 'monitoring-06-alerts-english');
    await page.getByRole('button', { name: 'VI', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Cảnh báo' }).waitFor();

    assert.deepEqual(problems, [], 'CSP violations or page errors');
    await context.close();
  } catch (err) {
    if (page && !page.isClosed()) await shot(page, 'monitoring-failure', { fullPage: true }).catch(() => {});
    console.error(`--- vigil server log ---\n${srv.logs()}`);
    throw err;
  } finally {
    if (browser) await browser.close().catch(() => {});
    await srv.stop();
  }
});
