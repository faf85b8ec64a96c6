// Text helpers of the reading: normalisation, token-boundary matching, and choosing among several
// values of one kind in a turn (negated ones dropped, a correction replaces, otherwise ambiguous).
import { CORRECTION, MONTHS, NEGATOR_BEFORE, NUMBER_WORDS, ORDINALS, SHORTHAND } from './lexicon.js';

const TENS: Record<string, number> = { twenty: 20, thirty: 30, forty: 40, fifty: 50 };
const UNITS: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9 };
const MONTH_FIRST = new RegExp(`\\b(${Object.keys(MONTHS).join('|')})\\.?\\s+(?:the\\s+)?(\\d{1,2})(st|nd|rd|th)?\\b(?!\\s*(?::|am\\b|pm\\b|o'clock|hours))`, 'g');

/** Lower case, plain quotes and spaces, staff shorthand expanded. Emails keep their case-insensitivity. */
export function normalise(text: string): string {
  let t = text
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc`]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/[\u2013\u2014]/g, ' - ')
    .replace(/\s+/g, ' ');
  for (const [re, to] of SHORTHAND) t = t.replace(re, to);
  t = t.replace(/\bhalf a dozen\b/g, '6').replace(/\b(?:a )?dozen\b/g, '12');
  // dictation: "two p m" → "2 pm", "the nineteenth" → "the 19th"
  t = t.replace(/\b([ap])\s?\.?\s?m\b\.?/g, '$1m');
  t = t.replace(/\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)(?=\s*(?:am|pm|o'clock)\b)/g, (w) => String(NUMBER_WORDS[w]));
  // only where a day of the month stands ("first name" stays)
  t = t.replace(new RegExp(`\\b(the|on|(?:mon|tues|wednes|thurs|fri|satur|sun)day)\\s+(${Object.keys(ORDINALS).sort((a, b) => b.length - a.length).join('|')})\\b`, 'g'), (_m, before: string, w: string) => `${before} ${ORDINALS[w]!}`);
  // "twenty two" / "twenty-two" → 22; "12kids" → "12 kids"
  t = t.replace(/\b(twenty|thirty|forty|fifty)[- ](one|two|three|four|five|six|seven|eight|nine)\b/g, (_m, tens: string, unit: string) => String(TENS[tens]! + UNITS[unit]!));
  t = t.replace(/(\d)(?=(?:kids?|child|children|adults?|guests?|pax|people|ppl|tickets?|more|extra|juniors?|seniors?|infants?)\b)/g, '$1 ');
  // "december 12th" / "dec. the 12" → "12th december": one order for the date parsers (chrono reads
  // "december 12" as the year 2012 and "december the 12th" as the month alone)
  t = t.replace(MONTH_FIRST, (_m, month: string, day: string, suffix: string | undefined) => `${day}${suffix ?? ''} ${month}`);
  return t.replace(/\s+/g, ' ').trim();
}

export const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether `phrase` occurs in `text` on token boundaries (so "2 kids" is not inside "12 kids"). */
export function hasPhrase(text: string, phrase: string): boolean {
  const p = normalise(phrase);
  if (!p) return false;
  return new RegExp(`(?:^|[^a-z0-9@.+-])${escapeRe(p)}(?=$|[^a-z0-9@])`).test(normalise(text));
}

export interface Span {
  start: number;
  end: number;
  text: string;
}

/** One value found in a turn, with where it was. */
export interface Found<T> extends Span {
  value: T;
  negated?: boolean;
}

/** Whether the words just before `start` negate the value there ("not 3pm", "instead of 3pm"). */
export function negatedAt(text: string, start: number): boolean {
  return NEGATOR_BEFORE.test(text.slice(Math.max(0, start - 24), start));
}

export type Choice<T> = { kind: 'none' } | { kind: 'one'; found: Found<T> } | { kind: 'ambiguous'; options: Found<T>[] };

/**
 * Of several values of one kind in one turn: negated ones are dropped; when a correction phrase
 * stands between two values the later wins; two different values with nothing between them that
 * says which ("2 or 3", "3pm and 4pm") are ambiguous.
 */
export function choose<T>(text: string, found: Found<T>[], same: (a: T, b: T) => boolean): Choice<T> {
  const live = found.filter((f) => !f.negated).sort((a, b) => a.start - b.start);
  if (live.length === 0) return { kind: 'none' };
  let current = live[0]!;
  const open: Found<T>[] = [current];
  for (const next of live.slice(1)) {
    if (same(current.value, next.value)) continue;
    const between = text.slice(current.end, next.start);
    // "4pm not 3pm": the value after "not" must be the one being replaced, else nothing is settled
    const refusedAfter = found.find((f) => f.negated && f.start >= next.end && f.start - next.end <= 12);
    if (CORRECTION.test(between) || (refusedAfter && same(refusedAfter.value, current.value))) {
      open.length = 0;
    }
    open.push(next);
    current = next;
  }
  const distinct = open.filter((f, i) => open.findIndex((g) => same(g.value, f.value)) === i);
  return distinct.length === 1 ? { kind: 'one', found: distinct[distinct.length - 1]! } : { kind: 'ambiguous', options: distinct };
}

/** Clauses of a turn: split on commas, semicolons, "and", "but", "also", "then", "plus" before a verb. */
export function clauses(text: string): Span[] {
  const out: Span[] = [];
  const re = /\s*(?:[,;.!?]+(?!\d)|&|\band\b|\bbut\b|\balso\b|\bthen\b|\bas well as\b)\s*/g;
  let last = 0;
  for (const m of text.matchAll(re)) {
    // keep decimals / emails / times intact: a "." between word characters is not a boundary
    if (/^\s*\.\s*$/.test(m[0]) && /\w/.test(text[m.index - 1] ?? '') && /\w/.test(text[m.index + m[0].length] ?? '')) continue;
    if (m.index > last) out.push({ start: last, end: m.index, text: text.slice(last, m.index) });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ start: last, end: text.length, text: text.slice(last) });
  return out.filter((c) => c.text.trim() !== '');
}

export function titleCase(name: string): string {
  if (name !== name.toLowerCase()) return name;
  return name.replace(/(^|[\s'-])([a-z])/g, (_m, p: string, c: string) => p + c.toUpperCase());
}
