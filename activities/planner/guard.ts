// "Never assume", enforced by code (DESIGN §6): every critical parameter of every proposed step must
// come from the user's own words, and re-derive from them to the same value. Anything else turns
// the plan into a question.
import * as chrono from 'chrono-node';
import { DateTime } from 'luxon';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { AtomicAction, ConversationTurn } from '../../contracts/types.js';
import type { RollerBooking } from '../booking.js';

export interface DraftStep {
  actionId: string;
  params: Record<string, unknown>;
  evidence: Record<string, string>;
}

export interface GuardProblem {
  param: string;
  question: string;
}

const NUMBER_WORDS: Record<string, number> = {
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19, twenty: 20,
  another: 1, an: 1, a: 1,
};
const VAGUE_COUNT = /\b(a few|few|some|several|couple|bunch|lots?|many|more people|extra people|a handful)\b/i;
const INCREASE = /\b(add|adding|more|extra|plus|another|additional)\b|\+/i;
const ABSOLUTE = /\b(to|make it|total|in total|altogether|now)\s/i;
const DECREASE = /\b(remove|removing|less|fewer|minus|drop|take off|reduce|cancel)\b/i;

const TICKET_SYNONYMS: Record<string, string[]> = {
  child: ['child', 'children', 'kid', 'kids', 'kiddo', 'kiddos', 'junior', 'juniors'],
  adult: ['adult', 'adults', 'grown-up', 'grown-ups', 'grownup', 'grownups', 'parent', 'parents'],
  infant: ['infant', 'infants', 'baby', 'babies', 'toddler', 'toddlers'],
  senior: ['senior', 'seniors'],
};

export function normalise(text: string): string {
  return text.toLowerCase().replace(/[\u2018\u2019]/g, "'").replace(/\s+/g, ' ').trim();
}

export function ticketWords(ticketType: string, productName?: string): string[] {
  const t = ticketType.toLowerCase();
  return [...(TICKET_SYNONYMS[t] ?? [t, `${t}s`]), ...(productName ? [productName.toLowerCase()] : [])];
}

function mentions(text: string, words: string[]): boolean {
  const t = normalise(text);
  return words.some((w) => new RegExp(`(^|[^a-z])${w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^a-z]|$)`).test(t));
}

/** The count a phrase states: {n, relative} or 'vague' or undefined when it gives no number. */
export function parseCount(text: string): { n: number; sign: 1 | -1 | 0 } | 'vague' | undefined {
  const t = normalise(text);
  const digits = t.match(/(?:^|[^\d:])(\d{1,3})(?![\d:])/);
  let n: number | undefined = digits ? Number(digits[1]) : undefined;
  if (n === undefined) {
    for (const [w, v] of Object.entries(NUMBER_WORDS)) {
      if (v === 1 && (w === 'a' || w === 'an')) continue;
      if (new RegExp(`\\b${w}\\b`).test(t)) {
        n = v;
        break;
      }
    }
  }
  if (n === undefined && /\b(another|an extra|one more)\b/.test(t)) n = 1;
  if (n === undefined) return VAGUE_COUNT.test(t) || INCREASE.test(t) ? 'vague' : undefined;
  if (VAGUE_COUNT.test(t) && !digits) return 'vague';
  const sign = ABSOLUTE.test(t) && !/\bby\b/.test(t) ? 0 : DECREASE.test(t) ? -1 : INCREASE.test(t) ? 1 : 0;
  return { n, sign };
}

export function countryFor(timezone: string): CountryCode | undefined {
  if (timezone.startsWith('Australia/')) return 'AU';
  if (timezone === 'Europe/London') return 'GB';
  if (timezone === 'Pacific/Auckland') return 'NZ';
  if (timezone.startsWith('America/')) return 'US';
  return undefined;
}

export function toE164(phone: string, timezone: string): string | undefined {
  const p = parsePhoneNumberFromString(phone, countryFor(timezone));
  return p?.isValid() ? p.number : undefined;
}

/** Parses a date/time phrase in the venue timezone. */
const VAGUE_DAY = /\b(next|this|coming|following)\s+(week|month|weekend|fortnight)\b|\b(sometime|soon|later|whenever|some day)\b/i;

