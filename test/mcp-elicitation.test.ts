// update_booking with a client that declares form elicitation (the official MCP client over
// Streamable HTTP, real stack): the question and the whole plan are asked through forms and the tool
// answers with the outcome; decline or cancel declines the session; a question about contact details
// is never asked through a form.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ElicitRequestSchema, type ElicitRequest, type ElicitResult } from '@modelcontextprotocol/sdk/types.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Connection } from '@temporalio/client';
import { buildGateway } from '../api/create-gateway.js';
import { createLogger } from '../observability/logger.js';
import { journal, listen, sandboxBooking, startStack, STAFF, type Stack } from './helpers/stack.js';
import { mcpClient, tool } from './helpers/mcp.js';

let stack: Stack;
let client: Client;
/** what the person does with each form, in order; every form shown is kept */
let script: Array<(p: ElicitRequest['params']) => ElicitResult> = [];
const shown: Array<ElicitRequest['params']> = [];

beforeAll(async () => {
  stack = await startStack({ env: { RATE_LIMIT_PER_MINUTE: '100000' } });
  client = await mcpClient(stack.gatewayUrl, undefined, { elicitation: { form: {} } });
  client.setRequestHandler(ElicitRequestSchema, async (req) => {
    shown.push(req.params);
    const next = script.shift();
    if (!next) throw new Error('no answer scripted for this form');
    return next(req.params);
  });
});
afterAll(async () => {
  await client?.close();
  await stack?.close();
});

const writes = async () => (await journal(stack.sandboxUrl)).filter((e) => e.wrote);
const fresh = () => {
  shown.length = 0;
};

describe('elicitation', () => {
  it('asks the question and the whole plan through forms and answers with the outcome', async () => {
    fresh();
    const before = (await writes()).length;
    script = [() => ({ action: 'accept', content: { answer: '3pm' } }), () => ({ action: 'accept', content: { confirm: true } })];
    const progress: number[] = [];
    const r = await tool(client, 'update_booking', { bookingId: 'bk-1001', message: 'Move the Nguyen party to Saturday 12 December, add two kids and change the email to linh.new@example.com' }, { onprogress: (p) => void progress.push(p.progress) });
    expect(shown).toHaveLength(2);
    expect(shown[0]!.message).toMatch(/time/i);
    expect(Object.keys((shown[0] as { requestedSchema: { properties: object } }).requestedSchema.properties)).toEqual(['answer']);
    // the whole plan: every step, the high-risk mark, and that nothing is written unless accepted
    const planForm = shown[1]!.message;
    expect(planForm).toContain('Sat 12 Dec 15:00');
    expect(planForm).toContain('6 → 8');
    expect(planForm).toMatch(/linh\.new@example\.com.*\[HIGH RISK\]/);
    expect(planForm).toContain('Nothing is written unless you accept');
    expect(r.structuredContent.phase).toBe('completed');
    expect(r.structuredContent.outcome.status).toBe('completed');
    expect(progress).toEqual([1, 2, 3]);
    const w = (await writes()).slice(before);
    expect(w.map((e) => e.operationId)).toEqual(['rescheduleBooking', 'updateGuestCount', 'updateContactDetails']);
    expect((await sandboxBooking(stack.sandboxUrl, 'bk-1001')).holder.email).toBe('linh.new@example.com');
  });

  it('declining the plan declines the session; nothing is written', async () => {
    fresh();
    const before = (await writes()).length;
    script = [() => ({ action: 'decline' })];
    const r = await tool(client, 'update_booking', { bookingId: 'bk-1002', message: 'add 2 adults' });
    expect(shown).toHaveLength(1);
    expect(r.structuredContent.phase).toBe('declined');
    expect((await writes()).length).toBe(before);
  });

  it('accepting the form without ticking the box is no confirmation', async () => {
    fresh();
    const before = (await writes()).length;
    script = [() => ({ action: 'accept', content: { confirm: false } })];
    const r = await tool(client, 'update_booking', { bookingId: 'bk-1002', message: 'add 2 adults' });
    expect(r.structuredContent.phase).toBe('declined');
    expect((await writes()).length).toBe(before);
  });

  it('cancelling the question declines the session', async () => {
    fresh();
    script = [() => ({ action: 'cancel' })];
    const r = await tool(client, 'update_booking', { bookingId: 'bk-1002', message: 'Move it to Saturday 12 December' });
    expect(shown).toHaveLength(1);
    expect(r.structuredContent.phase).toBe('declined');
  });

  it('an answer that reaches another gateway process is acted on there; the asking call follows it to the outcome', async () => {
    fresh();
    const before = (await writes()).length;
    // a second gateway process on the same Temporal namespace and task queue, as behind a load balancer
    const other = buildGateway(stack.config, stack.catalog, createLogger('silent', 'test'), await Connection.connect({ address: stack.config.temporal.address }));
    const b = await listen(other.app);
    // the balancer sends the client's answers (JSON-RPC responses) to the other process
    const balanced: typeof fetch = (input, init) => {
      const body = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
      const answer = body && !('method' in body) && 'result' in body;
      return fetch(answer ? String(input).replace(stack.gatewayUrl, b.url) : input, init);
    };
    const c = new Client({ name: 'balanced', version: '1' }, { capabilities: { elicitation: { form: {} } } });
    c.setRequestHandler(ElicitRequestSchema, async (req) => {
      shown.push(req.params);
      return { action: 'accept', content: { confirm: true } };
    });
    await c.connect(new StreamableHTTPClientTransport(new URL(`${stack.gatewayUrl}/mcp`), { fetch: balanced, requestInit: { headers: { authorization: `Bearer ${STAFF}` } } }));
    try {
      const r = await tool(c, 'update_booking', { bookingId: 'bk-1002', message: 'add 2 adults' });
      expect(shown).toHaveLength(1);
      expect(r.structuredContent.phase).toBe('completed');
      expect((await writes()).slice(before).map((e) => e.operationId)).toEqual(['updateGuestCount']);
    } finally {
      await c.close();
      await new Promise((r) => b.server.close(() => r(undefined)));
      await other.connection.close();
    }
  });

  it('a question about contact details goes back to the caller, never into a form', async () => {
    fresh();
    script = [];
    const r = await tool(client, 'update_booking', { bookingId: 'bk-1002', message: 'change the email address on the booking' });
    expect(shown).toHaveLength(0);
    expect(r.structuredContent.phase).toBe('awaiting_clarification');
    expect(r.structuredContent.question.missing).toContain('email');
    // the caller answers in the person's own words, step by step
    const plan = await tool(client, 'reply_to_booking_update', { sessionId: r.structuredContent.sessionId, message: 'it is sam@example.com' });
    expect(plan.structuredContent.phase).toBe('awaiting_confirmation');
    await tool(client, 'decline_booking_update', { sessionId: r.structuredContent.sessionId });
  });
});
