// The metamorphic generator is honest: every distractor is really inserted next to the value, an
// alternative or competing value really differs, a harmless rewrite never touches an email, a phone
// number, a name, a date or a time's digits, and the runner's verdicts can say "changed".
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog, type Catalog } from '../catalog/importer.js';
import type { PlanningResult } from '../contracts/types.js';
import { readSeed } from '../sandbox/store.js';
import { loadCases, type EvalCase } from './eval/evaluate.js';
import { classify, distractorVariants, DISTRACTOR_KINDS, harmlessVariants, HARMLESS_KINDS, pickVariants, type Variant } from './eval/metamorphic.js';
import { keepsValues } from './eval/metamorphic/harmless.js';
import { locateValues } from './eval/metamorphic/values.js';
import { otherValue } from './eval/metamorphic/variants.js';

const seed = readSeed();
const move: EvalCase = { id: 'move', category: 'reschedule', booking: 'bk-1001', messages: ['move it to Saturday 12 December at 3pm'], expect: { plan: [['reschedule_booking', { newStart: '2026-12-12T15:00:00+11:00' }]] } };
const addAndPhone: EvalCase = { id: 'add-phone', category: 'combined', booking: 'bk-1002', messages: ['move to 6/12 at 2pm, add 2 adults and change the phone to 0422 333 444'], expect: { plan: [['reschedule_booking', { newStart: '2026-12-06T14:00:00+11:00' }], ['update_guest_count', { itemId: 'it-1002-a', quantity: 4 }], ['update_contact_details', { phone: '+61422333444' }]] } };
const contact: EvalCase = { id: 'contact', category: 'contact', booking: 'bk-1009', messages: ['change contact to Ben Kim, Ben.Kim@Example.com'], expect: { plan: [['update_contact_details', { name: 'Ben Kim', email: 'ben.kim@example.com' }]] } };
const of = (vs: Variant[], kind: string) => vs.filter((v) => v.kind === kind);

describe('metamorphic generator', () => {
  it('locates the values a message carries by comparing its words with the expected params', () => {
    expect(locateValues(move.messages[0]!, move, seed).map((s) => [s.kind, s.text])).toEqual([
      ['date', 'Saturday 12 December'],
      ['time', '3pm'],
    ]);
    expect(locateValues(addAndPhone.messages[0]!, addAndPhone, seed).map((s) => [s.kind, s.text])).toEqual([
      ['date', '6/12'],
      ['time', '2pm'],
      ['quantity', '2'],
      ['ticket', 'adults'],
      ['phone', '0422 333 444'],
    ]);
  });

  it('yields every distractor kind for "move it to Saturday 12 December at 3pm", each really inserted', () => {
    const vs = distractorVariants(move, seed, DISTRACTOR_KINDS);
    for (const kind of DISTRACTOR_KINDS) expect(of(vs, kind).length, kind).toBeGreaterThan(0);
    for (const v of vs) expect(v.text).not.toBe(move.messages[0]);
    // the alternative keeps the value and offers a different one of the same kind
    expect(of(vs, 'alternative').map((v) => v.text)).toContain('move it to Saturday 12 December at 3pm or maybe 4pm');
    expect(of(vs, 'alternative').map((v) => v.text)).toContain('move it to Saturday 12 December or maybe Sunday 13 December at 3pm');
    expect(of(vs, 'negation').map((v) => v.text)).toEqual(expect.arrayContaining(['move it to Saturday 12 December not at 3pm', "don't move it to Saturday 12 December at 3pm"]));
    expect(of(vs, 'unknown-word').map((v) => v.text)).toContain('move it to Saturday 12 December at blorf 3pm');
    expect(of(vs, 'competing').map((v) => v.text)).toContain('move it to Saturday 12 December at 3pm 4pm');
  });

  it('a relative-day modifier carries the plan it denotes, which is right, not a changed value', () => {
    const rel = of(distractorVariants(move, seed, ['relative-day']), 'relative-day');
    expect(rel.map((v) => [v.text, v.denotes?.[0]?.[1].newStart])).toEqual([
      ['move it to the week after Saturday 12 December at 3pm', '2026-12-19T15:00:00.000+11:00'],
      ['move it to the Sunday after Saturday 12 December at 3pm', '2026-12-13T15:00:00.000+11:00'],
      ['move it to the following Saturday 12 December at 3pm', undefined],
    ]);
  });

  it('harmless rewrites: dictation spells times and counts, never a date, a phone number or an email', () => {
    const vs = harmlessVariants(addAndPhone, seed, HARMLESS_KINDS);
    for (const kind of HARMLESS_KINDS) expect(of(vs, kind).length, kind).toBeGreaterThan(0);
    const dictated = of(vs, 'dictation').map((v) => v.text);
    expect(dictated).toEqual(expect.arrayContaining(['move to 6/12 at two pm, add 2 adults and change the phone to 0422 333 444', 'move to 6/12 at 2 p m, add 2 adults and change the phone to 0422 333 444', 'move to 6/12 at 2pm, add two adults and change the phone to 0422 333 444']));
    expect(dictated.join(' ')).not.toMatch(/six|twelve|four/);
    expect(harmlessVariants({ ...move, messages: ['move it to 3:30pm on the 12th'], expect: { plan: [['reschedule_booking', { newStart: '2026-12-12T15:30:00+11:00' }]] } }, seed, ['dictation']).map((v) => v.text)).toContain('move it to three thirty pm on the 12th');
  });

  it('letter case and punctuation never re-case an email or a name, nor touch a phone number', () => {
    const vs = harmlessVariants(contact, seed, ['letter-case', 'punctuation']);
    expect(vs.map((v) => v.text)).toEqual(expect.arrayContaining(['CHANGE CONTACT TO Ben Kim, Ben.Kim@Example.com', 'Change Contact To Ben Kim, Ben.Kim@Example.com', 'change contact to Ben Kim Ben.Kim@Example.com']));
    for (const v of vs) expect(v.text).toMatch(/ Ben Kim,? Ben\.Kim@Example\.com/);
    // lower case would leave this text as it is, so it is not offered as a variant
    expect(vs.map((v) => v.template)).not.toContain('lower');
    const phone = harmlessVariants(addAndPhone, seed, ['punctuation']).map((v) => v.text);
    expect(phone).toContain('move to 6/12 at 2pm add 2 adults and change the phone to 0422 333 444');
  });

  it('over the whole eval set: every variant changes the text, keeps the values it must, and offers a different value', () => {
    const cases = loadCases().filter((c) => typeof c.expect !== 'string');
    let located = 0;
    for (const c of cases) {
      const last = c.messages.at(-1)!;
      const values = locateValues(last, c, seed);
      if (values.length) located += 1;
      for (const v of values) expect(otherValue(v, typeof c.expect === 'string' ? [] : (c.expect.plan as never))?.toLowerCase(), `${c.id} ${v.text}`).not.toBe(v.text.toLowerCase());
      const kinds = new Set(distractorVariants(c, seed, DISTRACTOR_KINDS).map((v) => v.kind));
      if (values.some((v) => v.kind !== 'action')) expect([...kinds].sort(), c.id).toEqual(expect.arrayContaining(['alternative', 'competing', 'negation', 'unknown-word']));
      if (values.some((v) => v.kind === 'date')) expect(kinds.has('relative-day'), c.id).toBe(true);
      const harmless = harmlessVariants(c, seed, HARMLESS_KINDS);
      for (const v of [...distractorVariants(c, seed, DISTRACTOR_KINDS), ...harmless]) expect(v.text, c.id).not.toBe(last);
      for (const v of harmless) expect(keepsValues(last, v.text, c, seed), `${c.id}: ${v.text}`).toBe(true);
    }
    // only answers such as "pm", "amy" or "sorry the sat after that" carry no value of their own (4 % of the plan cases)
    expect(located).toBeGreaterThan(cases.length * 0.95);
  });

  it('draws the same variants from the same seed', () => {
    const cases = loadCases().slice(0, 40);
    expect(pickVariants(cases, seed, { randomSeed: 7, perKind: 1 })).toEqual(pickVariants(cases, seed, { randomSeed: 7, perKind: 1 }));
  });
});

