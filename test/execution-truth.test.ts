// Truthful execution over real HTTP and a real Temporal server (issue 14): an undo never overwrites
// someone else's change, whether a step took effect is read back from ROLLER, undos keep retrying
// for a configurable window with visible progress, irreversible steps run last and are named when
// they cannot be undone, upstream Retry-After is capped, recovery is masked, plan hashes are bound
// to their session and plan version. Bounds are shortened through the documented config variables.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { call, injectFault, journal, sandboxBooking, startStack, STAFF, type Stack } from './helpers/stack.js';
import { CHAIN, confirm, getState, startSession, waitForPhase } from './helpers/session.js';

const TERMINAL = ['completed', 'rolled_back', 'needs_attention', 'failed', 'expired', 'declined', 'unsupported'];
const FAST = {
  RATE_LIMIT_PER_MINUTE: '100000',
  ROLLER_API_TIMEOUT_MS: '1000',
  ROLLER_RETRY_AFTER_MAX_SECONDS: '1',
  STEP_TIMEOUT_SECONDS: '5',
  COMPENSATION_MAX_BACKOFF_SECONDS: '1',
  COMPENSATION_RETRY_WINDOW_SECONDS: '120',
};

const comparable = (b: { holder: unknown; items: unknown; notes: unknown; status: unknown }) => ({ holder: b.holder, items: b.items, notes: b.notes, status: b.status });

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`condition not reached in time; last: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const confirmNoWait = (stack: Stack, id: string, hash: string) => call(stack.gatewayUrl, 'POST', `/v1/sessions/${id}/confirm`, { token: STAFF, body: { planHash: hash } });
const statuses = (s: { steps: Array<{ status: string }> }) => s.steps.map((x) => x.status);
const reset = (stack: Stack) => fetch(`${stack.sandboxUrl}/__sandbox/reset`, { method: 'POST' });

describe('truthful rollback (offline planner)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: FAST });
  });
  afterAll(async () => {
    await stack?.close();
  });
  beforeEach(() => reset(stack));

  it('an undo never clobbers: someone else edits the booking during step 3, the undo gets 412, nothing more is written', async () => {
    const s = await startSession(stack, CHAIN);
    // step 3 is held in ROLLER for 0.9 s (under ROLLER_API_TIMEOUT_MS), then refused; meanwhile a colleague edits the booking
    await injectFault(stack.sandboxUrl, { operationId: 'updateContactDetails', status: 409, code: 'CONFLICT', delayMs: 900 });
    await confirmNoWait(stack, s.sessionId, s.plan.hash);
    await until(() => getState(stack, s.sessionId), (st) => st.steps?.[2]?.status === 'running');
    const touched = await (await fetch(`${stack.sandboxUrl}/__sandbox/bookings/bk-1001/touch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ notes: ['Colleague: moved the cake to 3:30'] }) })).json();
    const seenAtTouch = (await journal(stack.sandboxUrl)).length;

    const end = await waitForPhase(stack, s.sessionId, TERMINAL, 30_000);
    expect(end.phase).toBe('needs_attention');
    expect(statuses(end)).toEqual(['compensation_failed', 'compensation_failed', 'failed']);
    expect(end.outcome.recovery).toHaveLength(2);
    expect(end.outcome.recovery[0]).toContain('this service changed Child tickets from 6 to 8 (step 2); someone else has changed the booking since, so it was not undone automatically');
    expect(end.outcome.recovery[1]).toContain('this service changed start from Fri 11 Dec 10:00 to Sat 12 Dec 15:00 (step 1); someone else has changed the booking since');
    expect(end.outcome.message).not.toContain('as it was');

    // the journal after the colleague's edit: the refused step 3 (final: not read back), one undo refused with 412, no write
    const after = (await journal(stack.sandboxUrl)).slice(seenAtTouch);
    expect(after.filter((e) => e.wrote)).toEqual([]);
    expect(after.filter((e) => e.method === 'GET')).toEqual([]);
    expect(after.filter((e) => e.method !== 'GET').map((e) => `${e.operationId}:${e.status}`)).toEqual(['updateContactDetails:409', 'updateGuestCount:412']);
    const b = await sandboxBooking(stack.sandboxUrl, 'bk-1001');
    expect(b.version).toBe(touched.version);
    expect(b.notes).toEqual(['Colleague: moved the cake to 3:30']);
    const desc = await stack.client.workflow.getHandle(s.sessionId).describe();
    expect(desc.searchAttributes.NeedsAttention).toEqual([true]);
  });

  it('two sessions ask for the same guest count: the refused one is neither read back nor undone, the other completes untouched', async () => {
    const a = await startSession(stack, 'add two kids');
    const b = await startSession(stack, 'add two kids');
    // a's write is held in ROLLER for 0.9 s; b is confirmed meanwhile and writes first
    await injectFault(stack.sandboxUrl, { operationId: 'updateGuestCount', status: 200, delayMs: 900, times: 1 });
    await confirmNoWait(stack, a.sessionId, a.plan.hash);
    // the fault is used up once a's request is in ROLLER (held)
    await until(async () => (await (await fetch(`${stack.sandboxUrl}/__sandbox/faults`)).json()).faults, (f: unknown[]) => f.length === 0);
    const bEnd = (await confirm(stack, b.sessionId, b.plan.hash)).json;
    const aEnd = await waitForPhase(stack, a.sessionId, TERMINAL);
    expect(bEnd.phase).toBe('completed');
    expect(aEnd.phase).toBe('rolled_back');
    expect(aEnd.outcome.code).toBe('BOOKING_CHANGED');
    expect(aEnd.outcome.message).toContain('changed by someone else');
    expect(aEnd.outcome.message).toContain('Nothing had been changed.');
    expect(aEnd.outcome.recovery).not.toContain(expect.stringContaining('In ROLLER'));
    const j = await journal(stack.sandboxUrl);
    // b's write, a's refused one (412), and nothing after: no read-back, no undo
    expect(j.filter((e) => e.method !== 'GET').map((e) => `${e.idempotencyKey?.split(':')[0] === a.sessionId ? 'a' : 'b'}:${e.status}`)).toEqual(['b:200', 'a:412']);
    const last412 = j.findIndex((e) => e.status === 412);
    expect(j.slice(last412 + 1)).toEqual([]);
    const booking = await sandboxBooking(stack.sandboxUrl, 'bk-1001');
    expect(booking.items[0].quantity).toBe(8);
    expect(booking.version).toBe('2');
    const desc = await stack.client.workflow.getHandle(a.sessionId).describe();
    expect(desc.searchAttributes.NeedsAttention).toEqual([false]);
  });

  it('a step refused with 503 until its retries ran out is read back as not applied: no undo and no recovery line for it', async () => {
    const original = await sandboxBooking(stack.sandboxUrl, 'bk-1001');
    const s = await startSession(stack, CHAIN);
    await injectFault(stack.sandboxUrl, { operationId: 'updateGuestCount', status: 503, times: 1000 });
    const done = await confirm(stack, s.sessionId, s.plan.hash);
    const end = done.json.phase === 'executing' || done.json.phase === 'compensating' ? await waitForPhase(stack, s.sessionId, TERMINAL) : done.json;
    expect(end.phase).toBe('rolled_back');
    expect(statuses(end)).toEqual(['compensated', 'failed', 'skipped']);
    expect(end.outcome.message).toContain('Undone: Reschedule booking');
    expect(end.outcome.message).not.toMatch(/Undone:.*Child tickets/);
    expect(JSON.stringify(end.outcome.recovery)).not.toContain('Child tickets');
    const j = await journal(stack.sandboxUrl);
    expect(j.filter((e) => e.operationId === 'updateGuestCount').every((e) => e.status === 503 && !e.wrote)).toBe(true);
    expect(j.filter((e) => e.wrote).map((e) => e.operationId)).toEqual(['rescheduleBooking', 'rescheduleBooking']);
    expect(comparable(await sandboxBooking(stack.sandboxUrl, 'bk-1001'))).toEqual(comparable(original));
  });

  it('a step whose answer was lost and whose retries then ran out is read back as applied and undone; undo progress is visible while ROLLER refuses', async () => {
    const original = await sandboxBooking(stack.sandboxUrl, 'bk-1001');
    const s = await startSession(stack, CHAIN);
    // the first guest-count call writes but its answer is lost; every later call gets 503
    await injectFault(stack.sandboxUrl, { operationId: 'updateGuestCount', status: 502, when: 'after', times: 1 });
    await injectFault(stack.sandboxUrl, { operationId: 'updateGuestCount', status: 503, times: 100_000 });
    await confirmNoWait(stack, s.sessionId, s.plan.hash);
    // the undo of step 2 keeps retrying, and says so in the session state
    const retrying = await until(() => getState(stack, s.sessionId), (st) => (st.steps?.[1]?.undo?.attempts ?? 0) >= 2);
    expect(retrying.phase).toBe('compensating');
    expect(retrying.steps[1]).toMatchObject({ status: 'compensating', undo: { lastError: expect.any(String), nextAttemptAt: expect.any(String), giveUpAt: expect.any(String) } });
    await fetch(`${stack.sandboxUrl}/__sandbox/faults`, { method: 'DELETE' });
    const end = await waitForPhase(stack, s.sessionId, TERMINAL);
    expect(end.phase).toBe('rolled_back');
    expect(end.outcome.message).toMatch(/Undone: Update guest count: Child tickets 6 → 8; Reschedule booking/);
    expect(end.outcome.message).toContain('The booking is as it was.');
    const writes = (await journal(stack.sandboxUrl)).filter((e) => e.wrote);
    expect(writes.map((e) => e.operationId)).toEqual(['rescheduleBooking', 'updateGuestCount', 'updateGuestCount', 'rescheduleBooking']);
    expect(new Set(writes.map((e) => e.idempotencyKey)).size).toBe(4);
    expect(comparable(await sandboxBooking(stack.sandboxUrl, 'bk-1001'))).toEqual(comparable(original));
  });

  it('an upstream Retry-After of a day is capped (ROLLER_RETRY_AFTER_MAX_SECONDS): the step is retried and the session completes', async () => {
    const s = await startSession(stack, CHAIN);
    await injectFault(stack.sandboxUrl, { operationId: 'updateGuestCount', status: 429, retryAfter: 86400, times: 1 });
    const done = await confirm(stack, s.sessionId, s.plan.hash);
    const end = TERMINAL.includes(done.json.phase) ? done.json : await waitForPhase(stack, s.sessionId, TERMINAL);
    expect(end.phase).toBe('completed');
    const j = (await journal(stack.sandboxUrl)).filter((e) => e.operationId === 'updateGuestCount');
    expect(j.map((e) => e.status)).toEqual([429, 200]);
  });

  it('ROLLER holding every call of a step past its schedule-to-close: the session leaves executing with an outcome', async () => {
    const s = await startSession(stack, CHAIN);
    // every attempt hangs longer than ROLLER_API_TIMEOUT_MS, and answers 503 with a day-long Retry-After
    await injectFault(stack.sandboxUrl, { operationId: 'updateGuestCount', status: 503, retryAfter: 86400, delayMs: 3000, times: 1000 });
    await confirmNoWait(stack, s.sessionId, s.plan.hash);
    const end = await waitForPhase(stack, s.sessionId, TERMINAL, 40_000);
    expect(end.phase).toBe('rolled_back');
    expect(statuses(end)).toEqual(['compensated', 'failed', 'skipped']);
    expect(end.steps[1].error.code).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('binds the plan hash to the session and the plan version: the same steps in another session or a re-plan give another hash', async () => {
    const a = await startSession(stack, CHAIN);
    const b = await startSession(stack, CHAIN);
    expect(b.plan.steps.map((x: { params: unknown }) => x.params)).toEqual(a.plan.steps.map((x: { params: unknown }) => x.params));
    expect(b.plan.hash).not.toBe(a.plan.hash);
    // the same request again in session a: plan version 2 with the same steps
    const again = await call(stack.gatewayUrl, 'POST', `/v1/sessions/${a.sessionId}/messages?wait=20`, { token: STAFF, body: { message: CHAIN } });
    expect(again.json.plan.version).toBe(2);
    expect(again.json.plan.steps.map((x: { params: unknown }) => x.params)).toEqual(a.plan.steps.map((x: { params: unknown }) => x.params));
    expect(again.json.plan.hash).not.toBe(a.plan.hash);
    const stale = await call(stack.gatewayUrl, 'POST', `/v1/sessions/${a.sessionId}/confirm`, { token: STAFF, body: { planHash: a.plan.hash } });
    expect(stale.status).toBe(409);
    expect(stale.json.code).toBe('STALE_PLAN');
    // another session's hash is not this one's
    const foreign = await call(stack.gatewayUrl, 'POST', `/v1/sessions/${a.sessionId}/confirm`, { token: STAFF, body: { planHash: b.plan.hash } });
    expect(foreign.json.code).toBe('STALE_PLAN');
    await call(stack.gatewayUrl, 'POST', `/v1/sessions/${a.sessionId}/decline`, { token: STAFF });
    await call(stack.gatewayUrl, 'POST', `/v1/sessions/${b.sessionId}/decline`, { token: STAFF });
  });
});

