// The gateway over HTTP: every route, every error, idempotent starts, ETags, identity isolation,
// rate limits, Temporal outages, and a fuzz run — checked against its own OpenAPI document.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startStack, listen, testConfig, STAFF, OTHER_VENUE, type Stack } from './helpers/stack.js';
import { buildGateway } from '../api/create-gateway.js';
import { CHAIN, startSession } from './helpers/session.js';
import { gatewayConformance } from './helpers/openapi-conformance.js';
import { createLogger } from '../observability/logger.js';
import { freePort } from '../scripts/ports.js';
import { sessionIdFor } from '../api/session-id.js';

let stack: Stack;
let conf: Awaited<ReturnType<typeof gatewayConformance>>;
const seen: Array<[string, string, number, unknown]> = [];

async function api(method: string, path: string, template: string, opts: Parameters<typeof call>[3] = {}) {
  const r = await call(stack.gatewayUrl, method, path, opts);
  if (r.status !== 304) seen.push([method, template, r.status, r.json]);
  return r;
}

beforeAll(async () => {
  stack = await startStack({ env: { RATE_LIMIT_PER_MINUTE: '100000' } });
  conf = await gatewayConformance();
});
afterAll(async () => {
  await stack?.close();
});

describe('routes', () => {
  it('health, readiness, metrics, the API document and the action list', async () => {
    expect((await api('GET', '/healthz', '/healthz')).status).toBe(200);
    expect((await api('GET', '/readyz', '/readyz')).json).toEqual({ status: 'ready', temporal: 'reachable' });
    const doc = await call(stack.gatewayUrl, 'GET', '/v1/openapi.json');
    expect(doc.json.info.title).toContain('Booking Updates');
    const actions = await api('GET', '/v1/actions', '/v1/actions', { token: STAFF });
    expect(actions.json.actions.map((a: { id: string }) => a.id)).toContain('reschedule_booking');
    expect(actions.json.actions.map((a: { id: string }) => a.id)).not.toContain('cancel_booking');
    const headers = (await call(stack.gatewayUrl, 'GET', '/healthz')).headers;
    expect(headers.get('x-content-type-options')).toBe('nosniff');
    expect(headers.get('x-powered-by')).toBeNull();
  });

  it('start (with wait), get, message, confirm, decline', async () => {
    const s = await api('POST', '/v1/sessions?wait=20', '/v1/sessions', { token: STAFF, body: { bookingId: 'bk-1001', message: 'Move it to Saturday 12 December' } });
    expect(s.status).toBe(201);
    expect(s.headers.get('location')).toBe(`/v1/sessions/${s.json.sessionId}`);
    expect(s.json.phase).toBe('awaiting_clarification');
    expect(s.json).not.toHaveProperty('owner');
    const id = s.json.sessionId;
    const g = await api('GET', `/v1/sessions/${id}`, '/v1/sessions/{id}', { token: STAFF });
    expect(g.headers.get('etag')).toBe(`"v${g.json.version}"`);
    const wrong = await api('POST', `/v1/sessions/${id}/confirm`, '/v1/sessions/{id}/confirm', { token: STAFF, body: { planHash: 'ab'.repeat(16) } });
    expect(wrong.status).toBe(409);
    expect(wrong.json.code).toBe('WRONG_PHASE');
    const m = await api('POST', `/v1/sessions/${id}/messages?wait=20`, '/v1/sessions/{id}/messages', { token: STAFF, body: { message: 'at 3pm' } });
    expect(m.json.phase).toBe('awaiting_confirmation');
    const stale = await api('POST', `/v1/sessions/${id}/confirm`, '/v1/sessions/{id}/confirm', { token: STAFF, body: { planHash: 'cd'.repeat(16) } });
    expect(stale.status).toBe(409);
    expect(stale.json.code).toBe('STALE_PLAN');
    const c = await api('POST', `/v1/sessions/${id}/confirm?wait=20`, '/v1/sessions/{id}/confirm', { token: STAFF, body: { planHash: m.json.plan.hash } });
    expect(c.json.phase).toBe('completed');
    const d = await api('POST', `/v1/sessions/${id}/decline`, '/v1/sessions/{id}/decline', { token: STAFF });
    expect(d.status).toBe(409);

    const s2 = await startSession(stack, CHAIN);
    const d2 = await api('POST', `/v1/sessions/${s2.sessionId}/decline`, '/v1/sessions/{id}/decline', { token: STAFF, body: {} });
    expect(d2.json.phase).toBe('declined');
  });

  it('/mcp refusals and its protected-resource metadata (the tools themselves: test/mcp*.test.ts)', async () => {
    const meta = await api('GET', '/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource/mcp');
    expect(meta.json.resource).toBe(`${stack.gatewayUrl}/mcp`);
    const headers = { accept: 'application/json, text/event-stream' };
    const list = { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} };
    expect((await api('POST', '/mcp', '/mcp', { body: list, headers })).status).toBe(401);
    const scoped = await api('POST', '/mcp', '/mcp', { token: 'tok-readonly-venue1', headers, body: { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'confirm_booking_update', arguments: {} } } });
    expect(scoped.status).toBe(403);
  });

  it('start is idempotent on the session key', async () => {
    const body = { bookingId: 'bk-1002', message: 'add 2 adults', sessionKey: 'iq-turn-000123' };
    const a = await api('POST', '/v1/sessions?wait=20', '/v1/sessions', { token: STAFF, body });
    const b = await api('POST', '/v1/sessions', '/v1/sessions', { token: STAFF, body });
    expect(b.json.sessionId).toBe(a.json.sessionId);
    expect(b.status).toBe(200);
    const other = await api('POST', '/v1/sessions', '/v1/sessions', { token: STAFF, body: { ...body, sessionKey: 'iq-turn-000124' } });
    expect(other.json.sessionId).not.toBe(a.json.sessionId);
    // another caller with the same key gets its own session, not this one
    const c = await api('POST', '/v1/sessions', '/v1/sessions', { token: OTHER_VENUE, body: { ...body, bookingId: 'bk-2001' } });
    expect(c.json.sessionId).not.toBe(a.json.sessionId);
  });

  it('polling an unchanged session: 200 once, then 304s without a body', async () => {
    const s = await startSession(stack, CHAIN);
    const first = await api('GET', `/v1/sessions/${s.sessionId}`, '/v1/sessions/{id}', { token: STAFF });
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag')!;
    const statuses: number[] = [];
    for (let i = 0; i < 100; i++) {
      const r = await call(stack.gatewayUrl, 'GET', `/v1/sessions/${s.sessionId}`, { token: STAFF, headers: { 'if-none-match': etag } });
      statuses.push(r.status);
      expect(r.text).toBe('');
    }
    expect(statuses.every((x) => x === 304)).toBe(true);
  });

  it('a long-poll returns as soon as the version changes', async () => {
    const s = await startSession(stack, CHAIN);
    const t0 = Date.now();
    const waiting = call(stack.gatewayUrl, 'GET', `/v1/sessions/${s.sessionId}?wait=20`, { token: STAFF, headers: { 'if-none-match': `"v${s.version}"` } });
    await new Promise((r) => setTimeout(r, 300));
    await call(stack.gatewayUrl, 'POST', `/v1/sessions/${s.sessionId}/decline`, { token: STAFF });
    const r = await waiting;
    expect(r.status).toBe(200);
    expect(r.json.phase).toBe('declined');
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('exposes Prometheus metrics by route and status, and sessions by phase', async () => {
    const m = await call(stack.gatewayUrl, 'GET', '/metrics');
    expect(m.text).toMatch(/gateway_http_requests_total\{route="\/v1\/sessions\/:id",method="GET",status="200"\} \d+/);
    expect(m.text).toMatch(/gateway_http_request_duration_seconds_bucket\{/);
    expect(m.text).toMatch(/booking_sessions\{phase="completed"\} \d+/);
  });
});

describe('errors', () => {
  const post = (body: string | undefined, headers: Record<string, string> = {}, token: string | null = STAFF) =>
    api('POST', '/v1/sessions', '/v1/sessions', { token: token ?? undefined, raw: body, headers });

  it('bad JSON → 400 BAD_JSON', async () => {
    const r = await post('{"message": "x",');
    expect([r.status, r.json.code]).toEqual([400, 'BAD_JSON']);
  });
  it('wrong types → 400 VALIDATION naming the field', async () => {
    const r = await post(JSON.stringify({ message: 5 }));
    expect([r.status, r.json.code]).toEqual([400, 'VALIDATION']);
    expect(r.json.errors[0].field).toBe('message');
  });
  it('unknown fields → 400 naming the field', async () => {
    const r = await post(JSON.stringify({ message: 'hi', admin: true }));
    expect(r.json.detail).toBe('admin unknown field "admin"');
  });
  it('missing message → 400', async () => {
    const r = await post(JSON.stringify({ bookingId: 'bk-1001' }));
    expect(r.json.errors[0]).toEqual({ field: 'message', message: "must have required property 'message'" });
  });
  it('too long → 400', async () => {
    const r = await post(JSON.stringify({ message: 'x'.repeat(2001) }));
    expect(r.json.detail).toBe('message must be at most 2000 characters');
  });
  it('too big → 413', async () => {
    const r = await post(JSON.stringify({ message: 'x', pad: 'y'.repeat(20_000) }));
    expect([r.status, r.json.code]).toEqual([413, 'TOO_LARGE']);
  });
  it('not JSON → 415', async () => {
    const r = await call(stack.gatewayUrl, 'POST', '/v1/sessions', { token: STAFF, raw: 'message=hi', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect([r.status, r.json.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
  });
  it('missing or invalid token → 401', async () => {
    expect((await post(JSON.stringify({ message: 'hi' }), {}, null)).json.code).toBe('UNAUTHORIZED');
    expect((await post(JSON.stringify({ message: 'hi' }), {}, 'not-a-token')).status).toBe(401);
  });
  it('unknown session → 404; another identity → 404 for read, message, confirm and decline', async () => {
    expect((await api('GET', '/v1/sessions/sess_doesnotexist0000000000', '/v1/sessions/{id}', { token: STAFF })).status).toBe(404);
    const s = await startSession(stack, CHAIN);
    const asOther = [
      await api('GET', `/v1/sessions/${s.sessionId}`, '/v1/sessions/{id}', { token: OTHER_VENUE }),
      await api('POST', `/v1/sessions/${s.sessionId}/messages`, '/v1/sessions/{id}/messages', { token: OTHER_VENUE, body: { message: 'hi' } }),
      await api('POST', `/v1/sessions/${s.sessionId}/confirm`, '/v1/sessions/{id}/confirm', { token: OTHER_VENUE, body: { planHash: s.plan.hash } }),
      await api('POST', `/v1/sessions/${s.sessionId}/decline`, '/v1/sessions/{id}/decline', { token: OTHER_VENUE }),
    ];
    const unknown = await api('GET', '/v1/sessions/sess_doesnotexist0000000001', '/v1/sessions/{id}', { token: OTHER_VENUE });
    for (const r of asOther) {
      expect(r.status).toBe(404);
      // indistinguishable from a session that does not exist
      expect({ ...r.json }).toEqual({ ...unknown.json });
    }
    expect((await api('GET', `/v1/sessions/${s.sessionId}`, '/v1/sessions/{id}', { token: STAFF })).json.phase).toBe('awaiting_confirmation');
  });
  it('an unknown route → 404 problem', async () => {
    const r = await call(stack.gatewayUrl, 'GET', '/v2/nothing', { token: STAFF });
    expect([r.status, r.json.code]).toEqual([404, 'NOT_FOUND']);
  });
  it('bad wait → 400', async () => {
    const r = await api('POST', '/v1/sessions?wait=soon', '/v1/sessions', { token: STAFF, body: { message: 'hi' } });
    expect(r.json.code).toBe('VALIDATION');
  });

  it('rate limits per identity with 429 RATE_LIMITED', async () => {
    const limited = await startStack({ env: { RATE_LIMIT_PER_MINUTE: '3' } });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 4; i++) codes.push((await call(limited.gatewayUrl, 'GET', '/v1/actions', { token: STAFF })).status);
      expect(codes).toEqual([200, 200, 200, 429]);
      const r = await call(limited.gatewayUrl, 'GET', '/v1/actions', { token: STAFF });
      expect(r.json.code).toBe('RATE_LIMITED');
      // another identity is not affected
      expect((await call(limited.gatewayUrl, 'GET', '/v1/actions', { token: OTHER_VENUE })).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('Temporal unreachable → 503 with retry advice, never a stack trace', async () => {
    const dead = await freePort();
    const config = testConfig({ TEMPORAL_ADDRESS: `127.0.0.1:${dead}`, ROLLER_API_BASE_URL: stack.sandboxUrl, MAX_WAIT_MS: '5000' });
    const { app } = buildGateway(config, stack.catalog, createLogger('silent', 't'));
    const l = await listen(app);
    try {
      const r = await call(l.url, 'POST', '/v1/sessions', { token: STAFF, body: { message: 'hi', bookingId: 'bk-1001' } });
      expect(r.status).toBe(503);
      expect(r.json.code).toBe('TEMPORAL_UNAVAILABLE');
      expect(r.headers.get('retry-after')).toBeTruthy();
      expect(r.text).not.toMatch(/\n\s+at /);
      // an id bound to this caller is looked up in Temporal (another's is refused from the id alone)
      const g = await call(l.url, 'GET', `/v1/sessions/${sessionIdFor({ userId: 'user-ana', venueId: 'venue-1', scopes: [] })}`, { token: STAFF });
      expect(g.status).toBe(503);
      expect((await call(l.url, 'GET', '/readyz')).status).toBe(503);
    } finally {
      l.server.close();
    }
  });
});

describe('fuzz', () => {
  it('a few hundred malformed requests: no 5xx, the process alive, no session created', async () => {
    const countSessions = async () => (await stack.client.workflow.count(`TaskQueue = "${stack.config.temporal.taskQueue}"`)).count;
    const before = await countSessions();
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const pick = <T,>(xs: T[]) => xs[Math.floor(rnd() * xs.length)]!;
    const junk = () => {
      const n = Math.floor(rnd() * 60);
      let s = '';
      for (let i = 0; i < n; i++) s += String.fromCharCode(Math.floor(rnd() * 0x2ff));
      return s;
    };
    const bodies = [
      () => junk(),
      () => JSON.stringify(pick([null, 1, 'x', [], true, {}])),
      () => JSON.stringify({ message: pick([null, 1, '', ' ', [], {}, 'x'.repeat(2001)]) }),
      () => JSON.stringify({ message: 'hi', bookingId: pick(['../etc', 'a b', '', 'x'.repeat(65), 7]) }),
      () => JSON.stringify({ message: 'hi', [junk() || 'k']: junk() }),
      () => JSON.stringify({ message: 'hi', sessionKey: pick(['short', 'has space here', 5]) }),
      () => JSON.stringify({ message: 'hi', timezone: pick(['Mars/Base 1', '../../x', 3]) }),
      () => '{"message": "hi"' + junk(),
      () => JSON.stringify({ planHash: pick([1, 'XYZ', '', null]) }),
      () => '[' + '['.repeat(200),
    ];
    const paths = ['/v1/sessions', '/v1/sessions/sess_nope000000000000000/messages', '/v1/sessions/sess_nope000000000000000/confirm', '/v1/sessions/%00/confirm', '/v1/sessions/' + 'a'.repeat(300)];
    const tokens = [STAFF, undefined, 'x'.repeat(3000), 'tok-staff-venue1\nx', 'Bearer', junk()];
    const contentTypes = ['application/json', 'text/plain', 'application/json; charset=latin1', '', 'multipart/form-data; boundary=x'];
    const statuses = new Map<number, number>();
    for (let i = 0; i < 300; i++) {
      const token = pick(tokens);
      const headers: Record<string, string> = {};
      const ct = pick(contentTypes);
      if (ct) headers['content-type'] = ct;
      if (token !== undefined) {
        try {
          new Headers({ authorization: `Bearer ${token}` });
          headers.authorization = `Bearer ${token}`;
        } catch {
          headers.authorization = 'Bearer ???';
        }
      }
      const method = pick(['POST', 'POST', 'GET', 'PUT', 'DELETE']);
      let status: number;
      try {
        const res = await fetch(`${stack.gatewayUrl}${pick(paths)}${pick(['', '?wait=abc', '?wait=1e9', '?wait=-1'])}`, { method, headers, body: method === 'GET' ? undefined : pick(bodies)() });
        status = res.status;
        await res.arrayBuffer();
      } catch {
        status = 0;
      }
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      expect(status, `request ${i}`).toBeGreaterThanOrEqual(400);
      expect(status, `request ${i}`).toBeLessThan(500);
    }
    expect((await call(stack.gatewayUrl, 'GET', '/healthz')).status).toBe(200);
    expect(await countSessions()).toBe(before);
  });
});

describe('the OpenAPI document', () => {
  it('matches what the routes accept and return', () => {
    const problems = seen.flatMap(([m, t, s, b]) => conf.check(m, t, s, b));
    expect(problems).toEqual([]);
    // every documented operation was exercised above
    const documented = Object.entries(conf.doc.paths).flatMap(([p, item]) => Object.keys(item as object).map((m) => `${m.toUpperCase()} ${p}`));
    const exercised = new Set(seen.map(([m, t]) => `${m} ${t}`));
    const missing = documented.filter((d) => !exercised.has(d) && !d.includes('/codec/') && d !== 'GET /metrics');
    expect(missing).toEqual([]);
  });
});
