// Finds, in the text of a request, the words that carry the values of the case's expected plan: the
// time and date of a new start, a shift, a count and its ticket word, an email, a phone, a name.
// It works from the expected params alone (what a reader of the case sees), never from how the
// planner reads: a value is located by comparing the message's tokens with the value it must produce.
import { DateTime } from 'luxon';
import { EVAL_NOW, type EvalCase } from '../evaluate.js';
import type { Seed } from '../../../sandbox/store.js';

export type ValueKind = 'time' | 'date' | 'shift' | 'quantity' | 'ticket' | 'email' | 'phone' | 'name' | 'action';

/** A located value: `text` is `message.slice(start, end)`. */
export interface Span {
  kind: ValueKind;
  start: number;
  end: number;
  text: string;
}

const WD = 'mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?';
const MON = 'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?';
const ORD = '\\d{1,2}(?:st|nd|rd|th)';
const WEEKDAY_PHRASE = `(?:this |next )?(?:${WD})\\b(?: the)?(?: ${ORD}\\b| \\d{1,2}(?= (?:of )?(?:${MON})\\b))?(?: of)?(?: (?:${MON})\\b)?(?: 20\\d\\d\\b)?`;
const DATE_PHRASES = [
  WEEKDAY_PHRASE,
  `(?:the )?\\d{1,2}(?:st|nd|rd|th)? (?:of )?(?:${MON})\\b(?: 20\\d\\d\\b)?`,
  `(?:${MON}) \\d{1,2}(?:st|nd|rd|th)?\\b(?:,? 20\\d\\d\\b)?`,
  `the ${ORD}\\b`,
  '\\d{4}-\\d{2}-\\d{2}',
  '\\d{1,2}[/.]\\d{1,2}(?:[/.]\\d{2,4})?\\b',
  '(?:the )?day after tomorrow|today|tomorrow|tmrw|tonight|this arvo',
];
export const DATE_RE = new RegExp(`(?<![\\w/.])(?:${DATE_PHRASES.join('|')})`, 'gi');
export const WEEKDAY_AT_START = new RegExp(`^(?:${WD})\\b`, 'i');
export const EMAIL_RE = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/gi;
const PHONE_RE = /\+?\(?\d[\d\s().-]{6,}\d/g;
const REF_RE = /\b[A-Z]{3}-\d{4}\b/gi;
const SHIFT_RE = /\b(?:a|an|one|two|three|four|\d+)\s+(?:hours?|hrs?|days?|weeks?|fortnight)\b/gi;
const AMPM_RE = /\b(\d{1,2})(?::(\d{2}))?\s?(am|pm|a\.m\.|p\.m\.)(?![a-z])/gi;
const H24_RE = /\b([01]?\d|2[0-3]):([0-5]\d)\b(?!\s?(?:am|pm|a\.m|p\.m))/gi;
const HHMM_RE = /(?<![\d/.-])([01]\d|2[0-3])([0-5]\d)(?![\d/.-])/g;
const NOON_RE = /\b(?:noon|midday)\b/gi;
const DAYPART_HOUR_RE = /\b(\d{1,2})(?=\s+(?:in the (?:afternoon|arvo|morning|evening)|tonight|o'?clock)\b)|(?<=\bat )(\d{1,2})\b(?![:\d/.]|\s?(?:am|pm|a\.m|p\.m|st|nd|rd|th)\b)/gi;
export const NUMBER_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve'];
const COUNT_RE = new RegExp(`(?<![\\w@.:/])(\\d{1,2}|${NUMBER_WORDS.join('|')})(?![\\w@:/]|\\.\\d)`, 'gi');
export const TICKET_RE = /\b(?:adults?|kids?|kdis|child(?:ren)?|juniors?|toddlers?|pax|guests?|people|ppl)\b/gi;
const ACTION_RE = /\b(?:re-?send|send)\b/gi;

function spans(re: RegExp, text: string, kind: ValueKind, group = 0): Array<Span & { m: RegExpExecArray }> {
  const out: Array<Span & { m: RegExpExecArray }> = [];
  for (const m of text.matchAll(new RegExp(re.source, re.flags))) {
    const g = m[group] ?? m[0];
    const start = m.index! + m[0].indexOf(g);
    out.push({ kind, start, end: start + g.length, text: g, m: m as RegExpExecArray });
  }
  return out;
}

const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) => a.start < b.end && b.start < a.end;
const strip = ({ kind, start, end, text }: Span): Span => ({ kind, start, end, text });

/** Spans whose words are values of their own (never to be read as counts, nor rewritten as words). */
export function protectedSpans(text: string): Span[] {
  return [...spans(EMAIL_RE, text, 'email'), ...spans(PHONE_RE, text, 'phone'), ...spans(DATE_RE, text, 'date'), ...spans(REF_RE, text, 'name'), ...spans(SHIFT_RE, text, 'shift'), ...timeSpans(text).map(strip)].map(strip);
}

type TimeSpan = Span & { hour: number; minute: number; hour12?: boolean };

/** Every written time, with the hour it denotes (a day-part hour denotes both N and N+12). */
export function timeSpans(text: string): TimeSpan[] {
  const out: TimeSpan[] = [];
  for (const s of spans(AMPM_RE, text, 'time')) {
    const h = Number(s.m[1]) % 12;
    out.push({ ...strip(s), hour: /^p/i.test(s.m[3]!) ? h + 12 : h, minute: Number(s.m[2] ?? 0) });
  }
  for (const s of spans(H24_RE, text, 'time')) out.push({ ...strip(s), hour: Number(s.m[1]), minute: Number(s.m[2]) });
  for (const s of spans(HHMM_RE, text, 'time')) out.push({ ...strip(s), hour: Number(s.m[1]), minute: Number(s.m[2]) });
  for (const s of spans(NOON_RE, text, 'time')) out.push({ ...strip(s), hour: 12, minute: 0 });
  for (const s of spans(DAYPART_HOUR_RE, text, 'time')) out.push({ ...strip(s), hour: Number(s.text), minute: 0, hour12: true });
  return out;
}

const dayOf = (word: string) => ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].indexOf(word.slice(0, 3).toLowerCase()) + 1;

/** Whether a written date phrase names the local date of `want`. */
export function dateNames(phrase: string, want: DateTime): boolean {
  const p = phrase.toLowerCase();
  const today = EVAL_NOW.setZone(want.zone).startOf('day');
  const rel = /day after tomorrow/.test(p) ? 2 : /tomorrow|tmrw/.test(p) ? 1 : /today|tonight|this arvo/.test(p) ? 0 : undefined;
  if (rel !== undefined) return today.plus({ days: rel }).hasSame(want, 'day');
  const iso = /(\d{4})-(\d{2})-(\d{2})/.exec(p);
  if (iso) return Number(iso[2]) === want.month && Number(iso[3]) === want.day;
  const num = /^(\d{1,2})[/.](\d{1,2})/.exec(p);
  if (num) return [`${num[1]}/${num[2]}`, `${num[2]}/${num[1]}`].includes(`${want.day}/${want.month}`);
  const day = /\b(\d{1,2})(?:st|nd|rd|th)?\b/.exec(p);
  if (day) return Number(day[1]) === want.day;
  const wd = new RegExp(`\\b(?:${WD})\\b`).exec(p);
  return wd ? dayOf(wd[0]) === want.weekday : false;
}

function locateStart(text: string, newStart: string): Span[] {
  const want = DateTime.fromISO(newStart, { setZone: true });
  const times = timeSpans(text).filter((t) => t.minute === want.minute && (t.hour === want.hour || (t.hour12 === true && t.hour + 12 === want.hour)));
  const dates = spans(DATE_RE, text, 'date').filter((d) => dateNames(d.text, want) && !times.some((t) => overlaps(t, d)));
  const shifts = spans(SHIFT_RE, text, 'shift');
  // the last one is the value in force (an earlier one may be the value a correction replaced)
  return [times.at(-1), dates.at(-1), shifts.at(-1)].filter((s): s is TimeSpan => !!s).map(strip);
}

/** Ticket words that may name a ticket type (the general ones, such as "guests", name any). */
const TICKET_WORDS: Record<string, RegExp> = { adult: /^adults?$/i, child: /^(?:kids?|kdis|child(?:ren)?)$/i, junior: /^juniors?$/i };
const namesTicket = (word: string, ticketType: string | undefined) => {
  const own = TICKET_WORDS[(ticketType ?? '').toLowerCase()];
  return !Object.values(TICKET_WORDS).some((re) => re.test(word)) || (own?.test(word) ?? false);
};

function locateCount(text: string, quantity: number, item: { quantity: number; ticketType: string } | undefined): Span[] {
  const current = item?.quantity;
  const guarded = protectedSpans(text);
  const counts = spans(COUNT_RE, text, 'quantity').filter((s) => !guarded.some((g) => overlaps(g, s)));
  const value = (w: string) => (/^\d+$/.test(w) ? Number(w) : NUMBER_WORDS.indexOf(w.toLowerCase()));
  const wanted = new Set([quantity, ...(current === undefined ? [] : [Math.abs(quantity - current)])]);
  const found = counts.filter((s) => wanted.has(value(s.text))).map(strip);
  return [...found, ...spans(TICKET_RE, text, 'ticket').filter((s) => namesTicket(s.text, item?.ticketType)).slice(-1).map(strip)];
}

function locatePhone(text: string, phone: string): Span[] {
  const want = phone.replace(/\D/g, '');
  return spans(PHONE_RE, text, 'phone')
    .filter((s) => {
      const digits = s.text.replace(/\D/g, '');
      if (s.text.startsWith('+')) return digits === want;
      const national = digits.replace(/^0/, '');
      return want.endsWith(national) && want.length - national.length <= 3 && national.length >= 7;
    })
    .map(strip);
}

function locateName(text: string, name: string): Span[] {
  const guarded = protectedSpans(text).filter((s) => s.kind === 'email');
  const words = name.toLowerCase().split(/\s+/);
  const hits = spans(/[\p{L}'-]+/gu, text, 'name').filter((s) => words.includes(s.text.toLowerCase()) && !guarded.some((g) => overlaps(g, s)));
  // the longest run of name words next to each other
  let best: Span[] = [];
  let run: Span[] = [];
  for (const h of hits) {
    run = run.length && /^\s+$/.test(text.slice(run.at(-1)!.end, h.start)) ? [...run, h] : [h];
    if (run.length > best.length) best = run;
  }
  return best.length ? [{ kind: 'name', start: best[0]!.start, end: best.at(-1)!.end, text: text.slice(best[0]!.start, best.at(-1)!.end) }] : [];
}

/** Every mention of a value of `kind` in the text, whatever its value (for counts: numbers outside dates, times, phones...). */
export function mentions(text: string, kind: ValueKind): Span[] {
  const guarded = protectedSpans(text);
  const of: Record<ValueKind, () => Span[]> = {
    time: () => timeSpans(text),
    date: () => spans(DATE_RE, text, 'date'),
    shift: () => spans(SHIFT_RE, text, 'shift'),
    quantity: () => spans(COUNT_RE, text, 'quantity').filter((s) => !guarded.some((g) => overlaps(g, s))),
    ticket: () => spans(TICKET_RE, text, 'ticket'),
    email: () => spans(EMAIL_RE, text, 'email'),
    phone: () => spans(PHONE_RE, text, 'phone'),
    name: () => [],
    action: () => spans(ACTION_RE, text, 'action'),
  };
  return of[kind]().map(strip);
}

/** The values of the case's expected plan that the given message carries, in text order, without duplicates. */
export function locateValues(text: string, c: EvalCase, seed: Seed): Span[] {
  if (typeof c.expect === 'string') return [];
  const booking = seed.bookings.find((b) => b.bookingId === (c.target ?? c.booking));
  const found: Span[] = [];
  for (const [, params] of c.expect.plan) {
    const p = params as Record<string, unknown>;
    if (typeof p.newStart === 'string') found.push(...locateStart(text, p.newStart));
    if (typeof p.quantity === 'number') found.push(...locateCount(text, p.quantity, booking?.items.find((i) => i.itemId === p.itemId)));
    if (typeof p.email === 'string') found.push(...spans(EMAIL_RE, text, 'email').filter((s) => s.text.toLowerCase() === (p.email as string).toLowerCase()).map(strip));
    if (typeof p.phone === 'string') found.push(...locatePhone(text, p.phone));
    if (typeof p.name === 'string') found.push(...locateName(text, p.name));
    if (Object.keys(p).length === 0) found.push(...spans(ACTION_RE, text, 'action').map(strip));
  }
  const unique = found.filter((s, i) => found.findIndex((o) => o.start === s.start && o.end === s.end) === i);
  return unique.sort((a, b) => a.start - b.start);
}
