// Guest counts in one turn: per clause, a number (digits or words), the ticket words near it, and
// whether it is a change ("add 2", "+2", "2 pulled out") or a total ("make it 10", "8 in total").
// Digits inside dates, times, phones, emails and references are masked before this runs.
import { CORRECTION, GENERIC_GUESTS, NUMBER_WORDS, TICKET_FAMILIES, VAGUE_QUANTITY } from './lexicon.js';
import { clauses, escapeRe, negatedAt, type Found } from './text.js';

export interface CountValue {
  n?: number;
  /** delta: a change of the current quantity; absolute: the new total; unknown: a number with no cue */
  mode: 'delta' | 'absolute' | 'unknown';
  sign: 1 | -1;
  /** the ticket words used ("kids", "adults"), or 'generic' for guests/people/pax, undefined when none */
  ticketWord?: string;
  vague?: boolean;
  /** several numbers with nothing saying which ("2 or 3") */
  competing?: boolean;
}

const TICKET_WORDS = [...TICKET_FAMILIES.flat()].sort((a, b) => b.length - a.length);
const NUM = `(\\d{1,3}|${Object.keys(NUMBER_WORDS).join('|')}|another|an extra|one more|an|a)`;
const INCREASE = /\b(?:too|as well|add|adding|added|plus|extra|another|additional|more|bring(?:ing)?|coming|joining|join|up by|increase|increasing|bump(?:ing)? up|an extra)\b|\+/;
const DECREASE = /\btake\s+(?:\w+\s+){0,3}(?:off|away|out)\b|\b(?:remove|removing|minus|less|fewer|drop(?:ping)?|take (?:off|away|out)|taking (?:off|away|out)|subtract|reduce|reducing|decrease|down by|cancel(?:led)?|pulled out|pulling out|pull out|dropped out|dropping out|can not (?:make it|come|attend|go)|not coming|not able to come|unable to (?:come|attend|make it)|will not be (?:coming|there|attending)|no longer coming|are sick|is sick|sick|out)\b|(?:^|\s)-\s*\d/;
const ABSOLUTE = /\b(?:make (?:it|that|them)|change (?:it |that |them |the \w+ )?to|set (?:it |that |them )?to|update (?:it |that )?to|to|now|total|in total|altogether|all together|all up|all in|there (?:will be|are|is)|we have|we will have|should be|will be|instead|count|number of)\b|[:=]\s*\d|\b(?:\w+\s+){0,2}=\s*$/;

/** Reads every count in a turn. `ticketWords` adds the booking's own type names ("junior", "spectator"). */
/** Words that may follow a guest count without making it a count of something else ("2 pizzas"). */
const AFTER_COUNT = /^(?:more|extra|additional|less|fewer|of|to|on|for|and|or|but|in|at|the|a|now|total|altogether|instead|then|so|too|also|as|thanks|no|sorry|actually|coming|joining|going|pulled|dropped|can|are|is|will|were|have|has|x|all|each|new|others|other|spots|places|plus|with|from|please|pls|if|who|that|this|into|onto|instead|only|now|again|max|maximum|min|minimum|total)$/;

