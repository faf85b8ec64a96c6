// Harmless rewrites of the last user message: the same request as a person would read it, typed
// differently. Emails and the expected name are never re-cased, and digits become words only where
// they are a count (never inside a date, a time, a phone number, an email or a reference).
import type { EvalCase } from '../evaluate.js';
import type { Seed } from '../../../sandbox/store.js';
import { EMAIL_RE, NUMBER_WORDS, locateValues, protectedSpans, timeSpans, type Span } from './values.js';
import { rewrite, type HarmlessKind, type Variant } from './variants.js';

type Make = { template: string; text: string };

/** Applies `f` to the text outside the kept spans. */
function outside(text: string, kept: Span[], f: (s: string) => string): string {
  const sorted = [...kept].sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const k of sorted) {
    if (k.start < at) continue;
    out += f(text.slice(at, k.start)) + text.slice(k.start, k.end);
    at = k.end;
  }
  return out + f(text.slice(at));
}

const emails = (text: string): Span[] => [...text.matchAll(new RegExp(EMAIL_RE.source, 'gi'))].map((m) => ({ kind: 'email', start: m.index!, end: m.index! + m[0].length, text: m[0] }));

function letterCase(text: string, names: Span[]): Make[] {
  const kept = [...emails(text), ...names];
  const title = (s: string) => s.replace(/(^|\s)(\p{Ll})/gu, (_, sp: string, c: string) => sp + c.toUpperCase());
  return [
    { template: 'upper', text: outside(text, kept, (s) => s.toUpperCase()) },
    { template: 'lower', text: outside(text, kept, (s) => s.toLowerCase()) },
    { template: 'title', text: outside(text, kept, title) },
  ];
}

function punctuation(text: string, names: Span[]): Make[] {
  const kept = [...protectedSpans(text), ...names];
  const bare = outside(text, kept, (s) => s.replace(/\.{3}|…/g, ' ').replace(/[,!?;]+/g, '').replace(/[.:](?=\s|$)/g, '').replace(/\s-\s/g, ' '))
    .replace(/\s{2,}/g, ' ')
    .trim();
  const ended = /[.!?]$/.test(text);
  return [{ template: 'removed', text: bare }, ...(ended ? [] : [{ template: 'period', text: `${text}.` }]), { template: 'exclaim', text: `${text}!` }];
}

const emoji = (text: string): Make[] => ['🙂', '👍', '🙏'].map((e, i) => ({ template: ['smile', 'thumbs-up', 'thanks'][i]!, text: `${text} ${e}` }));

const filler = (text: string): Make[] => [
  { template: 'hey', text: `hey ${text}` },
  { template: 'ok-so', text: `ok so ${text}` },
  { template: 'pls', text: `${text} pls` },
  { template: 'thx', text: `${text} thx` },
  { template: 'cheers', text: `${text} cheers` },
];

const MINUTE_WORDS: Record<number, string> = { 0: '', 15: ' fifteen', 30: ' thirty', 45: ' forty five' };

/** "3pm" → "3 p m", "3 p.m.", "three pm"; "3:30pm" → "three thirty pm"; a count of ten or fewer → its word. */
function dictation(text: string, values: Span[]): Make[] {
  const out: Make[] = [];
  for (const v of values.filter((s) => s.kind === 'time')) {
    const t = timeSpans(v.text)[0];
    const ampm = /^(\d{1,2}(?::\d{2})?)\s?([ap])\.?m\.?$/i.exec(v.text);
    if (!t || !ampm) continue;
    const [clock, ap] = [ampm[1]!, ampm[2]!.toLowerCase()];
    out.push({ template: 'spelled-letters', text: rewrite(text, v, () => `${clock} ${ap} m`) }, { template: 'dotted', text: rewrite(text, v, () => `${clock} ${ap}.m.`) });
    const minutes = MINUTE_WORDS[t.minute];
    if (minutes !== undefined) out.push({ template: 'words', text: rewrite(text, v, () => `${NUMBER_WORDS[t.hour % 12 || 12]}${minutes} ${ap}m`) });
  }
  for (const v of values.filter((s) => s.kind === 'quantity' && /^\d+$/.test(s.text) && Number(s.text) <= 10)) {
    if (/[+-]$/.test(text.slice(0, v.start))) continue; // "+2" is a sign and a digit, not a word
    out.push({ template: 'count-words', text: rewrite(text, v, (s) => NUMBER_WORDS[Number(s)]!) });
  }
  return out;
}

/** Every harmless rewrite of a plan-producing case's last message, by kind (each changes the text). */
export function harmlessVariants(c: EvalCase, seed: Seed, kinds: readonly HarmlessKind[]): Variant[] {
  if (typeof c.expect === 'string') return [];
  const text = c.messages.at(-1)!;
  const values = locateValues(text, c, seed);
  const names = values.filter((v) => v.kind === 'name');
  const make: Record<HarmlessKind, () => Make[]> = {
    'letter-case': () => letterCase(text, names),
    punctuation: () => punctuation(text, names),
    emoji: () => emoji(text),
    filler: () => filler(text),
    dictation: () => dictation(text, values),
  };
  return kinds.flatMap((kind) =>
    make[kind]()
      .filter((m) => m.text !== text)
      .map((m) => ({ caseId: c.id, direction: 'harmless' as const, kind, ...m })),
  );
}

/** The emails, phone numbers and expected name of `before` are all still written, verbatim, in `after`. */
export function keepsValues(before: string, after: string, c: EvalCase, seed: Seed): boolean {
  const kept = [...emails(before), ...protectedSpans(before).filter((s) => s.kind === 'phone'), ...locateValues(before, c, seed).filter((s) => s.kind === 'name')];
  return kept.every((s) => after.includes(s.text));
}
