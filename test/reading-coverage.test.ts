// The coverage check and the pieces that came with it (issue 19): a value is planned only when every
// word of its turn is accounted for; names must read as names; the vocabulary is data, checked when
// loaded; questions keep a record of what they asked. Pure functions: no Temporal, no HTTP.
import { describe, expect, it } from 'vitest';
import type { ConversationTurn } from '../contracts/types.js';
import type { RollerBooking } from '../activities/booking.js';
import { readConversation, expectationsOf } from '../planner/reading/index.js';
import { tokenize, unplacedWords, checkVocabulary, quoteWords } from '../planner/reading/coverage.js';
import { notAName } from '../planner/reading/names.js';
import { loadWordLists } from '../planner/reading/vocabulary.js';

import { NOW, party } from './helpers/reading-bookings.js';
const jump: RollerBooking = {
  ...party, bookingId: 'bk-2', reference: 'SMI-1002', holder: { name: 'Jordan Smith' },
  items: ['Adult', 'Child'].map((t, i) => ({ itemId: t.toLowerCase(), productId: 'j', productName: 'Jump Session', ticketType: t, quantity: 2 + i, sessionStart: '2026-12-13T00:00:00Z', sessionEnd: '2026-12-13T01:00:00Z' })),
};

function read(turns: Array<string | { q: string; asked?: string[] }>, booking: RollerBooking = party) {
  const conversation: ConversationTurn[] = turns.map((t) => (typeof t === 'string' ? { role: 'user', text: t } : { role: 'assistant', text: t.q, ...(t.asked ? { asked: t.asked } : {}) }));
  return readConversation({ conversation, booking, timezone: booking.timezone, now: NOW });
}
const planned = (turns: Array<string | { q: string; asked?: string[] }>, b?: RollerBooking) => {
  const r = read(turns, b);
  return { start: r.start?.value.setZone('Australia/Sydney').toFormat('ccc d LLL HH:mm'), counts: r.counts.map((c) => `${c.itemId}=${c.quantity}`), name: r.contact.name?.value, asks: r.asks.map((a) => a.question) };
};

