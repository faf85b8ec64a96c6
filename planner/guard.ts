// "Never assume", enforced by code (docs/design.md §6). The guard reads the conversation itself (the same
// reading the offline planner uses) and derives every critical value of every proposed step from
// the person's words: equal to the proposal → fine; different, ambiguous or not derivable → a
// question. The model's `evidence` is never proof; what it proposes only has to match what was said.
import { DateTime } from 'luxon';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { AtomicAction, ConversationTurn } from '../contracts/types.js';
import type { RollerBooking } from '../activities/booking.js';
import { askedParams, asksFor, countryFor, emptyReading, hasPhrase, readConversation, type Reading } from './reading/index.js';

export interface DraftStep {
  actionId: string;
  params: Record<string, unknown>;
  evidence: Record<string, string>;
}

export interface GuardProblem {
  param: string;
  question: string;
}

export interface GuardInput {
  steps: DraftStep[];
  actions: Map<string, AtomicAction>;
  /** the whole conversation: the user's turns and the service's questions/plans between them */
  conversation: ConversationTurn[];
  booking?: RollerBooking;
  timezone: string;
  /** BCP 47 locale of the venue (date order); derived from the timezone when absent */
  locale?: string;
  now: DateTime;
  sessionBookingId?: string;
}

export function toE164(phone: string, timezone: string, locale?: string): string | undefined {
  const p = parsePhoneNumberFromString(phone, countryFor(locale, timezone) as CountryCode | undefined);
  return p?.isValid() ? p.number : undefined;
}

const fmt = (d: DateTime, now: DateTime) => d.toFormat(d.year === now.year ? 'cccc d LLLL HH:mm' : 'cccc d LLLL yyyy HH:mm');

/** Default request words for an action without `asks`: its id's first word as the verb, the rest as the object. */
function requestWords(action: AtomicAction): { verbs: string[]; objects: string[] } {
  if (action.asks) return action.asks;
  const [verb, ...rest] = action.id.split(/[_.-]+/);
  return { verbs: [verb ?? action.id], objects: [rest.join(' ') || action.id] };
}

type ReadingInputs = Pick<GuardInput, 'conversation' | 'booking' | 'timezone' | 'locale' | 'now'>;

/**
 * The last reading of each conversation: within one planning turn the offline model and the guard
 * read the same conversation (the same objects) — it is read once. Readings are never modified
 * after they are made, so sharing one is safe; a new turn brings a new conversation array.
 */
const lastReading = new WeakMap<ConversationTurn[], { of: Omit<ReadingInputs, 'conversation'> & { turns: number; words: string }; reading: Reading }>();

/** The reading of the conversation, or — should it ever fail on some input — one that asks and plans nothing. */
/** The words the catalog's actions are asked for with ("resend", "confirmation"): the reading accounts for them. */
export function requestWordsOf(actions: Iterable<AtomicAction>): string[] {
  // the catalog's own words: `asks` verbs and objects, the words of action ids and parameter names ("notes")
  const split = (w: string) => w.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase().split(/[\s_.-]+/);
  return [...actions].flatMap((a) => [...(a.asks ? [...a.asks.verbs, ...a.asks.objects] : []), a.id, ...Object.keys(a.params?.properties ?? {})]).flatMap(split).filter((w) => w.length > 2);
}

export function readSafely(input: ReadingInputs & { requestWords?: string[] }): Reading {
  const locale = input.locale ?? input.booking?.locale;
  const words = (input.requestWords ?? []).join(' ');
  const hit = lastReading.get(input.conversation);
  if (hit && hit.of.turns === input.conversation.length && hit.of.booking === input.booking && hit.of.timezone === input.timezone && hit.of.locale === locale && +hit.of.now === +input.now && hit.of.words === words) return hit.reading;
  let reading: Reading;
  try {
    reading = readConversation({ conversation: input.conversation, booking: input.booking, timezone: input.timezone, locale, now: input.now, requestWords: input.requestWords });
  } catch {
    reading = emptyReading([{ about: 'change', question: 'I could not read that reliably. Could you say the change again, in one short sentence?' }]);
  }
  lastReading.set(input.conversation, { of: { turns: input.conversation.length, booking: input.booking, timezone: input.timezone, locale, now: input.now, words }, reading });
  return reading;
}

/** A question when the request is about other bookings, or many; undefined when it is about this one. */
export function targetProblem(reading: Reading, booking?: RollerBooking): GuardProblem | undefined {
  const t = reading.targets;
  const self = booking ? `${booking.reference}${booking.holder?.name ? ` (${booking.holder.name})` : ''}` : 'this booking';
  if (t.many) return { param: 'booking', question: `I can only change one booking at a time, and this conversation is about ${self}. Which change do you want on it?` };
  if (t.otherReferences.length || t.otherNames.length) {
    const named = [...t.otherReferences.map((r) => r.toUpperCase()), ...t.otherNames.map((n) => n.charAt(0).toUpperCase() + n.slice(1))].join(', ');
    return { param: 'booking', question: `This conversation is about ${self}, but you mentioned ${named}. I can only change ${self} here — is that the booking you mean?` };
  }
  return undefined;
}

