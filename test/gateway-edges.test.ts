// The gateway's edges, tried as an attacker would: throttling per address before authentication and
// on failed sign-ins, the identity cache (negative entries, single flight, bounded serve-stale),
// scopes, reused session keys, `wait` bounds, cached /metrics, server timeouts and a connection
// cap, and every error code documented in README and api/openapi.yaml.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Socket } from 'node:net';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { call, injectFault, journal, startSandbox, startStack, testConfig, STAFF, READONLY, type Stack } from './helpers/stack.js';
import { buildGateway, createGatewayServer } from '../api/create-gateway.js';
import { IdentityResolver } from '../api/identity.js';
import { createLogger } from '../observability/logger.js';
import { GATEWAY_OPENAPI } from '../api/app.js';
import { freePort } from '../scripts/ports.js';

const ROOT = new URL('..', import.meta.url).pathname;
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ env: { RATE_LIMIT_PER_MINUTE: '100000' } });
});
afterAll(async () => {
  await stack?.close();
});

const identityCalls = async (sandboxUrl: string) => (await journal(sandboxUrl)).filter((e) => e.operationId === 'getIdentity').length;

describe('throttling before authentication', () => {
  it('per client address: past the limit, 429 RATE_LIMITED without looking at the token', async () => {
    const s = await startStack({ worker: false, env: { CLIENT_RATE_LIMIT_PER_MINUTE: '5' } });
    try {
      await fetch(`${s.sandboxUrl}/__sandbox/journal`, { method: 'DELETE' });
      const codes: number[] = [];
      for (let i = 0; i < 8; i++) codes.push((await call(s.gatewayUrl, 'GET', '/v1/actions', { token: STAFF })).status);
      expect(codes).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
      expect((await call(s.gatewayUrl, 'GET', '/v1/actions', { token: STAFF })).json.code).toBe('RATE_LIMITED');
      // the identity was looked up once (then cached); the refused requests cost nothing upstream
      expect(await identityCalls(s.sandboxUrl)).toBe(1);
      expect((await call(s.gatewayUrl, 'GET', '/healthz')).status).toBe(200);
    } finally {
      await s.close();
    }
  });

  it('failed sign-ins: 400 garbage tokens cost at most AUTH_FAILURES_PER_MINUTE upstream calls', async () => {
    const s = await startStack({ worker: false, env: { AUTH_FAILURES_PER_MINUTE: '5' } });
    try {
      await fetch(`${s.sandboxUrl}/__sandbox/journal`, { method: 'DELETE' });
      const codes = new Map<string, number>();
      for (let i = 0; i < 400; i++) {
        const r = await call(s.gatewayUrl, 'POST', '/v1/sessions', { token: `garbage-${i}`, body: { message: 'hi' } });
        const k = `${r.status} ${r.json.code}`;
        codes.set(k, (codes.get(k) ?? 0) + 1);
      }
      expect(Object.fromEntries(codes)).toEqual({ '401 UNAUTHORIZED': 5, '429 SIGN_IN_THROTTLED': 395 });
      expect(await identityCalls(s.sandboxUrl)).toBe(5);
      // the address stays throttled for the window, whatever token it now sends
      const valid = await call(s.gatewayUrl, 'GET', '/v1/actions', { token: STAFF });
      expect(valid.status).toBe(429);
      expect(Number(valid.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(Number(valid.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    } finally {
      await s.close();
    }
  });

  it('only failures count: many concurrent signed-in requests from one address are not throttled', async () => {
    const s = await startStack({ worker: false, env: { AUTH_FAILURES_PER_MINUTE: '3' } });
    try {
      const codes = await Promise.all(Array.from({ length: 30 }, () => call(s.gatewayUrl, 'GET', '/v1/actions', { token: STAFF }).then((r) => r.status)));
      expect(codes.filter((c) => c !== 200)).toEqual([]);
    } finally {
      await s.close();
    }
  });
});

describe('identity lookups', () => {
  let sb: Awaited<ReturnType<typeof startSandbox>>;
  beforeAll(async () => {
    sb = await startSandbox();
  });
  afterAll(async () => {
    await sb?.close();
  });
  const resolver = (opts: Partial<ConstructorParameters<typeof IdentityResolver>[2]> = {}) => new IdentityResolver(sb.url, '/v1/me', { ttlMs: 60_000, timeoutMs: 2000, negativeTtlMs: 30_000, staleMs: 300_000, ...opts });

  it('a refused token is remembered: ten tries, one upstream call', async () => {
    const r = resolver();
    for (let i = 0; i < 10; i++) await expect(r.resolve('tok-nobody')).rejects.toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
    expect(r.upstreamCalls).toBe(1);
  });

  it('concurrent requests with the same new token share one upstream call', async () => {
    const r = resolver();
    const all = await Promise.all(Array.from({ length: 20 }, () => r.resolve(STAFF)));
    expect(new Set(all.map((i) => `${i.venueId}/${i.userId}`)).size).toBe(1);
    expect(r.upstreamCalls).toBe(1);
  });

  it('while the identity endpoint is down, a recent identity is served, for a bounded time only', async () => {
    let now = 1_000_000;
    const r = resolver({ ttlMs: 1000, staleMs: 60_000, now: () => now });
    const first = await r.resolve(STAFF);
    now += 5000; // past the cache lifetime
    await injectFault(sb.url, { operationId: 'getIdentity', status: 503, times: 1 });
    expect(await r.resolve(STAFF)).toEqual(first);
    now += 120_000; // past the stale bound
    await injectFault(sb.url, { operationId: 'getIdentity', status: 503, times: 1 });
    await expect(r.resolve(STAFF)).rejects.toMatchObject({ status: 503, code: 'UPSTREAM_UNAVAILABLE' });
    // back up: a fresh lookup
    expect(await r.resolve(STAFF)).toEqual(first);
    expect(r.upstreamCalls).toBe(4);
  });
});

describe('scopes, session keys, wait', () => {
  it('a read-only token can read but cannot start a change or confirm one: 403 INSUFFICIENT_SCOPE', async () => {
    expect((await call(stack.gatewayUrl, 'GET', '/v1/actions', { token: READONLY })).status).toBe(200);
    const start = await call(stack.gatewayUrl, 'POST', '/v1/sessions', { token: READONLY, body: { message: 'add two kids', bookingId: 'bk-1001' } });
    expect([start.status, start.json.code]).toEqual([403, 'INSUFFICIENT_SCOPE']);
    const s = await call(stack.gatewayUrl, 'POST', '/v1/sessions?wait=20', { token: STAFF, body: { message: 'add two kids', bookingId: 'bk-1002' } });
    const confirm = await call(stack.gatewayUrl, 'POST', `/v1/sessions/${s.json.sessionId}/confirm`, { token: READONLY, body: { planHash: 'ab'.repeat(16) } });
    expect([confirm.status, confirm.json.code]).toEqual([403, 'INSUFFICIENT_SCOPE']);
    const count = await stack.client.workflow.count(`TaskQueue = "${stack.config.temporal.taskQueue}" AND VenueId = "venue-1"`);
    expect(count.count).toBeGreaterThanOrEqual(1);
  });

  it('a sessionKey reused for a different request → 409 SESSION_KEY_REUSED; the same request → the same session', async () => {
    const body = { bookingId: 'bk-1002', message: 'add 2 adults', sessionKey: 'iq-turn-reuse-0001' };
    const a = await call(stack.gatewayUrl, 'POST', '/v1/sessions', { token: STAFF, body });
    expect(a.status).toBe(201);
    const retry = await call(stack.gatewayUrl, 'POST', '/v1/sessions', { token: STAFF, body });
    expect([retry.status, retry.json.sessionId]).toEqual([200, a.json.sessionId]);
    const other = await call(stack.gatewayUrl, 'POST', '/v1/sessions', { token: STAFF, body: { ...body, message: 'cancel the party' } });
    expect([other.status, other.json.code]).toEqual([409, 'SESSION_KEY_REUSED']);
  });

  it('wait is 0-25 seconds as documented; 26 or 999 → 400 VALIDATION', async () => {
    const doc = GATEWAY_OPENAPI as { components: { parameters: { Wait: { schema: { maximum: number } } } } };
    expect(doc.components.parameters.Wait.schema.maximum).toBe(25);
    for (const w of ['26', '999']) {
      const r = await call(stack.gatewayUrl, 'GET', `/v1/sessions/sess_aaaaaaaaaaaaaaaaaaaaaa?wait=${w}`, { token: STAFF });
      expect([r.status, r.json.code, r.json.errors[0].field]).toEqual([400, 'VALIDATION', 'wait']);
    }
  });
});

describe('/metrics', () => {
  it('session counts are refreshed once per cache period, not per scrape', async () => {
    for (let i = 0; i < 3; i++) expect((await call(stack.gatewayUrl, 'GET', '/metrics')).status).toBe(200);
    const m = await call(stack.gatewayUrl, 'GET', '/metrics');
    expect(m.text).toMatch(/booking_sessions_refreshes_total\{result="ok"\} 1\n/);
    expect(m.text).toMatch(/booking_sessions\{phase="awaiting_confirmation"\} \d+/);
  });

  it('with Temporal down, a scrape still answers (each count under a deadline)', async () => {
    const config = testConfig({ TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`, ROLLER_API_BASE_URL: stack.sandboxUrl });
    const { app } = buildGateway(config, stack.catalog, createLogger('silent', 't'));
    const server = createGatewayServer(app, config.gateway);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      // each scrape answers (waiting one deadline at most); the failed refresh shows on a later one
      let m = await call(url, 'GET', '/metrics');
      for (let i = 0; i < 10 && !/result="failed"/.test(m.text); i++) {
        expect(m.status).toBe(200);
        await new Promise((r) => setTimeout(r, 500));
        m = await call(url, 'GET', '/metrics');
      }
      expect(m.status).toBe(200);
      expect(m.text).toMatch(/booking_sessions_refreshes_total\{result="failed"\} 1\n/);
      expect(m.text).toContain('gateway_http_requests_total');
    } finally {
      server.close();
    }
  }, 30_000);
});

describe('the HTTP server', () => {
  async function serve(env: Record<string, string>) {
    const config = testConfig({ ROLLER_API_BASE_URL: stack.sandboxUrl, ...env });
    const { app } = buildGateway(config, stack.catalog, createLogger('silent', 't'));
    const server = createGatewayServer(app, config.gateway);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    return { server, port: (server.address() as AddressInfo).port };
  }
  const open = (port: number) =>
    new Promise<{ socket: Socket; received: () => string; closed: Promise<void> }>((resolve) => {
      let data = '';
      const socket = connect(port, '127.0.0.1', () => resolve({ socket, received: () => data, closed }));
      socket.on('data', (d) => (data += d.toString()));
      socket.on('error', () => {});
      const closed = new Promise<void>((r) => socket.once('close', () => r()));
    });

  it('cuts off a client that never finishes its headers, and an idle keep-alive connection', async () => {
    const { server, port } = await serve({ GATEWAY_HEADERS_TIMEOUT_MS: '1000', GATEWAY_KEEP_ALIVE_TIMEOUT_MS: '1000' });
    try {
      const slow = await open(port);
      slow.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ');
      await slow.closed;
      expect(slow.received()).toMatch(/^HTTP\/1\.1 408/);
      const idle = await open(port);
      idle.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
      await idle.closed; // the server closes the kept-alive connection when it idles
      expect(idle.received()).toMatch(/^HTTP\/1\.1 200/);
    } finally {
      server.close();
    }
  });

  it('caps open connections: past GATEWAY_MAX_CONNECTIONS a new one is closed unanswered', async () => {
    const { server, port } = await serve({ GATEWAY_MAX_CONNECTIONS: '2' });
    try {
      const held = [await open(port), await open(port)];
      await new Promise((r) => setTimeout(r, 100));
      const extra = await open(port);
      extra.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
      await extra.closed;
      expect(extra.received()).toBe('');
      held[0]!.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      await held[0]!.closed;
      expect(held[0]!.received()).toMatch(/^HTTP\/1\.1 200/);
      for (const h of held) h.socket.destroy();
    } finally {
      server.close();
    }
  });
});

describe('error codes', () => {
  it('every code the gateway answers is in README and in the OpenAPI code enum, and nothing more', () => {
    const files = ['api', 'api/routes', 'api/mcp'].flatMap((d) => readdirSync(join(ROOT, d)).filter((f) => f.endsWith('.ts')).map((f) => readFileSync(join(ROOT, d, f), 'utf8')));
    const inCode = new Set<string>();
    for (const src of files) {
      for (const m of src.matchAll(/(?:ApiError|super)\(\s*\d{3},\s*'([A-Z_]+)'/g)) inCode.add(m[1]!);
      // codes carried by update validators' messages ("WRONG_PHASE: …")
      for (const m of src.matchAll(/\/\^\(([A-Z_|]+)\): /g)) m[1]!.split('|').forEach((c) => inCode.add(c));
    }
    const doc = GATEWAY_OPENAPI as { components: { schemas: { Problem: { properties: { code: { enum: string[] } } } } } };
    const documented = new Set(doc.components.schemas.Problem.properties.code.enum);
    expect([...inCode].sort()).toEqual([...documented].sort());
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('| status | code | when |'));
    for (const code of documented) expect(table, code).toContain(`\`${code}\``);
  });
});
