// Start-up behaviour of the real entry points and temporal-dev.sh.
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { inject } from 'vitest';
import { freePort } from '../scripts/ports.js';
import { runEntry, type Proc } from './helpers/processes.js';

const ROOT = new URL('..', import.meta.url).pathname;
const procs: Proc[] = [];
afterAll(async () => {
  await Promise.all(procs.map((p) => p.kill('SIGKILL')));
});

describe('configuration', () => {
  it('a non-numeric port stops start-up with one clear line naming the variable', async () => {
    const p = runEntry('api/main.ts', { GATEWAY_PORT: 'eighty' });
    procs.push(p);
    expect(await p.exited).toBe(78);
    expect(p.output().trim()).toBe('Invalid configuration: GATEWAY_PORT must be a whole number, got "eighty"');
  });

  it('an unknown planner provider is named too', async () => {
    const p = runEntry('worker/main.ts', { LLM_PROVIDER: 'gpt' });
    procs.push(p);
    expect(await p.exited).toBe(78);
    expect(p.output().trim()).toBe('Invalid configuration: LLM_PROVIDER must be one of google, ollama, scripted, offline, got "gpt"');
  });

  it('production refuses to start without payload keys', async () => {
    const p = runEntry('api/main.ts', { NODE_ENV: 'production', PAYLOAD_KEYS: '' });
    procs.push(p);
    expect(await p.exited).toBe(78);
    expect(p.output()).toMatch(/^Invalid configuration: PAYLOAD_KEYS is required when NODE_ENV=production/);
  });
});

describe('with Temporal down', () => {
  it('the gateway stays up and /readyz answers 503 problem+json', async () => {
    const port = await freePort();
    const dead = await freePort();
    const p = runEntry('api/main.ts', { GATEWAY_PORT: String(port), TEMPORAL_ADDRESS: `127.0.0.1:${dead}`, PAYLOAD_KEYS: inject('payloadKeys') });
    procs.push(p);
    await p.waitFor(/gateway listening/);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(503);
    expect(ready.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(await ready.json()).toMatchObject({ status: 503, code: 'TEMPORAL_UNAVAILABLE' });
    await p.kill();
  });

  it('the worker retries with a clear one-line message and no stack trace', async () => {
    const dead = await freePort();
    const p = runEntry('worker/main.ts', { TEMPORAL_ADDRESS: `127.0.0.1:${dead}`, PAYLOAD_KEYS: inject('payloadKeys') });
    procs.push(p);
    await p.waitFor(/Temporal is not reachable at 127\.0\.0\.1:\d+; retrying in 3s/, 20_000);
    expect(p.output()).not.toMatch(/\n\s+at /);
    await p.kill();
  });
});

describe('temporal-dev.sh', () => {
  it('starts, reports status truthfully, is idempotent, and stops', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tdev-'));
    const env = { ...process.env, TEMPORAL_PORT: String(await freePort()), TEMPORAL_UI_PORT: String(await freePort()), TEMPORAL_DEV_DIR: dir };
    const sh = (arg: string) => spawnSync(join(ROOT, 'temporal-dev.sh'), [arg], { env, encoding: 'utf8' });
    try {
      expect(sh('status').status).toBe(3);
      expect(sh('start').status).toBe(0);
      expect(sh('start').stderr).toMatch(/already running/);
      const st = sh('status');
      expect(st.status).toBe(0);
      expect(st.stdout).toMatch(/^running/);
      const ui = await fetch(`http://localhost:${env.TEMPORAL_UI_PORT}/`);
      expect(ui.status).toBe(200);
      const cli = execFileSync(join(ROOT, 'temporal-dev.sh'), ['cli-path'], { env, encoding: 'utf8' }).trim();
      const sa = execFileSync(cli, ['operator', 'search-attribute', 'list', '--address', `127.0.0.1:${env.TEMPORAL_PORT}`], { encoding: 'utf8' });
      for (const name of ['SessionPhase', 'VenueId', 'BookingId', 'NeedsAttention']) expect(sa).toContain(name);
    } finally {
      expect(sh('stop').status).toBe(0);
      expect(sh('stop').status).toBe(0);
      expect(sh('status').status).toBe(3);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a port another process holds, naming it, instead of starting a server that dies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tdev-busy-'));
    const holder = createServer();
    const port = await freePort();
    await new Promise<void>((r) => holder.listen(port, '127.0.0.1', () => r()));
    const env = { ...process.env, TEMPORAL_PORT: String(port), TEMPORAL_UI_PORT: String(await freePort()), TEMPORAL_DEV_DIR: dir };
    try {
      const r = spawnSync(join(ROOT, 'temporal-dev.sh'), ['start'], { env, encoding: 'utf8' });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`Port ${port} is already in use`);
      expect(spawnSync(join(ROOT, 'temporal-dev.sh'), ['status'], { env }).status).toBe(3);
    } finally {
      holder.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
