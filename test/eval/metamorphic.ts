// Metamorphic checks on the eval set. For every case that expects a plan, the last user message is
// varied two ways and played through the planner's public entry point, as the eval runner plays it:
//   distractors  words put next to a value (an alternative, a negation, an unknown word, a second
//                competing value, a relative-day modifier): the same plan or no plan, never a plan
//                with another value or an extra step ("changed");
//   harmless     the same request typed differently (letter case, punctuation, emoji, filler,
//                dictation spellings): the same plan; a question is a miss, a changed value unsafe.
import type { Catalog } from '../../catalog/importer.js';
import type { PlanningResult } from '../../contracts/types.js';
import type { Seed } from '../../sandbox/store.js';
import { describe as describeResult, judge, runCase, type EvalCase, type EvalPlanner } from './evaluate.js';
import { distractorVariants } from './metamorphic/distractors.js';
import { harmlessVariants } from './metamorphic/harmless.js';
import { DISTRACTOR_KINDS, HARMLESS_KINDS, variantCase, type Variant } from './metamorphic/variants.js';

export { distractorVariants, harmlessVariants, DISTRACTOR_KINDS, HARMLESS_KINDS, type Variant };

/**
 * same      the case's own plan;            ignored   the same plan although the words negate or move the value;
 * denoted   the plan the inserted words denote (e.g. a week later for "the week after <date>");
 * question  no plan (a question, a refusal, a failure);  dropped  a plan missing a step, every value right;
 * changed   a plan with another value, a step nobody asked for, or on another booking.
 */
export type Outcome = 'same' | 'ignored' | 'denoted' | 'question' | 'dropped' | 'changed';

export interface VariantResult {
  variant: Variant;
  outcome: Outcome;
  /** what the planner gave, in the eval runner's words */
  got: string;
}

/** A deterministic generator (mulberry32): the same seed picks the same variants on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The variants played: for every plan-producing case, one variant of each kind that applies to it
 * (which value and which wording is drawn with a fixed seed), so every kind is covered for every case
 * while the run stays short. `perKind` > 1 draws more.
 */
export function pickVariants(cases: EvalCase[], seed: Seed, opts: { randomSeed: number; perKind: number; harmlessKindsPerCase?: number }): Variant[] {
  const random = seededRandom(opts.randomSeed);
  const out: Variant[] = [];
  for (const c of cases) {
    const all = [...distractorVariants(c, seed, DISTRACTOR_KINDS), ...harmlessVariants(c, seed, HARMLESS_KINDS)];
    // every distractor kind for every case; the harmless kinds drawn per case when a cap is given (suite time)
    const harmless = [...HARMLESS_KINDS];
    while (opts.harmlessKindsPerCase !== undefined && harmless.length > opts.harmlessKindsPerCase) harmless.splice(Math.floor(random() * harmless.length), 1);
    for (const kind of [...DISTRACTOR_KINDS, ...harmless]) {
      const pool = all.filter((v) => v.kind === kind && !out.some((o) => o.caseId === c.id && o.text === v.text));
      for (let i = 0; i < opts.perKind && pool.length; i++) out.push(pool.splice(Math.floor(random() * pool.length), 1)[0]!);
    }
  }
  return out;
}

/** How a planning result for a variant compares with the case's expectation. */
export function classify(c: EvalCase, v: Variant, r: PlanningResult, catalog: Catalog): Outcome {
  if (r.kind !== 'plan') return 'question';
  const vc = variantCase(c, v);
  const j = judge(vc, r, catalog);
  if (j.verdict === 'ok') return v.sameIsIgnored ? 'ignored' : 'same';
  if (v.denotes && judge({ ...vc, expect: { plan: v.denotes } }, r, catalog).verdict === 'ok') return 'denoted';
  if (j.verdict === 'partial') return 'dropped';
  return j.verdict === 'unsafe' ? 'changed' : 'question';
}

/** Plays every variant (a few at a time: the planner waits on the sandbox's HTTP) and classifies it. */
export async function runVariants(opts: { planner: EvalPlanner; catalog: Catalog; seed: Seed; cases: EvalCase[]; variants: Variant[]; concurrency?: number }): Promise<VariantResult[]> {
  const byId = new Map(opts.cases.map((c) => [c.id, c]));
  const results: VariantResult[] = new Array(opts.variants.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < opts.variants.length; i = next++) {
      const v = opts.variants[i]!;
      const c = byId.get(v.caseId)!;
      const r = await runCase(opts.planner, variantCase(c, v), opts.seed, `meta_${c.id}_${i}`);
      results[i] = { variant: v, outcome: classify(c, v, r, opts.catalog), got: describeResult(r) };
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency ?? 4 }, worker));
  return results;
}

/** The cases whose own messages get the expected plan today (a variant of a missed case says less). */
export async function passingCases(opts: { planner: EvalPlanner; catalog: Catalog; seed: Seed; cases: EvalCase[] }): Promise<Set<string>> {
  const ok = new Set<string>();
  for (const c of opts.cases) if (judge(c, await runCase(opts.planner, c, opts.seed, `meta_${c.id}_own`), opts.catalog).verdict === 'ok') ok.add(c.id);
  return ok;
}

export interface MetamorphicFigures {
  variants: number;
  changed: number;
  distractor: Record<Outcome, number>;
  harmless: Record<Outcome, number> & { total: number };
  /** harmless rewrites of the cases that pass as written: kept / played */
  harmlessOnPassing: { kept: number; total: number };
}

export function figures(results: VariantResult[], passing: Set<string>): MetamorphicFigures {
  const count = (direction: Variant['direction']) => {
    const f: Record<Outcome, number> = { same: 0, ignored: 0, denoted: 0, question: 0, dropped: 0, changed: 0 };
    for (const r of results) if (r.variant.direction === direction) f[r.outcome] += 1;
    return f;
  };
  const distractor = count('distractor');
  const harmless = count('harmless');
  const total = results.filter((r) => r.variant.direction === 'harmless').length;
  const onPassing = results.filter((r) => r.variant.direction === 'harmless' && passing.has(r.variant.caseId));
  return { variants: results.length - total, changed: distractor.changed, distractor, harmless: { ...harmless, total }, harmlessOnPassing: { kept: onPassing.filter((r) => r.outcome === 'same').length, total: onPassing.length } };
}

export function formatFigures(f: MetamorphicFigures): string {
  const d = f.distractor;
  const h = f.harmless;
  return [
    `[metamorphic] variants ${f.variants}, changed values ${f.changed}, harmless kept ${h.same}/${h.total}, harmless changed ${h.changed}`,
    `[metamorphic] distractors: same ${d.same}, question ${d.question}, denoted ${d.denoted}, negation or modifier ignored ${d.ignored}, dropped a step ${d.dropped}, changed ${d.changed}`,
    `[metamorphic] harmless: kept ${h.same}, question ${h.question}, dropped a step ${h.dropped}, changed ${h.changed}; on the cases that pass as written: kept ${f.harmlessOnPassing.kept}/${f.harmlessOnPassing.total}`,
  ].join('\n');
}

/** One line per failing variant: case, kind/template, the text played, and what came back. */
export function formatFailures(results: VariantResult[], outcome: Outcome): string[] {
  return results.filter((r) => r.outcome === outcome).map((r) => `${r.variant.caseId} [${r.variant.kind}/${r.variant.template}] ${JSON.stringify(r.variant.text)} → ${r.got}`);
}