describe('a rollback that cannot finish in its window (COMPENSATION_RETRY_WINDOW_SECONDS=3)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { ...FAST, COMPENSATION_RETRY_WINDOW_SECONDS: '3' } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('a lost answer that cannot be asked about in the window: unverified, nothing undone on a guess, contact details masked', async () => {
    await reset(stack);
    const s = await startSession(stack, CHAIN);
    // step 3 (the email) is written but its answer is lost, then ROLLER refuses every contact call
    await injectFault(stack.sandboxUrl, { operationId: 'updateContactDetails', status: 502, when: 'after', times: 1 });
    await injectFault(stack.sandboxUrl, { operationId: 'updateContactDetails', status: 503, times: 100_000 });
    await confirmNoWait(stack, s.sessionId, s.plan.hash);
    const end = await waitForPhase(stack, s.sessionId, TERMINAL, 40_000);
    expect(end.phase).toBe('needs_attention');
    expect(statuses(end)).toEqual(['compensation_failed', 'compensation_failed', 'failed']);
    const text = JSON.stringify(end.outcome);
    expect(text).not.toMatch(/@/);
    // whether the email change was applied could not be asked (the write sent again got no answer, the version moved)
    expect(end.outcome.recovery[0]).toContain('whether step 3 (Update contact details');
    expect(end.outcome.recovery[0]).toContain('could not be checked (ROLLER could not be reached for 3 s');
    expect(end.outcome.recovery[0]).toContain('If it did, set email back to [EMAIL].');
    expect(end.outcome.recovery[1]).toContain('set Child tickets back to 6 (this service changed it to 8). Not undone automatically, because whether step 3 took effect could not be checked.');
    expect(end.outcome.recovery[2]).toContain('set start back to Fri 11 Dec 10:00');
    expect(end.outcome.message).toContain('Not undone:');
    // the contact change really did happen, and nothing was undone behind the recovery steps' back
    const b = await sandboxBooking(stack.sandboxUrl, 'bk-1001');
    expect(b.holder.email).toBe('linh.new@example.com');
    expect((await journal(stack.sandboxUrl)).filter((e) => e.wrote).map((e) => e.operationId)).toEqual(['rescheduleBooking', 'updateGuestCount', 'updateContactDetails']);
  });
});

