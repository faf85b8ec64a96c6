// The `ollama` provider (@langchain/ollama) against a local server speaking Ollama's /api/chat
// format with recorded tool calls: same loop, guard and plan assembly as every provider.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import { listen, startSandbox } from './helpers/stack.js';
import { testPlanner } from './helpers/planner.js';

const turns = [
  { role: 'assistant', content: '', tool_calls: [{ function: { name: 'update_guest_count', arguments: { itemId: 'it-1001-a', quantity: 8, evidence: { itemId: 'kids', quantity: 'add two kids' } } } }] },
  { role: 'assistant', content: '', tool_calls: [{ function: { name: 'submit_plan', arguments: { summary: 'Eight children.' } } }] },
];

let sb: Awaited<ReturnType<typeof startSandbox>>;
let server: { url: string; close: () => void };
const bodies: any[] = []; // eslint-disable-line @typescript-eslint/no-explicit-any

beforeAll(async () => {
  sb = await startSandbox();
  const app = express();
  app.use(express.json({ limit: '5mb' }));
  app.post('/api/chat', (req, res) => {
    bodies.push(req.body);
    const message = turns[bodies.length - 1] ?? { role: 'assistant', content: 'out of turns' };
    const answer = { model: req.body.model, created_at: new Date().toISOString(), message, done: true, done_reason: 'stop', prompt_eval_count: 500, eval_count: 30 };
    if (req.body.stream) {
      res.type('application/x-ndjson').send(`${JSON.stringify(answer)}\n`);
    } else res.json(answer);
  });
  const l = await listen(app);
  server = { url: l.url, close: () => l.server.close() };
});
afterAll(() => {
  server?.close();
  return sb?.close();
});

describe('ollama provider on the wire', () => {
  it('plans from recorded Ollama tool calls, with OpenAI-style tool declarations sent', async () => {
    const planner = await testPlanner({ LLM_PROVIDER: 'ollama', OLLAMA_BASE_URL: server.url, OLLAMA_MODEL: 'llama3.1' }, sb.url);
    const r = await planner.plan('add two kids', { sessionId: 'sess_ollama' });
    expect(r.kind, JSON.stringify(r)).toBe('plan');
    if (r.kind === 'plan') {
      expect(r.plan.steps.map((s) => [s.actionId, s.params])).toEqual([['update_guest_count', { itemId: 'it-1001-a', quantity: 8 }]]);
      expect(r.planner).toEqual({ provider: 'ollama:llama3.1', degraded: false, modelCalls: 2 });
    }
    expect(bodies[0].model).toBe('llama3.1');
    const names = bodies[0].tools.map((t: { type: string; function: { name: string } }) => `${t.type}:${t.function.name}`);
    expect(names).toContain('function:update_guest_count');
    expect(names).not.toContain('function:cancel_booking');
    // the tool result goes back as a tool message
    expect(bodies[1].messages.some((m: { role: string }) => m.role === 'tool')).toBe(true);
  });
});
