// The real `google` provider (@langchain/google-genai) against a local server that answers in
// Gemini's REST format with recorded function calls: the plan comes out, and the function
// declarations it sent are ones Gemini accepts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { geminiSchemaProblems } from '../catalog/gemini-schema.js';
import { startSandbox } from './helpers/stack.js';
import { testPlanner } from './helpers/planner.js';
import { startGeminiServer } from './helpers/gemini-server.js';

let sb: Awaited<ReturnType<typeof startSandbox>>;
let gemini: Awaited<ReturnType<typeof startGeminiServer>>;
let requests: typeof gemini.requests;

beforeAll(async () => {
  sb = await startSandbox();
  gemini = await startGeminiServer();
  requests = gemini.requests;
});
afterAll(() => {
  gemini?.close();
  return sb?.close();
});

describe('google provider on the wire', () => {
  it('plans a two-step chain from recorded Gemini function calls', async () => {
    const planner = await testPlanner({ LLM_PROVIDER: 'google', GOOGLE_API_KEY: 'test-key', GOOGLE_API_BASE_URL: gemini.url, GEMINI_MODEL: 'gemini-2.5-flash' }, sb.url);
    const r = await planner.plan('Move it to Saturday 12 December at 3pm and add two kids', { sessionId: 'sess_wire' });
    expect(r.kind, JSON.stringify(r)).toBe('plan');
    if (r.kind !== 'plan') return;
    expect(r.plan.steps.map((s) => [s.actionId, s.params])).toEqual([
      ['reschedule_booking', { newStart: '2026-12-12T15:00:00+11:00' }],
      ['update_guest_count', { itemId: 'it-1001-a', quantity: 8 }],
    ]);
    expect(r.planner).toEqual({ provider: 'google:gemini-2.5-flash', degraded: false, modelCalls: 2 });

    expect(requests).toHaveLength(2);
    expect(requests[0]!.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(requests[0]!.apiKey).toBe('test-key');
    const decls = requests[0]!.body.tools.flatMap((t: { functionDeclarations?: unknown[] }) => t.functionDeclarations ?? []) as Array<{ name: string; parameters?: Record<string, unknown> }>;
    expect(decls.map((d) => d.name)).toEqual(expect.arrayContaining(['get_booking', 'reschedule_booking', 'update_guest_count', 'update_contact_details', 'ask_user', 'submit_plan', 'decline_request']));
    expect(decls.map((d) => d.name)).not.toContain('cancel_booking');
    for (const d of decls) {
      expect(d.name).toMatch(/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/);
      if (d.parameters) expect(geminiSchemaProblems(d.parameters as never), d.name).toEqual([]);
    }
    // the second call carries the tool results back as functionResponse parts
    const parts = requests[1]!.body.contents.flatMap((c: { parts: unknown[] }) => c.parts) as Array<{ functionResponse?: { name: string } }>;
    expect(parts.filter((p) => p.functionResponse).map((p) => p.functionResponse!.name)).toEqual(['reschedule_booking', 'update_guest_count']);
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
