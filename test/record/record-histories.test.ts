// Records one history per session path into test/histories/ (run: npm run record-histories).
// The replay test replays them against the current workflow code on every CI run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import proto from '@temporalio/proto';
import { call, injectFault, startStack, STAFF, type Stack } from '../helpers/stack.js';
import { CHAIN, confirm, startSession, waitForPhase } from '../helpers/session.js';

const DIR = new URL('../histories/', import.meta.url).pathname;
const KEY = readFileSync(`${DIR}payload-key.txt`, 'utf8').trim();
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ env: { PAYLOAD_KEYS: KEY, SESSION_IDLE_TIMEOUT_SECONDS: '3' } });
});
afterAll(async () => {
  await stack?.close();
});

async function save(name: string, id: string) {
  const history = await stack.client.workflow.getHandle(id).fetchHistory();
  // binary protobuf: exact, and readable back without JSON conversion quirks
  writeFileSync(`${DIR}${name}.pb`, proto.temporal.api.history.v1.History.encode(history).finish());
}
const reset = () => fetch(`${stack.sandboxUrl}/__sandbox/reset`, { method: 'POST' });

describe('record histories', () => {
  it('completed', async () => {
    await reset();
    const s = await startSession(stack, CHAIN);
    expect((await confirm(stack, s.sessionId, s.plan.hash)).json.phase).toBe('completed');
    await save('completed', s.sessionId);
  });
  it('rolled_back', async () => {
    await reset();
    const s = await startSession(stack, CHAIN);
    await injectFault(stack.sandboxUrl, { operationId: 'updateContactDetails', status: 409, code: 'CONFLICT' });
    expect((await confirm(stack, s.sessionId, s.plan.hash)).json.phase).toBe('rolled_back');
    await save('rolled_back', s.sessionId);
  });
  it('needs_attention', async () => {
    await reset();
    const s = await startSession(stack, CHAIN);
    await injectFault(stack.sandboxUrl, { operationId: 'updateContactDetails', status: 409, code: 'CONFLICT' });
    await injectFault(stack.sandboxUrl, { operationId: 'rescheduleBooking', status: 409, code: 'CONFLICT', skip: 1, times: 10 });
    expect((await confirm(stack, s.sessionId, s.plan.hash)).json.phase).toBe('needs_attention');
    await save('needs_attention', s.sessionId);
  });
  it('expired', async () => {
    await reset();
    const s = await startSession(stack, CHAIN);
    expect((await waitForPhase(stack, s.sessionId, ['expired'], 20_000)).phase).toBe('expired');
    await save('expired', s.sessionId);
  });
  it('declined', async () => {
    await reset();
    const s = await startSession(stack, CHAIN);
    expect((await call(stack.gatewayUrl, 'POST', `/v1/sessions/${s.sessionId}/decline`, { token: STAFF })).json.phase).toBe('declined');
    await save('declined', s.sessionId);
  });
  it('clarification loop', async () => {
    await reset();
    const s = await startSession(stack, 'Move the Nguyen party to Saturday 12 December');
    expect(s.phase).toBe('awaiting_clarification');
    const a = await call(stack.gatewayUrl, 'POST', `/v1/sessions/${s.sessionId}/messages?wait=20`, { token: STAFF, body: { message: '3pm' } });
    const b = await call(stack.gatewayUrl, 'POST', `/v1/sessions/${s.sessionId}/messages?wait=20`, { token: STAFF, body: { message: 'actually 4pm' } });
    expect(b.json.plan.hash).not.toBe(a.json.plan.hash);
    expect((await confirm(stack, s.sessionId, b.json.plan.hash)).json.phase).toBe('completed');
    await save('clarification_loop', s.sessionId);
  });

  // Recorded after the `truthful-rollback` patch (workflows/rollback.ts) into truthful-rollback/;
  // record only these with `npx vitest run --config vitest.record.config.ts -t "truthful rollback"`.
  it('truthful rollback: rolled_back', async () => {
    await reset();
    mkdirSync(`${DIR}truthful-rollback`, { recursive: true });
    const s = await startSession(stack, CHAIN);
    await injectFault(stack.sandboxUrl, { operationId: 'updateContactDetails', status: 409, code: 'CONFLICT' });
    expect((await confirm(stack, s.sessionId, s.plan.hash)).json.phase).toBe('rolled_back');
    await save('truthful-rollback/rolled_back', s.sessionId);
  });
  it('truthful rollback: needs_attention after undo retries', async () => {
    await reset();
    mkdirSync(`${DIR}truthful-rollback`, { recursive: true });
    const s = await startSession(stack, CHAIN);
    await injectFault(stack.sandboxUrl, { operationId: 'updateContactDetails', status: 409, code: 'CONFLICT' });
    // the guest-count undo is refused twice with 503 (retried after timers), the reschedule undo for good
    await injectFault(stack.sandboxUrl, { operationId: 'updateGuestCount', status: 503, skip: 1, times: 2 });
    await injectFault(stack.sandboxUrl, { operationId: 'rescheduleBooking', status: 409, code: 'CONFLICT', skip: 1, times: 10 });
    const end = await confirm(stack, s.sessionId, s.plan.hash);
    const final = end.json.phase === 'needs_attention' ? end.json : await waitForPhase(stack, s.sessionId, ['needs_attention'], 30_000);
    expect(final.phase).toBe('needs_attention');
    await save('truthful-rollback/needs_attention', s.sessionId);
  });

  // Recorded after the `write-identity` patch into write-identity/; record only these with
  // `npx vitest run --config vitest.record.config.ts -t "write identity"`.
  it('write identity: a refused step is final (no read-back), the earlier steps are undone', async () => {
    await reset();
    mkdirSync(`${DIR}write-identity`, { recursive: true });
    const s = await startSession(stack, CHAIN);
    await injectFault(stack.sandboxUrl, { operationId: 'updateContactDetails', status: 412, code: 'BOOKING_CHANGED' });
    expect((await confirm(stack, s.sessionId, s.plan.hash)).json.phase).toBe('rolled_back');
    await save('write-identity/refused', s.sessionId);
  });
  it('write identity: a lost answer is asked about by key, found applied and undone', async () => {
    await reset();
    mkdirSync(`${DIR}write-identity`, { recursive: true });
    const s = await startSession(stack, CHAIN);
    // the guest count is written, its answer lost, and its 4 retries refused: the rollback asks by key
    await injectFault(stack.sandboxUrl, { operationId: 'updateGuestCount', status: 502, when: 'after', times: 1 });
    await injectFault(stack.sandboxUrl, { operationId: 'updateGuestCount', status: 503, times: 4 });
    await confirm(stack, s.sessionId, s.plan.hash);
    expect((await waitForPhase(stack, s.sessionId, ['rolled_back'], 40_000)).phase).toBe('rolled_back');
    await save('write-identity/rolled_back', s.sessionId);
  });
});
