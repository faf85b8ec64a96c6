// `npm run dev` on a fresh set of ports: the whole stack comes up (gateway /readyz 200, Temporal UI
// answers), and Ctrl-C (SIGINT) stops all of it, the Temporal server included.
import { describe, expect, it } from 'vitest';
import { spawn, execSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { freePort } from '../scripts/ports.js';
import { mcpClient } from './helpers/mcp.js';

const ROOT = new URL('..', import.meta.url).pathname;

async function up(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}

describe('npm run dev', () => {
  it('brings the stack up, prints where it is, and stops it all on SIGINT', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dev-stack-'));
    const [tport, uiport, gport, sport] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/dev.ts')], {
      cwd: ROOT,
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: `127.0.0.1:${tport}`,
        TEMPORAL_UI_PORT: String(uiport),
        TEMPORAL_DEV_DIR: dir,
        GATEWAY_PORT: String(gport),
        SANDBOX_PORT: String(sport),
        ROLLER_API_BASE_URL: `http://127.0.0.1:${sport}`,
        TEMPORAL_TASK_QUEUE: 'dev-stack-test',
        PAYLOAD_KEYS: inject('payloadKeys'),
        CODEC_OPERATOR_TOKEN: 'dev-stack-test',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    let code: number | null | undefined;
    void exited.then((c) => (code = c));
    try {
      const deadline = Date.now() + 150_000;
      while (!out.includes('Ctrl-C stops everything') && code === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
      // On failure, show what the stack printed: it is the only clue on a CI machine.
      expect(out, `npm run dev printed:\n${out}`).toContain(`Gateway      http://127.0.0.1:${gport}`);
      expect(out).toContain(`Temporal UI  http://localhost:${uiport}`);
      // the printed MCP URL serves the tools to the official client
      expect(out).toContain(`MCP          http://127.0.0.1:${gport}/mcp`);
      const mcp = await mcpClient(`http://127.0.0.1:${gport}`);
      expect((await mcp.listTools()).tools.map((t) => t.name)).toContain('update_booking');
      await mcp.close();
      expect(await up(`http://127.0.0.1:${gport}/readyz`)).toBe(true);
      expect(await up(`http://localhost:${uiport}/`)).toBe(true);
      expect(await up(`http://127.0.0.1:${sport}/__sandbox/journal`)).toBe(true);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited, `npm run dev printed:\n${out}`).toBe(0);
    expect(await up(`http://127.0.0.1:${gport}/healthz`)).toBe(false);
    expect(await up(`http://127.0.0.1:${sport}/__sandbox/journal`)).toBe(false);
    expect(await up(`http://localhost:${uiport}/`)).toBe(false);
    const left = execSync(`ps -eo args | grep -F "${dir}" | grep -v grep || true`, { encoding: 'utf8' }).trim();
    expect(left).toBe('');
    rmSync(dir, { recursive: true, force: true });
  }, 200_000);
});
