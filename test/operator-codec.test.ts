// What an operator sees through /codec: a whole decoded history holds no staff token (it stays
// sealed under keys the codec never holds), the session's Current Details name its phase, outcome
// and recovery steps; and the codec endpoint's own edges: CORS allow-list, credential before body,
// rate limit, one audit line per call, the development path, OIDC access tokens.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import express from 'express';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { call, injectFault, listen, startStack, STAFF, type Stack } from './helpers/stack.js';
import { CHAIN, confirm, startSession } from './helpers/session.js';
import { loadConfig, ConfigError } from '../config/config.js';

const OPERATOR = 'operator-secret-for-codec-tests';
const DEV_SECRET = 'dev-secret-0123456789abcdefghij';
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ env: { CODEC_OPERATOR_TOKEN: OPERATOR, CODEC_DEV_PATH_SECRET: DEV_SECRET, CODEC_RATE_LIMIT_PER_MINUTE: '100000' } });
});
afterAll(async () => {
  await stack?.close();
});

type WirePayload = { metadata: Record<string, string>; data?: string };

/** Every payload anywhere in a history (inputs, results, update args, memo, failures, summaries). */
function payloadsIn(value: unknown, out: WirePayload[] = []): WirePayload[] {
  if (!value || typeof value !== 'object') return out;
  if (Array.isArray(value)) {
    for (const v of value) payloadsIn(v, out);
    return out;
  }
  const o = value as Record<string, unknown>;
  const meta = o.metadata as Record<string, Uint8Array> | undefined;
  if (meta && typeof meta === 'object' && meta.encoding instanceof Uint8Array) {
    out.push({ metadata: Object.fromEntries(Object.entries(meta).map(([k, v]) => [k, Buffer.from(v).toString('base64')])), ...(o.data ? { data: Buffer.from(o.data as Uint8Array).toString('base64') } : {}) });
    return out;
  }
  for (const v of Object.values(o)) payloadsIn(v, out);
  return out;
}

