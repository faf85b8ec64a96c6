// The real `google` provider (@langchain/google-genai) against the strict Gemini-format server
// (test/helpers/gemini-server.ts): every request must be one Gemini accepts, and every answer
// Gemini can give — parallel calls, text + call, thought signatures, MALFORMED_FUNCTION_CALL,
// SAFETY, a blocked prompt, empty candidates, MAX_TOKENS with no parts, 429 with RetryInfo, 503,
// 500, 404, 400, a hung call, a long text cut off at MAX_TOKENS, a slow answer, a signed text
// part — ends in a plan, a question, a refusal or a clear failure.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';
import { ActionRunner } from '../activities/action-runner.js';
import { createPlanner } from '../planner/factory.js';
import type { PlanningResult } from '../contracts/types.js';
import { startSandbox, TEST_NOW } from './helpers/stack.js';
import { CATALOG_DIR, testPlanner } from './helpers/planner.js';
import { loadCatalog, type Catalog } from '../catalog/importer.js';
import { MAX_DECLARATIONS, reply, requestProblems, startGeminiServer, textSignatureLapses, TWO_CALL_TURN, type Reply } from './helpers/gemini-server.js';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- Gemini wire bodies, read by path

let sb: Awaited<ReturnType<typeof startSandbox>>;
let catalog: Catalog;
const servers: Array<{ close: () => void }> = [];

beforeAll(async () => {
  sb = await startSandbox();
  catalog = await loadCatalog(CATALOG_DIR);
});
afterAll(() => {
  for (const s of servers) s.close();
  return sb?.close();
});

const MOVE_AND_ADD = 'Move it to Saturday 12 December at 3pm and add two kids';

/** One planning run against a fresh strict server; waits are recorded, not slept. */
async function run(replies: Reply[], opts: { message?: string; env?: Record<string, string>; bookingId?: string; resumeFrom?: unknown; server?: Awaited<ReturnType<typeof startGeminiServer>> } = {}) {
  const gemini = opts.server ?? (await startGeminiServer(replies));
  if (opts.server) gemini.push(...replies);
  servers.push(gemini);
  const config = loadConfig({ LLM_PROVIDER: 'google', GOOGLE_API_KEY: 'test-key', GOOGLE_API_BASE_URL: gemini.url, GEMINI_MODEL: 'gemini-2.5-flash', ...opts.env });
  const sleeps: number[] = [];
  const planner = createPlanner(config, catalog, new ActionRunner(catalog, sb.url, 5000), undefined, () => TEST_NOW, async (ms) => void sleeps.push(ms));
  const beats: unknown[] = [];
  const result: PlanningResult = await planner.plan(
    {
      context: { sessionId: 'sess_wire', venueId: 'venue-1', userId: 'u', bookingId: opts.bookingId ?? 'bk-1001' },
      conversation: [{ role: 'user', text: opts.message ?? MOVE_AND_ADD }],
      token: 'tok-staff-venue1',
      planVersion: 1,
    },
    { heartbeat: (d) => beats.push(structuredClone(d)), resumeFrom: opts.resumeFrom },
  );
  return { result, gemini, sleeps, beats, requests: gemini.requests };
}

