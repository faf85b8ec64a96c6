// PII and secrets: what Temporal stores is encrypted, operators decode only through the codec
// endpoint with a credential, keys rotate, and no log line carries a token, email or phone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { AesGcmCodec } from '../codec/aes-gcm-codec.js';
import { call, injectFault, startStack, STAFF, READONLY, type Stack } from './helpers/stack.js';
import { confirm, startSession } from './helpers/session.js';

const { temporal } = proto;
const OPERATOR = 'operator-secret-for-tests-only';
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ env: { CODEC_OPERATOR_TOKEN: OPERATOR } });
});
afterAll(async () => {
  await stack?.close();
});

const MESSAGE = 'Move it to Saturday 12 December at 3pm, add two kids and change the email to private.person@example.org and the phone to 0498 765 432';
const SENSITIVE = ['private.person@example.org', '0498 765 432', '+61498765432', 'linh.nguyen@example.com', '+61412345678', 'tok-staff-venue1', 'Move it to Saturday 12 December'];

async function rawHistory(id: string): Promise<{ bytes: string; events: unknown[] }> {
  // a client with no codec sees what Temporal stores
  const connection = await Connection.connect({ address: stack.config.temporal.address });
  try {
    const history = await new Client({ connection }).workflow.getHandle(id).fetchHistory();
    return { bytes: Buffer.from(temporal.api.history.v1.History.encode(history).finish()).toString('latin1'), events: history.events ?? [] };
  } finally {
    await connection.close();
  }
}

describe('Temporal history', () => {
  let sessionId: string;
  it('holds none of the guest contact details, the token or the message, in clear', async () => {
    const s = await startSession(stack, MESSAGE);
    expect(s.phase).toBe('awaiting_confirmation');
    sessionId = s.sessionId;
    const done = await confirm(stack, s.sessionId, s.plan.hash);
    expect(done.json.phase).toBe('completed');
    const { bytes } = await rawHistory(s.sessionId);
    expect(bytes.length).toBeGreaterThan(1000);
    for (const secret of SENSITIVE) expect(bytes, secret).not.toContain(secret);
    expect(bytes).toContain('binary/encrypted');
  });

  it('the codec endpoint decodes it for an operator, and answers 401 without the credential', async () => {
    const { events } = await rawHistory(sessionId);
    const started = events[0] as { workflowExecutionStartedEventAttributes: { input: { payloads: Array<{ metadata: Record<string, Uint8Array>; data: Uint8Array }> } } };
    const payload = started.workflowExecutionStartedEventAttributes.input.payloads[0]!;
    const wire = { payloads: [{ metadata: Object.fromEntries(Object.entries(payload.metadata).map(([k, v]) => [k, Buffer.from(v).toString('base64')])), data: Buffer.from(payload.data).toString('base64') }] };
    const denied = await call(stack.gatewayUrl, 'POST', '/codec/decode', { body: wire });
    expect(denied.status).toBe(401);
    const wrong = await call(stack.gatewayUrl, 'POST', '/codec/decode', { body: wire, token: 'guess' });
    expect(wrong.status).toBe(401);
    const ok = await call(stack.gatewayUrl, 'POST', '/codec/decode', { body: wire, token: OPERATOR });
    expect(ok.status).toBe(200);
    const decoded = Buffer.from(ok.json.payloads[0].data, 'base64').toString('utf8');
    expect(decoded).toContain('private.person@example.org');
    expect(decoded).toContain('bk-1001');
    const pre = await fetch(`${stack.gatewayUrl}/codec/decode`, { method: 'OPTIONS', headers: { origin: 'http://localhost:8233', 'access-control-request-method': 'POST' } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('http://localhost:8233');
  });
});

describe('key rotation', () => {
  it('payloads written under key A still decode after key B becomes current', async () => {
    const A = { id: 'a', key: randomBytes(32) };
    const B = { id: 'b', key: randomBytes(32) };
    const payload = { metadata: { encoding: new TextEncoder().encode('json/plain') }, data: new TextEncoder().encode('{"email":"x@example.com"}') };
    const [underA] = await new AesGcmCodec([A]).encode([payload]);
    const rotated = new AesGcmCodec([A, B]);
    const [back] = await rotated.decode([underA!]);
    expect(new TextDecoder().decode(back!.data!)).toBe('{"email":"x@example.com"}');
    const [underB] = await rotated.encode([payload]);
    expect(new TextDecoder().decode(underB!.metadata!['encryption-key-id']!)).toBe('b');
    await expect(new AesGcmCodec([B]).decode([underA!])).rejects.toThrow(/unknown key id "a"/);
    const tampered = { ...underA!, data: Uint8Array.from(underA!.data!, (x, i) => (i === 20 ? x ^ 1 : x)) };
    await expect(rotated.decode([tampered])).rejects.toThrow();
  });
});

describe('logs', () => {
  it('no line of a full session, its failures and rejected requests carries a token, email or phone', async () => {
    stack.logs.lines.length = 0;
    await fetch(`${stack.sandboxUrl}/__sandbox/reset`, { method: 'POST' });
    const s = await startSession(stack, MESSAGE);
    await injectFault(stack.sandboxUrl, { operationId: 'updateContactDetails', status: 400, times: 1 });
    const done = await confirm(stack, s.sessionId, s.plan.hash);
    expect(done.json.phase).toBe('rolled_back');
    expect(JSON.stringify(done.json.outcome)).not.toContain('private.person@example.org');
    // failure messages are encrypted too (they are not payloads unless the failure converter encodes them)
    const failure = done.json.steps.find((x: { status: string }) => x.status === 'failed').error.message as string;
    expect(failure).toMatch(/^ROLLER rejected/);
    expect((await rawHistory(s.sessionId)).bytes).not.toContain(failure);
    await call(stack.gatewayUrl, 'POST', '/v1/sessions', { token: 'tok-made-up-secret', body: { message: 'email me at a.b@example.com' } });
    await call(stack.gatewayUrl, 'POST', '/v1/sessions', { token: STAFF, raw: '{"message": "call 0400 000 000",' });
    // a read-only token is refused at the gateway (scope check) before anything reaches Temporal
    const ro = await call(stack.gatewayUrl, 'POST', '/v1/sessions', { token: READONLY, body: { message: MESSAGE, bookingId: 'bk-1001' } });
    expect([ro.status, ro.json.code]).toEqual([403, 'INSUFFICIENT_SCOPE']);
    expect(stack.logs.lines.length).toBeGreaterThan(5);
    const all = stack.logs.lines.join('\n');
    for (const secret of [...SENSITIVE, 'tok-made-up-secret', 'tok-readonly-venue1', 'a.b@example.com', '0400 000 000']) expect(all, secret).not.toContain(secret);
  });
});
