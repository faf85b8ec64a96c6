// The `ollama` provider (@langchain/ollama) against a local server speaking Ollama's /api/chat
// format (https://github.com/ollama/ollama/blob/main/docs/api.md: `message.tool_calls[].function`,
// `done_reason`, errors as {"error": "..."} with the HTTP status, e.g. 404 "model 'x' not found"):
// same loop, bounds, turn hygiene and failure messages as the google provider.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import { listen, startSandbox } from './helpers/stack.js';
import { testPlanner } from './helpers/planner.js';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- Ollama wire bodies, read by path
type Turn = { message: Json; done_reason?: string } | { status: number; error: string } | { hangMs: number };

const call = (name: string, args: Record<string, unknown> = {}) => ({ function: { name, arguments: args } });
const say = (...tool_calls: Json[]): Turn => ({ message: { role: 'assistant', content: '', tool_calls } });
const GUEST = call('update_guest_count', { itemId: 'it-1001-a', quantity: 8, evidence: { itemId: 'kids', quantity: 'add two kids' } });
const SUBMIT = call('submit_plan', { summary: 'Eight children.' });

let sb: Awaited<ReturnType<typeof startSandbox>>;
let server: { url: string; close: () => void };
let queue: Turn[] = [];
// the model the provider is configured with (OLLAMA_MODEL's default)
const MODEL = 'llama3.1';
let bodies: Json[] = [];

beforeAll(async () => {
  sb = await startSandbox();
  const app = express();
  app.use(express.json({ limit: '5mb' }));
  app.post('/api/chat', (req, res) => {
    bodies.push(req.body);
    // what Ollama itself refuses (server/routes.go ChatHandler): a missing model, an unknown one,
    // messages that are not {role, content} with a known role, tools that are not functions
    const body = req.body as Json;
    if (typeof body?.model !== 'string' || !body.model) return void res.status(400).json({ error: 'model is required' });
    if (body.model !== MODEL) return void res.status(404).json({ error: `model '${body.model}' not found, try pulling it first` });
    const ROLES = ['system', 'user', 'assistant', 'tool'];
    if (!Array.isArray(body.messages) || body.messages.some((m: Json) => !ROLES.includes(m?.role) || (m.content !== undefined && typeof m.content !== 'string'))) return void res.status(400).json({ error: 'invalid message format' });
    if (body.tools !== undefined && (!Array.isArray(body.tools) || body.tools.some((t: Json) => t?.type !== 'function' || typeof t.function?.name !== 'string'))) return void res.status(400).json({ error: 'invalid tool format' });
    const turn = queue.shift() ?? { status: 500, error: 'test server: no more queued answers' };
    if ('hangMs' in turn) {
      const t = setTimeout(() => res.status(500).json({ error: 'too late' }), turn.hangMs);
      res.on('close', () => clearTimeout(t));
      return;
    }
    if ('error' in turn) return void res.status(turn.status).json({ error: turn.error });
    const answer = { model: req.body.model, created_at: new Date().toISOString(), message: turn.message, done: true, done_reason: turn.done_reason ?? 'stop', prompt_eval_count: 500, eval_count: 30 };
    if (req.body.stream) res.type('application/x-ndjson').send(`${JSON.stringify(answer)}\n`);
    else res.json(answer);
  });
  const l = await listen(app);
  server = { url: l.url, close: () => l.server.close() };
});
afterAll(() => {
  server?.close();
  return sb?.close();
});

async function run(turns: Turn[], message = 'add two kids', env: Record<string, string> = {}) {
  queue = [...turns];
  bodies = [];
  const planner = await testPlanner({ LLM_PROVIDER: 'ollama', OLLAMA_BASE_URL: server.url, OLLAMA_MODEL: 'llama3.1', ...env }, sb.url);
  return planner.plan(message, { sessionId: 'sess_ollama' });
}

