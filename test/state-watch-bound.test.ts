// The gateway's long-poll watches are bounded by count, not only by time: past the limit the least
// recently polled session's watch ends and its pollers answer at once with the latest state known.
// Real Temporal (the run's dev server); the sessions are plain executions started with a memo and
// no worker, which is all a watch reads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { SessionState } from '../contracts/types.js';
import { StateWatch, type Payload } from '../api/state-watch.js';

let connection: Connection;
let client: Client;
const started: string[] = [];

beforeAll(async () => {
  connection = await Connection.connect({ address: inject('temporalAddress') });
  client = new Client({ connection });
});
afterAll(async () => {
  await Promise.all(started.map((id) => client.workflow.getHandle(id).terminate('test over').catch(() => undefined)));
  await connection?.close();
});

async function session(): Promise<string> {
  const id = `sess_bound${randomBytes(8).toString('hex')}`;
  const state: SessionState = { sessionId: id, phase: 'planning', steps: [], version: 1, updatedAt: new Date().toISOString(), expiresAt: new Date().toISOString() };
  await client.workflow.start('bookingUpdateSession', { workflowId: id, taskQueue: `no-worker-${randomBytes(4).toString('hex')}`, memo: { sessionState: state } });
  started.push(id);
  return id;
}

/** 'pending' if the promise has not settled within `ms` */
const within = <T>(p: Promise<T>, ms: number) => Promise.race([p, new Promise<'pending'>((r) => setTimeout(() => r('pending'), ms))]);

async function caughtUp(watch: StateWatch, id: string) {
  for (let i = 0; i < 100 && !watch.current(id); i++) await new Promise((r) => setTimeout(r, 100));
  expect(watch.current(id)?.version).toBe(1);
}

describe('state watch linger', () => {
  it('a watch that answered stays current for a while: the next poll reads no history again', async () => {
    const a = await session();
    let reads = 0;
    const watch = new StateWatch(client, connection, async (_id, p: Payload) => (reads++, defaultPayloadConverter.fromPayload<SessionState>(p as never)), () => Promise.reject(new Error('no legacy sessions here')));
    try {
      expect((await watch.waitForChange(a, 0, 10_000))?.version).toBe(1);
      await new Promise((r) => setTimeout(r, 300));
      // its poller is gone, the watch is not
      expect(watch.active).toBe(1);
      expect(watch.current(a)?.version).toBe(1);
      expect(await within(watch.waitForChange(a, 1, 300), 1000)).toMatchObject({ version: 1 });
      expect(reads).toBe(1);
    } finally {
      watch.close();
    }
  });
});

describe('state watch bound', () => {
  it('holds at most its limit of sessions; the least recently polled one answers at once with its latest state', async () => {
    const [a, b, c] = [await session(), await session(), await session()];
    const watch = new StateWatch(client, connection, async (_id, p: Payload) => defaultPayloadConverter.fromPayload<SessionState>(p as never), () => Promise.reject(new Error('no legacy sessions here')), 2);
    try {
      const onA = watch.waitForChange(a, 1, 20_000);
      const onB = watch.waitForChange(b, 1, 20_000);
      await caughtUp(watch, a);
      await caughtUp(watch, b);
      // a is polled again: b is now the least recently polled
      const onA2 = watch.waitForChange(a, 1, 20_000);
      const onC = watch.waitForChange(c, 1, 20_000);
      expect(watch.active).toBe(2);
      const bAnswer = await within(onB, 3000);
      expect(bAnswer).not.toBe('pending');
      expect((bAnswer as SessionState).version).toBe(1);
      expect(watch.current(b)).toBeUndefined();
      // the others keep waiting for a change
      expect(await within(Promise.race([onA, onA2, onC]), 500)).toBe('pending');
      await caughtUp(watch, c);
      expect(watch.active).toBe(2);
    } finally {
      watch.close();
    }
  });
});