const steps = (r: PlanningResult) => (r.kind === 'plan' ? r.plan.steps.map((s) => [s.actionId, s.params]) : r);
const TWO_STEPS = [
  ['reschedule_booking', { newStart: '2026-12-12T15:00:00+11:00' }],
  ['update_guest_count', { itemId: 'it-1001-a', quantity: 8 }],
];
const decls = (body: Json) => body.tools.flatMap((t: Json) => t.functionDeclarations ?? []) as Array<{ name: string }>;
const responses = (content: Json) => (content.parts as Json[]).filter((p) => p.functionResponse).map((p) => p.functionResponse);
/** what staff may read: no SDK text, no endpoint */
function expectClean(text: string) {
  expect(text).not.toMatch(/https?:|127\.0\.0\.1|GoogleGenerativeAI|generateContent|\[\d{3} /);
}

describe('the strict server rejects what Gemini rejects', () => {
  const base = (contents: Json[], extra: Json = {}) => ({ contents, tools: [{ functionDeclarations: [{ name: 'a', parameters: { type: 'OBJECT', properties: {} } }, { name: 'b' }] }], ...extra });
  const callTurn = { role: 'model', parts: [{ functionCall: { name: 'a', args: {} } }, { functionCall: { name: 'b', args: {} } }] };
  const r = (name: string) => ({ functionResponse: { name, response: { result: 'ok' } } });

  it('function responses of a parallel turn sent as separate contents (the library\'s shape)', () => {
    const problems = requestProblems(base([{ role: 'user', parts: [{ text: 'hi' }] }, callTurn, { role: 'user', parts: [r('a')] }, { role: 'user', parts: [r('b')] }]), 'gemini-2.5-flash', new Set());
    expect(problems[0]).toBe('Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.');
    expect(requestProblems(base([{ role: 'user', parts: [{ text: 'hi' }] }, callTurn, { role: 'user', parts: [r('a'), r('b')] }]), 'gemini-2.5-flash', new Set())).toEqual([]);
  });

  it('empty parts, a response with no call before it, a missing gemini-3 signature', () => {
    expect(requestProblems(base([{ role: 'user', parts: [{ text: 'hi' }] }, { role: 'model', parts: [] }]), 'gemini-2.5-flash', new Set())[0]).toMatch(/contents\[1\]\.parts: contents.parts must not be empty/);
    expect(requestProblems(base([{ role: 'user', parts: [r('a')] }]), 'gemini-2.5-flash', new Set())[0]).toMatch(/function response turn comes immediately after a function call turn/);
    const unsigned = base([{ role: 'user', parts: [{ text: 'hi' }] }, callTurn, { role: 'user', parts: [r('a'), r('b')] }]);
    expect(requestProblems(unsigned, 'gemini-3-flash-preview', new Set())[0]).toMatch(/missing a thought_signature/);
    expect(requestProblems(unsigned, 'gemini-2.5-flash', new Set())).toEqual([]);
  });

  it('declarations outside the schema subset or the name rules, and more than 128 of them', () => {
    const with_ = (d: Json) => ({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }], tools: [{ functionDeclarations: [d] }] });
    expect(requestProblems(with_({ name: '1bad name' }), 'gemini-2.5-flash', new Set())[0]).toMatch(/Invalid function name/);
    expect(requestProblems(with_({ name: 'x'.repeat(65) }), 'gemini-2.5-flash', new Set())[0]).toMatch(/Invalid function name/);
    expect(requestProblems(with_({ name: 'f', parameters: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false } }), 'gemini-2.5-flash', new Set())[0]).toMatch(/Unknown name "additionalProperties"/);
    expect(requestProblems(with_({ name: 'f', parameters: { type: 'object', properties: { a: { type: ['string', 'null'] } } } }), 'gemini-2.5-flash', new Set())[0]).toMatch(/Invalid value at .*type/);
    expect(requestProblems(with_({ name: 'f', parameters: { type: 'object', properties: { a: { type: 'integer', enum: [1, 2] } } } }), 'gemini-2.5-flash', new Set())[0]).toMatch(/only allowed for STRING/);
    expect(requestProblems(with_({ name: 'f', parameters: { type: 'object', properties: { a: { $ref: '#/x' } } } }), 'gemini-2.5-flash', new Set())[0]).toMatch(/Unknown name "\$ref"/);
    const many = { contents: [{ role: 'user', parts: [{ text: 'hi' }] }], tools: [{ functionDeclarations: Array.from({ length: MAX_DECLARATIONS + 1 }, (_, i) => ({ name: `f${i}` })) }] };
    expect(requestProblems(many, 'gemini-2.5-flash', new Set())[0]).toMatch(/at most 128 function declarations/);
  });
});

