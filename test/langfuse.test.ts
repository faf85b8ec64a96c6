// Langfuse export checked against a local OTLP receiver: spans of a planning run arrive, grouped by
// session, and no email, phone or token appears in any exported byte.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import { createTracer } from '../observability/langfuse.js';
import { listen, startSandbox } from './helpers/stack.js';
import { testPlanner } from './helpers/planner.js';
import { startGeminiServer, TWO_CALL_TURN } from './helpers/gemini-server.js';

let sb: Awaited<ReturnType<typeof startSandbox>>;
let receiver: { url: string; close: () => void };
const bodies: Buffer[] = [];
const auth: string[] = [];

beforeAll(async () => {
  sb = await startSandbox();
  const app = express();
  app.use(express.raw({ type: () => true, limit: '20mb' }));
  app.post(/.*/, (req, res) => {
    bodies.push(req.body as Buffer);
    auth.push(req.get('authorization') ?? '');
    res.status(200).json({});
  });
  const l = await listen(app);
  receiver = { url: l.url, close: () => l.server.close() };
});
afterAll(() => {
  receiver?.close();
  return sb?.close();
});

describe('Langfuse tracing', () => {
  it('is silent without keys', () => {
    expect(createTracer({}).enabled).toBe(false);
  });

  it('exports one trace per planning run with model and tool observations, masked', async () => {
    const tracer = createTracer({ LANGFUSE_PUBLIC_KEY: 'pk-lf-test', LANGFUSE_SECRET_KEY: 'sk-lf-test', LANGFUSE_BASE_URL: receiver.url });
    expect(tracer.enabled).toBe(true);
    // the real google provider, against a local server answering in Gemini's format (with token usage)
    const gemini = await startGeminiServer(TWO_CALL_TURN);
    const planner = await testPlanner({ LLM_PROVIDER: 'google', GOOGLE_API_KEY: 'k', GOOGLE_API_BASE_URL: gemini.url }, sb.url, tracer);
    const message = 'Move the Nguyen party to Saturday 12 December at 3pm and add two kids; their email is linh.new@example.com (she is on 0412 345 678)';
    const r = await planner.plan(message, { sessionId: 'sess_traced', userId: 'user-ana' });
    expect(r.kind).toBe('plan');
    expect(gemini.rejected).toEqual([]);
    gemini.close();
    await tracer.flush();
    await tracer.shutdown();
    const all = Buffer.concat(bodies).toString('latin1');
    expect(bodies.length).toBeGreaterThan(0);
    expect(auth[0]).toMatch(/^Basic /);
    for (const name of ['booking-update-plan', 'reschedule_booking', 'update_guest_count', 'sess_traced', 'planner-model']) expect(all).toContain(name);
    // token usage of the model calls is recorded
    expect(all).toMatch(/usage_details[\s\S]{0,40}812/);
    // nothing sensitive: the user's email and phone, the holder's (from the booking read), the token
    for (const secret of ['linh.new@example.com', '0412 345 678', 'linh.nguyen@example.com', '+61412345678', 'tok-staff-venue1']) expect(all).not.toContain(secret);
    expect(all).toContain('[EMAIL]');
  });
});
