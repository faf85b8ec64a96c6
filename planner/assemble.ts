// Draft steps → the Plan shown to the person: titles with before → after in venue local time,
// changes[], risk = highest tier, and a hash a confirmation must name.
import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import type { AtomicAction, Change, Plan, PlanStep, Safety } from '../contracts/types.js';
import { evaluate } from '../catalog/mapping.js';
import type { RollerBooking } from '../activities/booking.js';
import type { DraftStep } from './guard.js';

const RISK_ORDER: Safety[] = ['normal', 'high_risk', 'blocked'];

function display(value: unknown, timezone: string, now?: DateTime): string {
  if (value === undefined || value === null || value === '') return '(empty)';
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) {
    const dt = DateTime.fromISO(value, { setZone: true });
    // weekday and date always; the year too when it is not this year's
    if (dt.isValid) return dt.setZone(timezone).toFormat(now && dt.setZone(timezone).year !== now.setZone(timezone).year ? 'ccc d LLL yyyy HH:mm' : 'ccc d LLL HH:mm');
  }
  return String(value);
}

function humanName(action: AtomicAction): string {
  const words = action.id.replace(/[_.-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * What a confirmation names. It binds the session and the plan version too: a re-plan with the same
 * steps gets a new hash (the old one is void), and no two sessions share one.
 */
export function planHash(binding: { sessionId: string; planVersion: number; bookingVersion: string }, steps: Array<Pick<PlanStep, 'actionId' | 'params'>>): string {
  const { sessionId, planVersion, bookingVersion } = binding;
  const canonical = JSON.stringify({ sessionId, planVersion, bookingVersion, steps: steps.map((s) => [s.actionId, sortKeys(s.params)]) });
  return createHash('sha256').update(canonical).digest('hex').slice(0, 32);
}

function sortKeys(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
}

/**
 * Reversible writes run before irreversible ones (stable otherwise): if a later step fails, what
 * already happened can still be undone. The plan says so in its notes.
 */
export function orderForExecution<T extends { actionId: string }>(drafts: T[], actions: Map<string, AtomicAction>): { ordered: T[]; irreversible: T[] } {
  const reversible = (d: T) => actions.get(d.actionId)?.reversible === true;
  const irreversible = drafts.filter((d) => !reversible(d));
  return { ordered: [...drafts.filter(reversible), ...irreversible], irreversible };
}

export async function assemblePlan(args: {
  sessionId: string;
  planVersion: number;
  summary: string;
  drafts: DraftStep[];
  actions: Map<string, AtomicAction>;
  booking: RollerBooking;
  timezone: string;
  now: DateTime;
}): Promise<Plan> {
  const steps: PlanStep[] = [];
  const { ordered, irreversible } = orderForExecution(args.drafts, args.actions);
  for (const [index, d] of ordered.entries()) {
    const action = args.actions.get(d.actionId)!;
    let raw: unknown = [];
    if (action.changes) {
      try {
        raw = await evaluate(action.changes, { params: d.params, before: args.booking });
      } catch {
        raw = [];
      }
    }
    const list = (Array.isArray(raw) ? raw : raw ? [raw] : []) as Array<Partial<Change>>;
    const changes: Change[] = list
      .filter((c) => c && c.field)
      .map((c) => ({ field: String(c.field), from: display(c.from, args.timezone, args.now), to: display(c.to, args.timezone, args.now) }));
    const title = changes.length
      ? `${humanName(action)}: ${changes.map((c) => `${c.field} ${c.from} → ${c.to}`).join(', ')}`
      : `${humanName(action)}${Object.keys(d.params).length ? ` (${Object.entries(d.params).map(([k, v]) => `${k} ${display(v, args.timezone, args.now)}`).join(', ')})` : ''}`;
    steps.push({
      index,
      actionId: d.actionId,
      title,
      params: d.params,
      safety: action.safety,
      reversible: action.reversible,
      evidence: d.evidence,
      changes,
      idempotent: action.acceptsIdempotencyKey,
      ...(action.api?.title ? { api: action.api.title } : {}),
    });
  }
  const risk = steps.reduce<Safety>((r, s) => (RISK_ORDER.indexOf(s.safety) > RISK_ORDER.indexOf(r) ? s.safety : r), 'normal');
  const hash = planHash({ sessionId: args.sessionId, planVersion: args.planVersion, bookingVersion: args.booking.version }, steps);
  const notes =
    irreversible.length && irreversible.length < steps.length
      ? steps.filter((s) => !s.reversible).map((s) => `"${s.title}" cannot be undone, so it runs last, after the changes that can be.`)
      : [];
  return {
    id: `${args.sessionId}.p${args.planVersion}`,
    version: args.planVersion,
    hash,
    summary: args.summary,
    steps,
    risk,
    bookingVersion: args.booking.version,
    createdAt: args.now.toUTC().toISO()!,
    ...(notes.length ? { notes } : {}),
  };
}