describe('google provider on the wire', () => {
  it('a two-call turn: one plan, and all function responses of the turn in ONE content right after it', async () => {
    const { result, gemini, requests } = await run(TWO_CALL_TURN);
    expect(gemini.rejected).toEqual([]);
    expect(steps(result)).toEqual(TWO_STEPS);
    if (result.kind !== 'plan') return;
    expect(result.planner).toEqual({ provider: 'google:gemini-2.5-flash', degraded: false, modelCalls: 2 });
    // the summary staff read is composed from the steps
    expect(result.plan.summary).toBe('NGU-1001: Reschedule booking: start Fri 11 Dec 10:00 → Sat 12 Dec 15:00; Update guest count: Child tickets 6 → 8.');

    expect(requests).toHaveLength(2);
    expect(requests[0]!.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(requests[0]!.apiKey).toBe('test-key');
    const names = decls(requests[0]!.body).map((d) => d.name);
    expect(names).toEqual(expect.arrayContaining(['get_booking', 'reschedule_booking', 'update_guest_count', 'update_contact_details', 'ask_user', 'submit_plan', 'decline_request']));
    expect(names).not.toContain('cancel_booking');
    // function calling mode ANY, restricted to the offered tools
    expect(requests[0]!.body.toolConfig).toEqual({ functionCallingConfig: { mode: 'ANY', allowedFunctionNames: names } });
    // the request shape, pinned: system instruction; one user content; the call turn; one content with both responses
    const contents = requests[1]!.body.contents as Json[];
    expect(requests[1]!.body.systemInstruction.parts[0].text).toMatch(/You plan changes to ONE ROLLER booking/);
    expect(contents.map((c) => c.role)).toEqual(['user', 'model', 'user']);
    expect(contents[1].parts.map((p: Json) => p.functionCall.name)).toEqual(['reschedule_booking', 'update_guest_count']);
    expect(responses(contents[2]).map((r: Json) => r.name)).toEqual(['reschedule_booking', 'update_guest_count']);
    expect(contents[2].parts).toHaveLength(2);
  });

  it('text + call in one turn', async () => {
    const { result, gemini } = await run([
      reply.calls([{ name: 'update_guest_count', args: { itemId: 'it-1001-a', quantity: 8, evidence: { itemId: 'kids', quantity: 'add two kids' } } }], { text: 'Adding two children.' }),
      reply.calls([{ name: 'submit_plan', args: { summary: 'x' } }]),
    ], { message: 'add two kids' });
    expect(gemini.rejected).toEqual([]);
    expect(steps(result)).toEqual([TWO_STEPS[1]]);
  });

  it('gemini-3: thought signatures go back with the calls, also after resuming from a checkpoint', async () => {
    const env = { GEMINI_MODEL: 'gemini-3-flash-preview' };
    const first = await run([
      reply.calls([{ name: 'get_booking' }], { signed: true, thoughtText: 'Reading the booking first.' }),
      reply.calls(TWO_CALL_TURN_CALLS, { signed: true }),
      reply.calls([{ name: 'submit_plan', args: { summary: 'x' } }], { signed: true }),
    ], { env });
    expect(first.gemini.rejected).toEqual([]);
    expect(steps(first.result)).toEqual(TWO_STEPS);
    const model = (first.requests[2]!.body.contents as Json[]).filter((c) => c.role === 'model');
    expect(model).toHaveLength(2);
    for (const m of model) expect(m.parts.find((p: Json) => p.functionCall).thoughtSignature).toEqual(expect.any(String));
    // a retried attempt resumes from the last heartbeat: the signatures of the stored turns still go back
    const resumed = await run([reply.calls([{ name: 'submit_plan', args: { summary: 'x' } }], { signed: true })], { env, server: first.gemini, resumeFrom: first.beats[first.beats.length - 1] });
    expect(first.gemini.rejected).toEqual([]);
    expect(steps(resumed.result)).toEqual(TWO_STEPS);
    expect(first.requests).toHaveLength(4);
  });

  it('MALFORMED_FUNCTION_CALL is re-prompted once and never enters the history', async () => {
    const { result, gemini, requests } = await run([reply.malformed(), ...TWO_CALL_TURN]);
    expect(gemini.rejected).toEqual([]);
    expect(steps(result)).toEqual(TWO_STEPS);
    const second = requests[1]!.body.contents as Json[];
    expect(second.map((c) => c.role)).toEqual(['user']);
    expect(second[0].parts.at(-1).text).toMatch(/could not be parsed/);
  });

  it('MALFORMED_FUNCTION_CALL twice: a clear failure naming the planner', async () => {
    const { result, requests } = await run([reply.malformed(), reply.malformed()]);
    expect(result).toMatchObject({ kind: 'failed', reason: expect.stringMatching(/^The AI planner \(Gemini\) did not give a usable answer; nothing was changed/) });
    expect(requests).toHaveLength(2);
  });

  it('SAFETY (even with text): a clear refusal after one call', async () => {
    const { result, requests } = await run([reply.safety('I cannot help with')]);
    expect(result).toMatchObject({ kind: 'unsupported', reason: expect.stringMatching(/^The AI planner \(Gemini\) declined this request under its safety rules; nothing was changed/) });
    expect(requests).toHaveLength(1);
  });

  it('a blocked prompt: a refusal, not retried', async () => {
    const { result, requests } = await run([reply.promptBlocked(), ...TWO_CALL_TURN]);
    expect(result.kind).toBe('unsupported');
    expect(requests).toHaveLength(1);
  });

  it('empty candidates and MAX_TOKENS with no parts never enter the history', async () => {
    for (const empty of [reply.emptyCandidates(), reply.maxTokensNoParts()]) {
      const { result, gemini, requests } = await run([empty, ...TWO_CALL_TURN]);
      expect(gemini.rejected).toEqual([]);
      expect(steps(result)).toEqual(TWO_STEPS);
      expect(requests).toHaveLength(3);
      for (const r of requests) for (const c of r.body.contents as Json[]) expect(c.parts.length).toBeGreaterThan(0);
    }
  });

  it('429 waits the RetryInfo delay (capped at 10 s), then succeeds', async () => {
    const { result, sleeps, requests } = await run([reply.rateLimited('4.5s'), reply.rateLimited('12s'), ...TWO_CALL_TURN]);
    expect(steps(result)).toEqual(TWO_STEPS);
    expect(sleeps).toEqual([4500, 10_000]);
    expect(requests).toHaveLength(4);
  });

  it('429 three times: staff read that the planner is over its limit — no SDK text, no URL', async () => {
    const { result, requests } = await run([reply.rateLimited(), reply.rateLimited(), reply.rateLimited()]);
    expect(result).toMatchObject({ kind: 'failed', reason: expect.stringMatching(/^The AI planner \(Gemini\) is over its request limit right now; nothing was changed/) });
    if (result.kind === 'failed') expectClean(result.reason);
    expect(requests).toHaveLength(3);
  });

  it('503 overloaded and 500 are retried with backoff', async () => {
    const { result, sleeps } = await run([reply.overloaded(), reply.internal(), ...TWO_CALL_TURN]);
    expect(steps(result)).toEqual(TWO_STEPS);
    expect(sleeps).toHaveLength(2);
    expect(sleeps[1]!).toBeGreaterThan(sleeps[0]!);
  });

  it('500 every time: a clear failure after 3 attempts', async () => {
    const { result, requests } = await run([reply.internal(), reply.internal(), reply.internal()]);
    expect(result).toMatchObject({ kind: 'failed', reason: expect.stringMatching(/^The AI planner \(Gemini\) is unavailable right now/) });
    if (result.kind === 'failed') expectClean(result.reason);
    expect(requests).toHaveLength(3);
  });

  it('permanent errors are not retried: 404 model, 400, 403', async () => {
    const notFound = await run([...TWO_CALL_TURN], { env: { GEMINI_MODEL: 'gemini-9-ultra' } });
    expect(notFound.requests).toHaveLength(1);
    for (const r of [await run([reply.badRequest(), ...TWO_CALL_TURN]), await run([reply.forbidden(), ...TWO_CALL_TURN]), notFound]) {
      expect(r.result).toMatchObject({ kind: 'failed', reason: expect.stringMatching(/^The AI planner \(Gemini\) refused the request: its setup needs attention/) });
      if (r.result.kind === 'failed') expectClean(r.result.reason);
      expect(r.requests).toHaveLength(1);
    }
  });

  it('a hung call is cut by the per-call timeout, heartbeating while it waits, then retried', async () => {
    const { result, beats, requests, gemini } = await run([reply.hang(), ...TWO_CALL_TURN], { env: { PLANNER_CALL_TIMEOUT_MS: '2500' } });
    expect(steps(result)).toEqual(TWO_STEPS);
    expect(requests).toHaveLength(3);
    // the timed-out HTTP request itself was aborted, not left running
    expect(gemini.abandoned()).toBe(1);
    // heartbeats while the first call was in flight (one a second), before any checkpoint
    expect(beats.length).toBeGreaterThanOrEqual(3);
  });

  it('the planning budget stops a call in flight', async () => {
    const { result, requests, gemini } = await run([reply.hang(), ...TWO_CALL_TURN], { env: { PLANNER_BUDGET_MS: '1000' } });
    expect(result).toMatchObject({ kind: 'failed', reason: 'The AI planner was too slow; try again. Nothing was changed (Gemini did not answer in time).' });
    expect(requests).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 50));
    expect(gemini.abandoned()).toBe(1);
  });
});

