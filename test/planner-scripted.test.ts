// The planning activity's loop with the `scripted` provider against the real sandbox: each scenario
// is a recorded model conversation; the loop, tools, guard and plan assembly are the real ones.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';
import { loadCatalog, type Catalog } from '../catalog/importer.js';
import { ActionRunner } from '../activities/action-runner.js';
import { createPlanner } from '../planner/factory.js';
import type { PlanningInput, PlanningResult } from '../contracts/types.js';
import { startSandbox, TEST_NOW } from './helpers/stack.js';

const SCRIPT = new URL('./fixtures/llm-script.json', import.meta.url).pathname;
let sb: Awaited<ReturnType<typeof startSandbox>>;
let catalog: Catalog;
let plan: (message: string, bookingId?: string, history?: string[]) => Promise<PlanningResult>;
const heartbeats: unknown[] = [];

beforeAll(async () => {
  sb = await startSandbox();
  catalog = await loadCatalog(new URL('../catalog', import.meta.url).pathname);
  const config = loadConfig({ LLM_PROVIDER: 'scripted', LLM_SCRIPT: SCRIPT, ROLLER_API_BASE_URL: sb.url });
  const planner = createPlanner(config, catalog, new ActionRunner(catalog, sb.url, 5000), undefined, () => TEST_NOW);
  plan = (message, bookingId = 'bk-1001', history = []) => {
    const input: PlanningInput = {
      context: { sessionId: 'sess_test', venueId: 'venue-1', userId: 'user-ana', bookingId },
      conversation: [...history.map((t) => ({ role: 'user' as const, text: t })), { role: 'user', text: message }],
      token: 'tok-staff-venue1',
      planVersion: 1,
    };
    return planner.plan(input, { heartbeat: (d) => heartbeats.push(d) });
  };
});
afterAll(() => sb.close());

function steps(r: PlanningResult) {
  if (r.kind !== 'plan') throw new Error(`expected a plan, got ${r.kind}: ${JSON.stringify(r)}`);
  return r.plan.steps.map((s) => ({ actionId: s.actionId, params: s.params }));
}

