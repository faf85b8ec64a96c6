// The session workflow's paths on a real Temporal server, activities hitting the sandbox.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { call, injectFault, journal, sandboxBooking, startStack, STAFF, type Stack } from './helpers/stack.js';
import { CHAIN, confirm, getState, startSession, waitForPhase } from './helpers/session.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});
beforeEach(async () => {
  await fetch(`${stack.sandboxUrl}/__sandbox/reset`, { method: 'POST' });
});

const comparable = (b: { holder: unknown; items: unknown; notes: unknown; status: unknown }) => ({ holder: b.holder, items: b.items, notes: b.notes, status: b.status });
const OPS = ['rescheduleBooking', 'updateGuestCount', 'updateContactDetails'];

describe('rollback', () => {
  for (const k of [1, 2, 3]) {
    it(`a failure at step ${k} compensates the steps before it and restores the booking field for field`, async () => {
      const original = await sandboxBooking(stack.sandboxUrl, 'bk-1001');
      const s = await startSession(stack, CHAIN);
      expect(s.phase).toBe('awaiting_confirmation');
      await injectFault(stack.sandboxUrl, { operationId: OPS[k - 1], status: 409, code: 'CONFLICT', times: 1 });
      const done = await confirm(stack, s.sessionId, s.plan.hash);
      expect(done.json.phase).toBe('rolled_back');
      expect(done.json.steps.map((x: { status: string }) => x.status)).toEqual(
        [1, 2, 3].map((i) => (i < k ? 'compensated' : i === k ? 'failed' : 'skipped')),
      );
      expect(done.json.outcome.message).toContain(`Step ${k} (`);
      if (k > 1) expect(done.json.outcome.message).toContain('Undone:');
      else expect(done.json.outcome.message).toContain('Nothing had been changed');
      const after = await sandboxBooking(stack.sandboxUrl, 'bk-1001');
      expect(comparable(after)).toEqual(comparable(original));
    });
  }

  it('a compensation that fails too leaves needs_attention with exact recovery steps and the operator marker', async () => {
    const s = await startSession(stack, CHAIN);
    await injectFault(stack.sandboxUrl, { operationId: 'updateContactDetails', status: 409, code: 'CONFLICT', times: 1 });
    // the forward reschedule passes, its undo is refused
    await injectFault(stack.sandboxUrl, { operationId: 'rescheduleBooking', status: 409, code: 'CONFLICT', skip: 1, times: 10 });
    const done = await confirm(stack, s.sessionId, s.plan.hash);
    expect(done.json.phase).toBe('needs_attention');
    expect(done.json.steps.map((x: { status: string }) => x.status)).toEqual(['compensation_failed', 'compensated', 'failed']);
    expect(done.json.outcome.recovery).toHaveLength(1);
    expect(done.json.outcome.recovery[0]).toContain('NGU-1001');
    expect(done.json.outcome.recovery[0]).toContain('set start back to Fri 11 Dec 10:00 (this service changed it to Sat 12 Dec 15:00)');
    const desc = await stack.client.workflow.getHandle(s.sessionId).describe();
    expect(desc.searchAttributes.NeedsAttention).toEqual([true]);
    expect(desc.searchAttributes.SessionPhase).toEqual(['needs_attention']);
  });

  it('stops with BOOKING_CHANGED and writes nothing when someone else changed the booking after planning', async () => {
    const s = await startSession(stack, CHAIN);
    await fetch(`${stack.sandboxUrl}/__sandbox/bookings/bk-1001/touch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    await fetch(`${stack.sandboxUrl}/__sandbox/journal`, { method: 'DELETE' });
    const done = await confirm(stack, s.sessionId, s.plan.hash);
    expect(done.json.phase).toBe('failed');
    expect(done.json.outcome.code).toBe('BOOKING_CHANGED');
    expect((await journal(stack.sandboxUrl)).filter((e) => e.method !== 'GET')).toEqual([]);
  });
});

describe('finding the booking from the request', () => {
  it('"the Nguyen party" with no booking id: found, planned and changed', async () => {
    const r = await call(stack.gatewayUrl, 'POST', '/v1/sessions?wait=20', { token: STAFF, body: { message: 'Move the Nguyen party to Saturday 12 December at 3pm and add two kids' } });
    expect(r.json.phase).toBe('awaiting_confirmation');
    expect(r.json.booking.bookingId).toBe('bk-1001');
    const done = await confirm(stack, r.json.sessionId, r.json.plan.hash);
    expect(done.json.phase).toBe('completed');
    expect((await sandboxBooking(stack.sandboxUrl, 'bk-1001')).items[0].quantity).toBe(8);
    const desc = await stack.client.workflow.getHandle(r.json.sessionId).describe();
    expect(desc.searchAttributes.BookingId).toEqual(['bk-1001']);
  });

  it('no booking named: asks for it, then plans on the one the answer names', async () => {
    const r = await call(stack.gatewayUrl, 'POST', '/v1/sessions?wait=20', { token: STAFF, body: { message: 'move it to Saturday 12 December at 3pm' } });
    expect(r.json.phase).toBe('awaiting_clarification');
    expect(r.json.clarification.missing).toEqual(['booking']);
    const a = await call(stack.gatewayUrl, 'POST', `/v1/sessions/${r.json.sessionId}/messages?wait=20`, { token: STAFF, body: { message: 'it is NGU-1001' } });
    expect(a.json.phase).toBe('awaiting_confirmation');
    expect(a.json.booking.reference).toBe('NGU-1001');
  });

  it('another venue\'s booking is not found by name', async () => {
    const r = await call(stack.gatewayUrl, 'POST', '/v1/sessions?wait=20', { token: STAFF, body: { message: 'move the Other Venue Guest booking to Saturday 12 December at 3pm' } });
    expect(r.json.phase).toBe('awaiting_clarification');
    expect(r.json.booking).toBeUndefined();
  });
});

describe('retries', () => {
  it('transient failures (5xx, 429 with Retry-After) are retried with the same idempotency key; 4xx are not', async () => {
    const s = await startSession(stack, CHAIN);
    await injectFault(stack.sandboxUrl, { operationId: 'rescheduleBooking', status: 503, times: 2 });
    await injectFault(stack.sandboxUrl, { operationId: 'updateGuestCount', status: 429, retryAfter: 2, times: 1 });
    const t0 = Date.now();
    const done = await confirm(stack, s.sessionId, s.plan.hash);
    expect(done.json.phase).toBe('completed');
    const j = (await journal(stack.sandboxUrl)).filter((e) => e.method !== 'GET');
    expect(j.map((e) => `${e.operationId}:${e.status}`)).toEqual([
      'rescheduleBooking:503', 'rescheduleBooking:503', 'rescheduleBooking:200', 'updateGuestCount:429', 'updateGuestCount:200', 'updateContactDetails:200',
    ]);
    expect(new Set(j.filter((e) => e.operationId === 'rescheduleBooking').map((e) => e.idempotencyKey)).size).toBe(1);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2000); // Retry-After honoured
  });

  it('a 4xx is not retried: the step fails at once and the chain rolls back', async () => {
    const s = await startSession(stack, CHAIN);
    await injectFault(stack.sandboxUrl, { operationId: 'updateGuestCount', status: 400, times: 5 });
    const done = await confirm(stack, s.sessionId, s.plan.hash);
    expect(done.json.phase).toBe('rolled_back');
    expect((await journal(stack.sandboxUrl)).filter((e) => e.operationId === 'updateGuestCount' && e.status === 400)).toHaveLength(1);
  });
});

describe('confirmation rules', () => {
  it('rejects a stale hash and a message while executing, each leaving the state as it was; a second confirm gets the first answer', async () => {
    const s = await startSession(stack, CHAIN);
    const stale = await call(stack.gatewayUrl, 'POST', `/v1/sessions/${s.sessionId}/confirm`, { token: STAFF, body: { planHash: 'ab'.repeat(16) } });
    expect(stale.status).toBe(409);
    expect(stale.json.code).toBe('STALE_PLAN');
    expect((await getState(stack, s.sessionId)).version).toBe(s.version);

    await injectFault(stack.sandboxUrl, { operationId: 'updateGuestCount', status: 200, delayMs: 1500 });
    const first = await call(stack.gatewayUrl, 'POST', `/v1/sessions/${s.sessionId}/confirm`, { token: STAFF, body: { planHash: s.plan.hash } });
    expect(first.status).toBe(200);
    expect(first.json.phase).toBe('executing');
    // a second confirm of the same plan is a retry: it attaches to the first and gets its answer
    const again = await call(stack.gatewayUrl, 'POST', `/v1/sessions/${s.sessionId}/confirm`, { token: STAFF, body: { planHash: s.plan.hash } });
    expect(again.status).toBe(200);
    expect(again.json).toEqual(first.json);
    const msg = await call(stack.gatewayUrl, 'POST', `/v1/sessions/${s.sessionId}/messages`, { token: STAFF, body: { message: 'actually make it 4pm' } });
    expect(msg.status).toBe(409);
    expect(msg.json.code).toBe('WRONG_PHASE');
    const end = await waitForPhase(stack, s.sessionId, ['completed']);
    expect(end.phase).toBe('completed');
    expect((await journal(stack.sandboxUrl)).filter((e) => e.wrote)).toHaveLength(3);
  });

  it('declines: nothing written, and a confirm afterwards is rejected', async () => {
    const s = await startSession(stack, CHAIN);
    const d = await call(stack.gatewayUrl, 'POST', `/v1/sessions/${s.sessionId}/decline`, { token: STAFF });
    expect(d.status).toBe(200);
    expect(d.json.phase).toBe('declined');
    const c = await call(stack.gatewayUrl, 'POST', `/v1/sessions/${s.sessionId}/confirm`, { token: STAFF, body: { planHash: s.plan.hash } });
    expect(c.status).toBe(409);
    expect((await journal(stack.sandboxUrl)).filter((e) => e.wrote)).toEqual([]);
  });

  it('clarifies, then plans; a new message re-plans and the old hash can no longer be confirmed', async () => {
    const s = await startSession(stack, 'Move the Nguyen party to Saturday 12 December');
    expect(s.phase).toBe('awaiting_clarification');
    expect(s.clarification.question).toMatch(/What time on Saturday 12 December/);
    expect(s.plan).toBeUndefined();
    const answered = await call(stack.gatewayUrl, 'POST', `/v1/sessions/${s.sessionId}/messages?wait=20`, { token: STAFF, body: { message: '3pm please' } });
    expect(answered.json.phase).toBe('awaiting_confirmation');
    expect(answered.json.plan.steps[0].title).toContain('Sat 12 Dec 15:00');
    const oldHash = answered.json.plan.hash;
    const revised = await call(stack.gatewayUrl, 'POST', `/v1/sessions/${s.sessionId}/messages?wait=20`, { token: STAFF, body: { message: 'actually make it 4pm' } });
    expect(revised.json.phase).toBe('awaiting_confirmation');
    expect(revised.json.plan.steps[0].title).toContain('Sat 12 Dec 16:00');
    expect(revised.json.plan.hash).not.toBe(oldHash);
    const stale = await call(stack.gatewayUrl, 'POST', `/v1/sessions/${s.sessionId}/confirm`, { token: STAFF, body: { planHash: oldHash } });
    expect(stale.status).toBe(409);
    expect(stale.json.code).toBe('STALE_PLAN');
    const done = await confirm(stack, s.sessionId, revised.json.plan.hash);
    expect(done.json.phase).toBe('completed');
    expect((await sandboxBooking(stack.sandboxUrl, 'bk-1001')).items[0].sessionStart).toBe('2026-12-12T05:00:00Z');
  });

  it('reports the step state as it happens, with a version that increases on every change', async () => {
    const s = await startSession(stack, CHAIN);
    await injectFault(stack.sandboxUrl, { operationId: 'updateGuestCount', status: 200, delayMs: 1200 });
    await call(stack.gatewayUrl, 'POST', `/v1/sessions/${s.sessionId}/confirm`, { token: STAFF, body: { planHash: s.plan.hash } });
    const seen: Array<{ v: number; steps: string }> = [];
    let st = await getState(stack, s.sessionId);
    while (!['completed', 'rolled_back', 'failed'].includes(st.phase)) {
      seen.push({ v: st.version, steps: st.steps.map((x: { status: string }) => x.status).join(',') });
      const r = await call(stack.gatewayUrl, 'GET', `/v1/sessions/${s.sessionId}?wait=5`, { token: STAFF, headers: { 'if-none-match': `"v${st.version}"` } });
      if (r.status === 200) {
        expect(r.json.version).toBeGreaterThan(st.version);
        st = r.json;
      }
    }
    expect(seen.map((x) => x.steps)).toContain('succeeded,running,pending');
  });
});

describe('expiry', () => {
  it('expires an idle session with nothing written, its plan\'s steps marked skipped', async () => {
    const short = await startStack({ env: { SESSION_IDLE_TIMEOUT_SECONDS: '2' } });
    try {
      const s = await startSession(short, CHAIN);
      expect(s.phase).toBe('awaiting_confirmation');
      expect(s.expiresAt).toBeDefined();
      const end = await waitForPhase(short, s.sessionId, ['expired'], 20_000);
      expect(end.phase).toBe('expired');
      expect(end.steps.map((x: { status: string }) => x.status)).toEqual(s.plan.steps.map(() => 'skipped'));
      const c = await call(short.gatewayUrl, 'POST', `/v1/sessions/${s.sessionId}/confirm`, { token: STAFF, body: { planHash: s.plan.hash } });
      expect(c.status, c.text).toBe(409);
      expect((await journal(short.sandboxUrl)).filter((e) => e.wrote)).toEqual([]);
    } finally {
      await short.close();
    }
  });
});
