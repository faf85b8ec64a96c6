// Status reads cost the session nothing: long-polls write no history and need no worker, one
// upstream wait serves every poller of a session; starts answer without a worker; a retried confirm
// or message gets the first answer; the published memo stays under Temporal's warning size.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, journal, startStack, STAFF, type Stack } from './helpers/stack.js';
import { CHAIN, startSession, waitForPhase } from './helpers/session.js';
import { StateWatch } from '../api/state-watch.js';
import { MAX_MESSAGES_PER_SESSION } from '../workflows/messages.js';
import { Connection } from '@temporalio/client';
import proto from '@temporalio/proto';

const { temporal } = proto;

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ env: { RATE_LIMIT_PER_MINUTE: '100000' } });
});
afterAll(async () => {
  await stack?.close();
});

const historyOf = async (id: string) => (await stack.client.workflow.getHandle(id).fetchHistory()).events ?? [];
/** the memo's size as Temporal counts it (the serialized Memo message) */
const memoSize = async (id: string) => {
  const d = await stack.client.workflowService.describeWorkflowExecution({ namespace: 'default', execution: { workflowId: id } });
  return temporal.api.common.v1.Memo.encode(d.workflowExecutionInfo?.memo ?? {}).finish().length;
};
const get = (id: string, headers: Record<string, string> = {}, wait = '') => call(stack.gatewayUrl, 'GET', `/v1/sessions/${id}${wait ? `?wait=${wait}` : ''}`, { token: STAFF, headers });

describe('long-polls', () => {
  it('30 pollers holding on a session add no history events and get 304 when nothing changed', async () => {
    const s = await startSession(stack, CHAIN);
    expect(s.phase).toBe('awaiting_confirmation');
    const before = await historyOf(s.sessionId);
    const etag = `"v${s.version}"`;
    const answers = await Promise.all(Array.from({ length: 30 }, () => get(s.sessionId, { 'if-none-match': etag }, '1.5')));
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 304));
    const after = await historyOf(s.sessionId);
    expect(after.length).toBe(before.length);
  });

  it('pollers waiting on a session all see the change, and the change is the only thing written', async () => {
    const s = await startSession(stack, CHAIN);
    const before = await historyOf(s.sessionId);
    const etag = `"v${s.version}"`;
    const pollers = Array.from({ length: 30 }, () => get(s.sessionId, { 'if-none-match': etag }, '20'));
    await new Promise((r) => setTimeout(r, 500));
    const declined = await call(stack.gatewayUrl, 'POST', `/v1/sessions/${s.sessionId}/decline`, { token: STAFF });
    expect(declined.status).toBe(200);
    const answers = await Promise.all(pollers);
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    expect(new Set(answers.map((a) => a.json.phase))).toEqual(new Set(['declined']));
    const after = await historyOf(s.sessionId);
    // no update other than the decline reached the session
    const updates = after.slice(before.length).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes);
    expect(updates.map((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name)).toEqual(['decline']);
    expect(after.some((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'waitForChange')).toBe(false);
  });

  it('one upstream wait per session serves all of its pollers', async () => {
    const s = await startSession(stack, CHAIN);
    const connection = await Connection.connect({ address: stack.config.temporal.address });
    let reads = 0;
    const watch = new StateWatch(
      stack.client,
      connection,
      async () => {
        reads += 1;
        return { ...s, version: s.version };
      },
      async () => s,
    );
    try {
      const waits = Array.from({ length: 50 }, () => watch.waitForChange(s.sessionId, s.version, 1000).catch(() => undefined));
      expect(watch.active).toBe(1);
      await Promise.all(waits);
      // one history read served all 50
      expect(reads).toBe(1);
    } finally {
      watch.close();
      await connection.close();
    }
  });
});

describe('state watch', () => {
  it('a memo whose details cannot be read yet (worker busy) is read again, not skipped', async () => {
    const s = await startSession(stack, CHAIN);
    const connection = await Connection.connect({ address: stack.config.temporal.address });
    let reads = 0;
    const watch = new StateWatch(
      stack.client,
      connection,
      async () => {
        reads += 1;
        if (reads === 1) throw new Error('query timed out');
        return { ...s, version: s.version + 1 };
      },
      async () => s,
    );
    try {
      const got = await watch.waitForChange(s.sessionId, s.version, 10_000);
      expect(got?.version).toBe(s.version + 1);
      expect(reads).toBe(2);
    } finally {
      watch.close();
      await connection.close();
    }
  });
});

describe('history', () => {
  it('a 3-step session polled every second from start to end stays within 60 history events', async () => {
    const t = await call(stack.gatewayUrl, 'POST', '/v1/sessions', { token: STAFF, body: { bookingId: 'bk-1002', message: 'Move it to Saturday 19 December at 3pm, add 2 adults and change the email to jordan.new@example.com' } });
    const id = t.json.sessionId;
    let polling = true;
    let polls = 0;
    const poller = (async () => {
      let etag = `"v${t.json.version}"`;
      while (polling) {
        const r = await get(id, { 'if-none-match': etag }, '1');
        polls += 1;
        if (r.status === 200) etag = r.headers.get('etag')!;
      }
    })();
    const plan = await waitForPhase(stack, id, ['awaiting_confirmation', 'awaiting_clarification', 'failed']);
    expect(plan.phase, JSON.stringify(plan.clarification ?? plan.outcome)).toBe('awaiting_confirmation');
    expect(plan.plan.steps.length).toBe(3);
    await call(stack.gatewayUrl, 'POST', `/v1/sessions/${id}/confirm`, { token: STAFF, body: { planHash: plan.plan.hash } });
    const end = await waitForPhase(stack, id, ['completed', 'rolled_back', 'needs_attention', 'failed']);
    polling = false;
    await poller;
    expect(end.phase).toBe('completed');
    const events = await historyOf(id);
    console.log(`history events: ${events.length} (${polls} polls)`);
    expect(events.length).toBeLessThanOrEqual(60);
  });
});