describe('Gemini edges: a long text turn, a slow answer, signed text parts', () => {
  const LONG = 'Let me think about this booking in detail. '.repeat(2000);
  const sentText = (body: Json) => JSON.stringify(body.contents);

  it('a turn cut off at MAX_TOKENS is re-prompted once without re-sending its text, then planned', async () => {
    const { result, gemini, requests } = await run([reply.text(LONG, 'MAX_TOKENS'), ...TWO_CALL_TURN]);
    expect(gemini.rejected).toEqual([]);
    expect(steps(result)).toEqual(TWO_STEPS);
    expect(requests).toHaveLength(3);
    // the cut-off prose never goes back: the requests after it stay small
    for (const r of requests.slice(1)) expect(sentText(r.body)).not.toContain('Let me think about this booking');
    expect((requests[1]!.body.contents as Json[]).at(-1).parts.at(-1).text).toMatch(/cut off at the output limit/);
  });

  it('MAX_TOKENS twice: a clear failure after two calls, not eight calls re-sending a growing text', async () => {
    const { result, requests } = await run([reply.text(LONG, 'MAX_TOKENS'), reply.text(LONG, 'MAX_TOKENS'), ...TWO_CALL_TURN]);
    expect(result).toMatchObject({ kind: 'failed', reason: expect.stringMatching(/^The AI planner \(Gemini\) wrote a long text instead of a plan and was cut off at its output limit; nothing was changed/) });
    expect(requests).toHaveLength(2);
    const prose = await run([reply.text('I think you want to move it.'), reply.text('Yes, moving it.'), ...TWO_CALL_TURN]);
    expect(prose.result).toMatchObject({ kind: 'failed', reason: expect.stringMatching(/did not give a usable answer/) });
    expect(prose.requests).toHaveLength(2);
  });

  it('a slow but valid answer inside the budget is used (no per-call timeout unless capped)', async () => {
    expect(loadConfig({}).planner.callTimeoutMs).toBeUndefined();
    const started = Date.now();
    const { result, gemini, requests } = await run([reply.slow(3000, TWO_CALL_TURN[0]!), TWO_CALL_TURN[1]!], { env: { PLANNER_BUDGET_MS: '6000' } });
    expect(steps(result)).toEqual(TWO_STEPS);
    expect(requests).toHaveLength(2);
    expect(gemini.abandoned()).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(3000);
  });

  it('a model that does not answer inside the budget left: "too slow; try again", never a question', async () => {
    const started = Date.now();
    // the first answer uses most of the budget; the second call gets only what is left
    const { result, gemini, requests } = await run([reply.slow(1500, reply.calls([{ name: 'get_booking' }])), reply.hang(), ...TWO_CALL_TURN], { env: { PLANNER_BUDGET_MS: '2500' } });
    expect(result).toMatchObject({ kind: 'failed', reason: expect.stringMatching(/^The AI planner was too slow; try again\. Nothing was changed/) });
    expect(requests).toHaveLength(2);
    await new Promise((r) => setTimeout(r, 50));
    expect(gemini.abandoned()).toBe(1);
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('gemini-3: the signature of a text-only part goes back on that part, also after resuming', async () => {
    const env = { GEMINI_MODEL: 'gemini-3-flash-preview' };
    const first = await run([
      reply.text('I will read the booking before proposing anything.', 'STOP', { signed: true }),
      reply.calls(TWO_CALL_TURN_CALLS, { signed: true }),
      reply.calls([{ name: 'submit_plan', args: { summary: 'x' } }], { signed: true }),
    ], { env });
    expect(first.gemini.rejected).toEqual([]);
    expect(steps(first.result)).toEqual(TWO_STEPS);
    const model = (first.requests[1]!.body.contents as Json[]).filter((c) => c.role === 'model');
    expect(model).toHaveLength(1);
    expect(model[0].parts).toEqual([{ text: 'I will read the booking before proposing anything.', thoughtSignature: expect.any(String) }]);
    expect((first.requests[2]!.body.contents as Json[]).find((c) => c.role === 'model').parts[0].thoughtSignature).toBe(model[0].parts[0].thoughtSignature);
    expect(first.gemini.lapses).toEqual([]);
    const resumed = await run([reply.calls([{ name: 'submit_plan', args: { summary: 'x' } }], { signed: true })], { env, server: first.gemini, resumeFrom: first.beats[first.beats.length - 1] });
    expect(first.gemini.rejected).toEqual([]);
    expect(first.gemini.lapses).toEqual([]);
    expect(steps(resumed.result)).toEqual(TWO_STEPS);
    const again = (first.requests.at(-1)!.body.contents as Json[]).filter((c) => c.role === 'model');
    expect(again[0].parts[0].thoughtSignature).toBe(model[0].parts[0].thoughtSignature);
  });

  it('the strict server notices a text part sent back without its signature, or with another text\'s', () => {
    const signed = new Map([['c2ln', 'Reading first.']]);
    const body = (part: Json) => ({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }, { role: 'model', parts: [part] }, { role: 'user', parts: [{ text: 'go on' }] }] });
    expect(textSignatureLapses(body({ text: 'Reading first.' }), signed)[0]).toMatch(/without its thought signature/);
    expect(textSignatureLapses(body({ text: 'Reading first. [cut]', thoughtSignature: 'c2ln' }), signed)[0]).toMatch(/not given for/);
    expect(textSignatureLapses(body({ text: 'Reading first.', thoughtSignature: 'c2ln' }), signed)).toEqual([]);
  });
});