describe('a whole needs_attention history, decoded as an operator would', () => {
  let sessionId: string;

  it('holds no staff token anywhere, only its sealed form; the session still ran with it', async () => {
    const s = await startSession(stack, CHAIN);
    sessionId = s.sessionId;
    // a revised request (an update carrying the token) before confirming
    const revised = await call(stack.gatewayUrl, 'POST', `/v1/sessions/${s.sessionId}/messages?wait=20`, { token: STAFF, body: { message: CHAIN } });
    expect(revised.json.phase).toBe('awaiting_confirmation');
    await injectFault(stack.sandboxUrl, { operationId: 'updateContactDetails', status: 409, code: 'CONFLICT', times: 1 });
    await injectFault(stack.sandboxUrl, { operationId: 'rescheduleBooking', status: 409, code: 'CONFLICT', skip: 1, times: 10 });
    const done = await confirm(stack, s.sessionId, revised.json.plan.hash);
    expect(done.json.phase).toBe('needs_attention');

    const history = await stack.client.workflow.getHandle(s.sessionId).fetchHistory();
    const wire = payloadsIn(history.events);
    expect(wire.length).toBeGreaterThan(20);
    const decoded: string[] = [];
    for (let i = 0; i < wire.length; i += 100) {
      const r = await call(stack.gatewayUrl, 'POST', '/codec/decode', { token: OPERATOR, body: { payloads: wire.slice(i, i + 100) } });
      expect(r.status, r.text).toBe(200);
      decoded.push(...r.json.payloads.map((p: WirePayload) => Buffer.from(p.data ?? '', 'base64').toString('utf8')));
    }
    const all = decoded.join('\n');
    // the operator does see the session (so decoding worked), but never the bearer token
    expect(all).toContain('bk-1001');
    expect(all).toContain('"token":"sealed:v1:');
    expect(all).not.toContain(STAFF);
    expect(all).not.toMatch(/tok-[a-z]+-venue\d/);
  });

  it('Current Details show the phase, the outcome and the recovery steps; the summary names the booking', async () => {
    const handle = stack.client.workflow.getHandle(sessionId);
    const meta = (await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata')) ?? {};
    const details = meta.currentDetails ?? '';
    expect(details).toContain('**Phase:** needs_attention');
    expect(details).toMatch(/\*\*Outcome:\*\* Step \d .*failed/);
    expect(details).toContain('**Recovery steps:**');
    expect(details).toContain('1. In ROLLER, booking NGU-1001: set start back to Fri 11 Dec 10:00');
    expect(details).toContain('**Steps:** 1 compensation_failed · 2 compensated · 3 failed');
    expect(await (await handle.describe()).staticSummary()).toBe('Booking update session for bk-1001');
  });
});

describe('the codec endpoint', () => {
  const one = { payloads: [{ metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('{"a":1}').toString('base64') }] };

  it('echoes only listed origins; the default list is localhost and 127.0.0.1 on the UI port', async () => {
    for (const origin of ['http://localhost:8233', 'http://127.0.0.1:8233']) {
      const pre = await fetch(`${stack.gatewayUrl}/codec/decode`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
      expect(pre.status).toBe(204);
      expect(pre.headers.get('access-control-allow-origin')).toBe(origin);
    }
    const evil = await fetch(`${stack.gatewayUrl}/codec/decode`, { method: 'OPTIONS', headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' } });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    const cfg = loadConfig({ TEMPORAL_UI_PORT: '9333' });
    expect(cfg.codec.corsOrigins).toEqual(['http://localhost:9333', 'http://127.0.0.1:9333']);
    expect(loadConfig({ CODEC_CORS_ORIGINS: 'https://ui.example.com, https://ops.example.com' }).codec.corsOrigins).toEqual(['https://ui.example.com', 'https://ops.example.com']);
  });

  it('checks the credential before reading the body: 5 MB without a credential is a 401, not a 413', async () => {
    const big = JSON.stringify({ payloads: [{ metadata: {}, data: 'A'.repeat(5 * 1024 * 1024) }] });
    const r = await call(stack.gatewayUrl, 'POST', '/codec/decode', { raw: big });
    expect([r.status, r.json.code]).toEqual([401, 'UNAUTHORIZED']);
    const withToken = await call(stack.gatewayUrl, 'POST', '/codec/decode', { raw: big, token: OPERATOR });
    expect([withToken.status, withToken.json.code]).toEqual([413, 'TOO_LARGE']);
  });

  it('writes one info line per call: the caller and the payload count, nothing of the payloads', async () => {
    stack.logs.lines.length = 0;
    const r = await call(stack.gatewayUrl, 'POST', '/codec/decode', { token: OPERATOR, body: one });
    expect(r.status).toBe(200);
    const lines = stack.logs.lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'codec decode');
    expect(lines).toHaveLength(1);
    const { level, caller, payloads, msg } = lines[0];
    expect({ level, caller, payloads, msg }).toEqual({ level: 30, caller: 'operator-token', payloads: 1, msg: 'codec decode' });
    expect(Object.keys(lines[0]).sort()).toEqual(['caller', 'hostname', 'level', 'msg', 'name', 'payloads', 'pid', 'time']);
  });

  it('the development path needs no header but the secret, over loopback; a wrong secret is a 404', async () => {
    const ok = await call(stack.gatewayUrl, 'POST', `/codec/dev/${DEV_SECRET}/decode`, { body: one });
    expect(ok.status).toBe(200);
    const wrong = await call(stack.gatewayUrl, 'POST', `/codec/dev/${DEV_SECRET.replace(/.$/, 'X')}/decode`, { body: one });
    expect([wrong.status, wrong.json.code]).toEqual([404, 'NOT_FOUND']);
    expect(() => loadConfig({ NODE_ENV: 'production', PAYLOAD_KEYS: `p:${Buffer.alloc(32, 1).toString('base64')}`, TOKEN_SEAL_KEYS: `t:${Buffer.alloc(32, 2).toString('base64')}`, CODEC_DEV_PATH_SECRET: DEV_SECRET })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production', PAYLOAD_KEYS: `p:${Buffer.alloc(32, 1).toString('base64')}`, TOKEN_SEAL_KEYS: `t:${Buffer.alloc(32, 1).toString('base64')}` })).toThrow(/must not reuse a PAYLOAD_KEYS key/);
    expect(() => loadConfig({ NODE_ENV: 'production', PAYLOAD_KEYS: `p:${Buffer.alloc(32, 1).toString('base64')}` })).toThrow(/TOKEN_SEAL_KEYS is required/);
  });

  it('is rate limited per caller', async () => {
    const limited = await startStack({ worker: false, env: { CODEC_OPERATOR_TOKEN: OPERATOR, CODEC_RATE_LIMIT_PER_MINUTE: '3' } });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 4; i++) codes.push((await call(limited.gatewayUrl, 'POST', '/codec/decode', { token: OPERATOR, body: one })).status);
      expect(codes).toEqual([200, 200, 200, 429]);
    } finally {
      await limited.close();
    }
  });
});

describe('OIDC access tokens (the Temporal UI user, production)', () => {
  let idp: { server: Server; url: string };
  let sign: (claims: Record<string, unknown>, opts?: { aud?: string; iss?: string; exp?: string }) => Promise<string>;
  let oidc: Stack;

  beforeAll(async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    const app = express();
    // the two documents an OpenID provider serves (discovery, then the key set it names)
    app.get('/.well-known/openid-configuration', (_req, res) => void res.json({ issuer: idp.url, jwks_uri: `${idp.url}/jwks` }));
    app.get('/jwks', (_req, res) => void res.json({ keys: [jwk] }));
    idp = await listen(app);
    sign = (claims, o = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer(o.iss ?? idp.url)
        .setAudience(o.aud ?? 'temporal-ui')
        .setSubject('ops-user-7')
        .setIssuedAt()
        .setExpirationTime(o.exp ?? '5m')
        .sign(privateKey);
    oidc = await startStack({ worker: false, env: { CODEC_OPERATOR_TOKEN: OPERATOR, CODEC_OIDC_ISSUER: idp.url, CODEC_OIDC_AUDIENCE: 'temporal-ui', CODEC_OIDC_REQUIRED_CLAIMS: 'groups=temporal-operators' } });
  });
  afterAll(async () => {
    await oidc?.close();
    idp?.server.close();
  });

  it('accepts a valid token with the required claim, refuses the rest; the static token still works', async () => {
    const one = { payloads: [] };
    const post = async (token: string) => {
      const r = await call(oidc.gatewayUrl, 'POST', '/codec/decode', { token, body: one });
      return [r.status, r.json?.code];
    };
    oidc.logs.lines.length = 0;
    expect(await post(await sign({ groups: ['temporal-operators'] }))).toEqual([200, undefined]);
    expect(oidc.logs.lines.join('\n')).toContain('"caller":"oidc:ops-user-7"');
    expect(await post(await sign({ groups: ['support'] }))).toEqual([403, 'FORBIDDEN']);
    expect(await post(await sign({ groups: ['temporal-operators'] }, { aud: 'someone-else' }))).toEqual([401, 'UNAUTHORIZED']);
    expect(await post(await sign({ groups: ['temporal-operators'] }, { iss: 'https://evil.example' }))).toEqual([401, 'UNAUTHORIZED']);
    expect(await post(await sign({ groups: ['temporal-operators'] }, { exp: '-10m' }))).toEqual([401, 'UNAUTHORIZED']);
    const forged = (await sign({ groups: ['temporal-operators'] })).replace(/\.[^.]+$/, '.AAAA');
    expect(await post(forged)).toEqual([401, 'UNAUTHORIZED']);
    expect(await post(OPERATOR)).toEqual([200, undefined]);
  });
});
