import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, journal, sandboxBooking, startStack, STAFF, type Stack } from './helpers/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

describe('session: 3-step chain, happy path', () => {
  it('plans, confirms once and completes reschedule + guest count + contact details; each write exactly once', async () => {
    const start = await call(stack.gatewayUrl, 'POST', '/v1/sessions?wait=20', {
      token: STAFF,
      body: { bookingId: 'bk-1001', message: 'Move the Nguyen party to Saturday 12 December at 3pm, add two kids and change the email to linh.new@example.com' },
    });
    expect(start.status).toBe(201);
    expect(start.json.phase).toBe('awaiting_confirmation');
    const plan = start.json.plan;
    expect(plan.steps.map((s: { actionId: string }) => s.actionId)).toEqual(['reschedule_booking', 'update_guest_count', 'update_contact_details']);
    expect(plan.risk).toBe('high_risk');
    expect(plan.steps[0].title).toContain('Fri 11 Dec 10:00 → Sat 12 Dec 15:00');
    expect(plan.steps[1].params.quantity).toBe(8);
    expect(start.json.planner.degraded).toBe(true);

    const confirmed = await call(stack.gatewayUrl, 'POST', `/v1/sessions/${start.json.sessionId}/confirm?wait=20`, { token: STAFF, body: { planHash: plan.hash } });
    expect(confirmed.status).toBe(200);
    expect(confirmed.json.phase).toBe('completed');
    expect(confirmed.json.steps.map((s: { status: string }) => s.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);

    const b = await sandboxBooking(stack.sandboxUrl, 'bk-1001');
    expect(b.items[0].sessionStart).toBe('2026-12-12T04:00:00Z');
    expect(b.items[0].quantity).toBe(8);
    expect(b.holder.email).toBe('linh.new@example.com');

    const writes = (await journal(stack.sandboxUrl)).filter((e) => e.wrote);
    expect(writes.map((w) => w.operationId)).toEqual(['rescheduleBooking', 'updateGuestCount', 'updateContactDetails']);
    expect(new Set(writes.map((w) => w.idempotencyKey)).size).toBe(3);
  });
});
