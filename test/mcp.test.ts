// /mcp driven by the official MCP client over Streamable HTTP, against the real stack (Temporal dev
// server, worker, sandbox, gateway): the tools and their schemas, the step-by-step conversation,
// decline, stale plans, other callers' sessions, authentication and scopes, progress per step.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { Ajv } from 'ajv';
import { call, journal, sandboxBooking, startStack, OTHER_VENUE, READONLY, STAFF, type Stack } from './helpers/stack.js';
import { errorCode, mcpClient, tool } from './helpers/mcp.js';

let stack: Stack;
let client: Client;
beforeAll(async () => {
  stack = await startStack({ env: { RATE_LIMIT_PER_MINUTE: '100000' } });
  client = await mcpClient(stack.gatewayUrl);
});
afterAll(async () => {
  await client?.close();
  await stack?.close();
});

const writes = async () => (await journal(stack.sandboxUrl)).filter((e) => e.wrote);

describe('tools', () => {
  it('lists the five tools with input and output schemas and truthful annotations', async () => {
    const { tools } = await client.listTools();
    const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
    expect(Object.keys(byName).sort()).toEqual(['confirm_booking_update', 'decline_booking_update', 'get_booking_update', 'reply_to_booking_update', 'update_booking']);
    expect(byName.update_booking!.inputSchema.required).toEqual(['bookingId', 'message']);
    expect(Object.keys(byName.update_booking!.inputSchema.properties!)).toEqual(['bookingId', 'message', 'sessionKey']);
    expect(byName.confirm_booking_update!.inputSchema.properties!.planHash).toMatchObject({ type: 'string', pattern: '^[a-f0-9]{16,64}$' });
    expect(byName.get_booking_update!.inputSchema.properties!.waitSeconds).toMatchObject({ type: 'number', maximum: 25 });
    const ajv = new Ajv({ strict: false });
    for (const t of tools) {
      expect(t.outputSchema?.required).toEqual(['sessionId', 'phase', 'version', 'next']);
      expect(() => ajv.compile(t.inputSchema), t.name).not.toThrow();
    }
    expect(byName.get_booking_update!.annotations).toMatchObject({ readOnlyHint: true });
    expect(byName.confirm_booking_update!.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true, idempotentHint: true });
    expect(byName.update_booking!.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: false });
    expect(byName.reply_to_booking_update!.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: false });
  });

  it('question → reply → plan → confirm → completed, each write once, with progress per step', async () => {
    const before = (await writes()).length;
    const first = await tool(client, 'update_booking', { bookingId: 'bk-1001', message: 'Move the Nguyen party to Saturday 12 December and add two kids' });
    expect(first.isError).toBeFalsy();
    const s1 = first.structuredContent;
    expect(s1.phase).toBe('awaiting_clarification');
    expect(s1.question.text).toMatch(/time/i);
    expect(s1.question.missing).toEqual(['newStart']);
    expect(s1.next).toContain('reply_to_booking_update');
    expect((first.content[0] as { text: string }).text).toContain(s1.question.text);

    const second = await tool(client, 'reply_to_booking_update', { sessionId: s1.sessionId, message: '3pm' });
    const plan = second.structuredContent.plan;
    expect(second.structuredContent.phase).toBe('awaiting_confirmation');
    expect(plan.steps.map((s: { actionId: string }) => s.actionId)).toEqual(['reschedule_booking', 'update_guest_count']);
    expect(plan.steps[1].changes).toEqual([{ field: 'Child tickets', before: '6', after: '8' }]);
    expect(plan.steps[0]).toMatchObject({ safety: 'normal', reversible: true });
    expect(plan.risk).toBe('normal');
    expect(plan.hash).toMatch(/^[a-f0-9]{16,64}$/);
    expect((second.content[0] as { text: string }).text).toContain('Reschedule booking');
    expect((await writes()).length).toBe(before);

    const progress: Array<{ progress: number; total?: number; message?: string }> = [];
    const done = await tool(client, 'confirm_booking_update', { sessionId: s1.sessionId, planHash: plan.hash }, { onprogress: (p) => void progress.push(p) });
    expect(done.structuredContent.phase).toBe('completed');
    expect(done.structuredContent.outcome).toMatchObject({ status: 'completed', recovery: [] });
    expect(done.structuredContent.progress).toMatchObject({ done: 2, total: 2 });
    expect(done.structuredContent.next).toEqual([]);
    expect(progress.map((p) => [p.progress, p.total])).toEqual([
      [1, 2],
      [2, 2],
    ]);
    expect(progress[0]!.message).toMatch(/^Step 1\/2 succeeded: Reschedule booking/);
    expect(progress[1]!.message).toMatch(/^Step 2\/2 succeeded: Update guest count.*\(session completed\)$/);

    const w = (await writes()).slice(before);
    expect(w.map((e) => e.operationId)).toEqual(['rescheduleBooking', 'updateGuestCount']);
    expect((await sandboxBooking(stack.sandboxUrl, 'bk-1001')).items[0].quantity).toBe(8);

    // a repeated confirm answers with the first result and writes nothing more
    const again = await tool(client, 'confirm_booking_update', { sessionId: s1.sessionId, planHash: plan.hash });
    expect(again.structuredContent.phase).toBe('completed');
    expect((await writes()).length).toBe(before + 2);
    // the read-only tool sees the same end
    const read = await tool(client, 'get_booking_update', { sessionId: s1.sessionId, waitSeconds: 1 });
    expect(read.structuredContent).toMatchObject({ phase: 'completed', version: done.structuredContent.version });
  });

  it('decline: the session ends declined and nothing is written; declining again says the same', async () => {
    const before = (await writes()).length;
    const s = (await tool(client, 'update_booking', { bookingId: 'bk-1002', message: 'add 2 adults' })).structuredContent;
    expect(s.phase).toBe('awaiting_confirmation');
    const d = await tool(client, 'decline_booking_update', { sessionId: s.sessionId });
    expect(d.structuredContent.phase).toBe('declined');
    expect(d.structuredContent.next).toEqual([]);
    const again = await tool(client, 'decline_booking_update', { sessionId: s.sessionId });
    expect(again.structuredContent.phase).toBe('declined');
    const late = await tool(client, 'confirm_booking_update', { sessionId: s.sessionId, planHash: s.plan.hash });
    expect(late.isError).toBe(true);
    expect(errorCode(late)).toBe('WRONG_PHASE');
    expect((await writes()).length).toBe(before);
  });

  it('a wrong or stale plan hash is a tool error with STALE_PLAN; nothing is written', async () => {
    const before = (await writes()).length;
    const s = (await tool(client, 'update_booking', { bookingId: 'bk-1002', message: 'add 2 adults' })).structuredContent;
    const wrong = await tool(client, 'confirm_booking_update', { sessionId: s.sessionId, planHash: 'ab'.repeat(16) });
    expect(wrong.isError).toBe(true);
    expect(errorCode(wrong)).toBe('STALE_PLAN');
    expect((wrong.content[0] as { text: string }).text).toMatch(/^STALE_PLAN: /);
    // a revised request replaces the plan: the old hash is stale
    const revised = (await tool(client, 'reply_to_booking_update', { sessionId: s.sessionId, message: 'actually make it 3 adults more' })).structuredContent;
    expect(revised.phase).toBe('awaiting_confirmation');
    expect(revised.plan.hash).not.toBe(s.plan.hash);
    const stale = await tool(client, 'confirm_booking_update', { sessionId: s.sessionId, planHash: s.plan.hash });
    expect(errorCode(stale)).toBe('STALE_PLAN');
    expect((await writes()).length).toBe(before);
    await tool(client, 'decline_booking_update', { sessionId: s.sessionId });
  });

  it("another caller's session is indistinguishable from an unknown one", async () => {
    const mine = (await tool(client, 'update_booking', { bookingId: 'bk-1002', message: 'add 2 adults' })).structuredContent;
    const other = await mcpClient(stack.gatewayUrl, OTHER_VENUE);
    try {
      const theirs = await tool(other, 'get_booking_update', { sessionId: mine.sessionId });
      const unknown = await tool(other, 'get_booking_update', { sessionId: 'sess_AAAAAAAAAAAAAAAAAAAAAA' });
      expect(theirs.isError).toBe(true);
      expect(theirs.content).toEqual(unknown.content);
      expect(theirs._meta).toEqual(unknown._meta);
      expect(errorCode(theirs)).toBe('SESSION_NOT_FOUND');
      for (const name of ['reply_to_booking_update', 'decline_booking_update']) {
        const r = await tool(other, name, { sessionId: mine.sessionId, ...(name.startsWith('reply') ? { message: 'hi' } : {}) });
        expect(errorCode(r), name).toBe('SESSION_NOT_FOUND');
      }
      const c = await tool(other, 'confirm_booking_update', { sessionId: mine.sessionId, planHash: mine.plan.hash });
      expect(errorCode(c)).toBe('SESSION_NOT_FOUND');
    } finally {
      await other.close();
    }
    expect((await tool(client, 'get_booking_update', { sessionId: mine.sessionId })).structuredContent.phase).toBe('awaiting_confirmation');
    await tool(client, 'decline_booking_update', { sessionId: mine.sessionId });
  });

  it('bad arguments get the HTTP API VALIDATION code with the field named', async () => {
    const r = await tool(client, 'update_booking', { bookingId: 'bk 1001!', message: '' });
    expect(r.isError).toBe(true);
    expect(errorCode(r)).toBe('VALIDATION');
    const fields = (r._meta!['roller.app/problem'] as { errors: Array<{ field: string }> }).errors.map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['bookingId', 'message']));
    expect(errorCode(await tool(client, 'get_booking_update', { sessionId: 'sess_x', waitSeconds: 60 }))).toBe('VALIDATION');
    expect(errorCode(await tool(client, 'decline_booking_update', { sessionId: 'sess_x', extra: 1 }))).toBe('VALIDATION');
  });
});

