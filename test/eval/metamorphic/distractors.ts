// Distractors: words put into the last user message next to a value it carries. Whatever the
// reader makes of them, a careful assistant gives the same plan or asks; a plan with another value,
// or with a step nobody asked for, is the failure this suite counts.
import { DateTime } from 'luxon';
import type { EvalCase } from '../evaluate.js';
import type { Seed } from '../../../sandbox/store.js';
import { locateValues, mentions, WEEKDAY_AT_START, type Span } from './values.js';
import { otherValue, rewrite, type DistractorKind, type Variant } from './variants.js';

type Step = [string, Record<string, unknown>];
type Make = Omit<Variant, 'caseId' | 'direction' | 'kind' | 'value'>;

const insertAfter = (text: string, v: Span, words: string) => rewrite(text, v, (s) => `${s}${words}`);
const insertBefore = (text: string, v: Span, words: string) => rewrite(text, v, (s) => `${words}${s}`);

function alternative(text: string, v: Span, other: string | undefined): Make[] {
  return other ? [{ template: 'or-maybe', text: insertAfter(text, v, ` or maybe ${other}`) }] : [];
}

const CLAUSE_VERB = /(?:^|[,.;:!?]\s*|\b(?:and|then|just|also|pls|please)\s+)(move|push|bring|change|update|add|remove|re-?send|send|reschedule|resched|switch|make|put|drop|reduce|increase|set|use)\b/gi;
const PREPOSITION_BEFORE = /\b(?:at|to|on|is|be|by|for)\s+$/i;

/** The verb that starts the clause the value is in, when the clause starts with one. */
function clauseVerb(text: string, v: Span): { start: number; end: number } | undefined {
  let found: { start: number; end: number } | undefined;
  for (const m of text.slice(0, v.start).matchAll(CLAUSE_VERB)) {
    const start = m.index! + m[0].length - m[1]!.length;
    found = { start, end: start + m[1]!.length };
  }
  // a clause boundary between the verb and the value: the verb is another clause's
  return found && !/[,.;!?]|\band\b/i.test(text.slice(found.end, v.start)) ? found : undefined;
}

/**
 * Whether the conversation names another value of the same kind (a corrected one, an earlier turn's):
 * then "not <value>" can fairly be read as "the other one", so that wording says nothing here.
 */
function hasOtherMention(c: EvalCase, v: Span, located: Span[]): boolean {
  const earlier = c.messages.slice(0, -1).some((m) => mentions(m, v.kind).length > 0);
  const here = mentions(c.messages.at(-1)!, v.kind).filter((m) => !located.some((l) => l.start <= m.start && m.end <= l.end));
  return earlier || here.length > 0;
}

function negation(c: EvalCase, v: Span, other: string | undefined, located: Span[]): Make[] {
  const text = c.messages.at(-1)!;
  const out: Make[] = [];
  // "<value>, not <other>": the value stays the one asked for
  if (other) out.push({ template: 'value-not-other', text: insertAfter(text, v, `, not ${other}`) });
  const prep = PREPOSITION_BEFORE.exec(text.slice(0, v.start));
  const at = prep ? { ...v, start: v.start - prep[0].length } : v;
  if (!hasOtherMention(c, v, located)) out.push({ template: 'not-value', text: rewrite(text, at, (s) => `not ${s}`), sameIsIgnored: true });
  const verb = clauseVerb(text, v);
  const dont = (s: string) => (/^\p{Lu}/u.test(s) ? `Don't ${s.toLowerCase()}` : `don't ${s}`);
  if (verb) out.push({ template: 'dont-verb', text: rewrite(text, verb, dont), sameIsIgnored: true });
  return out;
}

function unknownWord(text: string, v: Span): Make[] {
  return [
    { template: 'blorf-before', text: insertBefore(text, v, 'blorf ') },
    { template: 'blorf-after', text: insertAfter(text, v, ' blorf') },
    { template: 'ish-after', text: insertAfter(text, v, ' ish') },
    { template: 'approx-before', text: insertBefore(text, v, 'approx ') },
  ];
}

function competing(text: string, v: Span, other: string | undefined): Make[] {
  if (!other) return [];
  return [
    { template: 'side-by-side', text: insertAfter(text, v, ` ${other}`) },
    { template: 'comma', text: insertAfter(text, v, `, ${other}`) },
  ];
}

/** The expected plan with its new start moved by `days` (what "the week after <date>" denotes). */
function movedBy(plan: Step[], days: number): Step[] {
  return plan.map(([a, p]) => [a, typeof p.newStart === 'string' ? { ...p, newStart: DateTime.fromISO(p.newStart, { setZone: true }).plus({ days }).toISO() } : p]);
}

function relativeDay(text: string, v: Span, plan: Step[]): Make[] {
  if (v.kind !== 'date') return [];
  const start = plan.map(([, p]) => p.newStart).find((s): s is string => typeof s === 'string')!;
  const nextDay = DateTime.fromISO(start, { setZone: true }).plus({ days: 1 }).toFormat('cccc');
  return [
    { template: 'week-after', text: insertBefore(text, v, 'the week after '), denotes: movedBy(plan, 7), sameIsIgnored: true },
    { template: 'weekday-after', text: insertBefore(text, v, `the ${nextDay} after `), denotes: movedBy(plan, 1), sameIsIgnored: true },
    // "the following <weekday>" names no one day (asked, by the team's convention for "next <weekday>")
    WEEKDAY_AT_START.test(v.text) ? { template: 'the-following', text: insertBefore(text, v, 'the following ') } : { template: 'following-week', text: insertAfter(text, v, ' the following week') },
  ];
}

function forKind(kind: DistractorKind, c: EvalCase, v: Span, plan: Step[], located: Span[]): Make[] {
  const text = c.messages.at(-1)!;
  const other = otherValue(v, plan);
  switch (kind) {
    case 'alternative':
      return alternative(text, v, other);
    case 'negation':
      return negation(c, v, other, located);
    case 'unknown-word':
      return unknownWord(text, v);
    case 'competing':
      return competing(text, v, other);
    case 'relative-day':
      return relativeDay(text, v, plan);
  }
}

/** Every distractor variant of a plan-producing case, by kind; none for a case that expects no plan. */
export function distractorVariants(c: EvalCase, seed: Seed, kinds: readonly DistractorKind[]): Variant[] {
  if (typeof c.expect === 'string') return [];
  const text = c.messages.at(-1)!;
  const plan = c.expect.plan as Step[];
  const located = locateValues(text, c, seed);
  return located.flatMap((value) => kinds.flatMap((kind) => forKind(kind, c, value, plan, located).map((m) => ({ caseId: c.id, direction: 'distractor' as const, kind, value, ...m }))));
}