describe('scripted planner scenarios', () => {
  it('reschedule alone, with a before → after title in venue local time', async () => {
    const r = await plan('Move it to Saturday 12 December at 3pm');
    expect(steps(r)).toEqual([{ actionId: 'reschedule_booking', params: { newStart: '2026-12-12T15:00:00+11:00' } }]);
    if (r.kind === 'plan') {
      expect(r.plan.steps[0]!.title).toBe('Reschedule booking: start Fri 11 Dec 10:00 → Sat 12 Dec 15:00');
      expect(r.plan.risk).toBe('normal');
      expect(r.plan.bookingVersion).toBe('1');
      expect(r.plan.hash).toMatch(/^[a-f0-9]{32}$/);
    }
  });

  it('guest count alone (relative change checked against the booking)', async () => {
    const r = await plan('add two kids');
    expect(steps(r)).toEqual([{ actionId: 'update_guest_count', params: { itemId: 'it-1001-a', quantity: 8 } }]);
    if (r.kind === 'plan') expect(r.plan.steps[0]!.changes).toEqual([{ field: 'Child tickets', from: '6', to: '8' }]);
  });

  it('contact details alone, the phone normalised to E.164 and the step marked high risk', async () => {
    const r = await plan('change the phone to 0400 999 888');
    expect(steps(r)).toEqual([{ actionId: 'update_contact_details', params: { phone: '+61400999888' } }]);
    if (r.kind === 'plan') expect(r.plan.risk).toBe('high_risk');
  });

  it('a 3-step combined request after a live read', async () => {
    const r = await plan('Move the Nguyen party to Saturday 12 December at 3pm, add two kids and change the email to linh.new@example.com');
    expect(steps(r).map((s) => s.actionId)).toEqual(['reschedule_booking', 'update_guest_count', 'update_contact_details']);
    if (r.kind === 'plan') expect(r.planner).toEqual({ provider: 'scripted', degraded: false, modelCalls: 3 });
  });

  it('"next Saturday" said on a Tuesday is asked, whatever the model resolved it to', async () => {
    const r = await plan('next Saturday at 3pm please');
    expect(r).toMatchObject({ kind: 'clarify' });
    if (r.kind === 'clarify') expect(r.clarification.question).toContain('Saturday 5 December or Saturday 12 December');
  });

  it('the model fixes an invalid argument after the validation error', async () => {
    const r = await plan('make it eight kids');
    expect(steps(r)).toEqual([{ actionId: 'update_guest_count', params: { itemId: 'it-1001-a', quantity: 8 } }]);
    if (r.kind === 'plan') expect(r.planner?.modelCalls).toBe(3);
  });

  it('missing evidence → a question, never a plan', async () => {
    const r = await plan('move it to the afternoon slot');
    expect(r.kind).toBe('clarify');
  });

  it('invented evidence → a question, never a plan', async () => {
    const r = await plan('move it later that day');
    expect(r.kind).toBe('clarify');
  });

  it('a date without a time → "what time?"', async () => {
    const r = await plan('move it to Saturday');
    expect(r).toMatchObject({ kind: 'clarify', clarification: { question: 'What time on Saturday 5 December?', missing: ['newStart'] } });
  });

  it('"add a few more" → asks for the exact number', async () => {
    const r = await plan('add a few more kids');
    expect(r).toMatchObject({ kind: 'clarify', clarification: { missing: ['quantity'] } });
  });

  it('adult and child tickets with "two more guests" → asks which tickets', async () => {
    const r = await plan('add two more guests', 'bk-1002');
    expect(r.kind).toBe('clarify');
    if (r.kind === 'clarify') expect(r.clarification.question).toMatch(/adult \(2 now\) or child \(3 now\)/i);
  });

  it('a blocked action is never offered; the request is refused', async () => {
    const r = await plan('cancel the booking');
    expect(r).toMatchObject({ kind: 'unsupported', reason: 'Cancelling bookings is not possible here; cancel it in ROLLER.' });
  });

  it('a prompt injection inside a booking note has no effect on the plan', async () => {
    // the model reads the booking (whose note says to cancel and email everyone) and plans only what was asked
    const clean = await plan('push it to 3pm on Saturday the 5th', 'bk-1003');
    expect(steps(clean)).toEqual([{ actionId: 'reschedule_booking', params: { newStart: '2026-12-05T15:00:00+11:00' } }]);
    // a model that obeys the note: cancel is not a tool, the email step is not grounded → never a plan with them
    const obeyed = await plan('push it to 4pm on Saturday the 5th', 'bk-1003');
    expect(obeyed.kind).toBe('clarify');
    if (obeyed.kind === 'clarify') expect(obeyed.clarification.missing).toEqual(['resend_confirmation.request']);
  });

  it('a step on another booking than the session\'s is refused', async () => {
    const r = await plan('change the booking for someone else');
    expect(r.kind).toBe('clarify');
    // "the booking for someone else" names another booking: asked before any step is looked at
    if (r.kind === 'clarify') expect(r.clarification.missing.some((m) => m === 'booking' || m === 'bookingId')).toBe(true);
  });

  it('running out of scripted turns is a clear planner failure', async () => {
    await expect(plan('short script')).rejects.toThrow(/ran out of turns/);
  });

  it('resumes from the heartbeat of a crashed attempt instead of starting over', async () => {
    const beats: unknown[] = [];
    const config = loadConfig({ LLM_PROVIDER: 'scripted', LLM_SCRIPT: SCRIPT });
    const planner = createPlanner(config, catalog, new ActionRunner(catalog, sb.url, 5000), undefined, () => TEST_NOW);
    const input: PlanningInput = {
      context: { sessionId: 'sess_resume', venueId: 'venue-1', userId: 'user-ana', bookingId: 'bk-1001' },
      conversation: [{ role: 'user', text: 'Move the Nguyen party to Saturday 12 December at 3pm, add two kids and change the email to linh.new@example.com' }],
      token: 'tok-staff-venue1',
      planVersion: 1,
    };
    await planner.plan(input, { heartbeat: (d) => beats.push(structuredClone(d)) });
    expect(beats).toHaveLength(2);
    // a retried attempt gets the last heartbeat (after 2 model calls, 3 steps drafted) and makes only the 3rd call
    const resumed = await planner.plan(input, { heartbeat: () => {}, resumeFrom: beats[1] });
    expect(resumed.kind).toBe('plan');
    if (resumed.kind === 'plan') {
      expect(resumed.planner?.modelCalls).toBe(3);
      expect(resumed.plan.steps.map((s) => s.actionId)).toEqual(['reschedule_booking', 'update_guest_count', 'update_contact_details']);
    }
  });

  it('heartbeats its loop state after each iteration', () => {
    expect(heartbeats.length).toBeGreaterThan(0);
    expect(heartbeats[0]).toMatchObject({ modelCalls: expect.any(Number), drafts: expect.any(Array), messages: expect.any(Array) });
  });
});