describe('irreversible steps (scripted planner)', () => {
  const REQUEST = 'Move it to Saturday 12 December at 3pm, resend the confirmation and add two kids';
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { ...FAST, LLM_PROVIDER: 'scripted', LLM_SCRIPT: new URL('./fixtures/llm-script-execution.json', import.meta.url).pathname } });
  });
  afterAll(async () => {
    await stack?.close();
  });
  beforeEach(() => reset(stack));

  it('the plan runs reversible writes first and the irreversible one last, and says so', async () => {
    const s = await startSession(stack, REQUEST);
    expect(s.phase).toBe('awaiting_confirmation');
    expect(s.plan.steps.map((x: { actionId: string }) => x.actionId)).toEqual(['reschedule_booking', 'update_guest_count', 'resend_confirmation']);
    expect(s.plan.steps.map((x: { index: number }) => x.index)).toEqual([0, 1, 2]);
    expect(s.plan.notes).toEqual(['"Resend confirmation" cannot be undone, so it runs last, after the changes that can be.']);
    const done = await confirm(stack, s.sessionId, s.plan.hash);
    expect(done.json.phase).toBe('completed');
    expect((await journal(stack.sandboxUrl)).filter((e) => e.wrote).map((e) => e.operationId)).toEqual(['rescheduleBooking', 'updateGuestCount', 'resendConfirmation']);
  });

  it('an irreversible step that may have run before the failure is named as what could not be undone', async () => {
    const s = await startSession(stack, REQUEST);
    // ROLLER holds every resend past the step's schedule-to-close; the first one is still sent
    await injectFault(stack.sandboxUrl, { operationId: 'resendConfirmation', status: 200, delayMs: 7000, times: 20 });
    await confirmNoWait(stack, s.sessionId, s.plan.hash);
    const end = await waitForPhase(stack, s.sessionId, TERMINAL, 40_000);
    expect(end.phase).toBe('needs_attention');
    expect(statuses(end)).toEqual(['compensated', 'compensated', 'failed']);
    expect(end.outcome.message).toContain('Undone: Update guest count');
    expect(end.outcome.message).toContain('Not undone: Resend confirmation (cannot be undone; it may have been done)');
    expect(end.outcome.message).not.toContain('as it was');
    expect(end.outcome.recovery).toEqual(['Step 3 (Resend confirmation) may have been done (ROLLER\'s answer never came) and cannot be undone.']);
    // it was: the email went out once
    const sent = await until(() => journal(stack.sandboxUrl), (j) => j.some((e) => e.operationId === 'resendConfirmation' && e.wrote));
    expect(sent.filter((e) => e.operationId === 'resendConfirmation' && e.wrote)).toHaveLength(1);
  });
});
