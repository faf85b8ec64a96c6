// When a request names its booking only in words ("the Nguyen party", "NGU-1001"), find it through
// the catalog's search read. Exactly one match or it is a question: the booking is never guessed.
import type { SessionContext } from '../contracts/types.js';
import type { ActionRunner } from '../activities/action-runner.js';
import type { RollerBooking } from '../activities/booking.js';
import { localTime } from '../activities/action-errors.js';
import { loadWordLists } from './reading/vocabulary.js';
import { GENERIC_GUESTS, MONTHS, NUMBER_WORDS, TICKET_FAMILIES, WEEKDAYS } from './reading/lexicon.js';

const NOT_NAMES = new Set(
  'move moving reschedule change update add remove make can could please the and for from with into onto their them they this that our party booking family group kids kid children child adults adult guests guest people tickets email phone name number saturday sunday monday tuesday wednesday thursday friday january february march april may june july august september october november december today tomorrow next week morning afternoon evening hello thanks also actually'.split(' '),
);

/** Words the reading's vocabulary knows (verbs, pronouns, ticket words, …): never a holder's name. */
let vocabulary: Set<string> | undefined;
function knownWord(w: string): boolean {
  if (!vocabulary) {
    const lists = loadWordLists('known-words.yaml');
    vocabulary = new Set([...Object.values(lists).flat().flatMap((e) => e.split(' ')), ...TICKET_FAMILIES.flat(), ...GENERIC_GUESTS, ...WEEKDAYS, ...Object.keys(MONTHS), ...Object.keys(NUMBER_WORDS)]);
  }
  return NOT_NAMES.has(w) || vocabulary.has(w) || /\d/.test(w);
}

/** Words of the user's that may identify a booking: references, then names — runs of words no vocabulary knows ("amy chen's party"). */
export function bookingHints(text: string): string[] {
  const hints = new Set<string>();
  for (const m of text.matchAll(/\b[A-Za-z]{2,4}-\d{3,}\b/g)) hints.add(m[0].toUpperCase());
  const words = [...text.matchAll(/[\p{L}][\p{L}'’-]*/gu)].map((m) => m[0].replace(/['’]s$/i, '').replace(/s['’]$/i, 's'));
  let run: string[] = [];
  const flush = () => {
    // the whole run first ("amy chen"), then its words ("chen"), so a full name can single a booking out
    if (run.length) hints.add(run.join(' '));
    if (run.length > 1) for (const w of run) hints.add(w);
    run = [];
  };
  for (const w of words) {
    if (w.length >= 3 && !knownWord(w.toLowerCase())) run.push(w);
    else flush();
  }
  flush();
  return [...hints];
}

export type FindResult = { kind: 'found'; booking: RollerBooking } | { kind: 'ambiguous'; question: string } | { kind: 'none'; question: string };

/** `search`: the catalog's `role: search` read and the parameter that takes the words. */
export async function findBooking(runner: ActionRunner, context: SessionContext, token: string, userText: string, search: { action: string; param: string }): Promise<FindResult> {
  const found = new Map<string, RollerBooking>();
  for (const q of bookingHints(userText)) {
    const res = await runner.run(search.action, { [search.param]: q }, context, { token });
    const hits = ((res.body as { items?: RollerBooking[] }).items ?? []).filter((b) => b.status !== 'cancelled');
    // a reference or a whole name that singles out one booking decides; single words only add candidates
    if (hits.length === 1 && (q.includes(' ') || q.includes('-'))) return { kind: 'found', booking: hits[0]! };
    for (const b of hits) found.set(b.bookingId, b);
  }
  const list = [...found.values()];
  if (list.length === 1) return { kind: 'found', booking: list[0]! };
  const ask = 'Which booking is this about? Please give the booking reference or the name it is under.';
  if (list.length === 0) return { kind: 'none', question: ask };
  const options = list.slice(0, 4).map((b) => `${b.reference} (${b.holder.name}, ${b.items[0] ? localTime(b.items[0].sessionStart, b.timezone) : ''})`);
  return { kind: 'ambiguous', question: `Which booking: ${options.join(' or ')}?` };
}