export function parseWhen(text: string, timezone: string, now: DateTime): { instant?: DateTime; hasDay: boolean; hasTime: boolean; ambiguousMeridiem?: boolean } {
  const ref = now.setZone(timezone);
  const results = chrono.parse(text, { instant: ref.toJSDate(), timezone: ref.offset }, { forwardDate: true });
  // "now", "right now" are not session times
  const r = results.find((x) => !/^(right\s+)?now$/i.test(x.text.trim()));
  if (!r) return { hasDay: false, hasTime: false };
  const s = r.start;
  const hasDay = (s.isCertain('day') || s.isCertain('weekday')) && !VAGUE_DAY.test(r.text);
  const hour = s.get('hour') ?? 0;
  // "at 3" could be 3am or 3pm; "15:00", "10:30" and "3pm" are not ambiguous
  const ambiguousMeridiem = s.isCertain('hour') && !s.isCertain('meridiem') && hour >= 1 && hour <= 11 && !/\d:\d\d/.test(r.text);
  const hasTime = s.isCertain('hour') && !ambiguousMeridiem;
  const instant = DateTime.fromObject(
    { year: s.get('year')!, month: s.get('month')!, day: s.get('day')!, hour: s.get('hour') ?? 0, minute: s.get('minute') ?? 0 },
    { zone: timezone },
  );
  return { instant, hasDay, hasTime, ambiguousMeridiem };
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

/** Evidence may join several of the user's phrases with " + " (e.g. "Saturday + 3pm"). */
function occursIn(evidence: string, userText: string): boolean {
  const text = normalise(userText);
  return evidence.split(/\s\+\s/).every((part) => part.trim() !== '' && text.includes(normalise(part)));
}
const joined = (evidence: string) => evidence.replace(/\s\+\s/g, ' ');

export function guardPlan(input: GuardInput): GuardProblem[] {
  const problems: GuardProblem[] = [];
  const { booking, timezone, now } = input;
  const userText = input.conversation.filter((t) => t.role === 'user').map((t) => t.text).join('\n');
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
    // A step with no critical parameter must still be asked for in the user's own words
    // (a note in the booking saying "email everyone" is not a request).
    if (action.critical.length === 0) {
      const asked = step.evidence?.request;
      if (!asked || !occursIn(asked, userText)) {
        problems.push({ param: `${action.id}.request`, question: `Did you want me to ${action.id.replace(/_/g, ' ')}? Nothing like that was asked for.` });
      }
    }
    for (const param of action.critical) {
      const value = step.params[param];
      if (value === undefined) continue;
      const evidence = step.evidence?.[param];
      const schema = action.paramsSchema.properties?.[param] ?? {};
      if (!evidence || !evidence.trim() || !occursIn(evidence, userText)) {
        problems.push({ param, question: questionFor(param, schema, booking) });
        continue;
      }
      if (schema.format === 'date-time') {
        const when = parseWhen(joined(evidence), timezone, now);
        if (!when.hasDay || !when.instant) {
          problems.push({ param, question: 'Which day should it move to?' });
        } else if (when.ambiguousMeridiem) {
          problems.push({ param, question: `${when.instant.toFormat('h')} in the morning or the afternoon (${when.instant.toFormat('h')}am or ${when.instant.toFormat('h')}pm)?` });
        } else if (!when.hasTime) {
          problems.push({ param, question: `What time on ${when.instant.toFormat('cccc d LLLL')}?` });
        } else {
          const proposed = DateTime.fromISO(String(value), { setZone: true });
          if (!proposed.isValid || proposed.toMillis() !== when.instant.toMillis()) {
            problems.push({ param, question: `Just to check: did you mean ${when.instant.toFormat('cccc d LLLL HH:mm')}?` });
          }
        }
      } else if (schema.type === 'integer' || schema.type === 'number') {
        problems.push(...checkCount(step, param, evidence, booking));
      } else if (param === 'itemId') {
        problems.push(...checkItem(step, evidence, userText, booking));
      } else if (schema.format === 'email' || param === 'email') {
        if (!normalise(evidence).includes(String(value).toLowerCase())) problems.push({ param, question: 'What is the new email address?' });
      } else if (param === 'phone') {
        const fromWords = toE164(evidence, timezone);
        if (!fromWords || fromWords !== value) problems.push({ param, question: 'What is the new phone number?' });
      } else if (typeof value === 'string' && !normalise(evidence).includes(normalise(value))) {
        problems.push({ param, question: questionFor(param, schema, booking) });
      }
    }
  }
  // one question per parameter
  return problems.filter((p, i) => problems.findIndex((q) => q.param === p.param) === i);
}

function itemChoices(booking?: RollerBooking): string {
  return (booking?.items ?? []).map((i) => `${i.ticketType} (${i.quantity})`).join(' or ');
}

function questionFor(param: string, schema: { description?: string }, booking?: RollerBooking): string {
  if (param === 'itemId' || param === 'quantity') return `How many guests, and which tickets${booking && booking.items.length > 1 ? ` — ${itemChoices(booking)}` : ''}?`;
  if (param === 'newStart') return 'Which day and time should it move to?';
  return `What should the new ${param} be?${schema.description ? ` (${schema.description})` : ''}`;
}

function checkItem(step: DraftStep, evidence: string, userText: string, booking?: RollerBooking): GuardProblem[] {
  if (!booking) return [];
  const item = booking.items.find((i) => i.itemId === step.params.itemId);
  if (!item) return [{ param: 'itemId', question: `Which tickets — ${itemChoices(booking)}?` }];
  if (booking.items.length === 1) return [];
  const sameType = booking.items.filter((i) => i.ticketType === item.ticketType);
  const named = mentions(evidence, ticketWords(item.ticketType)) || mentions(`${step.evidence.quantity ?? ''}`, ticketWords(item.ticketType));
  if (!named || sameType.length > 1 || !mentions(userText, ticketWords(item.ticketType))) {
    return [{ param: 'itemId', question: `Which tickets should change — ${itemChoices(booking)}?` }];
  }
  return [];
}

function checkCount(step: DraftStep, param: string, evidence: string, booking?: RollerBooking): GuardProblem[] {
  const count = parseCount(evidence);
  const value = Number(step.params[param]);
  if (count === undefined || count === 'vague') return [{ param, question: 'Exactly how many guests should the booking have?' }];
  const item = booking?.items.find((i) => i.itemId === step.params.itemId);
  if (count.sign !== 0) {
    if (!item) return [{ param, question: 'Which tickets should change, and by how many?' }];
    const expected = item.quantity + count.sign * count.n;
    if (expected !== value) return [{ param, question: `${item.ticketType} tickets are at ${item.quantity}; should that become ${expected}?` }];
    return [];
  }
  if (count.n !== value) return [{ param, question: `Should the ${item?.ticketType ?? ''} count be ${count.n}?`.replace('  ', ' ') }];
  return [];
}
