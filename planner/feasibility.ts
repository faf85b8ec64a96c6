// A plan that cannot run is not shown. Before a plan is offered, the new session of every booking
// item is looked up with the catalog's availability read (overlay `role: availability`): it must be
// one of the product's sessions and have the places the plan needs. Otherwise the person is asked,
// with the sessions of that day that would fit — never shown a plan that will only be rolled back.
import { DateTime } from 'luxon';
import type { AtomicAction, SessionContext } from '../contracts/types.js';
import type { Catalog } from '../catalog/importer.js';
import { evaluate } from '../catalog/mapping.js';
import type { ActionRunner } from '../activities/action-runner.js';
import type { RollerBooking } from '../activities/booking.js';
import type { DraftStep, GuardProblem } from './guard.js';

interface Session {
  start: string;
  remaining: number;
}

interface Need {
  item: RollerBooking['items'][number];
  start: DateTime;
  quantity: number;
  /** the item stays in the session it is in now: only the extra places are needed */
  stays: boolean;
}

export interface FeasibilityInput {
  catalog: Catalog;
  runner: ActionRunner;
  context: SessionContext;
  token: string;
  drafts: DraftStep[];
  actions: Map<string, AtomicAction>;
  booking: RollerBooking;
  timezone: string;
}

/** What each booking item would need after the plan: its session and its places. */
function needsOf(input: FeasibilityInput): Need[] {
  const paramOf = (a: AtomicAction, meaning: string) => Object.entries(a.meaning ?? {}).find(([, m]) => m === meaning)?.[0];
  let newStart: DateTime | undefined;
  const quantities = new Map<string, number>();
  for (const d of input.drafts) {
    const a = input.actions.get(d.actionId);
    if (!a) continue;
    const startParam = paramOf(a, 'start');
    if (startParam && typeof d.params[startParam] === 'string') newStart = DateTime.fromISO(d.params[startParam] as string, { setZone: true });
    const q = paramOf(a, 'ticket-quantity');
    const i = paramOf(a, 'ticket-item');
    if (q && typeof d.params[q] === 'number') quantities.set(i ? String(d.params[i]) : (input.booking.items[0]?.itemId ?? ''), d.params[q] as number);
  }
  if (!newStart?.isValid && quantities.size === 0) return [];
  return input.booking.items.map((item) => {
    const current = DateTime.fromISO(item.sessionStart, { setZone: true });
    const start = newStart?.isValid ? newStart : current;
    const quantity = quantities.get(item.itemId) ?? item.quantity;
    const stays = start.toMillis() === current.toMillis();
    return { item, start, quantity: stays ? quantity - item.quantity : quantity, stays };
  }).filter((n) => !n.stays || n.quantity > 0);
}

async function sessionsOf(input: FeasibilityInput, read: AtomicAction, item: Need['item'], date: string): Promise<Session[] | undefined> {
  const mapping = read.availabilityMapping!;
  try {
    const params = (await evaluate(mapping.params, { item, date })) as Record<string, unknown>;
    const res = await input.runner.run(read.id, params, input.context, { token: input.token });
    const sessions = await evaluate(mapping.sessions, { result: res.body });
    const list = Array.isArray(sessions) ? sessions : sessions ? [sessions] : [];
    return list.filter((s): s is Session => typeof s?.start === 'string' && typeof s?.remaining === 'number');
  } catch {
    // availability that cannot be read does not block the plan: the write itself is checked upstream
    return undefined;
  }
}

const hm = (iso: string, zone: string) => DateTime.fromISO(iso, { setZone: true }).setZone(zone).toFormat('h:mma').toLowerCase();

/** A question when a new session does not exist or lacks places; undefined when the plan can run (or cannot be checked). */
export async function sessionProblem(input: FeasibilityInput): Promise<GuardProblem | undefined> {
  const read = input.catalog.availabilitySource();
  if (!read?.availabilityMapping) return undefined;
  const startParam = [...input.actions.values()].flatMap((a) => Object.entries(a.meaning ?? {})).find(([, m]) => m === 'start')?.[0] ?? 'start';
  const qParam = [...input.actions.values()].flatMap((a) => Object.entries(a.meaning ?? {})).find(([, m]) => m === 'ticket-quantity')?.[0] ?? 'quantity';
  for (const need of needsOf(input)) {
    const local = need.start.setZone(input.timezone);
    const sessions = await sessionsOf(input, read, need.item, local.toISODate()!);
    if (!sessions) continue;
    const day = local.toFormat('cccc d LLLL');
    const session = sessions.find((s) => DateTime.fromISO(s.start, { setZone: true }).toMillis() === need.start.toMillis());
    const fitting = sessions.filter((s) => s.remaining >= need.quantity && DateTime.fromISO(s.start, { setZone: true }).toMillis() !== need.start.toMillis());
    const offer = fitting.length ? ` Sessions on ${day} with room: ${fitting.map((s) => `${hm(s.start, input.timezone)} (${s.remaining} places)`).join(', ')}. Which should it be?` : ` No session on ${day} has room for ${need.quantity}. Which day and time should it be instead?`;
    if (!session) {
      const all = sessions.map((s) => hm(s.start, input.timezone)).join(', ');
      return { param: startParam, question: `${need.item.productName} has no session at ${local.toFormat('h:mma').toLowerCase()} on ${day}${all ? ` (sessions start at ${all})` : ''}.${fitting.length ? offer : ' Which time should it be?'}` };
    }
    if (session.remaining < need.quantity) {
      const what = need.stays ? `${need.quantity} more places` : `${need.quantity} places`;
      return { param: need.stays ? qParam : startParam, question: `The ${local.toFormat('h:mma').toLowerCase()} ${need.item.productName} session on ${day} has ${session.remaining} places left, and this needs ${what}.${need.stays ? ' How many guests should the booking have?' : offer}` };
    }
  }
  return undefined;
}
