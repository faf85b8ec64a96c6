// Driving sessions through the real gateway.
import { expect } from 'vitest';
import { call, STAFF, type Stack } from './stack.js';

export const CHAIN = 'Move the Nguyen party to Saturday 12 December at 3pm, add two kids and change the email to linh.new@example.com';

export async function startSession(stack: Stack, message: string, bookingId = 'bk-1001', token = STAFF, extra: Record<string, unknown> = {}) {
  const r = await call(stack.gatewayUrl, 'POST', '/v1/sessions?wait=20', { token, body: { bookingId, message, ...extra } });
  expect([200, 201], r.text).toContain(r.status);
  return r.json;
}

export async function confirm(stack: Stack, id: string, planHash: string, token = STAFF) {
  return call(stack.gatewayUrl, 'POST', `/v1/sessions/${id}/confirm?wait=25`, { token, body: { planHash } });
}

export async function getState(stack: Stack, id: string, token = STAFF) {
  return (await call(stack.gatewayUrl, 'GET', `/v1/sessions/${id}`, { token })).json;
}

export async function waitForPhase(stack: Stack, id: string, phases: string[], timeoutMs = 30_000, token = STAFF) {
  const deadline = Date.now() + timeoutMs;
  let s = await getState(stack, id, token);
  while (!phases.includes(s.phase) && Date.now() < deadline) {
    const r = await call(stack.gatewayUrl, 'GET', `/v1/sessions/${id}?wait=5`, { token, headers: { 'if-none-match': `"v${s.version}"` } });
    if (r.status === 200) s = r.json;
  }
  return s;
}