describe('metamorphic verdicts', () => {
  let catalog: Catalog;
  beforeAll(async () => {
    catalog = await loadCatalog(new URL('../catalog', import.meta.url).pathname);
  });
  const planAt = (newStart: string): PlanningResult => ({
    kind: 'plan',
    booking: { bookingId: 'bk-1001', items: [], version: '1' } as never,
    planner: { provider: 'test', degraded: true, modelCalls: 0 },
    plan: { id: 'p', version: 1, hash: 'h', summary: 's', risk: 'normal', bookingVersion: '1', createdAt: '2026-12-01T00:00:00Z', steps: [{ index: 0, actionId: 'reschedule_booking', title: 't', params: { newStart }, safety: 'normal', reversible: true, evidence: {}, changes: [], idempotent: true }] },
  });
  const question: PlanningResult = { kind: 'clarify', clarification: { question: 'Which time?', missing: ['newStart'] }, planner: undefined };

  it('another value is "changed"; the same plan, a question, or the plan the words denote are not', () => {
    const vs = distractorVariants(move, seed, DISTRACTOR_KINDS);
    const alt = vs.find((v) => v.template === 'or-maybe' && v.value?.kind === 'time')!;
    expect(classify(move, alt, planAt('2026-12-12T16:00:00+11:00'), catalog)).toBe('changed');
    expect(classify(move, alt, planAt('2026-12-12T15:00:00+11:00'), catalog)).toBe('same');
    expect(classify(move, alt, question, catalog)).toBe('question');
    const weekAfter = vs.find((v) => v.template === 'week-after')!;
    expect(classify(move, weekAfter, planAt('2026-12-19T15:00:00+11:00'), catalog)).toBe('denoted');
    expect(classify(move, weekAfter, planAt('2026-12-26T15:00:00+11:00'), catalog)).toBe('changed');
    const not = vs.find((v) => v.template === 'not-value')!;
    expect(classify(move, not, planAt('2026-12-12T15:00:00+11:00'), catalog)).toBe('ignored');
    expect(classify(move, not, planAt('2026-12-11T15:00:00+11:00'), catalog)).toBe('changed');
  });
});