describe('HTTP', () => {
  const rpc = (body: unknown, headers: Record<string, string> = {}) =>
    call(stack.gatewayUrl, 'POST', '/mcp', { body, headers: { accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25', ...headers } });
  const list = { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} };

  it('401 with a challenge naming the protected-resource metadata; the metadata names the write scope', async () => {
    const none = await rpc(list);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe(`Bearer realm="roller-iq", resource_metadata="${stack.gatewayUrl}/.well-known/oauth-protected-resource/mcp"`);
    // the credential is checked before the body is read: the error cannot name the request's id
    expect(none.json).toMatchObject({ jsonrpc: '2.0', id: null, error: { data: { code: 'UNAUTHORIZED', status: 401 } } });
    const bad = await rpc(list, { authorization: 'Bearer not-a-roller-token' });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toContain('error="invalid_token"');
    const meta = await call(stack.gatewayUrl, 'GET', '/.well-known/oauth-protected-resource/mcp');
    expect(meta.json).toEqual({ resource: `${stack.gatewayUrl}/mcp`, resource_name: expect.any(String), bearer_methods_supported: ['header'], scopes_supported: ['bookings:write'] });
  });

  it('a read-only token lists and reads but a write tool is a 403 insufficient_scope challenge', async () => {
    const ro = await mcpClient(stack.gatewayUrl, READONLY);
    try {
      expect((await ro.listTools()).tools).toHaveLength(5);
      expect(errorCode(await tool(ro, 'get_booking_update', { sessionId: 'sess_AAAAAAAAAAAAAAAAAAAAAA' }))).toBe('SESSION_NOT_FOUND');
    } finally {
      await ro.close();
    }
    const r = await rpc({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'update_booking', arguments: { bookingId: 'bk-1001', message: 'add 1 adult' } } }, { authorization: `Bearer ${READONLY}` });
    expect(r.status).toBe(403);
    expect(r.headers.get('www-authenticate')).toBe(`Bearer error="insufficient_scope", scope="bookings:write", resource_metadata="${stack.gatewayUrl}/.well-known/oauth-protected-resource/mcp"`);
    expect(r.json.error.data.code).toBe('INSUFFICIENT_SCOPE');
  });

  it('stateless: no stream to GET, no session to DELETE; any request works without initialize', async () => {
    const get = await call(stack.gatewayUrl, 'GET', '/mcp', { token: STAFF, headers: { accept: 'text/event-stream' } });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect(get.json.error.data.code).toBe('METHOD_NOT_ALLOWED');
    const r = await fetch(`${stack.gatewayUrl}/mcp`, { method: 'POST', headers: { authorization: `Bearer ${STAFF}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25' }, body: JSON.stringify(list) });
    expect(r.status).toBe(200);
    expect(await r.text()).toContain('update_booking');
  });

  it('what the transport would refuse gets a stable code too', async () => {
    const bad = await call(stack.gatewayUrl, 'POST', '/mcp', { token: STAFF, raw: '{"jsonrpc":', headers: { accept: 'application/json, text/event-stream' } });
    expect([bad.status, bad.json.error.data.code]).toEqual([400, 'BAD_JSON']);
    const notRpc = await rpc({ hello: 'world' }, { authorization: `Bearer ${STAFF}` });
    expect([notRpc.status, notRpc.json.error.data.code]).toEqual([400, 'VALIDATION']);
    const version = await rpc(list, { authorization: `Bearer ${STAFF}`, 'mcp-protocol-version': '1999-01-01' });
    expect([version.status, version.json.error.data.code]).toEqual([400, 'VALIDATION']);
    const accept = await call(stack.gatewayUrl, 'POST', '/mcp', { token: STAFF, body: list, headers: { accept: 'text/html' } });
    expect([accept.status, accept.json.error.data.code]).toEqual([406, 'NOT_ACCEPTABLE']);
    const type = await call(stack.gatewayUrl, 'POST', '/mcp', { token: STAFF, raw: JSON.stringify(list), headers: { 'content-type': 'text/plain', accept: 'application/json, text/event-stream' } });
    expect([type.status, type.json.error.data.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
  });

  it('the per-identity rate limit applies to /mcp as to /v1', async () => {
    const limited = await startStack({ env: { RATE_LIMIT_PER_MINUTE: '3' }, worker: false });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await call(limited.gatewayUrl, 'POST', '/mcp', { token: STAFF, body: list, headers: { accept: 'application/json, text/event-stream' } })).status);
      expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
      expect(statuses.slice(3)).toEqual([429, 429]);
      const r = await call(limited.gatewayUrl, 'POST', '/mcp', { token: STAFF, body: list, headers: { accept: 'application/json, text/event-stream' } });
      expect(r.json.error.data.code).toBe('RATE_LIMITED');
      expect(r.headers.get('retry-after')).toBe('10');
    } finally {
      await limited.close();
    }
  });
});
