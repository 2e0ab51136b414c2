// End-to-end test of the console's agent pages against a real `vigil serve` and the real
// vigil-agent on this machine, driven by Debian's Chromium through playwright-core:
// an officer creates an enrolment token in the console, the host enrols with the command shown,
// its inventory appears, an EICAR file found by the agent is listed as quarantined, and the
// officer asks for it to be restored, which the agent does on its next round.
//
// Needs: the vigil and vigil-agent binaries (build/ or $VIGIL_BIN, $VIGIL_AGENT_BIN), web/dist,
// web/node_modules and /usr/bin/chromium (skipped with a message when missing).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveBinary, startServer, REPO_ROOT } from '../../tests/lib/server.mjs';

const WEB_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(WEB_DIR, 'dist');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const AGENT = process.env.VIGIL_AGENT_BIN ?? path.join(REPO_ROOT, 'build', 'src', 'agent', 'vigil-agent');
const ARTIFACTS = process.env.VIGIL_ARTIFACTS_DIR || path.join(REPO_ROOT, 'build', 'test-artifacts', 'e2e');
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync'];
const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$' + 'EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';

test('web console: enrol a host, see its inventory, restore a quarantined file', { timeout: 180_000 }, async (t) => {
  if (!fs.existsSync(CHROMIUM)) {
    t.skip(`Chromium not found at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH): agents e2e test NOT run`);
    return;
  }
  assert.ok(fs.existsSync(resolveBinary()), 'vigil binary missing: build the server first (or set VIGIL_BIN)');
  assert.ok(fs.existsSync(AGENT), `vigil-agent missing at ${AGENT}: build it first (or set VIGIL_AGENT_BIN)`);
  assert.ok(fs.existsSync(path.join(DIST, 'index.html')), `web console not built: ${DIST}/index.html missing`);
  const { chromium } = await import('playwright-core');
  fs.mkdirSync(ARTIFACTS, { recursive: true });

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-agent-e2e-'));
  const home = path.join(work, 'home');
  const agent = (...args) => spawnSync(AGENT, ['--home', home, ...args], { encoding: 'utf8', timeout: 120_000 });
  const srv = await startServer({ demo: true, webRoot: DIST });
  let browser;
  let page;
  const problems = [];
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'vi-VN', reducedMotion: 'reduce' });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    const nav = () => page.getByRole('navigation', { name: 'Điều hướng chính' });

    await page.goto(srv.url);
    await page.getByLabel('Tên đăng nhập').fill(srv.admin.username);
    await page.getByLabel('Mật khẩu').fill(srv.admin.password);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByRole('heading', { level: 1, name: 'Tổng quan' }).waitFor();

    // --- a one-time token, and the command to run on the host ---
    await nav().getByRole('link', { name: 'Máy trạm & máy chủ (agent)' }).click();
    await page.waitForURL(/#\/agents$/);
    await page.getByRole('button', { name: /Thêm máy/ }).click();
    await page.getByRole('button', { name: 'Tạo mã đăng ký' }).click();
    const command = await page.getByTestId('enroll-command').innerText();
    const token = /--token (\S+)/.exec(command)?.[1];
    assert.ok(token?.startsWith('vge_'), `no token in "${command}"`);
    assert.ok(command.includes(`--server ${srv.url}`), command);

    // --- the host: enrol, report, find the EICAR file ---
    const enrolled = agent('enroll', '--server', srv.url, '--token', token);
    assert.equal(enrolled.status, 0, enrolled.stderr);
    assert.equal(agent('run', '--once').status, 0);
    const dir = path.join(work, 'samples');
    fs.mkdirSync(dir);
    const sample = path.join(dir, 'eicar.com');
    fs.writeFileSync(sample, EICAR);
    assert.equal(agent('scan', dir).status, 1);
    assert.equal(fs.existsSync(sample), false);

    // --- the agent, its inventory ---
    await page.reload();
    const row = page.locator('[data-testid="agent-row"]', { hasText: os.hostname() });
    await row.first().waitFor();
    await row.first().getByRole('link', { name: os.hostname() }).click();
    await page.waitForURL(/#\/agents\/\d+$/);
    await page.getByRole('heading', { level: 1, name: new RegExp(os.hostname()) }).waitFor();
    await page.getByRole('tab', { name: /Gói phần mềm/ }).click();
    await page.getByText(/bash/).first().waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'agents-01-inventory.png'), fullPage: true });

    // --- the detection, quarantined; restore it ---
    await nav().getByRole('link', { name: 'Mã độc phát hiện & cách ly' }).click();
    await page.waitForURL(/#\/quarantine$/);
    const detection = page.locator('[data-testid="detection-row"]', { hasText: 'eicar.com' });
    await detection.first().waitFor();
    assert.equal(await detection.first().getAttribute('data-status'), 'quarantined');
    await detection.first().getByRole('button', { name: /Khôi phục/ }).click();
    await page.getByText(/chờ agent|agent thực hiện/i).first().waitFor();
    assert.equal(agent('run', '--once').status, 0);
    assert.equal(fs.readFileSync(sample, 'utf8'), EICAR);
    await page.reload();
    await page.locator('[data-testid="detection-row"][data-status="restored"]', { hasText: 'eicar.com' }).first().waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'agents-02-quarantine.png'), fullPage: true });

    assert.deepEqual(problems, [], 'page errors');
    await context.close();
  } catch (err) {
    if (page && !page.isClosed()) await page.screenshot({ path: path.join(ARTIFACTS, 'agents-failure.png'), fullPage: true }).catch(() => {});
    console.error(`--- vigil server log ---\n${srv.logs()}`);
    throw err;
  } finally {
    if (browser) await browser.close().catch(() => {});
    await srv.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
});