describe('starts', () => {
  it('answer at once with the session id while no worker runs; a wait that runs out is its current state', async () => {
    await stack.stopWorker();
    try {
      const t = await call(stack.gatewayUrl, 'POST', '/v1/sessions', { token: STAFF, body: { bookingId: 'bk-1001', message: CHAIN } });
      expect(t.status).toBe(201);
      expect(t.json.phase).toBe('planning');
      expect(t.headers.get('location')).toBe(`/v1/sessions/${t.json.sessionId}`);
      const w = await call(stack.gatewayUrl, 'POST', '/v1/sessions?wait=1', { token: STAFF, body: { bookingId: 'bk-1001', message: CHAIN } });
      expect(w.status).toBe(201);
      expect(w.json.phase).toBe('planning');
      const g = await get(t.json.sessionId, { 'if-none-match': `"v${t.json.version}"` }, '1');
      expect(g.status).toBe(304);
      const plain = await get(t.json.sessionId);
      expect(plain.status).toBe(200);
      expect(plain.json.phase).toBe('planning');
      expect(plain.json).not.toHaveProperty('owner');
    } finally {
      await stack.startWorker();
    }
    // the worker picks the session up; a poller sees the plan
    const later = await call(stack.gatewayUrl, 'POST', '/v1/sessions?wait=20', { token: STAFF, body: { bookingId: 'bk-1001', message: CHAIN } });
    expect(later.json.phase).toBe('awaiting_confirmation');
  });
});

describe('per-session limits', () => {
  it(`a session takes ${MAX_MESSAGES_PER_SESSION} follow-up messages, then answers 409 TOO_MANY_MESSAGES`, async () => {
    const s = await startSession(stack, 'Move it to Saturday 12 December', 'bk-1004');
    expect(s.phase).toBe('awaiting_clarification');
    let taken = 0;
    for (;;) {
      const r = await call(stack.gatewayUrl, 'POST', `/v1/sessions/${s.sessionId}/messages?wait=20`, { token: STAFF, body: { message: taken % 2 ? 'at 4pm' : 'at 3pm' } });
      if (r.status !== 200) {
        expect(r.status).toBe(409);
        expect(r.json.code).toBe('TOO_MANY_MESSAGES');
        break;
      }
      expect(r.json.phase).not.toBe('planning');
      taken += 1;
      expect(taken).toBeLessThanOrEqual(MAX_MESSAGES_PER_SESSION);
    }
    expect(taken).toBe(MAX_MESSAGES_PER_SESSION);
  });
});

describe('idempotent confirm and message', () => {
  it('a retried confirm returns the original result instead of 409, and writes once', async () => {
    const s = await startSession(stack, CHAIN, 'bk-1001', STAFF);
    expect(s.phase).toBe('awaiting_confirmation');
    const memo = [await memoSize(s.sessionId)];
    const body = { planHash: s.plan.hash };
    const [a, b] = await Promise.all([
      call(stack.gatewayUrl, 'POST', `/v1/sessions/${s.sessionId}/confirm`, { token: STAFF, body }),
      call(stack.gatewayUrl, 'POST', `/v1/sessions/${s.sessionId}/confirm`, { token: STAFF, body }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    // the second attached to the first: the same result
    expect(b.json).toEqual(a.json);
    const done = await waitForPhase(stack, s.sessionId, ['completed', 'rolled_back', 'failed', 'needs_attention']);
    const again = await call(stack.gatewayUrl, 'POST', `/v1/sessions/${s.sessionId}/confirm?wait=5`, { token: STAFF, body });
    expect(again.status).toBe(200);
    expect(again.json.phase).toBe(done.phase);
    memo.push(await memoSize(s.sessionId));
    // what pollers read stays under Temporal's memo warning size (2 KiB: limit.memoSize.warn)
    expect(Math.max(...memo)).toBeLessThan(2048);
    const writes = (await journal(stack.sandboxUrl)).filter((e) => e.wrote && e.idempotencyKey?.startsWith(s.sessionId));
    expect(writes.length).toBe(s.plan.steps.length);
    // a different (stale) plan hash on the ended session is still refused
    const stale = await call(stack.gatewayUrl, 'POST', `/v1/sessions/${s.sessionId}/confirm`, { token: STAFF, body: { planHash: 'ab'.repeat(16) } });
    expect(stale.status).toBe(409);
  });

  it('a message retried with the same Idempotency-Key is taken once', async () => {
    const s = await startSession(stack, 'Move it to Saturday 12 December', 'bk-1001');
    expect(s.phase).toBe('awaiting_clarification');
    const headers = { 'idempotency-key': `turn-${s.sessionId}` };
    const a = await call(stack.gatewayUrl, 'POST', `/v1/sessions/${s.sessionId}/messages`, { token: STAFF, body: { message: 'at 3pm' }, headers });
    const b = await call(stack.gatewayUrl, 'POST', `/v1/sessions/${s.sessionId}/messages`, { token: STAFF, body: { message: 'at 3pm' }, headers });
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(b.json).toEqual(a.json);
    const history = await historyOf(s.sessionId);
    expect(history.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'message').length).toBe(1);
    const bad = await call(stack.gatewayUrl, 'POST', `/v1/sessions/${s.sessionId}/messages`, { token: STAFF, body: { message: 'at 3pm' }, headers: { 'idempotency-key': 'short' } });
    expect(bad.status).toBe(400);
    expect(bad.json.code).toBe('VALIDATION');
  });
});

