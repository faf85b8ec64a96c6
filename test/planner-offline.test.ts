// The offline (rule-based) planner: the same loop, guard and assembly with no model. It handles the
// three core intents, alone or combined, and asks when it cannot tell.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanningResult } from '../contracts/types.js';
import { startSandbox } from './helpers/stack.js';
import { testPlanner } from './helpers/planner.js';

let sb: Awaited<ReturnType<typeof startSandbox>>;
let plan: (messages: string[], bookingId: string) => Promise<PlanningResult>;

beforeAll(async () => {
  sb = await startSandbox();
  const planner = await testPlanner({ LLM_PROVIDER: 'offline' }, sb.url);
  plan = (messages, bookingId) =>
    planner.plan(messages, { sessionId: 'sess_offline', bookingId, venueId: bookingId === 'bk-2001' ? 'venue-2' : 'venue-1', token: bookingId === 'bk-2001' ? 'tok-staff-venue2' : 'tok-staff-venue1' });
});
afterAll(() => sb.close());

type Expect = { plan: Array<[string, Record<string, unknown>]> } | { ask: RegExp } | { refuse: true };
// bk-1001: 6 Child, party, Fri 11 Dec 10:00 Sydney. bk-1002: 2 Adult + 3 Child, jump, Sun 13 Dec 11:00.
// bk-2001: 1 Adult, London. "Now" is Tue 1 Dec 2026 09:00 in Sydney.
const cases: Array<[string, string | string[], Expect]> = [
  ['bk-1001', 'Move the Nguyen party to Saturday 12 December at 3pm', { plan: [['reschedule_booking', { newStart: '2026-12-12T15:00:00+11:00' }]] }],
  // "next Saturday" on a Tuesday may be the 5th or the 12th: a careful person asks
  ['bk-1001', 'reschedule to next Saturday at 3pm', { ask: /Saturday 5 December or Saturday 12 December/ }],
  ['bk-1001', 'can we push it to sat 3pm', { plan: [['reschedule_booking', { newStart: '2026-12-05T15:00:00+11:00' }]] }],
  ['bk-1001', 'move it to tomorrow at 1pm', { plan: [['reschedule_booking', { newStart: '2026-12-02T13:00:00+11:00' }]] }],
  ['bk-1001', 'change the time to 12/12 at 16:00', { plan: [['reschedule_booking', { newStart: '2026-12-12T16:00:00+11:00' }]] }],
  ['bk-1001', 'add two kids', { plan: [['update_guest_count', { itemId: 'it-1001-a', quantity: 8 }]] }],
  ['bk-1001', 'add 3 more children please', { plan: [['update_guest_count', { itemId: 'it-1001-a', quantity: 9 }]] }],
  ['bk-1001', 'make it 10 kids', { plan: [['update_guest_count', { itemId: 'it-1001-a', quantity: 10 }]] }],
  ['bk-1001', 'remove one child', { plan: [['update_guest_count', { itemId: 'it-1001-a', quantity: 5 }]] }],
  ['bk-1001', 'one more kid is coming', { plan: [['update_guest_count', { itemId: 'it-1001-a', quantity: 7 }]] }],
  ['bk-1002', 'add 2 adults', { plan: [['update_guest_count', { itemId: 'it-1002-a', quantity: 4 }]] }],
  ['bk-1002', 'two fewer kids', { plan: [['update_guest_count', { itemId: 'it-1002-b', quantity: 1 }]] }],
  ['bk-1001', 'change the email to linh.n@example.net', { plan: [['update_contact_details', { email: 'linh.n@example.net' }]] }],
  ['bk-1001', 'new phone number 0411 222 333', { plan: [['update_contact_details', { phone: '+61411222333' }]] }],
  ['bk-1001', 'update the name to Linh Tran', { plan: [['update_contact_details', { name: 'Linh Tran' }]] }],
  ['bk-1001', 'email is now a.b@example.com and phone +61 400 111 999', { plan: [['update_contact_details', { email: 'a.b@example.com', phone: '+61400111999' }]] }],
  ['bk-1001', 'move the Nguyen party to Saturday 12 December at 3pm and add two more kids', { plan: [['reschedule_booking', { newStart: '2026-12-12T15:00:00+11:00' }], ['update_guest_count', { itemId: 'it-1001-a', quantity: 8 }]] }],
  ['bk-1001', 'Move to Saturday 12 December at 4pm, add two kids and change the email to linh.new@example.com', { plan: [['reschedule_booking', { newStart: '2026-12-12T16:00:00+11:00' }], ['update_guest_count', { itemId: 'it-1001-a', quantity: 8 }], ['update_contact_details', { email: 'linh.new@example.com' }]] }],
  ['bk-2001', 'move it to Saturday at 10am', { plan: [['reschedule_booking', { newStart: '2026-12-05T10:00:00.000+00:00'.replace('.000', '') }]] }],
  ['bk-1001', ['move it to Saturday 12 December', '3pm'], { plan: [['reschedule_booking', { newStart: '2026-12-12T15:00:00+11:00' }]] }],
  ['bk-1002', ['add two more guests', 'kids'], { plan: [['update_guest_count', { itemId: 'it-1002-b', quantity: 5 }]] }],
  // ambiguous or missing: ask
  ['bk-1001', 'move it to Saturday', { ask: /What time on Saturday 5 December/ }],
  ['bk-1001', 'move it to next week', { ask: /Which day/ }],
  ['bk-1001', 'move it to Saturday at 3', { ask: /3am or 3pm/ }],
  ['bk-1001', 'reschedule it please', { ask: /Which day and time/ }],
  ['bk-1001', 'add a few more kids', { ask: /Exactly how many/ }],
  ['bk-1002', 'add two more guests', { ask: /adult \(2 now\) or child \(3 now\)/i }],
  ['bk-1001', 'update the contact details', { ask: /new contact details/ }],
  ['bk-1001', 'change something on the booking', { ask: /What would you like to change/ }],
  // refused
  ['bk-1001', 'cancel the booking', { refuse: true }],
  ['bk-1001', 'what is the weather like', { refuse: true }],
];

describe('offline planner', () => {
  it.each(cases)('%s: %s', async (bookingId, text, expected) => {
    const r = await plan(Array.isArray(text) ? text : [text], bookingId);
    if ('plan' in expected) {
      expect(r.kind, JSON.stringify(r)).toBe('plan');
      if (r.kind === 'plan') {
        expect(r.plan.steps.map((s) => [s.actionId, s.params])).toEqual(expected.plan);
        expect(r.planner).toMatchObject({ provider: 'offline', degraded: true });
      }
    } else if ('ask' in expected) {
      expect(r.kind, JSON.stringify(r)).toBe('clarify');
      if (r.kind === 'clarify') expect(r.clarification.question).toMatch(expected.ask);
    } else {
      expect(r.kind, JSON.stringify(r)).toBe('unsupported');
    }
  });
});