describe('coverage: a value next to words the reading cannot place is asked', () => {
  it('plans when every word is accounted for', () => {
    expect(planned(['hey can u move the nguyen party to sat 12th at 3pm pls thx']).start).toBe('Sat 12 Dec 15:00');
    expect(planned(['add 2 more kids']).counts).toEqual(['kids=8']);
    expect(planned(['change the name to Ana de Souza']).name).toBe('Ana de Souza');
  });

  it('asks, quoting the words, when a modifier or a second value stands beside the value', () => {
    for (const text of ['move it to sat 12th at 3pm roughly', 'sat 12th at 3pm or maybe 4', 'sat 12th 3pm, if not then later', 'move to sat 12th at 3pm blorf']) {
      const r = planned([text]);
      expect(r.start, text).toBeUndefined();
      expect(r.asks.join(' '), text).toMatch(/could not place "|You said not/);
    }
    expect(planned(['sat 12th 3pm or maybe 4']).asks.join(' ')).toContain('"maybe"');
  });

  it('weekdays anchored to the booking (or to the day said last) are counted from it', () => {
    // the party is on Friday 11 December
    expect(planned(['move it to the sunday after at 3pm']).start).toBe('Sun 13 Dec 15:00');
    expect(planned(['the saturday before at 3pm']).start).toBe('Sat 5 Dec 15:00');
    expect(planned(['the wednesday of that week at 3pm']).start).toBe('Wed 9 Dec 15:00');
    expect(planned(['move to sat 5th 3pm', { q: 'Plan?' }, 'sorry the sat after that']).start).toBe('Sat 12 Dec 15:00');
    // "after" before a time is a hedge, not an anchor
    expect(planned(['the sunday after 3pm']).start).toBeUndefined();
  });

  it('a count needs its ticket word in its own clause; a ticket word alone beside another count is asked', () => {
    expect(planned(['the kid, adult count is 4 now'], jump).counts).toEqual([]);
    expect(planned(['add 2 adults'], jump).counts).toEqual(['adult=4']);
  });

  it('"only N … now" and "down to N" are totals, a bare "make it 11" is asked', () => {
    expect(planned(['only 4 are coming now']).counts).toEqual(['kids=4']);
    expect(planned(['numbers down to 4']).counts).toEqual(['kids=4']);
    expect(planned(['only 2 more kids coming']).counts).toEqual(['kids=8']);
    const bare = planned(['can we make it 11']);
    expect(bare.counts).toEqual([]);
    expect(bare.asks.join(' ')).toMatch(/guests, the time or the date/);
  });

  it('a refused day with nothing in its place takes its time with it', () => {
    const r = planned(['move it not to saturday 12 december at 3pm']);
    expect(r.start).toBeUndefined();
    expect(r.asks.join(' ')).toMatch(/You said not/);
    expect(planned(['not 3pm, 4pm on sat 12th']).start).toBe('Sat 12 Dec 16:00');
  });

  it('a later correction that sets nothing the reading understood puts the earlier value in doubt', () => {
    const r = planned(['change name to linh tran', 'sorry its trinh not tran']);
    expect(r.name).toBeUndefined();
    expect(r.asks.length).toBeGreaterThan(0);
  });

  it('a one-letter slip of a known verb is still read; two unknown words are not', () => {
    expect(planned(['mvoe it to sat 12th at 3pm']).start).toBe('Sat 12 Dec 15:00');
    expect(planned(['ad 2 more kdis']).counts).toEqual([]);
  });

  it('tokens, unplaced words and quoting', () => {
    expect(tokenize("her partner's name, o'brien-smith").map((t) => t.text)).toEqual(["her", "partner's", 'name', "o'brien-smith"]);
    const ticket = { words: new Set(['kids']), phrases: [] };
    expect(unplacedWords('add 2 kids', [{ start: 4, end: 5, kind: 'count' }], new Set(), ticket).bearing).toEqual([]);
    expect(unplacedWords('add 2 kids maybe', [{ start: 4, end: 5, kind: 'count' }], new Set(), ticket).bearing).toEqual(['maybe']);
    // a word of the booking never stands for a number ("little one")
    expect(unplacedWords('or one', [], new Set(['one']), ticket).bearing).toEqual(['one']);
    expect(quoteWords(['a', 'b', 'c'])).toBe('"a", "b" and "c"');
  });
});

describe('names are names', () => {
  it('accepts names in any script, with particles, hyphens and apostrophes', () => {
    for (const n of ['Ana Ruiz', "Sean O'Brien", 'Nguyễn Văn Anh', 'Ludwig van Beethoven', 'Anne-Marie de la Cruz', 'José Álvarez']) expect(notAName(n), n).toBeUndefined();
  });
  it('refuses pronouns, possessives, verbs, the word "name", relations and run-on names', () => {
    for (const n of ["Her Partner's Name", 'Shld Be Ana Ruiz', 'Needs', 'His Wife', 'Jordan Lee Alex Morgan', 'Approx Sarah Jones', 'Ana 2']) expect(notAName(n), n).toBeDefined();
  });
  it('a surname alone is proposed with the first name and asked, never written', () => {
    const r = planned(['surname is now silva']);
    expect(r.name).toBeUndefined();
    expect(r.asks.join(' ')).toContain('"Linh Silva"');
    // the answer to a name question is read as the name
    expect(planned(['surname is now silva', { q: 'Should the holder name become "Linh Silva"?', asked: ['name'] }, 'Linh Silva']).name).toBe('Linh Silva');
  });
  it('words around a name are not the name', () => {
    expect(planned(['name shld be ana ruiz']).name).toBe('Ana Ruiz');
    expect(planned(["the name should be her partner's"]).name).toBeUndefined();
    expect(planned(['name shld be jordan']).name).toBeUndefined();
    expect(planned(["put it under her husband's name"]).name).toBeUndefined();
  });
});

describe('vocabulary is data, checked when loaded', () => {
  it('loads every list, lower-case words or phrases only', () => {
    expect(() => checkVocabulary()).not.toThrow();
    const lists = loadWordLists('known-words.yaml');
    expect(Object.keys(lists)).toEqual(expect.arrayContaining(['politeness', 'modifiers', 'count-cues', 'time-cues']));
    for (const list of Object.values(lists)) for (const w of list) expect(w).toBe(w.toLowerCase());
    // a word that can change a value is never a filler word
    const filler = new Set(['politeness', 'pointers', 'auxiliaries', 'connectors'].flatMap((k) => lists[k]!));
    for (const m of lists.modifiers!) expect(filler.has(m), m).toBe(false);
  });
});

describe('questions keep a record of what they asked', () => {
  it('the next turn is read against the record, not the sentence', () => {
    // the sentence says nothing a parser would read as "which time"; the record does
    const r = planned(['move it to sat 12th', { q: 'Righto — and then?', asked: ['time'] }, '3pm']);
    expect(r.start).toBe('Sat 12 Dec 15:00');
    expect(expectationsOf([{ about: 'count', question: 'x' }, { about: 'start', question: 'y', expect: 'meridiem' }])).toEqual(['count', 'meridiem']);
  });
});