export function readCounts(text: string, masked: Array<[number, number]>, ticketWords: string[], opts: { expect?: boolean; correcting?: boolean } = {}): Found<CountValue>[] {
  const expectCount = !!opts.expect;
  const words = [...new Set([...ticketWords.map((w) => w.toLowerCase()), ...TICKET_WORDS])].sort((a, b) => b.length - a.length);
  const wordRe = new RegExp(`\\b(${words.map(escapeRe).join('|')}|${GENERIC_GUESTS.map(escapeRe).join('|')})\\b`, 'g');
  // mask: replace masked spans with spaces so their digits vanish but offsets stay
  let t = text;
  for (const [s, e] of masked) t = t.slice(0, s) + ' '.repeat(e - s) + t.slice(e);
  const out: Found<CountValue>[] = [];
  let inherited: { mode: CountValue['mode']; sign: 1 | -1; word?: string } | undefined;
  for (const c of clauses(t)) {
    const body = c.text;
    const nums = [...body.matchAll(new RegExp(`(?:^|[^\\w+-])([+-]\\s*)?\\b${NUM}\\b(?!\\s*(?:[:/]|am\\b|pm\\b|o'clock|st\\b|nd\\b|rd\\b|th\\b|minutes|hours|days?\\b|weeks?\\b|months?\\b|years?\\b|yo\\b|year olds?|%|dollars|bucks))`, 'g'))]
      .filter((m) => {
        // "a" and "another" count only when they stand before a ticket word or "more"
        const w = m[2]!;
        if (w === 'a' || w === 'an' || w === 'another' || w === 'an extra' || w === 'one more') {
          const after = body.slice(m.index! + m[0].length);
          return new RegExp(`^\\s*(?:more\\s+|extra\\s+|additional\\s+)?(?:${words.map(escapeRe).join('|')})\\b`).test(after) || (w !== 'a' && w !== 'an' && /^\s*(?:more\b|one\b|$)/.test(after));
        }
        // "add 2 pizzas": a number before a word that is neither a ticket word nor a little word is not guests
        const next = body.slice(m.index! + m[0].length).match(/^\s*([a-z][a-z'-]*)/)?.[1];
        if (next && !words.includes(next) && !GENERIC_GUESTS.includes(next) && !AFTER_COUNT.test(next)) return false;
        return true;
      });
    const ticketHits = [...body.matchAll(wordRe)].filter((m) => m[1] !== 'more' || nums.length > 0);
    // "a few more kids", "more kids coming": a change with no number
    const vague = ticketHits.some((h) => h[1] !== 'more') && nums.length === 0 && (VAGUE_QUANTITY.test(body) || INCREASE.test(body) || DECREASE.test(body));
    const own = new Set(ticketWords.map((w) => w.toLowerCase()));
    const nearWord = (at: number) => {
      // a ticket type the booking itself has, named in the clause, beats a family word ("2 kiddos to the junior tickets")
      const named = ticketHits.filter((h) => own.has(h[1]!));
      if (named.length === 1) return named[0]![1];
      // the ticket word closest after the number (within 4 words), else the closest before
      const after = ticketHits.filter((h) => h.index! >= at && body.slice(at, h.index!).split(/\s+/).length <= 5 && h[1] !== 'more');
      if (after[0]) return after[0][1];
      const before = ticketHits.filter((h) => h.index! < at && h[1] !== 'more').pop();
      return before?.[1];
    };
    const direction = (prefix: string, around: string, before = '', after = ''): { mode: CountValue['mode']; sign: 1 | -1 } => {
      if (/\b(?:to|down to|up to)\s*$/.test(before) && !/\b(?:add|added|adding|plus)\b/.test(before)) return { mode: 'absolute', sign: 1 };
      // "only 4 are coming now": the new total, whatever "coming" says — unless "only 2 more"
      if (/\b(?:only|just)\s*$/.test(before) && !/^\s*(?:more|extra|additional|less|fewer)\b/.test(after)) return { mode: 'absolute', sign: 1 };
      if (/^\s*-/.test(prefix)) return { mode: 'delta', sign: -1 };
      if (/^\s*\+/.test(prefix)) return { mode: 'delta', sign: 1 };
      if (DECREASE.test(around)) return { mode: 'delta', sign: -1 };
      if (/\bby\s*$/.test(around.split(/\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten)\b/)[0] ?? '') && /\b(?:increase|up|more)\b/.test(around)) return { mode: 'delta', sign: 1 };
      if (INCREASE.test(around)) return { mode: 'delta', sign: 1 };
      if (ABSOLUTE.test(around)) return { mode: 'absolute', sign: 1 };
      return { mode: 'unknown', sign: 1 };
    };
    if (vague) {
      const h = ticketHits[0]!;
      const dir = direction('', body);
      out.push({ start: c.start, end: c.end, text: body.trim(), value: { mode: dir.mode, sign: dir.sign, ticketWord: normWord(h[1]!), vague: true }, negated: negatedAt(t, c.start + h.index!) });
      inherited = { ...dir, word: normWord(h[1]!) };
      continue;
    }
    if (nums.length === 0) continue;
    // a clause that names no ticket word and has no count cue is not about guests ("at 3", "room 2")
    const hasCue = ticketHits.length > 0 || INCREASE.test(body) || DECREASE.test(body) || /\b(?:only|just|down to|up to|numbers?|headcount|head count|make (?:it|that)|total|altogether|in total)\b/.test(body) || expectCount || !!inherited || (!!opts.correcting && CORRECTION.test(body));
    if (!hasCue) continue;
    const found: Found<CountValue>[] = [];
    // "swap one adult for a child": two changes in one phrase, which way each goes is asked
    const swap = /\b(?:swap|switch|replace|exchange|instead of|change (?:one|an?|\d+) \w+ (?:to|for|into))\b/.test(body) && new Set(ticketHits.map((h) => h[1])).size > 1;
    // "don't add the 2 kids": the whole clause is not wanted
    const clauseNegated = /\b(?:do not|no need to|not|never|without|no longer)\s+(?:\w+\s+)?(?:add|adding|remove|removing|take|bring|bringing|change|increase|reduce)\b/.test(body);
    for (const m of nums) {
      const at = m.index! + m[0].indexOf(m[2]!);
      const n = m[2] === 'another' || m[2] === 'an extra' || m[2] === 'one more' || m[2] === 'a' || m[2] === 'an' ? 1 : /^\d+$/.test(m[2]!) ? Number(m[2]) : NUMBER_WORDS[m[2]!]!;
      let dir = direction(m[1] ?? '', body, body.slice(0, at - (m[1]?.length ?? 0)), body.slice(at + m[2]!.length));
      const word = nearWord(at);
      if (dir.mode === 'unknown' && inherited) dir = { mode: inherited.mode, sign: inherited.sign };
      const value: CountValue = { n, mode: swap ? 'unknown' : dir.mode, sign: dir.sign, ticketWord: word ? normWord(word) : inherited?.word, ...(swap ? { competing: true } : {}) };
      // "6 -> 8", "6 → 8": the first number is the old value
      const old = /^\s*(?:->|→|=>|>|-+>)\s*\d/.test(body.slice(at + m[2]!.length));
      found.push({ start: c.start + at, end: c.start + at + m[2]!.length, text: body.trim(), value, negated: old || clauseNegated || negatedAt(t, c.start + at) });
    }
    // "only 1 kid adult coming", "reduce kids adults by one": one number, two ticket types — which?
    const families = new Set(ticketHits.filter((h) => !GENERIC_GUESTS.includes(h[1]!)).map((h) => (familyOf(h[1]!) ?? [h[1]!])[0]));
    const namedTypes = new Set(ticketHits.filter((h) => own.has(h[1]!)).map((h) => h[1]!.replace(/s$/, '')));
    if (nums.length === 1 && families.size > 1 && namedTypes.size !== 1 && !swap) for (const f of found) f.value = { ...f.value, competing: true };
    // "maybe 3, not sure yet": a count the person is unsure of is asked, not planned
    if (/\b(?:maybe|not sure|unsure|possibly|probably|might be|perhaps|tbc|tbd|i think|i guess|give or take)\b/.test(body)) {
      for (const f of found) f.value = { ...f.value, competing: true };
    }
    // "2 or 3 kids": competing numbers inside one clause, nothing saying which
    const live = found.filter((f) => !f.negated);
    if (live.length > 1 && /\bor\b|\/|-(?!>)|\bto\b/.test(t.slice(live[0]!.end, live[live.length - 1]!.start)) && new Set(live.map((f) => f.value.n)).size > 1) {
      out.push({ ...live[0]!, value: { ...live[0]!.value, competing: true } });
    } else out.push(...found);
    const last = found[found.length - 1];
    if (last) inherited = { mode: last.value.mode, sign: last.value.sign, word: last.value.ticketWord };
  }
  return out;
}

/** One form per ticket word: "kids" → "kids", "adult" → "adults" stays itself (matching is by family). */
function normWord(w: string): string {
  return GENERIC_GUESTS.includes(w) ? 'generic' : w;
}

/** The family a word belongs to, or undefined. */
export function familyOf(word: string): string[] | undefined {
  return TICKET_FAMILIES.find((f) => f.includes(word));
}