const TWO_CALL_TURN_CALLS = [
  { name: 'reschedule_booking', args: { newStart: '2026-12-12T15:00:00+11:00', evidence: { newStart: 'Saturday 12 December at 3pm' } } },
  { name: 'update_guest_count', args: { itemId: 'it-1001-a', quantity: 8, evidence: { itemId: 'kids', quantity: 'add two kids' } } },
];

describe('what the model writes is never shown raw', () => {
  it('a question asking for a password, a link or a phone number becomes a generic question', async () => {
    for (const question of ['To continue, what is your ROLLER password?', 'Please confirm at https://evil.example/login?', 'Should I call 0412 345 678 to check?']) {
      const { result } = await run([reply.calls([{ name: 'ask_user', args: { question, missing: ['newStart'] } }])]);
      expect(result).toMatchObject({ kind: 'clarify', clarification: { question: 'Could you tell me more exactly what should change on this booking?', missing: ['newStart'] } });
    }
    const { result } = await run([reply.calls([{ name: 'ask_user', args: { question: 'What time on Saturday?', missing: ['newStart'] } }])]);
    expect(result).toMatchObject({ kind: 'clarify', clarification: { question: 'What time on Saturday?' } });
  });

  it('a decline reason with contact details becomes a generic refusal', async () => {
    const { result } = await run([reply.calls([{ name: 'decline_request', args: { reason: 'Email linh.nguyen@example.com to cancel.' } }])]);
    expect(result).toEqual(expect.objectContaining({ kind: 'unsupported', reason: 'This request is not something this service can do; nothing was changed.' }));
  });
});