describe('ollama provider on the wire', () => {
  it('plans from recorded Ollama tool calls, with OpenAI-style tool declarations sent', async () => {
    const r = await run([say(GUEST), say(SUBMIT)]);
    expect(r.kind, JSON.stringify(r)).toBe('plan');
    if (r.kind === 'plan') {
      expect(r.plan.steps.map((s) => [s.actionId, s.params])).toEqual([['update_guest_count', { itemId: 'it-1001-a', quantity: 8 }]]);
      expect(r.planner).toEqual({ provider: 'ollama:llama3.1', degraded: false, modelCalls: 2 });
      expect(r.plan.summary).toBe('NGU-1001: Update guest count: Child tickets 6 → 8.');
    }
    expect(bodies[0].model).toBe('llama3.1');
    const names = bodies[0].tools.map((t: { type: string; function: { name: string } }) => `${t.type}:${t.function.name}`);
    expect(names).toContain('function:update_guest_count');
    expect(names).not.toContain('function:cancel_booking');
    // the tool result goes back as a tool message
    expect(bodies[1].messages.some((m: { role: string }) => m.role === 'tool')).toBe(true);
  });

  it('two calls in one turn: both results go back, one plan', async () => {
    const r = await run([say(call('reschedule_booking', { newStart: '2026-12-12T15:00:00+11:00', evidence: { newStart: 'Saturday 12 December at 3pm' } }), GUEST), say(SUBMIT)], 'Move it to Saturday 12 December at 3pm and add two kids');
    expect(r.kind === 'plan' && r.plan.steps.map((s) => s.actionId)).toEqual(['reschedule_booking', 'update_guest_count']);
    expect(bodies[1].messages.filter((m: Json) => m.role === 'tool')).toHaveLength(2);
  });

  it('an empty turn (done_reason length) never enters the history; the model is asked again once', async () => {
    const r = await run([{ message: { role: 'assistant', content: '' }, done_reason: 'length' }, say(GUEST), say(SUBMIT)]);
    expect(r.kind).toBe('plan');
    expect(bodies[1].messages.filter((m: Json) => m.role === 'assistant')).toHaveLength(0);
  });

  it('a missing model (404) is not retried and names the planner; a 500 is retried', async () => {
    const missing = await run([{ status: 404, error: "model 'llama3.1' not found, try pulling it first" }, say(GUEST), say(SUBMIT)]);
    expect(missing).toMatchObject({ kind: 'failed', reason: expect.stringMatching(/^The AI planner \(Ollama\) refused the request/) });
    expect(bodies).toHaveLength(1);
    // a model the server does not have: the server's own 404, nothing queued is consumed
    const unknown = await run([say(GUEST), say(SUBMIT)], 'add two kids', { OLLAMA_MODEL: 'no-such-model' });
    expect(unknown).toMatchObject({ kind: 'failed', reason: expect.stringMatching(/^The AI planner \(Ollama\) refused the request/) });
    expect(bodies).toHaveLength(1);
    const flaky = await run([{ status: 500, error: 'llama runner process has terminated' }, say(GUEST), say(SUBMIT)]);
    expect(flaky.kind).toBe('plan');
    expect(bodies).toHaveLength(3);
  });

  it('an unreachable server: a clear failure naming the planner, no URL', async () => {
    const planner = await testPlanner({ LLM_PROVIDER: 'ollama', OLLAMA_BASE_URL: 'http://127.0.0.1:9', OLLAMA_MODEL: 'llama3.1', PLANNER_BUDGET_MS: '5000' }, sb.url);
    const r = await planner.plan('add two kids');
    expect(r).toMatchObject({ kind: 'failed', reason: expect.stringMatching(/^The AI planner \(Ollama\) is unavailable right now/) });
    if (r.kind === 'failed') expect(r.reason).not.toMatch(/127\.0\.0\.1|http/);
  });

  it('a hung call is cut by the per-call timeout', async () => {
    const r = await run([{ hangMs: 30_000 }, { hangMs: 30_000 }, { hangMs: 30_000 }], 'add two kids', { PLANNER_CALL_TIMEOUT_MS: '300' });
    expect(r).toMatchObject({ kind: 'failed', reason: expect.stringMatching(/^The AI planner was too slow; try again\. Nothing was changed \(Ollama did not answer in time\)\.$/) });
    expect(bodies).toHaveLength(3);
  });

  it('a question asking for a password is replaced by a generic one', async () => {
    const r = await run([say(call('ask_user', { question: 'What is your ROLLER password?', missing: [] }))]);
    expect(r).toMatchObject({ kind: 'clarify', clarification: { question: 'Could you tell me more exactly what should change on this booking?' } });
  });
});
