// Full stack with the `google` provider: gateway → Temporal workflow → planning activity → the
// real @langchain/google-genai client → the strict Gemini-format server. A two-call model turn
// becomes one confirmable plan and executes; a model that cannot be used ends the session with a
// message that names the planner.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxBooking, startStack, type Stack } from './helpers/stack.js';
import { confirm, startSession } from './helpers/session.js';
import { reply, startGeminiServer, TWO_CALL_TURN } from './helpers/gemini-server.js';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- Gemini wire bodies, read by path

let stack: Stack;
let gemini: Awaited<ReturnType<typeof startGeminiServer>>;

beforeAll(async () => {
  gemini = await startGeminiServer();
  stack = await startStack({ env: { LLM_PROVIDER: 'google', GOOGLE_API_KEY: 'test-key', GOOGLE_API_BASE_URL: gemini.url, GEMINI_MODEL: 'gemini-2.5-flash' } });
});
afterAll(async () => {
  await stack?.close();
  gemini?.close();
});

describe('google provider through the gateway and the workflow', () => {
  it('a two-call turn: one plan shown, confirmed once, executed; every request one Gemini accepts', async () => {
    gemini.push(...TWO_CALL_TURN);
    const start = await startSession(stack, 'Move it to Saturday 12 December at 3pm and add two kids');
    expect(start.phase, JSON.stringify(start)).toBe('awaiting_confirmation');
    expect(start.planner).toEqual({ provider: 'google:gemini-2.5-flash', degraded: false, modelCalls: 2 });
    expect(start.plan.steps.map((s: Json) => s.actionId)).toEqual(['reschedule_booking', 'update_guest_count']);
    expect(start.plan.summary).toBe('NGU-1001: Reschedule booking: start Fri 11 Dec 10:00 → Sat 12 Dec 15:00; Update guest count: Child tickets 6 → 8.');
    expect(gemini.rejected).toEqual([]);
    const second = gemini.requests[1]!.body.contents as Json[];
    expect(second.at(-1).parts.map((p: Json) => p.functionResponse.name)).toEqual(['reschedule_booking', 'update_guest_count']);

    const done = await confirm(stack, start.sessionId, start.plan.hash);
    expect(done.json.phase).toBe('completed');
    const b = await sandboxBooking(stack.sandboxUrl, 'bk-1001');
    expect(b.items[0].sessionStart).toBe('2026-12-12T04:00:00Z');
    expect(b.items[0].quantity).toBe(8);
  });

  it('Gemini refusing the request (400): the session fails with a message naming the planner, no SDK text', async () => {
    const before = gemini.requests.length;
    gemini.push(reply.badRequest('* GenerateContentRequest.tools[0].function_declarations[3].name: Invalid function name.'));
    const start = await startSession(stack, 'add two kids', 'bk-1002');
    expect(start.phase).toBe('failed');
    expect(start.outcome.message).toMatch(/^The AI planner \(Gemini\) refused the request/);
    expect(start.outcome.message).not.toMatch(/https?:|127\.0\.0\.1|GoogleGenerativeAI|function_declarations/);
    // a permanent error is not retried, neither by the planner nor by Temporal
    expect(gemini.requests.length - before).toBe(1);
  });
});