describe('bounds', () => {
  it('identical proposals are merged, and a plan has at most 10 steps', async () => {
    const same = TWO_CALL_TURN_CALLS[1]!;
    const { result, requests } = await run([
      reply.calls([same, same]),
      reply.calls([same, { name: 'submit_plan', args: { summary: 'x' } }]),
    ], { message: 'add two kids' });
    expect(steps(result)).toEqual([TWO_STEPS[1]]);
    expect(JSON.stringify(responses((requests[1]!.body.contents as Json[]).at(-1)))).toContain('Already proposed as step 1');

    const eleven = Array.from({ length: 11 }, (_, i) => ({ name: 'update_guest_count', args: { itemId: 'it-1001-a', quantity: i + 1, evidence: { quantity: 'x' } } }));
    const capped = await run([reply.calls(eleven), reply.calls([{ name: 'ask_user', args: { question: 'Which number?', missing: [] } }])]);
    const last = responses((capped.requests[1]!.body.contents as Json[]).at(-1));
    expect(last).toHaveLength(11);
    expect(JSON.stringify(last[10])).toContain('A plan has at most 10 steps');
    expect(JSON.stringify(last[9])).toContain('Step 10 proposed');
  });

  it('the heartbeat checkpoint stays far below 2 MiB with huge model turns and many reads', async () => {
    const big = 'x'.repeat(1024 * 1024);
    const reads = Array.from({ length: 12 }, () => ({ name: 'get_booking' }));
    const turns = Array.from({ length: 6 }, () => reply.calls(reads, { text: big }));
    const { result, beats, gemini } = await run([...turns, reply.calls([{ name: 'ask_user', args: { question: 'Which time?', missing: [] } }])], { env: { PLANNER_MAX_MODEL_CALLS: '10' } });
    expect(gemini.rejected).toEqual([]);
    expect(result.kind).toBe('clarify');
    const sizes = beats.map((b) => JSON.stringify(b).length);
    expect(Math.max(...sizes)).toBeLessThan(256 * 1024);
  });
});

