// An operator in a real browser: `npm run dev` on fresh ports, a session that ends needs_attention,
// then headless Chromium (Debian's, driven by playwright-core) opens that run in the Temporal UI the
// stack started and reads the decoded recovery steps — no token pasted, no proxy, no extra step.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { Client, Connection } from '@temporalio/client';
import { freePort } from '../scripts/ports.js';
import { ensureChromium } from '../scripts/ensure-chromium.js';
import { call, injectFault, STAFF } from './helpers/stack.js';
import { CHAIN } from './helpers/session.js';

const ROOT = new URL('..', import.meta.url).pathname;

/** The text of the page and its frames (the UI may render markdown in a frame), once it matches. */
async function textOf(page: Page, re: RegExp, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const parts = await Promise.all(page.frames().map((f) => f.locator('body').innerText({ timeout: 2000 }).catch(() => '')));
    const text = parts.join('\n');
    if (re.test(text) || Date.now() > deadline) return text;
    await new Promise((r) => setTimeout(r, 500));
  }
}
const browserFound = ensureChromium();
if ('reason' in browserFound) console.warn(`[operator-ui] skipped: ${browserFound.reason}`);

describe.skipIf('reason' in browserFound)('the Temporal UI of npm run dev', () => {
  let dev: ChildProcess | undefined;
  let exited: Promise<number | null> | undefined;
  let out = '';
  let dir = '';
  let browser: Browser | undefined;
  const ports = { temporal: 0, ui: 0, gateway: 0, sandbox: 0 };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'operator-ui-'));
    [ports.temporal, ports.ui, ports.gateway, ports.sandbox] = [await freePort(), await freePort(), await freePort(), await freePort()];
    dev = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/dev.ts')], {
      cwd: ROOT,
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: `127.0.0.1:${ports.temporal}`,
        TEMPORAL_UI_PORT: String(ports.ui),
        TEMPORAL_DEV_DIR: dir,
        GATEWAY_PORT: String(ports.gateway),
        SANDBOX_PORT: String(ports.sandbox),
        ROLLER_API_BASE_URL: `http://127.0.0.1:${ports.sandbox}`,
        TEMPORAL_TASK_QUEUE: 'operator-ui-test',
        PAYLOAD_KEYS: inject('payloadKeys'),
        LLM_PROVIDER: 'offline',
        PLANNER_NOW: '2026-12-01T09:00:00+11:00',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    dev.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    dev.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    exited = new Promise((r) => dev!.once('exit', (c) => r(c)));
    let code: number | null | undefined;
    void exited.then((c) => (code = c));
    const deadline = Date.now() + 150_000;
    while (!out.includes('Ctrl-C stops everything') && code === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    expect(out, `npm run dev printed:\n${out}`).toContain('Ctrl-C stops everything');
    browser = await chromium.launch({ executablePath: (browserFound as { path: string }).path, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    if (dev && dev.exitCode === null) {
      dev.kill('SIGINT');
      await exited;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('shows a needs_attention session decoded: its recovery steps, and no staff token', async () => {
    const gw = `http://127.0.0.1:${ports.gateway}`;
    const sandbox = `http://127.0.0.1:${ports.sandbox}`;
    const s = await call(gw, 'POST', '/v1/sessions?wait=20', { token: STAFF, body: { bookingId: 'bk-1001', message: CHAIN } });
    expect(s.json?.phase, s.text).toBe('awaiting_confirmation');
    await injectFault(sandbox, { operationId: 'updateContactDetails', status: 409, code: 'CONFLICT', times: 1 });
    await injectFault(sandbox, { operationId: 'rescheduleBooking', status: 409, code: 'CONFLICT', skip: 1, times: 10 });
    const done = await call(gw, 'POST', `/v1/sessions/${s.json.sessionId}/confirm?wait=25`, { token: STAFF, body: { planHash: s.json.plan.hash } });
    expect(done.json.phase).toBe('needs_attention');

    const connection = await Connection.connect({ address: `127.0.0.1:${ports.temporal}` });
    // raw describe: this client has no codec (the memo stays encrypted), it only needs the run id
    const raw = await new Client({ connection }).workflowService.describeWorkflowExecution({ namespace: 'default', execution: { workflowId: s.json.sessionId } });
    const runId = raw.workflowExecutionInfo!.execution!.runId!;
    await connection.close();

    const page = await browser!.newPage();
    const codecCalls: Array<{ url: string; status: number }> = [];
    page.on('response', (r) => {
      if (r.url().includes('/codec/')) codecCalls.push({ url: r.url(), status: r.status() });
    });
    try {
      // opened at 127.0.0.1 (not only localhost): both are allowed origins by default
      await page.goto(`http://127.0.0.1:${ports.ui}/namespaces/default/workflows/${s.json.sessionId}/${runId}/history`, { waitUntil: 'domcontentloaded' });
      // the decoded workflow input: the session, with the staff token still sealed
      await page.getByText(/sealed:v1:/).first().waitFor({ timeout: 45_000 });
      expect(await page.locator('body').innerText()).toContain('"bookingId": "bk-1001"');
      // Current Details (User Metadata tab): phase and numbered recovery steps, decoded
      await page.getByText('User Metadata', { exact: true }).first().click();
      const text = await textOf(page, /In ROLLER, booking NGU-1001: set start back to Fri 11 Dec 10:00/, 45_000);
      expect(text).toMatch(/In ROLLER, booking NGU-1001: set start back to Fri 11 Dec 10:00/);
      expect(text).toContain('Recovery steps:');
      expect(text).toMatch(/Phase:\s*needs_attention/);
      expect(text).toContain('Booking update session for bk-1001');
      expect(text).not.toContain(STAFF);
      expect(codecCalls.length).toBeGreaterThan(0);
      expect(codecCalls.filter((c) => c.status !== 200)).toEqual([]);
    } catch (e) {
      await page.screenshot({ path: join(tmpdir(), 'operator-ui-failure.png'), fullPage: true }).catch(() => {});
      throw new Error(`${(e as Error).message}\ncodec calls: ${JSON.stringify(codecCalls.slice(0, 5))}\nscreenshot: ${join(tmpdir(), 'operator-ui-failure.png')}\nstack output:\n${out.slice(-3000)}`, { cause: e });
    } finally {
      await page.close();
    }
  }, 120_000);
});
