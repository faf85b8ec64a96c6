// The real worker entry point's output: every line is pino JSON (the Temporal SDK's own logs
// included), task tokens and bearer tokens are masked, through a whole session at debug level.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { startStack, STAFF, type Stack } from './helpers/stack.js';
import { CHAIN, confirm, startSession } from './helpers/session.js';
import { runEntry, type Proc } from './helpers/processes.js';
import { temporalSdkLogger } from '../observability/temporal-logger.js';
import { createLogger } from '../observability/logger.js';
import { LogCapture } from './helpers/stack.js';
import { readFileSync } from 'node:fs';
import { buildIdOf } from '../worker/deployment.js';

let stack: Stack;
let worker: Proc | undefined;
beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(async () => {
  await worker?.kill();
  await stack?.close();
});

describe('worker logs', () => {
  it('the SDK logs go through pino: JSON lines, task tokens and staff tokens masked', async () => {
    worker = runEntry('worker/main.ts', {
      TEMPORAL_ADDRESS: stack.config.temporal.address,
      TEMPORAL_TASK_QUEUE: stack.config.temporal.taskQueue,
      PAYLOAD_KEYS: inject('payloadKeys'),
      ROLLER_API_BASE_URL: stack.sandboxUrl,
      LLM_PROVIDER: 'offline',
      PLANNER_NOW: '2026-12-01T09:00:00+11:00',
      LOG_LEVEL: 'debug',
    });
    await worker.waitFor(/worker started/, 60_000);
    const s = await startSession(stack, CHAIN);
    const done = await confirm(stack, s.sessionId, s.plan.hash);
    expect(done.json.phase).toBe('completed');
    await worker.kill('SIGTERM');
    const lines = worker.output().split('\n').filter(Boolean);
    const parsed = lines.map((l) => {
      try {
        return JSON.parse(l) as Record<string, unknown>;
      } catch {
        throw new Error(`not a JSON line: ${l}`);
      }
    });
    const sdk = parsed.filter((l) => l.source === 'temporal-sdk');
    // activity lifecycle lines from the SDK carry the task token: masked
    const activityLines = sdk.filter((l) => 'taskToken' in l);
    expect(activityLines.length).toBeGreaterThan(3);
    for (const l of activityLines) expect(l.taskToken).toBe('[REDACTED]');
    expect(sdk.some((l) => /Worker state changed/.test(String(l.msg)))).toBe(true);
    expect(worker.output()).not.toContain(STAFF);
    // the start line names the build: the hash of the same workflow code, bundled by another process
    const started = parsed.find((l) => l.msg === 'worker started');
    expect(started).toMatchObject({ deployment: 'booking-updates', buildId: buildIdOf(readFileSync(inject('workflowBundlePath'), 'utf8')) });
  }, 120_000);

  it('the adapter masks what the SDK hands it, whatever the level', () => {
    const out = new LogCapture();
    const sdk = temporalSdkLogger(createLogger('trace', 'worker', out));
    sdk.warn('Activity failed: Bearer abc.def-ghi for a@b.example', { taskToken: 'CiQ0ZWY=', sdkComponent: 'activity', timestampNanos: 17n });
    sdk.log('ERROR', 'multi\nline', { phone: '+61 412 345 678' });
    const [a, b] = out.lines.map((l) => JSON.parse(l));
    expect(a).toMatchObject({ level: 40, source: 'temporal-sdk', taskToken: '[REDACTED]', sdkComponent: 'activity', timestampNanos: '17', msg: 'Activity failed: Bearer [REDACTED] for [EMAIL]' });
    expect(b).toMatchObject({ level: 50, phone: '[REDACTED]', msg: 'multi\nline' });
  });
});
