// When a request names its booking only in words ("the Nguyen party", "NGU-1001"), find it through
// the catalog's search read. Exactly one match or it is a question: the booking is never guessed.
import type { SessionContext } from '../contracts/types.js';
import type { ActionRunner } from '../activities/action-runner.js';
import type { RollerBooking } from '../activities/booking.js';
import { localTime } from '../activities/action-errors.js';

const NOT_NAMES = new Set(
  'move moving reschedule change update add remove make can could please the and for from with into onto their them they this that our party booking family group kids kid children child adults adult guests guest people tickets email phone name number saturday sunday monday tuesday wednesday thursday friday january february march april may june july august september october november december today tomorrow next week morning afternoon evening hello thanks also actually'.split(' '),
);

/** Words of the user's that may identify a booking: references, and names. */
export function bookingHints(text: string): string[] {
  const hints = new Set<string>();
  for (const m of text.matchAll(/\b[A-Za-z]{2,4}-\d{3,}\b/g)) hints.add(m[0].toUpperCase());
  for (const m of text.matchAll(/\b(?:the\s+)?([A-Za-z][A-Za-z'’-]{2,})\s+(?:party|booking|family|group|kids)\b/gi)) if (!NOT_NAMES.has(m[1]!.toLowerCase())) hints.add(m[1]!);
  for (const m of text.matchAll(/(?<![.!?]\s)(?<!^)\b([A-Z][a-z'’-]{2,})\b/g)) if (!NOT_NAMES.has(m[1]!.toLowerCase())) hints.add(m[1]!);
  return [...hints];
}

export type FindResult = { kind: 'found'; booking: RollerBooking } | { kind: 'ambiguous'; question: string } | { kind: 'none'; question: string };

/** `search`: the catalog's `role: search` read and the parameter that takes the words. */
export async function findBooking(runner: ActionRunner, context: SessionContext, token: string, userText: string, search: { action: string; param: string }): Promise<FindResult> {
  const found = new Map<string, RollerBooking>();
  for (const q of bookingHints(userText)) {
    const res = await runner.run(search.action, { [search.param]: q }, context, { token });
    for (const b of ((res.body as { items?: RollerBooking[] }).items ?? []).filter((b) => b.status !== 'cancelled')) found.set(b.bookingId, b);
  }
  const list = [...found.values()];
  if (list.length === 1) return { kind: 'found', booking: list[0]! };
  const ask = 'Which booking is this about? Please give the booking reference or the name it is under.';
  if (list.length === 0) return { kind: 'none', question: ask };
  const options = list.slice(0, 4).map((b) => `${b.reference} (${b.holder.name}, ${b.items[0] ? localTime(b.items[0].sessionStart, b.timezone) : ''})`);
  return { kind: 'ambiguous', question: `Which booking: ${options.join(' or ')}?` };
}
