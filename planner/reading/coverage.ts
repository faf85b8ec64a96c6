// The coverage check: a value is planned only when every word of the turn it came from is accounted
// for — part of something an extractor understood (a date, a time, a count, a contact value, the
// booking's own names, a ticket word) or a word the vocabulary says can never change a value. Any
// other word next to a value ("the sunday AFTER", "ONLY 4 coming", "3pm or MAYBE 4") makes that
// value unverified: the service asks, quoting the words it could not place.
import { clauses } from './text.js';
import { MONTHS, NUMBER_WORDS, WEEKDAYS } from './lexicon.js';
import { loadWordLists, wordSet, type WordSet } from './vocabulary.js';

export type ClaimKind = 'time' | 'count' | 'contact' | 'text' | 'reference';

export interface Claim {
  start: number;
  end: number;
  kind: ClaimKind;
}

export interface Token {
  text: string;
  start: number;
  end: number;
}

const TOKEN = /[\p{L}\p{N}]+(?:['.&-][\p{L}\p{N}]+)*'?/gu;

export function tokenize(text: string): Token[] {
  return [...text.matchAll(TOKEN)].map((m) => ({ text: m[0].replace(/'$/, ''), start: m.index!, end: m.index! + m[0].length }));
}

interface Vocabulary {
  known: WordSet;
  cues: Record<'time' | 'count' | 'contact' | 'withdraw', WordSet>;
  modifiers: Set<string>;
  ages: Set<string>;
  /** words a one-letter slip of which is still read as them ("mvoe", "bookign") */
  slips: string[];
}

let vocab: Vocabulary | undefined;
const SPECIAL = ['time-cues', 'count-cues', 'contact-cues', 'withdraw-cues', 'modifiers', 'age-words', 'guest-verbs'];

function vocabulary(): Vocabulary {
  if (!vocab) {
    const lists = loadWordLists('known-words.yaml');
    const general = Object.keys(lists).filter((k) => !SPECIAL.includes(k));
    vocab = {
      known: wordSet(lists, general),
      cues: { time: wordSet(lists, ['time-cues']), count: wordSet(lists, ['count-cues']), contact: wordSet(lists, ['contact-cues']), withdraw: wordSet(lists, ['withdraw-cues']) },
      modifiers: new Set(lists.modifiers),
      ages: new Set(lists['age-words']),
      slips: [...(lists['change-verbs'] ?? []), ...(lists['booking-nouns'] ?? [])].filter((w) => w.length >= 4),
    };
  }
  return vocab;
}

/** One letter added, dropped, changed, or two neighbours swapped (Damerau distance 1). */
function oneSlip(a: string, b: string): boolean {
  if (a === b || Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const rest = (x: string, n: number) => x.slice(i + n);
  return rest(a, 1) === rest(b, 1) || rest(a, 1) === rest(b, 0) || rest(a, 0) === rest(b, 1) || (a[i] === b[i + 1] && a[i + 1] === b[i] && rest(a, 2) === rest(b, 2));
}

/** A word that carries a value of its own: a number, a weekday, a month. */
function valueLike(word: string): boolean {
  return /\d/.test(word) || word in NUMBER_WORDS || WEEKDAYS.includes(word) || word in MONTHS;
}

/** Checks the vocabulary files now (start-up), so a bad list fails the process, not a request. */
export function checkVocabulary(): void {
  vocabulary();
}

/** Marks tokens covered by a word set: single words, and phrases matched token by token. */
function markKnown(tokens: Token[], set: WordSet, covered: boolean[], extra?: Set<string>) {
  const has = (w: string) => set.words.has(w) || !!extra?.has(w);
  tokens.forEach((t, i) => {
    if (has(t.text) || (t.text.endsWith("'s") && has(t.text.slice(0, -2)))) covered[i] = true;
  });
  for (const phrase of set.phrases) {
    for (let i = 0; i + phrase.length <= tokens.length; i++) {
      if (phrase.every((w, j) => tokens[i + j]!.text === w)) for (let j = 0; j < phrase.length; j++) covered[i + j] = true;
    }
  }
}

/**
 * The words of a turn nobody accounted for that bear on a value: every unplaced word of a clause where
 * a value was found, and anywhere in the turn an unplaced word that carries a value of its own ("4")
 * or changes one ("maybe", "after"). `claims` are what the extractors understood (spans of the
 * normalised turn); `own` are words of this booking (holder, reference, product, ticket types, the
 * catalog's request words). Cue words ("more", "pm") count only in a clause where their kind of value
 * was found; withdrawal words ("forget", "leave") only in a clause with no value.
 */
export function unplacedWords(text: string, claims: Claim[], own: Set<string>, ticketWords: WordSet): { bearing: string[]; all: string[] } {
  const v = vocabulary();
  // the booking's own words never stand for a number or a change of one ("little one", "more")
  own = new Set([...own].filter((w) => !(/^\d+$/.test(w) || w in NUMBER_WORDS || WEEKDAYS.includes(w) || w in MONTHS) && !v.modifiers.has(w)));
  const out: string[] = [];
  const all: string[] = [];
  for (const clause of clauses(text)) {
    const toks = tokenize(clause.text).map((t) => ({ ...t, start: t.start + clause.start, end: t.end + clause.start }));
    const covered = toks.map((t) => claims.some((c) => t.start < c.end && t.end > c.start));
    // an aside in brackets ("(she got married)") is not part of a value, unless it carries or changes one
    for (const m of clause.text.matchAll(/\(([^()]*)\)/g)) {
      const inside = toks.filter((t) => t.start >= clause.start + m.index! && t.end <= clause.start + m.index! + m[0].length);
      if (inside.every((t) => !valueLike(t.text) && !v.modifiers.has(t.text))) for (const t of inside) covered[toks.indexOf(t)] = true;
    }
    markKnown(toks, v.known, covered, own);
    const inClause = (kinds: ClaimKind[]) => claims.some((c) => kinds.includes(c.kind) && c.start < clause.end && c.end > clause.start);
    const hasValue = inClause(['time', 'count', 'contact']);
    if (inClause(['time'])) markKnown(toks, v.cues.time, covered);
    if (inClause(['count'])) markKnown(toks, v.cues.count, covered);
    // ticket words belong to a count: "the kid, adult count is 4" leaves "kid" without one
    const ticket = toks.map(() => false);
    markKnown(toks, ticketWords, ticket);
    if (inClause(['count'])) ticket.forEach((x, i) => (covered[i] ||= x));
    if (inClause(['contact'])) markKnown(toks, v.cues.contact, covered);
    if (!hasValue) markKnown(toks, v.cues.withdraw, covered);
    toks.forEach((t, i) => {
      // "5 yr olds": an age, neither a count nor a time
      if (/^\d{1,2}$/.test(t.text) && v.ages.has(toks[i + 1]?.text ?? '')) covered[i] = covered[i + 1] = true;
      if (!covered[i] && /^\p{L}{3,}$/u.test(t.text) && !v.modifiers.has(t.text) && !valueLike(t.text) && v.slips.some((w) => oneSlip(t.text, w) && w.length > 3)) covered[i] = true;
    });
    toks.forEach((t, i) => {
      if (covered[i]) return;
      all.push(t.text);
      if (hasValue || valueLike(t.text) || v.modifiers.has(t.text) || ticket[i]) out.push(t.text);
    });
  }
  return { bearing: [...new Set(out)], all: [...new Set(all)] };
}

/** How the question quotes the words it could not place. */
export function quoteWords(words: string[]): string {
  const shown = words.slice(0, 4).map((w) => `"${w}"`);
  if (words.length > 4) return `${shown.join(', ')}…`;
  return shown.length > 1 ? `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}` : shown.join('');
}
