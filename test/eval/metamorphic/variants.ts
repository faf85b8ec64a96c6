// What a variant of an eval case is, and the other value "of the same kind" a distractor offers.
import { DateTime } from 'luxon';
import type { EvalCase } from '../evaluate.js';
import { NUMBER_WORDS, timeSpans, type Span } from './values.js';

export const DISTRACTOR_KINDS = ['alternative', 'negation', 'unknown-word', 'competing', 'relative-day'] as const;
export type DistractorKind = (typeof DISTRACTOR_KINDS)[number];
export const HARMLESS_KINDS = ['letter-case', 'punctuation', 'emoji', 'filler', 'dictation'] as const;
export type HarmlessKind = (typeof HARMLESS_KINDS)[number];

type Step = [string, Record<string, unknown>];

export interface Variant {
  caseId: string;
  direction: 'distractor' | 'harmless';
  kind: DistractorKind | HarmlessKind;
  /** which wording of the kind, e.g. `or-maybe`, `upper` */
  template: string;
  /** the located value the distractor was put next to */
  value?: Span;
  /** the new last user message */
  text: string;
  /** a plan the inserted words themselves denote (e.g. "the week after <date>"): right, not a changed value */
  denotes?: Step[];
  /** the same plan means the inserted words were ignored (they negate or move the value): allowed, but counted */
  sameIsIgnored?: boolean;
}

/** The case with its last user message replaced by the variant's text. */
export function variantCase(c: EvalCase, v: Variant): EvalCase {
  return { ...c, messages: [...c.messages.slice(0, -1), v.text] };
}

/** Replaces `span` of `text` by `by(spanText)`; refuses a rewrite that leaves the text as it was. */
export function rewrite(text: string, span: { start: number; end: number }, by: (s: string) => string): string {
  const out = text.slice(0, span.start) + by(text.slice(span.start, span.end)) + text.slice(span.end);
  if (out === text) throw new Error(`a variant must change the text: ${JSON.stringify(text)}`);
  return out;
}

const sameCase = (model: string, s: string) => (model === model.toLowerCase() ? s.toLowerCase() : model === model.toUpperCase() ? s.toUpperCase() : s);

function otherTime(v: Span): string {
  // a day-part hour ("4" of "4 in the afternoon") is an hour only in its context: the next one
  if (/^\d{1,2}$/.test(v.text)) return String((Number(v.text) % 12) + 1);
  const t = timeSpans(v.text)[0];
  if (!t || /noon|midday/i.test(v.text)) return '1pm';
  const hour = t.hour >= 23 ? t.hour - 1 : t.hour + 1;
  const ampm = /(\s?)(a\.?m\.?|p\.?m\.?)$/i.exec(v.text);
  if (ampm) return `${hour % 12 || 12}${ampm[1]}${hour >= 12 ? 'pm' : 'am'}`;
  if (/^\d{1,2}:\d{2}$/.test(v.text)) return `${String(hour).padStart(2, '0')}:${String(t.minute).padStart(2, '0')}`;
  if (/^\d{4}$/.test(v.text)) return `${String(hour).padStart(2, '0')}${String(t.minute).padStart(2, '0')}`;
  return '1pm';
}

const bump = (w: string) => (/^\d+$/.test(w) ? String(Number(w) + 1) : ['a', 'an', 'one'].includes(w.toLowerCase()) ? 'two' : sameCase(w, NUMBER_WORDS[NUMBER_WORDS.indexOf(w.toLowerCase()) + 1] ?? 'twenty'));

function otherShift(v: Span): string {
  if (/fortnight/i.test(v.text)) return 'three weeks';
  const [n, unit] = v.text.split(/\s+/) as [string, string];
  const plural = /s$/i.test(unit) || ['a', 'an', 'one'].includes(n.toLowerCase()) ? unit.replace(/s?$/, 's') : unit;
  return `${bump(n)} ${plural}`;
}

function otherTicket(v: Span): string {
  const plural = /s$|children|people/i.test(v.text);
  const other = /adult/i.test(v.text) ? (plural ? 'kids' : 'kid') : plural ? 'adults' : 'adult';
  return sameCase(v.text, other);
}

function otherPhone(v: Span): string {
  const last = v.text.search(/\d(?=\D*$)/);
  return v.text.slice(0, last) + String((Number(v.text[last]) + 1) % 10) + v.text.slice(last + 1);
}

/** Another value of the same kind as the located one (never equal to it); undefined when the kind has none. */
export function otherValue(v: Span, plan: Step[]): string | undefined {
  switch (v.kind) {
    case 'time':
      return otherTime(v);
    case 'date': {
      const start = plan.map(([, p]) => p.newStart).find((s): s is string => typeof s === 'string');
      return start ? DateTime.fromISO(start, { setZone: true }).plus({ days: 1 }).toFormat('cccc d LLLL') : undefined;
    }
    case 'shift':
      return otherShift(v);
    case 'quantity':
      return bump(v.text);
    case 'ticket':
      return otherTicket(v);
    case 'email':
      return sameCase(v.text, `alt.${v.text}`);
    case 'phone':
      return otherPhone(v);
    case 'name':
      return sameCase(v.text, v.text.includes(' ') ? 'Alex Morgan' : 'Morgan');
    case 'action':
      return undefined;
  }
}
