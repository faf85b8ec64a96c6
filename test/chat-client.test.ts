// The terminal client, driven non-interactively, against the running stack (offline planner).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { sandboxBooking, startStack, type Stack } from './helpers/stack.js';

const ROOT = new URL('..', import.meta.url).pathname;
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

function chat(args: string[], stdinText = ''): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `${ROOT}client/chat.ts`, '--url', stack.gatewayUrl, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.stdin.end(stdinText);
    child.on('exit', (code) => resolve({ code, out }));
  });
}

describe('npm run chat', () => {
  it('completes a full session: question, answer, plan, one confirmation, outcome', async () => {
    const r = await chat(['--booking', 'bk-1001', 'Move the Nguyen party to Saturday 12 December and add two kids'], '3pm\ny\n');
    expect(r.out).toContain('? What time on Saturday 12 December?');
    expect(r.out).toContain('1. Reschedule booking: start Fri 11 Dec 10:00 → Sat 12 Dec 15:00');
    expect(r.out).toContain('2. Update guest count: Child tickets 6 → 8');
    expect(r.out).toContain('Confirm this plan? [y/N] y');
    expect(r.out).toContain('COMPLETED: Done:');
    expect(r.code).toBe(0);
    const b = await sandboxBooking(stack.sandboxUrl, 'bk-1001');
    expect(b.items[0].quantity).toBe(8);
  });

  it('marks high-risk steps, and exits non-zero when the plan is declined', async () => {
    const r = await chat(['--booking', 'bk-1002', '--no', 'change the email to jordan@example.net']);
    expect(r.out).toMatch(/Update contact details: email .* → jordan@example\.net {3}\[HIGH RISK\]/);
    expect(r.out).toContain('DECLINED');
    expect(r.code).toBe(1);
  });
});
