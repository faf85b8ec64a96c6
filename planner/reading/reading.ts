// The reading of a conversation: every user turn in order, each read against the question the
// service asked just before it, folded into what the person wants now — the new start, the guest
// counts per ticket item, the contact details — plus what must be asked before any plan. Later
// turns correct earlier ones; withdrawn requests are dropped. The guard and the offline planner
// both use this one reading.
import { DateTime } from 'luxon';
import type { CountryCode } from 'libphonenumber-js';
import type { ConversationTurn } from '../../contracts/types.js';
import type { RollerBooking } from '../../activities/booking.js';
import { readWhen, meridiemAnswer, describeDay, type DayValue, type TimeValue } from './dates.js';
import { readCounts, familyOf, type CountValue } from './counts.js';
import { readContact } from './contact.js';
import { readTargets, type Targets } from './targets.js';
import { choose, clauses, normalise, titleCase, type Found } from './text.js';
import { notAName } from './names.js';
import { countryFor, dayFirstFor } from './locale.js';
import { quoteWords, unplacedWords, type Claim } from './coverage.js';
import { loadWordLists, type WordSet } from './vocabulary.js';
import { CORRECTION, GENERIC_GUESTS, TICKET_FAMILIES } from './lexicon.js';

export interface Derived<T> {
  value: T;
  /** the user's words it came from */
  evidence: string;
  /** the value is what the booking already has */
  unchanged?: boolean;
}

/** The catalog meaning (`meaning:` in an overlay) each kind of question is about, so `missing[]` names the parameter. */
export const MEANING_OF_ASK: Record<string, string[]> = { start: ['start'], count: ['ticket-quantity'], ticket: ['ticket-item'], email: ['email'], phone: ['phone'], name: ['holder-name'] };

/** The parameters a question is about: the parameter of an action whose meaning it asks for, else the question's own kind. */
export function askedParams(abouts: string[], actions: Iterable<{ meaning?: Record<string, string> }>): string[] {
  const meanings = [...actions].flatMap((a) => Object.entries(a.meaning ?? {}));
  return [...new Set(abouts.map((about) => meanings.find(([, m]) => (MEANING_OF_ASK[about] ?? []).includes(m))?.[0] ?? about))];
}

export interface Ask {
  /** what is missing: start | count | ticket | email | phone | name | booking | change */
  about: string;
  question: string;
  /** what the answer will be read as (default: by `about`) */
  expect?: Expect;
}

/** What the answers to these questions will be read as: recorded with the question, so the next turn is read against the record. */
export function expectationsOf(asks: Ask[]): string[] {
  const byAbout: Record<string, Expect> = { count: 'count', ticket: 'ticket', email: 'email', phone: 'phone', name: 'name', start: 'day' };
  return [...new Set(asks.map((a) => a.expect ?? byAbout[a.about]).filter((e): e is NonNullable<Expect> => !!e))];
}

export interface CountIntent {
  itemId: string;
  ticketType: string;
  from: number;
  quantity: number;
  evidence: string;
}

export interface Reading {
  start?: Derived<DateTime>;
  counts: CountIntent[];
  contact: { name?: Derived<string>; email?: Derived<string>; phone?: Derived<string> };
  asks: Ask[];
  targets: Targets;
  cancel: boolean;
  /** user turns (normalised) still in force, oldest first, with the index each starts from per intent */
  live: LiveTurn[];
  /** the person asked nothing that changes the booking (a question, small talk) */
  offTopic: boolean;
  /** a user turn carries instructions meant for a model ("ignore previous instructions", "SYSTEM:") */
  injection: boolean;
}

export interface LiveTurn {
  index: number;
  text: string;
}

export interface ReadingInput {
  conversation: ConversationTurn[];
  booking?: RollerBooking;
  timezone: string;
  locale?: string;
  now: DateTime;
  /** words of the catalog's requests ("resend", "confirmation"): accounted for, never values */
  requestWords?: string[];
}

export type Expect = 'meridiem' | 'time' | 'day' | 'count' | 'ticket' | 'email' | 'phone' | 'name' | undefined;
const EXPECTS = new Set(['meridiem', 'time', 'day', 'count', 'ticket', 'email', 'phone', 'name']);

/** What the service's question asked for, so a short answer ("pm", "3", "adults") is read against it. */
export function expectationOf(question: string): Expect {
  const q = question.toLowerCase();
  if (/\b(?:\d{1,2}(?::\d{2})?\s*am|morning)\b.*\bor\b.*\b(?:\d{1,2}(?::\d{2})?\s*pm|afternoon|evening)\b/.test(q) || /\bam or pm\b|\bmorning or (?:the )?afternoon\b/.test(q)) return 'meridiem';
  if (/\bwhich tickets?\b|\bticket type\b|\bwhich type\b/.test(q) || /\b(?:adults?|children|kids|child)\b.*\bor\b.*\b(?:adults?|children|kids|child|juniors?|infants?|seniors?)\b/.test(q)) return 'ticket';
  if (/\bhow many\b|\bnumber of (?:guests|tickets|people|kids|children|adults)\b|\bexactly how many\b/.test(q)) return 'count';
  if (/\bwhat time\b|\bwhich time\b|\btime on\b|\bexact time\b|\bwhat time exactly\b/.test(q)) return 'time';
  if (/\bwhich day\b|\bwhat day\b|\bwhich date\b|\bwhat date\b|\bday and time\b|\bdid you mean \w+day\b/.test(q)) return 'day';
  if (/\bemail\b/.test(q)) return 'email';
  if (/\bphone\b|\bmobile\b|\bnumber\b/.test(q)) return 'phone';
  if (/\bname\b/.test(q)) return 'name';
  return undefined;
}