describe('what the model is told (PII)', () => {
  it('the booking without contact details; notes only when the request is about them', async () => {
    const { requests } = await run([reply.calls([{ name: 'get_booking' }]), reply.calls([{ name: 'ask_user', args: { question: 'Which time?', missing: [] } }])]);
    const all = JSON.stringify(requests.map((r) => r.body.contents));
    expect(all).toContain('Linh Nguyen');
    expect(all).toContain('NGU-1001');
    for (const secret of ['linh.nguyen@example.com', '+61412345678', '0412 345 678', 'Nut allergy']) expect(all).not.toContain(secret);

    const asked = await run([reply.calls([{ name: 'ask_user', args: { question: 'Which time?', missing: [] } }])], { message: 'what does the note on the booking say about allergies?' });
    expect(JSON.stringify(asked.requests[0]!.body.contents)).toContain('Nut allergy for one child');
  });

  it('search_bookings needs a search value and answers a capped list without contact details', async () => {
    const { requests } = await run([
      reply.calls([{ name: 'search_bookings', args: { q: '' } }, { name: 'search_bookings', args: { date: '2026-12-11' } }]),
      reply.calls([{ name: 'ask_user', args: { question: 'Which booking?', missing: ['booking'] } }]),
    ]);
    const [empty, byDate] = responses((requests[1]!.body.contents as Json[]).at(-1));
    expect(JSON.stringify(empty)).toContain('Give a value for q or date');
    const matches = JSON.parse((byDate as Json).response.result).data.matches as Json[];
    expect(matches.length).toBeGreaterThan(0);
    expect(matches.length).toBeLessThanOrEqual(5);
    expect(JSON.stringify(byDate)).not.toMatch(/@|\+61/);
  });
});

describe('google provider, live', () => {
  const key = process.env.GOOGLE_API_KEY;
  if (!key) console.log('[skipped] live Gemini test: GOOGLE_API_KEY is not set on this machine');
  it.skipIf(!key)('plans a reschedule with the real Gemini API', async () => {
    const planner = await testPlanner({ LLM_PROVIDER: 'google', GOOGLE_API_KEY: key! }, sb.url);
    const r = await planner.plan('Move it to Saturday 12 December at 3pm', { sessionId: 'sess_live' });
    expect(r.kind).toBe('plan');
  });
});