export function guardPlan(input: GuardInput): GuardProblem[] {
  const { booking } = input;
  const reading = readSafely({ ...input, requestWords: requestWordsOf(input.actions.values()) });
  const problems: GuardProblem[] = [];
  const target = targetProblem(reading, booking);
  if (target) return [target];
  if (reading.injection) return [{ param: 'request', question: `Part of that message reads like instructions for a computer, not a booking change, so I have not planned anything. What change do you want on ${booking?.reference ?? 'this booking'}?` }];
  if (reading.cancel) return [{ param: 'cancel', question: 'Cancelling a booking cannot be done here. Did you want a different change instead?' }];

  for (const step of input.steps) {
    const action = input.actions.get(step.actionId);
    if (!action) {
      problems.push({ param: step.actionId, question: `I can't do "${step.actionId}". What would you like to change?` });
      continue;
    }
    const stepBooking = step.params.bookingId;
    if (stepBooking !== undefined && stepBooking !== (input.sessionBookingId ?? booking?.bookingId)) {
      problems.push({ param: 'bookingId', question: `This session is about booking ${booking?.reference ?? input.sessionBookingId}; I can't change a different booking here. Which change do you want on ${booking?.reference ?? 'this booking'}?` });
      continue;
    }
    // A step with no critical parameter must still be asked for in the user's own words — its verb and
    // its object, in a turn that still stands (a note saying "email everyone" is not a request).
    if (action.critical.length === 0) {
      const w = requestWords(action);
      if (!asksFor(reading, w.verbs, w.objects)) problems.push({ param: `${action.id}.request`, question: `Did you want me to ${action.id.replace(/[_.-]+/g, ' ')}? Nothing like that was asked for.` });
      continue;
    }
    for (const param of action.critical) {
      const value = step.params[param];
      if (value === undefined) continue;
      const problem = checkValue(action, param, value, step, reading, input);
      if (problem) problems.push(problem);
    }
  }
  // whatever the person left open must be asked, even if the draft skipped that part; `param` names
  // the proposed step's parameter when there is one (clients show it as `missing`)
  for (const a of reading.asks) {
    const stepActions = input.steps.map((s) => input.actions.get(s.actionId)).filter((x): x is AtomicAction => !!x);
    const [param] = askedParams([a.about], stepActions.length ? stepActions : input.actions.values());
    problems.push({ param: param ?? a.about, question: a.question });
  }
  // one question per parameter, and no question twice
  return problems.filter((p, i) => problems.findIndex((q) => q.param === p.param || q.question === p.question) === i);
}

function askAbout(reading: Reading, about: string[]): string | undefined {
  return reading.asks.find((a) => about.includes(a.about))?.question;
}

function checkValue(action: AtomicAction, param: string, value: unknown, step: DraftStep, reading: Reading, input: GuardInput): GuardProblem | undefined {
  const meaning = action.meaning?.[param];
  const { booking, now, timezone } = input;
  switch (meaning) {
    case 'start': {
      const derived = reading.start;
      const proposed = DateTime.fromISO(String(value), { setZone: true });
      if (derived && proposed.isValid && proposed.toMillis() === derived.value.toMillis()) return undefined;
      return { param, question: askAbout(reading, ['start']) ?? (derived ? `Just to check: did you mean ${fmt(derived.value.setZone(timezone), now)}?` : 'Which day and time should it move to?') };
    }
    case 'ticket-item':
    case 'ticket-quantity': {
      const itemParam = Object.entries(action.meaning ?? {}).find(([, m]) => m === 'ticket-item')?.[0];
      const quantityParam = Object.entries(action.meaning ?? {}).find(([, m]) => m === 'ticket-quantity')?.[0];
      const itemId = itemParam ? step.params[itemParam] : booking?.items.length === 1 ? booking.items[0]!.itemId : undefined;
      const intent = reading.counts.find((c) => c.itemId === itemId);
      const fallback = askAbout(reading, ['count', 'ticket']) ?? (booking && booking.items.length > 1 ? `How many guests, and which tickets — ${booking.items.map((i) => `${i.ticketType.toLowerCase()} (${i.quantity} now)`).join(' or ')}?` : 'Exactly how many guests should the booking have?');
      // name what is missing: the ticket type when that is the question, else the number
      if (!intent) return { param: (reading.asks.some((x) => x.about === 'ticket') ? itemParam : quantityParam) ?? param, question: fallback };
      if (meaning === 'ticket-quantity' && Number(value) !== intent.quantity) return { param, question: askAbout(reading, ['count']) ?? `${intent.ticketType} tickets are at ${intent.from} now; should that become ${intent.quantity}?` };
      if (meaning === 'ticket-item' && quantityParam && Number(step.params[quantityParam]) !== intent.quantity) return { param, question: `${intent.ticketType} tickets are at ${intent.from} now; should that become ${intent.quantity}?` };
      return undefined;
    }
    case 'email': {
      const derived = reading.contact.email?.value;
      if (derived && String(value).trim().toLowerCase() === derived) return undefined;
      return { param, question: askAbout(reading, ['email']) ?? 'What is the new email address?' };
    }
    case 'phone': {
      const derived = reading.contact.phone?.value;
      const proposed = toE164(String(value), timezone, input.locale ?? booking?.locale);
      if (derived && proposed === derived) return undefined;
      return { param, question: askAbout(reading, ['phone']) ?? 'What is the new phone number?' };
    }
    case 'holder-name': {
      const derived = reading.contact.name?.value;
      const same = (a: string, b: string) => a.trim().replace(/\s+/g, ' ').toLowerCase() === b.trim().replace(/\s+/g, ' ').toLowerCase();
      if (derived && same(String(value), derived)) return undefined;
      return { param, question: askAbout(reading, ['name']) ?? 'What is the new name for the booking?' };
    }
    default: {
      // a parameter the reading does not understand: its value must be said, word for word, in a turn that stands
      if (typeof value === 'string' && reading.live.some((l) => hasPhrase(l.text, value))) return undefined;
      if (typeof value === 'number' && reading.live.some((l) => hasPhrase(l.text, String(value)))) return undefined;
      return { param, question: `What should ${param} be?` };
    }
  }
}