const INJECTION = /\b(?:ignore|disregard|forget)\s+(?:all\s+|any\s+)?(?:the\s+|your\s+|my\s+)?(?:previous|prior|above|earlier|other)\s+(?:instructions|messages|rules|prompts?)\b|(?:^|\n)\s*(?:system|assistant|developer|tool)\s*:|\byou are now\b|\bnew instructions\b|\bsystem prompt\b/;
const FREE_TEXT = /\b(?:notes?|comments?|message|remarks?|special requests?|instructions for (?:the )?staff|description)\s*(?:to|:|=|saying|that says|reading|as)\s+([^.;!?\n]+)/g;
const MOVE = /\b(?:move|moving|moved|reschedul\w*|rebook|re-book|push|shift|bring|change (?:the |it to a )?(?:date|time|day|session|slot)|different (?:day|date|time|session)|switch (?:it )?to|swap (?:it )?to|postpone|delay|bump it)\b/;
const GLOBAL_WITHDRAW = /^\s*(?:(?:oh |ok |okay |actually |sorry |wait )*(?:forget (?:it|that|all (?:of )?that|everything|about it)|scrap (?:that|it|all (?:of )?that|everything)|never ?mind|nevermind|scratch (?:that|all (?:of )?that|everything)|ignore (?:that|all (?:of )?that|everything|my (?:last )?message)|cancel (?:that|my (?:last )?request|the request|everything i said)|disregard(?: that)?|start (?:again|over)|leave it(?: as it is)?|do not (?:do|change) anything|no changes?|don't bother|do not bother))\b/;
const NEG = "(?:do not|no need to|not|never|no longer|without|stop|forget(?: about)?|scrap|skip|ignore|leave|keep|hold off(?: on)?|cancel(?: the)?|instead of|not going to|shouldn't|should not|won't|will not|no)";
const WITHDRAW: Record<'start' | 'count' | 'contact' | 'request', RegExp> = {
  start: new RegExp(`\\b(?:time|date|day|booking) (?:stays?|remains?|staying) (?:the same|as is|unchanged)\\b|\\b${NEG}\\s+(?:\\w+\\s+){0,2}(?:move|moving|reschedul\\w*|the (?:date|time|day)|(?:the )?(?:date|time|day) (?:as is|alone|the same)|the move|the time change|the date change|it where it is|it on the same)\\b|\\b(?:stay|stays|staying) (?:on|at|where|the same)\\b|\\bsame (?:day|date) and time\\b`),
  count: new RegExp(`\\b(?:numbers?|counts?|guests?|kids|children|adults|tickets|numbers) (?:stays?|remains?|staying) (?:the same|as is|as they are|unchanged)\\b|\\b${NEG}\\s+(?:\\w+\\s+){0,2}(?:add|adding|remove|removing|the (?:numbers?|counts?|guests?|guest|kids?|child|children|adults?|extras?|tickets?|juniors?|seniors?|infants?|people|persons?)|(?:the )?numbers? (?:as is|alone|the same)|change the (?:numbers?|count))\\b`),
  contact: new RegExp(`\\b${NEG}\\s+(?:\\w+\\s+){0,2}(?:the |their |his |her )?(?:e-?mail|phone|mobile|number|name|contact)\\b`),
  request: new RegExp(`\\b${NEG}\\s+(?:\\w+\\s+){0,2}(?:re-?send|send|email|forward)\\b`),
};

function itemWords(i: RollerBooking['items'][number]): string[] {
  const t = i.ticketType.toLowerCase();
  const fam = familyOf(t) ?? familyOf(t.replace(/s$/, '')) ?? [];
  return [t, `${t}s`, t.replace(/s$/, ''), ...fam];
}

/** Which item a ticket word means on this booking: its own type name first, then the type's family. */
export function resolveItem(word: string | undefined, booking: RollerBooking): { item?: RollerBooking['items'][number]; options: RollerBooking['items']; unknown?: boolean } {
  const items = booking.items;
  if (!word || word === 'generic') return items.length === 1 ? { item: items[0], options: items } : { options: items };
  const w = word.toLowerCase();
  const exact = items.filter((i) => { const t = i.ticketType.toLowerCase(); return t === w || `${t}s` === w || t === `${w}s` || t.replace(/ren$/, '') === w.replace(/ren$/, ''); });
  const distinctTypes = (xs: typeof items) => new Set(xs.map((i) => i.ticketType.toLowerCase())).size;
  if (exact.length) return exact.length === 1 ? { item: exact[0], options: exact } : { options: exact };
  const fam = familyOf(w);
  // "kids" also covers junior tickets: on a booking with both, "kids" does not say which
  const covers = fam && fam.includes('kids') ? [...fam, 'junior', 'juniors'] : fam;
  const inFamily = covers ? items.filter((i) => covers.some((f) => itemWords(i).includes(f))) : [];
  if (inFamily.length === 1) return { item: inFamily[0], options: inFamily };
  if (inFamily.length > 1) return { options: inFamily, unknown: distinctTypes(inFamily) === 0 };
  return { options: [], unknown: true };
}

interface StartSlots {
  day?: Found<DayValue>;
  time?: Found<TimeValue>;
  shift?: Found<{ days: number; minutes: number }>;
  dayPart?: 'am' | 'pm';
  asked?: string;
  /** a word that sounds like a day but was not read as one ("the school holidays") */
  unreadDay?: string;
  ambiguous?: Ask;
  /** parts said next to words the reading could not place: the quoted words, per part */
  unverified?: Partial<Record<'day' | 'time' | 'shift', string>>;
}

interface CountSlot {
  itemId?: string;
  word?: string;
  value: CountValue;
  evidence: string;
  /** the user turn it came from */
  turn?: number;
  /** a later "make it N" after an earlier "add M": N more, or N in total? */
  unclear?: string;
  /** said next to words the reading could not place (quoted) */
  unverified?: string;
}

type ContactField = 'name' | 'email' | 'phone';

export function readConversation(input: ReadingInput): Reading {
  const { booking, timezone } = input;
  const now = input.now.setZone(timezone);
  const dayFirst = dayFirstFor(input.locale ?? booking?.locale, timezone);
  const country = countryFor(input.locale ?? booking?.locale, timezone) as CountryCode | undefined;
  const bookingStart = booking?.items[0] ? DateTime.fromISO(booking.items[0].sessionStart, { setZone: true }).setZone(timezone) : undefined;
  const reading = emptyReading();

  let start: StartSlots = {};
  let counts: CountSlot[] = [];
  let countAsk: Ask | undefined;
  let contact: { name?: Derived<string>; email?: Derived<string>; phone?: Derived<string> } = {};
  let contactAsk: Ask[] = [];
  let contactUnverified: Partial<Record<ContactField, string>> = {};
  let expect: Expect;
  let anyChange = false;
  const ownWords = bookingWords(booking, input.requestWords);
  const ticketSet = ticketWordSet(booking);
  const ticketVocabulary = (booking?.items ?? []).flatMap((i) => [i.ticketType.toLowerCase(), `${i.ticketType.toLowerCase()}s`, ...i.ticketType.toLowerCase().split(/\s+/).filter((w) => w.length > 3)]);

  input.conversation.forEach((turn, index) => {
    if (turn.role === 'assistant') {
      // the record of what was asked, when the session kept one; older sessions: the question's words
      const recorded = turn.asked?.find((a) => EXPECTS.has(a)) as Expect;
      expect = recorded ?? expectationOf(turn.text);
      return;
    }
    const original = turn.text;
    const whole = normalise(original);
    const t = GLOBAL_WITHDRAW.test(whole) ? whole : dropTakenBack(whole);
    if (INJECTION.test(original.toLowerCase())) reading.injection = true;
    reading.live.push({ index, text: t });

    if (GLOBAL_WITHDRAW.test(t)) {
      start = {};
      counts = [];
      countAsk = undefined;
      contact = {};
      contactAsk = [];
      contactUnverified = {};
      reading.live = reading.live.filter((l) => l.index === index);
      reading.cancel = false;
      anyChange = false;
      expect = undefined;
      if (t.replace(GLOBAL_WITHDRAW, '').trim().length < 3) return;
    }

    const before = { day: start.day, time: start.time, shift: start.shift, counts: new Map(counts.map((s) => [s, s.evidence])), contact: { ...contact } };
    const claims: Claim[] = [];
    // contact first: its digits and words must not be read as dates or counts
    const c = readContact(original, t, country);
    // free text the person dictates ("set the notes to Cake at 3", "…say 'back at 3'") is a value of
    // its own, never dates or counts
    for (const m of t.matchAll(FREE_TEXT)) c.spans.push([m.index! + m[0].length - m[1]!.length, m.index! + m[0].length]);
    for (const m of t.matchAll(/"[^"]{1,200}"|(?:^|\s)'[^']{1,200}'(?=\s|$|[.,!?])/g)) c.spans.push([m.index!, m.index! + m[0].length]);
    let noContact = t;
    for (const [s, e] of c.spans) noContact = noContact.slice(0, s) + ' '.repeat(e - s) + noContact.slice(e);
    const anchorDay = start.day?.value.kind === 'date' ? start.day.value.date : undefined;
    const when = readWhen(noContact, { now, timezone, dayFirst, bookingStart, anchorDay }, expect === 'time' || expect === 'meridiem' ? 'time' : expect === 'day' ? 'day' : undefined);
    if (bookingStart) describedBooking(noContact, when, bookingStart, reading.targets);
    const masked: Array<[number, number]> = [...c.spans, ...when.spans];
    let maskedText = t;
    for (const [s, e] of masked) maskedText = maskedText.slice(0, s) + ' '.repeat(e - s) + maskedText.slice(e);
    const targets = readTargets(maskedText, booking);
    reading.targets.otherReferences.push(...targets.otherReferences);
    reading.targets.otherNames.push(...targets.otherNames);
    reading.targets.many ||= targets.many;
    if (/\b(?:cancel|refund|void|delete)\b(?!\s+(?:that|this|my|the request|\d|one|two|three|a |an |some|of the|(?:the )?(?:kids?|children|child|adults?|guests?|tickets?|people)))(?:\s+(?:the|this|their|whole|entire|it|booking|party|reservation|session|everything))?/.test(maskedText) && !/\bcancel(?:led)?\s+(?:\w+\s+)?(?:kids?|children|child|adults?|guests?)\b/.test(maskedText)) {
      reading.cancel = true;
    }

    // withdrawals of earlier requests ("actually don't move it, just add 2 kids")
    let givesStart = when.days.length + when.times.length + when.shifts.length > 0;
    const startWithdrawal = t.match(WITHDRAW.start);
    // "move it to sat 3pm, actually don't move it": every value came before the withdrawal
    if (startWithdrawal && givesStart && [...when.days, ...when.times, ...when.shifts].every((f) => f.start < startWithdrawal.index!)) {
      when.days = [];
      when.times = [];
      when.shifts = [];
      givesStart = false;
    }
    if (startWithdrawal && !givesStart) {
      start = {};
      reading.live = reading.live.map((l) => (l.index < index ? { ...l, text: l.text.replace(MOVE, ' ') } : l));
    }
    let counted = readCounts(t, masked, ticketVocabulary, { expect: expect === 'count' || expect === 'ticket', correcting: counts.length > 0 });
    if (WITHDRAW.count.test(t) && counted.length === 0) {
      counts = [];
      countAsk = undefined;
      // the words of the withdrawal were read ("keep the kids as is")
      const w = t.match(WITHDRAW.count)!;
      claims.push({ start: w.index!, end: w.index! + w[0].length, kind: 'text' });
    }
    if (WITHDRAW.contact.test(t)) {
      // "keep the name, just change the phone": each field withdrawn unless this turn gives it again
      const m = t.match(WITHDRAW.contact)![0];
      if (/mail/.test(m) && c.emails.length === 0) delete contact.email;
      if (/phone|mobile|number/.test(m) && c.phones.length === 0) delete contact.phone;
      if (/name/.test(m) && c.names.length === 0) delete contact.name;
      if (/contact/.test(m) && c.emails.length + c.phones.length + c.names.length === 0) contact = {};
      contactAsk = contactAsk.filter((a) => !m.includes(a.about));
    }
    if (WITHDRAW.request.test(t)) {
      // an earlier "resend the confirmation" no longer stands; this turn's own words are checked clause by clause
      reading.live = reading.live.map((l) => (l.index < index ? { ...l, text: l.text.replace(/\b(?:re-?send|send|forward)\b/g, ' ') } : l));
    }

    // ---- the new start
    if (expect === 'meridiem' && when.times.length === 0 && start.time && !start.time.value.certain) {
      const m = meridiemAnswer(t);
      if (m) {
        const h = start.time.value.hour % 12 + (m === 'pm' ? 12 : 0);
        start.time = { ...start.time, text: `${start.time.text} + ${t.trim()}`, value: { ...start.time.value, hour: h, certain: true } };
        start.ambiguous = undefined;
        claims.push({ start: 0, end: t.length, kind: 'time' });
      }
    }
    if (when.dayPart && start.time && !start.time.value.certain && when.times.length === 0) {
      start.time = { ...start.time, text: `${start.time.text} + ${when.dayPart}`, value: { ...start.time.value, hour: start.time.value.hour % 12 + (when.dayPart === 'pm' ? 12 : 0), certain: true } };
    }
    const shiftChoice = choose(t, when.shifts, (a, b) => a.days === b.days && a.minutes === b.minutes);
    const dayChoice = choose(t, when.days, sameDay);
    // "3pm … at 3": an hour without am/pm that another time of the turn states exactly is that time
    when.times = when.times.filter((f) => f.value.certain || !when.times.some((g) => g.value.certain && g.value.hour % 12 === f.value.hour % 12 && g.value.minute === f.value.minute));
    const timeChoice = choose(t, when.times, (a, b) => a.hour === b.hour && a.minute === b.minute && a.certain === b.certain);
    // "not to saturday 12 december at 3pm": a day (or time) said not to be wanted, with nothing said in its
    // place, takes the rest of its phrase with it — the time left over is not a new start on its own
    const refused = (['days', 'times', 'shifts'] as const).filter((k) => when[k].some((f) => f.negated) && !when[k].some((f) => !f.negated));
    const earlier = !!(start.day || start.time || start.shift) && !WITHDRAW.start.test(t);
    const notWanted = refused.length > 0 && ([...when.days, ...when.times, ...when.shifts].some((f) => !f.negated) || earlier);
    if (shiftChoice.kind === 'one') {
      start.shift = shiftChoice.found;
      start.day = undefined;
      if (shiftChoice.found.value.minutes !== 0) start.time = undefined;
      start.ambiguous = undefined;
    } else if (shiftChoice.kind === 'ambiguous') {
      start.ambiguous = { about: 'start', question: `Which change did you mean: ${shiftChoice.options.map((o) => `"${o.text}"`).join(' or ')}?` };
    }
    // "actually make it the 30th" after 23 January: the 30th of which month is asked, not counted from today
    const anchor = before.day?.value.kind === 'date' ? before.day.value.date : bookingStart;
    if (dayChoice.kind === 'one' && anchor?.isValid && dayChoice.found.value.kind === 'date' && /^(?:the\s+)?\d{1,2}(?:st|nd|rd|th)?$/.test(dayChoice.found.text.trim()) && dayChoice.found.value.date.month !== anchor.month) {
      const mine = dayChoice.found.value.date;
      const alt = anchor.set({ day: Math.min(mine.day, anchor.daysInMonth ?? 28) }).startOf('day');
      start.ambiguous = { about: 'start', question: `Which date: ${describeDay(mine, now)} or ${describeDay(alt, now)}?` };
    } else if (dayChoice.kind === 'one') {
      start.day = dayChoice.found;
      if (shiftChoice.kind !== 'one') start.shift = undefined;
      start.ambiguous = undefined;
    } else if (dayChoice.kind === 'ambiguous') {
      start.ambiguous = { about: 'start', question: `Which day: ${dayChoice.options.map((o) => (o.value.kind === 'date' ? describeDay(o.value.date, now) : `"${o.text}"`)).join(' or ')}?` };
    }
    if (timeChoice.kind === 'one') {
      start.time = timeChoice.found;
      if (start.shift && start.shift.value.minutes !== 0 && shiftChoice.kind !== 'one') start.shift = undefined;
      if (start.ambiguous?.about === 'start' && dayChoice.kind !== 'ambiguous' && shiftChoice.kind !== 'ambiguous') start.ambiguous = undefined;
    } else if (timeChoice.kind === 'ambiguous') {
      start.ambiguous = { about: 'start', question: `Which time: ${timeChoice.options.map((o) => fmtTime(o.value)).join(' or ')}?` };
    }
    if (notWanted) {
      const said = [...when.days, ...when.times, ...when.shifts].filter((f) => f.negated).map((f) => `"${f.text}"`).join(', ');
      start.ambiguous = { about: 'start', question: `You said not ${said}. Which day and time should it move to?`, expect: 'day' };
    }
    if (when.dayPart && !start.time) start.dayPart = when.dayPart;
    {
      let rest = noContact;
      for (const [s, e] of when.spans) rest = rest.slice(0, s) + ' '.repeat(e - s) + rest.slice(e);
      const unread = rest.match(/\b(?:\w+\s+)?(?:eve|holidays?|public holiday|easter|school|term|weekend|week|month|fortnight|\w+day)\b/);
      if (unread && !/\b(?:birthday|bday|today|yesterday|holiday party)\b/.test(unread[0]) && givesStart) start.unreadDay = unread[0].trim();
      else if (dayChoice.kind === 'one') start.unreadDay = undefined;
    }
    if (MOVE.test(maskedText) && !givesStart && !WITHDRAW.start.test(t) && !counted.some((x) => !x.negated) && !/\bbring(?:ing)?\s+(?:\w+\s+)?(?:more|extra|another|kids?|children|adults?|friends?)\b/.test(t)) {
      start.asked = t;
    }
    if (givesStart) anyChange = true;

    // ---- guest counts
    if (booking) {
      const ticketOnly = (expect === 'ticket' || counts.some((s) => !s.itemId)) && counted.length === 0 ? bareTicket(t, booking) : undefined;
      if (ticketOnly) claims.push({ start: 0, end: t.length, kind: 'count' });
      if (ticketOnly && counts.length) {
        for (const slot of counts) if (!slot.itemId) { slot.itemId = ticketOnly.itemId; slot.evidence = `${slot.evidence} + ${ticketOnly.word}`; }
      }
      // a count without a ticket word ("add 3, no sorry 2 kids", "make that 3") borrows the nearest
      // ticket word of the same turn; then counts are grouped by the item they resolve to
      // "can we make it 11": a number with no ticket word, no change word and no question about guests
      // could be guests, an hour or a date — asked, never guessed
      // words that say the number is a head count ("7 in total", "down to 5", "only seven now")
      const saysCount = /\b(?:total|altogether|all up|in all|only|just|down to|up to|numbers?|headcount|head count|count)\b/.test(t);
      const bare = counted.filter((f) => !f.negated && f.value.ticketWord === undefined && f.value.mode !== 'delta' && !saysCount && !t.split(/\W+/).some((w) => listWords().guestVerbs.has(w)));
      if (bare.length && expect !== 'count' && expect !== 'ticket' && counts.length === 0 && !counted.some((f) => f.value.ticketWord)) {
        countAsk = { about: 'count', question: `What should be ${bare[0]!.value.n ?? 'that number'}: the number of guests, the time or the date?` };
        anyChange = true;
        counted = counted.filter((f) => !bare.includes(f));
      }
      const worded = counted.filter((f) => f.value.ticketWord && f.value.ticketWord !== 'generic');
      const wordOf = (f: Found<CountValue>) => {
        if (f.value.ticketWord && f.value.ticketWord !== 'generic') return f.value.ticketWord;
        const near = [...worded].sort((x, y) => Math.abs(x.start - f.start) - Math.abs(y.start - f.start))[0];
        return near && new Set(worded.map((w) => w.value.ticketWord)).size === 1 ? near.value.ticketWord! : 'generic';
      };
      const groups = new Map<string, Found<CountValue>[]>();
      for (const f of counted) {
        const word = wordOf(f);
        const item = resolveItem(word === 'generic' ? undefined : word, booking).item;
        const key = item ? `item:${item.itemId}` : word;
        groups.set(key, [...(groups.get(key) ?? []), { ...f, value: { ...f.value, ticketWord: word } }]);
      }
      for (const [key, list] of groups) {
        const word = list[list.length - 1]!.value.ticketWord ?? 'generic';
        void key;
        const ch = choose(t, list.sort((a, b) => a.start - b.start), (a, b) => a.n === b.n && a.mode === b.mode && a.sign === b.sign);
        if (ch.kind === 'none') continue;
        anyChange = true;
        if (ch.kind === 'ambiguous') {
          countAsk = { about: 'count', question: `How many exactly: ${ch.options.map((o) => o.value.n).join(' or ')}?` };
          counts = counts.filter((s) => s.word !== word);
          counts.push({ word, value: { ...ch.options[0]!.value, competing: true }, evidence: ch.options[0]!.text });
          continue;
        }
        let value = ch.found.value;
        const resolved = resolveItem(word === 'generic' ? undefined : word, booking);
        // "make that 3" / a bare "3" answering the question: the count being discussed
        const pendingSlot = counts.find((s) => s.value.n === undefined || s.value.competing || !s.itemId) ?? (counts.length === 1 ? counts[0] : undefined);
        if (word === 'generic' && pendingSlot && (expect === 'count' || /\bmake (?:it|that)\b|\b(?:no|sorry|actually)\b/.test(t) || value.mode === 'unknown')) {
          if (value.mode === 'unknown' || /\bmake (?:it|that)\b/.test(t)) value = { ...value, mode: pendingSlot.value.mode === 'unknown' ? 'absolute' : pendingSlot.value.mode, sign: pendingSlot.value.sign };
          pendingSlot.value = { ...value, ticketWord: pendingSlot.word };
          pendingSlot.evidence = `${pendingSlot.evidence} + ${ch.found.text}`;
          countAsk = undefined;
          continue;
        }
        if (value.mode === 'unknown' && expect === 'count') value = { ...value, mode: 'absolute' };
        const itemId = resolved.item?.itemId;
        const earlier = itemId ? counts.find((s) => s.itemId === itemId && s.turn !== undefined && s.turn < index) : undefined;
        // "add 1 kid" … later "actually make it 2 kids": 2 more, or 2 in total? Both readings are common.
        const unclear = earlier && earlier.value.mode === 'delta' && value.mode === 'absolute' && /\bmake (?:it|that)\b/.test(ch.found.text) && !/\b(?:total|altogether|all up|in all)\b/.test(ch.found.text)
          ? `Do you mean ${value.n} more ${resolved.item!.ticketType.toLowerCase()} tickets than now (${resolved.item!.quantity + value.n!}), or ${value.n} in total?`
          : undefined;
        counts = counts.filter((s) => !(itemId ? s.itemId === itemId : s.word === word && !s.itemId));
        if (!itemId) counts = counts.filter((s) => s.itemId || s.word !== word);
        counts.push({ itemId, word, value, evidence: ch.found.text, turn: index, ...(unclear ? { unclear } : {}) });
        countAsk = undefined;
      }
    }

    // "add 2 adults, sorry kids not adults" / a later "no wait, adults": the type is corrected
    if (booking && counts.length && /\b(?:sorry|no|nah|wait|actually|i mean|i meant|oops|not)\b/.test(t)) {
      const liveNums = counted.filter((f) => !f.negated);
      const tailFrom = liveNums.length ? Math.max(...liveNums.map((f) => f.end)) : 0;
      const markers = [...t.slice(tailFrom).matchAll(/\b(?:sorry|no|nah|wait|actually|i mean|i meant|oops)\b/g)];
      const tailStart = markers.length ? tailFrom + markers[markers.length - 1]!.index! : tailFrom;
      const tail = t.slice(tailStart);
      const named = booking.items.flatMap((i) => itemWords(i).map((w) => ({ i, w })))
        .flatMap(({ i, w }) => [...tail.matchAll(new RegExp(`\\b${w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`, 'g'))].map((m) => ({ i, negated: /\bnot\s+(?:the\s+)?$/.test(tail.slice(0, m.index)) })));
      const wanted = [...new Set(named.filter((n) => !n.negated).map((n) => n.i.itemId))];
      const last = counts[counts.length - 1]!;
      if (tail.trim() && wanted.length === 1 && last.itemId && last.itemId !== wanted[0] && /\b(?:sorry|no|nah|wait|actually|i mean|i meant|oops)\b/.test(tail)) {
        const item = booking.items.find((i) => i.itemId === wanted[0])!;
        counts = counts.filter((s) => s === last || s.itemId !== item.itemId);
        last.itemId = item.itemId;
        last.word = item.ticketType.toLowerCase();
        last.evidence = `${last.evidence} + ${tail.trim()}`;
        // the ticket words of the correction were read: they are the count's
        claims.push({ start: tailStart, end: t.length, kind: 'count' });
      }
    }

    // ---- contact details
    const email = choose(t, c.emails, (a, b) => a === b);
    const phone = choose(t, c.phones, (a, b) => a === b);
    // a bare answer to "what is the new name?" ("Mia Lopez") is the name, when it reads as one
    const answered = expect === 'name' && c.names.length + c.emails.length + c.phones.length === 0 ? bareName(original) : undefined;
    if (answered) {
      c.names.push({ start: 0, end: t.length, text: t, value: { name: answered } });
      c.spans.push([0, t.length]);
    }
    const name = choose(t, c.names, (a, b) => JSON.stringify(a) === JSON.stringify(b));
    if (email.kind !== 'none' || phone.kind !== 'none' || name.kind !== 'none' || c.badPhones.length || c.asked.length) anyChange = true;
    contactAsk = contactAsk.filter((a) => !((a.about === 'contact' && (email.kind !== 'none' || phone.kind !== 'none' || name.kind !== 'none')) || (a.about === 'email' && email.kind !== 'none') || (a.about === 'phone' && (phone.kind !== 'none' || c.badPhones.length)) || (a.about === 'name' && name.kind !== 'none')));
    if (email.kind === 'one') {
      if (c.additional.includes('email')) contactAsk.push({ about: 'email', question: 'Should the new email address replace the current one, or be kept as well? I can only replace it.' });
      else contact.email = { value: email.found.value, evidence: email.found.text };
    } else if (email.kind === 'ambiguous') contactAsk.push({ about: 'email', question: 'Which of the email addresses you gave should it be? I saw more than one.' });
    if (phone.kind === 'one') {
      if (c.additional.includes('phone')) contactAsk.push({ about: 'phone', question: 'Should that number replace the current phone number, or be kept as well? I can only replace it.' });
      else contact.phone = { value: phone.found.value, evidence: phone.found.text.trim() };
    } else if (phone.kind === 'ambiguous') contactAsk.push({ about: 'phone', question: 'Which phone number should it be? I saw more than one.' });
    if (c.recipients.length) contactAsk.push({ about: 'email', question: 'The confirmation can only go to the email on the booking. Should the booking\'s email change to the address you gave?' });
    if (c.suspiciousName) contactAsk.push({ about: 'name', question: 'What is the new name for the booking (first name and surname)?' });
    if (phone.kind === 'none' && c.badPhones.length) contactAsk.push({ about: 'phone', question: 'That phone number does not look complete. What is the new number?' });
    if (name.kind === 'one') {
      const v = name.found.value;
      const [first, ...rest] = (booking?.holder?.name ?? '').split(/\s+/);
      const full = v.name ?? (v.last ? [first, v.last].filter(Boolean).join(' ') : [v.first, rest.join(' ')].filter(Boolean).join(' '));
      // only a surname or a first name: the whole new name is proposed and asked, never written on a guess
      const minor = listWords().nameMinor;
      const parts = (v.name ?? '').trim().split(/\s+/);
      // "Linh & Bao Nguyen": two first names share one surname
      const words = parts.filter((w) => !minor.has(w.toLowerCase().replace(/\.$/, ''))).slice(parts.includes('&') ? 1 : 0);
      // three or more words beside "name" may carry a stray word ("name to blorf linh tran"): asked,
      // unless they are the answer to a name question
      if (v.name && words.length >= 3 && !answered) contactAsk.push({ about: 'name', question: `Should the holder name be exactly "${v.name}"? Please type the full new name to confirm.` });
      else if (v.name && !v.name.trim().includes(' ')) contactAsk.push({ about: 'name', question: `What is the full new name (first name and surname)? "${v.name}" alone is not a full name.` });
      else if (!v.name) contactAsk.push({ about: 'name', question: booking?.holder?.name ? `Should the holder name become "${full}" (now "${booking.holder.name}")? Please type the full new name.` : 'What is the full new name?' });
      else contact.name = { value: full, evidence: name.found.text };
    } else if (name.kind === 'ambiguous') contactAsk.push({ about: 'name', question: 'Which name should the booking be under?' });
    for (const a of c.asked) {
      if (a !== 'contact' && contact[a]) continue;
      contactAsk.push({ about: a, question: a === 'email' ? 'What is the new email address?' : a === 'phone' ? 'What is the new phone number?' : a === 'name' ? 'What is the new name for the booking?' : 'What are the new contact details (name, email or phone)?' });
    }
    for (const [s0, e0] of c.spans) claims.push({ start: s0, end: e0, kind: 'contact' });
    for (const [s0, e0] of when.spans) claims.push({ start: s0, end: e0, kind: 'time' });
    for (const f of counted) claims.push({ start: f.start, end: f.end, kind: 'count' });
    const unplaced = unplacedWords(t, claims, ownWords, ticketSet);
    const setNothing = start.day === before.day && start.time === before.time && start.shift === before.shift && counts.every((s) => before.counts.get(s) === s.evidence) && (['name', 'email', 'phone'] as const).every((f) => contact[f] === before.contact[f]);
    // "sorry its trinh not tran": a correction that sets nothing the reading understood puts every value in doubt
    const correcting = setNothing && CORRECTION.test(t);
    const unclaimed = correcting ? unplaced.all : unplaced.bearing;
    const quoted = unclaimed.length ? quoteWords(unclaimed) : undefined;
    for (const part of ['day', 'time', 'shift'] as const) {
      if (!start[part]) continue;
      if (start[part] !== before[part]) start.unverified = { ...start.unverified, [part]: quoted };
      else if (quoted && setNothing) start.unverified = { ...start.unverified, [part]: start.unverified?.[part] ?? quoted };
    }
    for (const slot of counts) {
      if (before.counts.get(slot) !== slot.evidence) slot.unverified = quoted;
      else if (quoted && setNothing) slot.unverified ??= quoted;
    }
    for (const f of ['name', 'email', 'phone'] as const) {
      if (!contact[f]) delete contactUnverified[f];
      else if (contact[f] !== before.contact[f]) contactUnverified[f] = quoted;
      else if (quoted && setNothing) contactUnverified[f] ??= quoted;
    }
    expect = undefined;
  });

  reading.targets.otherReferences = [...new Set(reading.targets.otherReferences)];
  reading.targets.otherNames = [...new Set(reading.targets.otherNames)];

  // ---- fold the slots into values or questions
  const startResult = foldStart(start, bookingStart, now, timezone);
  if (startResult && 'question' in startResult) reading.asks.push(startResult);
  else if (startResult) reading.start = startResult;
  if (booking) {
    if (countAsk) reading.asks.push(countAsk);
    for (const slot of counts) {
      const r = foldCount(slot, booking);
      if ('question' in r) reading.asks.push(r);
      else reading.counts.push(r);
    }
  }
  for (const f of ['name', 'email', 'phone'] as const) {
    const words = contactUnverified[f];
    if (!words || !contact[f]) continue;
    delete contact[f];
    contactAsk.push({ about: f, question: `I could not place ${words} in what you wrote. ${f === 'name' ? 'What is the new name for the booking (first name and surname)?' : f === 'email' ? 'What is the new email address?' : 'What is the new phone number?'}` });
  }
  reading.contact = contact;
  for (const a of contactAsk) if (!reading.asks.some((x) => x.question === a.question)) reading.asks.push(a);
  reading.offTopic = !anyChange && !start.asked && !reading.cancel;
  return reading;
}

/** "resend the confirmation... actually never mind": the sentence before a mid-turn "never mind" does not stand. */
function dropTakenBack(t: string): string {
  const re = /(?:^|[\s.,;!?])(?:actually\s+|oh\s+|nah,?\s+|no,?\s+|wait,?\s+)*(?:never ?mind|forget (?:it|that|about it)|scratch that|scrap that|leave it|do not bother|no need|ignore that|cancel that|don't worry about it|do not worry about it)\b[.!]*/g;
  let out = t;
  for (const m of [...t.matchAll(re)].reverse()) {
    if (m.index! === 0 || !out.slice(0, m.index!).trim()) continue;
    const head = out.slice(0, m.index!).replace(/[\s.,;!?-]+$/, '');
    const cut = Math.max(head.lastIndexOf('.'), head.lastIndexOf('?'), head.lastIndexOf('!'), head.lastIndexOf(';'));
    out = `${out.slice(0, cut + 1)} ${out.slice(m.index! + m[0].length)}`.trim();
  }
  return out;
}

const BOOKING_NOUN = '(?:party|parties|jump|session|booking|slot|one|group|class|booked|sesh)';

/**
 * Times and days that describe the booking rather than where it goes ("the 10am party", "move it
 * from 10am", "the jump on sunday"): dropped from the new values; one that does not fit this booking
 * means another booking is meant.
 */
function describedBooking(text: string, when: TurnWhenLike, bookingStart: DateTime, targets: Targets) {
  const after = new RegExp(`^\\s*(?:[a-z]+\\s+)?${BOOKING_NOUN}\\b`);
  const before = new RegExp(`(?:\\bfrom|\\bcurrently(?: at| on)?|\\bbooked (?:for|at|on|in)|\\binstead of|\\bat the moment|${BOOKING_NOUN}\\s+(?:on|at|for))\\s+(?:the\\s+)?$`);
  // "get the 1pm slot", "move it to the 3pm session": where it goes, not what it is
  const target = /\b(?:move|moving|moved|reschedul\w*|switch|shift|push|bring|change|swap|put|rebook)\b[^,.;!?]*\b(?:to|into|onto|for)\s+(?:the\s+|a\s+|an\s+)?$|\b(?:get|take|book|want|wants|prefer|prefers|try|choose|pick|grab)\s+(?:the\s+|a\s+|an\s+)?$/;
  const targetNoun = new RegExp(`(?:\\b(?:move|moving|moved|reschedul\\w*|switch|shift|push|bring|change|swap|put|rebook)\\b[^,.;!?]*\\b(?:to|into|onto)|\\b(?:get|take|book|want|wants|prefer|prefers|try|choose|pick|grab))\\s+(?:the\\s+|a\\s+|an\\s+)?(?:\\S+\\s+){0,2}${BOOKING_NOUN}\\s+(?:on|at|for)\\s+(?:the\\s+)?$`);
  const isDescription = (f: { start: number; end: number }) => !targetNoun.test(text.slice(Math.max(0, f.start - 60), f.start)) && !target.test(text.slice(Math.max(0, f.start - 24), f.start)) && (after.test(text.slice(f.end)) || before.test(text.slice(Math.max(0, f.start - 30), f.start)));
  const times = when.times.filter(isDescription);
  const days = when.days.filter(isDescription);
  for (const f of times) {
    const fits = f.value.hour % 12 === bookingStart.hour % 12 && f.value.minute === bookingStart.minute && (!f.value.certain || f.value.hour === bookingStart.hour);
    if (!fits) targets.otherNames.push(`the ${f.text} booking`);
  }
  for (const f of days) {
    const v = f.value;
    const fits = v.kind === 'date' ? v.date.weekday === bookingStart.weekday && (v.weekdayWord !== undefined || v.date.hasSame(bookingStart, 'day') || Math.abs(v.date.diff(bookingStart.startOf('day'), 'days').days) < 7) : false;
    if (!fits) targets.otherNames.push(`the ${f.text} booking`);
  }
  when.times = when.times.filter((f) => !times.includes(f));
  when.days = when.days.filter((f) => !days.includes(f));
}

type TurnWhenLike = { times: Array<Found<TimeValue>>; days: Array<Found<DayValue>> };

let lists: { guestVerbs: Set<string>; nameMinor: Set<string> } | undefined;
/** Word lists the fold reads, built once from the vocabulary files. */
function listWords() {
  if (!lists) {
    const names = loadWordLists('names.yaml');
    lists = { guestVerbs: new Set(loadWordLists('known-words.yaml')['guest-verbs']), nameMinor: new Set([...names.particles!, ...names.titles!]) };
  }
  return lists;
}

/** Ticket words: the booking's own types, the families and the generic guest words ("people", "pax"). */
function ticketWordSet(booking: RollerBooking | undefined): WordSet {
  const entries = [...(booking?.items ?? []).flatMap((i) => [i.ticketType, `${i.ticketType}s`]), ...TICKET_FAMILIES.flat(), ...GENERIC_GUESTS]
    .map((w) => w.toLowerCase()).filter((w) => !['more', 'others', 'of them'].includes(w));
  return { words: new Set(entries.filter((w) => !w.includes(' '))), phrases: entries.filter((w) => w.includes(' ')).map((w) => w.split(' ')) };
}

/** A short answer that is only a name ("mia lopez", "Ana de Souza."), title-cased as typed. */
function bareName(original: string): string | undefined {
  const text = original.trim().replace(/[.!]+$/, '').replace(/\s+/g, ' ');
  const words = text.split(' ');
  if (words.length < 2 || words.length > 4 || notAName(text)) return undefined;
  return titleCase(text);
}

/** Words of this booking and of the catalog's requests: the reading accounts for them wherever they stand. */
function bookingWords(booking: RollerBooking | undefined, requestWords: string[] = []): Set<string> {
  const text = [
    booking?.holder?.name, booking?.reference, booking?.bookingId,
    ...(booking?.items ?? []).map((i) => i.productName),
    ...requestWords,
  ].filter(Boolean).join(' ').toLowerCase();
  const words = text.split(/[^\p{L}\p{N}'&.-]+/u).filter(Boolean);
  return new Set([...words, ...words.map((w) => `${w}'s`), ...words.map((w) => `${w}s`), ...words.flatMap((w) => w.split(/[-.]/))]);
}

/** A reading of nothing: no values, no questions. */
export function emptyReading(asks: Ask[] = []): Reading {
  return { counts: [], contact: {}, asks, targets: { otherReferences: [], otherNames: [], many: false }, cancel: false, live: [], offTopic: false, injection: false };
}

function sameDay(a: DayValue, b: DayValue): boolean {
  return a.kind === 'date' && b.kind === 'date' ? a.date.hasSame(b.date, 'day') : JSON.stringify(a) === JSON.stringify(b);
}

function fmtTime(t: TimeValue): string {
  const d = DateTime.fromObject({ hour: t.hour, minute: t.minute });
  if (!t.certain) return `${d.toFormat(t.minute ? 'h:mm' : 'h')}am or ${d.toFormat(t.minute ? 'h:mm' : 'h')}pm`;
  return d.toFormat(t.minute ? 'h:mma' : 'ha').toLowerCase();
}

function foldStart(s: StartSlots, bookingStart: DateTime | undefined, now: DateTime, timezone: string): Derived<DateTime> | Ask | undefined {
  if (s.ambiguous) return s.ambiguous;
  const ask = (question: string, expect: Expect = 'day'): Ask => ({ about: 'start', question, expect });
  const unplaced = (['day', 'time', 'shift'] as const).map((p) => (s[p] ? s.unverified?.[p] : undefined)).find(Boolean);
  if (unplaced) return ask(`I could not place ${unplaced} in what you wrote. Which day and time should it move to?`);
  if (!s.day && !s.time && !s.shift) return s.asked ? ask('Which day and time should it move to?') : undefined;
  let day: DateTime | undefined;
  const evidence: string[] = [];
  if (s.shift) {
    if (!bookingStart) return ask('Which day and time should it move to?');
    evidence.push(s.shift.text);
    if (s.shift.value.minutes !== 0 && !s.day && !s.time) {
      const at = bookingStart.plus({ days: s.shift.value.days, minutes: s.shift.value.minutes });
      return check(at, evidence);
    }
    day = bookingStart.startOf('day').plus({ days: s.shift.value.days });
  }
  if (s.day) {
    const v = s.day.value;
    evidence.push(s.day.text);
    if (v.kind === 'vague') return ask(`Which day exactly (you said "${v.why}")?`);
    if (v.kind === 'invalid') return ask(`Which date did you mean? ${v.why.charAt(0).toUpperCase()}${v.why.slice(1)}.`);
    if (v.kind === 'options' && v.options.length === 0) return ask(`What did you mean by "${v.why}" — a date or a time?`);
    if (v.kind === 'options') return ask(`Which ${v.options[0]!.toFormat('cccc')}: ${v.options.map((o) => describeDay(o, now)).join(' or ')}?`);
    if (v.weekdayWord && v.weekdayWord !== v.date.weekday) {
      return ask(`${v.date.toFormat('d LLLL')} is a ${v.date.toFormat('cccc')}. Did you mean ${v.date.toFormat('cccc d LLLL')}, or another ${DateTime.fromObject({ weekday: v.weekdayWord as 1 }).toFormat('cccc')}?`);
    }
    day = v.date;
  }
  if (!day) {
    // a time alone moves the booking within its own day — unless the words name a day not understood
    if (!bookingStart || s.unreadDay) return ask(`Which day should it move to${s.unreadDay ? ` (I could not read "${s.unreadDay}")` : ''}?`);
    day = bookingStart.startOf('day');
  }
  let time = s.time?.value;
  if (s.time) evidence.push(s.time.text);
  if (!time && s.shift && bookingStart) {
    time = { hour: bookingStart.hour, minute: bookingStart.minute, certain: true, fromBooking: true };
    if (s.shift.value.minutes) {
      const at = day.set({ hour: bookingStart.hour, minute: bookingStart.minute }).plus({ minutes: s.shift.value.minutes });
      return check(at, evidence);
    }
  }
  if (!time) return ask(`What time on ${describeDay(day, now)}${s.dayPart ? (s.dayPart === 'pm' ? ' afternoon' : ' morning') : ''}?`, 'time');
  if (time.hedged) return ask(`What time exactly on ${describeDay(day, now)} (the sessions start at fixed times)?`, 'time');
  if (!time.certain) return ask(`${fmtTime(time)}?`, 'meridiem');
  const at = DateTime.fromObject({ year: day.year, month: day.month, day: day.day, hour: time.hour, minute: time.minute }, { zone: timezone });
  return check(at, evidence);

  function check(at: DateTime, ev: string[]): Derived<DateTime> | Ask {
    if (at <= now) return ask(`${at.toFormat('cccc d LLLL HH:mm')} has already passed. Which day and time should it move to?`);
    // already there: nothing to move (the offline planner proposes no step for it)
    return { value: at, evidence: ev.join(' + '), ...(bookingStart && at.toMillis() === bookingStart.toMillis() ? { unchanged: true } : {}) };
  }
}

function foldCount(slot: CountSlot, booking: RollerBooking): CountIntent | Ask {
  const choices = booking.items.map((i) => `${i.ticketType.toLowerCase()} (${i.quantity} now)`).join(' or ');
  if (slot.unclear) return { about: 'count', question: slot.unclear };
  if (slot.unverified) return { about: 'count', question: `I could not place ${slot.unverified} in what you wrote. ${slot.itemId || booking.items.length === 1 ? `How many ${(booking.items.find((i) => i.itemId === slot.itemId) ?? booking.items[0]!).ticketType.toLowerCase()} tickets should there be? There are ${(booking.items.find((i) => i.itemId === slot.itemId) ?? booking.items[0]!).quantity} now.` : `Which tickets should change, and to how many: ${choices}?`}` };
  const resolved = slot.itemId ? { item: booking.items.find((i) => i.itemId === slot.itemId), options: [] } : resolveItem(slot.word, booking);
  const item = resolved.item;
  if (!item) {
    if (resolved.options.length === 0 && slot.word && slot.word !== 'generic') {
      return { about: 'ticket', question: `This booking has no ${slot.word} tickets — it has ${choices}. Which tickets should change?` };
    }
    return { about: 'ticket', question: `Which tickets should change: ${(resolved.options.length ? resolved.options : booking.items).map((i) => `${i.ticketType.toLowerCase()} (${i.quantity} now)`).join(' or ')}?` };
  }
  const v = slot.value;
  const type = item.ticketType.toLowerCase();
  if (v.competing) return { about: 'count', question: `How many ${type} tickets exactly? There are ${item.quantity} now.` };
  if (v.vague || v.n === undefined) return { about: 'count', question: v.mode === 'delta' ? `Exactly how many ${type} tickets ${v.sign > 0 ? 'more' : 'fewer'}? There are ${item.quantity} now.` : `Exactly how many ${type} tickets should there be? There are ${item.quantity} now.` };
  if (v.mode === 'unknown') return { about: 'count', question: `Should there be ${v.n} ${type} tickets in total (now ${item.quantity}), or ${v.n} more?` };
  const quantity = v.mode === 'absolute' ? v.n : item.quantity + v.sign * v.n;
  if (quantity < 0) return { about: 'count', question: `There are only ${item.quantity} ${type} tickets. How many should there be?` };
  if (quantity === item.quantity) return { about: 'count', question: `There are already ${item.quantity} ${type} tickets. How many should there be?` };
  return { itemId: item.itemId, ticketType: item.ticketType, from: item.quantity, quantity, evidence: slot.evidence };
}

/** A turn that only names a ticket type ("adults", "the kids ones"). */
function bareTicket(t: string, booking: RollerBooking): { itemId: string; word: string } | undefined {
  const words = t.replace(/[^a-z' -]/g, ' ').split(/\s+/).filter(Boolean);
  if (words.length > 5) return undefined;
  for (const w of words) {
    const r = resolveItem(w, booking);
    if (r.item && (familyOf(w) || booking.items.some((i) => i.ticketType.toLowerCase().startsWith(w.replace(/s$/, ''))))) return { itemId: r.item.itemId, word: w };
  }
  return undefined;
}

/** Whether the live user turns ask for an action, by its verbs and objects, in one clause that is not negated. */
export function asksFor(reading: Reading, verbs: string[], objects: string[]): string | undefined {
  const verbRe = new RegExp(`\\b(?:${verbs.map((v) => v.toLowerCase()).join('|')})\\b`);
  const objRe = new RegExp(`\\b(?:${objects.map((o) => o.toLowerCase()).join('|')})\\b`);
  for (const turn of [...reading.live].reverse()) {
    for (const c of clauses(turn.text)) {
      const v = c.text.match(verbRe);
      if (!v || !objRe.test(c.text)) continue;
      const before = c.text.slice(0, v.index);
      if (/\b(?:do not|no need to|not|never|without|no|stop|skip|forget|instead of|hold off)\b[^.]*$/.test(before)) continue;
      return c.text.trim();
    }
  }
  return undefined;
}

