// Proof for issue 16: a published booking API (OCTO) added with a document + overlay and no code.
// The OCTO document (catalog/octo, written by the project from the OCTO standard) imports with no
// network and lints clean; a sandbox built from that document serves it; a session through the
// gateway with the scripted planner reschedules an OCTO booking, and when a later step fails the
// reschedule is rolled back — each write exactly once in the sandbox journal. The staff member's
// ROLLER token never reaches the supplier (the sandbox accepts only its own key).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { Ajv } from 'ajv';
import addFormatsImport from 'ajv-formats';
import { loadCatalog, loadSpec } from '../catalog/importer.js';
import { createOctoSandbox, OCTO_KEY, OCTO_SPEC, type OctoSandbox } from '../sandbox/octo.js';
import { call, injectFault, journal, listen, startStack, STAFF, type Stack } from './helpers/stack.js';
import { confirm, startSession, waitForPhase } from './helpers/session.js';

const addFormats = addFormatsImport as unknown as (ajv: Ajv) => Ajv;
const OCTO_DIR = new URL('../catalog/octo', import.meta.url).pathname;
const MOVE = 'Move it to Saturday 12 December at 3pm';
const MOVE_AND_NOTE = 'Move it to Saturday 12 December at 3pm and set the notes to Cake at 3';

const script = {
  scripts: [
    {
      match: '^move it to saturday 12 december at 3pm$',
      turns: [
        { toolCalls: [{ name: 'octo_check_availability', args: { productId: 'prod-jump', optionId: 'opt-default', localDateStart: '2026-12-12', localDateEnd: '2026-12-12' } }] },
        {
          toolCalls: [
            { name: 'octo_update_booking', args: { availabilityId: '2026-12-12T15:00:00+11:00', evidence: { availabilityId: 'Saturday 12 December at 3pm' } } },
            { name: 'submit_plan', args: { summary: 'Move the booking to Sat 12 Dec 15:00.' } },
          ],
        },
      ],
    },
    {
      match: 'set the notes to cake at 3$',
      turns: [
        {
          toolCalls: [
            { name: 'octo_update_booking', args: { availabilityId: '2026-12-12T15:00:00+11:00', evidence: { availabilityId: 'Saturday 12 December at 3pm' } } },
            { name: 'octo_update_booking', args: { notes: 'Cake at 3', evidence: { notes: 'Cake at 3' } } },
            { name: 'submit_plan', args: { summary: 'Move to Sat 12 Dec 15:00 and note the cake.' } },
          ],
        },
      ],
    },
  ],
};

describe('the OCTO document', () => {
  it('imports with no network access and lints clean with its overlay', async () => {
    // no network: every fetch is refused while the catalog loads
    const realFetch = globalThis.fetch;
    globalThis.fetch = (() => Promise.reject(new Error('network used while importing'))) as typeof fetch;
    try {
      const catalog = await loadCatalog(OCTO_DIR);
      expect(catalog.problems).toEqual([]);
      expect(catalog.warnings).toEqual([]);
      expect(catalog.list().map((a) => a.id)).toEqual(['octo_get_booking', 'octo_check_availability', 'octo_update_booking', 'octo_cancel_booking']);
      expect(catalog.bookingSource()?.id).toBe('octo_get_booking');
      expect(catalog.require('octo_cancel_booking').safety).toBe('blocked');
      expect(catalog.require('octo_update_booking').params.properties).toEqual({
        availabilityId: { type: 'string', format: 'date-time', description: 'New slot: its local start with offset, e.g. 2026-12-12T15:00:00+11:00' },
        notes: { type: 'string', description: 'The booking notes, in full' },
      });
    } finally {
      globalThis.fetch = realFetch;
    }
    const out = execFileSync('npx', ['tsx', 'catalog/cli.ts', 'lint', '--dir', OCTO_DIR], { cwd: new URL('..', import.meta.url).pathname, encoding: 'utf8', env: { ...process.env, NO_PROXY: '*', HTTP_PROXY: 'http://127.0.0.1:9', HTTPS_PROXY: 'http://127.0.0.1:9' } });
    expect(out.trim()).toBe('catalog OK: 4 actions from 1 spec(s)');
  });

  it('its sandbox answers in the document\'s own shapes and refuses what OCTO refuses', async () => {
    const octo = await createOctoSandbox();
    const { server, url } = await listen(octo.app);
    try {
      const spec = await loadSpec(OCTO_SPEC);
      const ajv = new Ajv({ strict: false, allErrors: true });
      addFormats(ajv);
      const bookingSchema = spec.operations.get('getBooking')!.op.responses['200'].content['application/json'].schema;
      const headers = { authorization: `Bearer ${OCTO_KEY}`, 'octo-capabilities': '' };
      const got = await call(url, 'GET', '/octo/bookings/octo-bk-1', { headers });
      expect(got.status).toBe(200);
      expect(ajv.validate(bookingSchema, got.json), JSON.stringify(ajv.errors)).toBe(true);
      // the required Octo-Capabilities header, the key, the body schema, unknown ids
      expect((await call(url, 'GET', '/octo/bookings/octo-bk-1', { headers: { authorization: `Bearer ${OCTO_KEY}` } })).json).toEqual({ error: 'BAD_REQUEST', errorMessage: 'header parameter Octo-Capabilities is required' });
      expect((await call(url, 'GET', '/octo/bookings/octo-bk-1', { token: STAFF, headers: { 'octo-capabilities': '' } })).status).toBe(401);
      expect((await call(url, 'PATCH', '/octo/bookings/octo-bk-1', { headers, body: { notes: 5 } })).json.error).toBe('BAD_REQUEST');
      expect((await call(url, 'PATCH', '/octo/bookings/octo-bk-1', { headers, body: { availabilityId: '2026-12-12T14:00:00+11:00' } })).json).toEqual({ error: 'INVALID_AVAILABILITY_ID', errorMessage: 'The availabilityId was missing or invalid' });
      expect((await call(url, 'GET', '/octo/bookings/nope', { headers })).json.error).toBe('INVALID_BOOKING_UUID');
    } finally {
      server.close();
    }
  });
});

describe('an OCTO booking through the gateway (scripted planner)', () => {
  let octo: OctoSandbox;
  let octoUrl: string;
  let closeOcto: () => void;
  let stack: Stack;
  let dir: string;

  beforeAll(async () => {
    octo = await createOctoSandbox();
    const l = await listen(octo.app);
    octoUrl = l.url;
    closeOcto = () => l.server.close();
    dir = mkdtempSync(join(tmpdir(), 'octo-script-'));
    writeFileSync(join(dir, 'script.json'), JSON.stringify(script));
    stack = await startStack({
      catalogDir: OCTO_DIR,
      env: { LLM_PROVIDER: 'scripted', LLM_SCRIPT: join(dir, 'script.json'), OCTO_API_BASE_URL: `${octoUrl}/octo`, OCTO_API_KEY: OCTO_KEY },
    });
  });
  afterAll(async () => {
    await stack?.close();
    closeOcto?.();
    rmSync(dir, { recursive: true, force: true });
  });

  const octoJournal = () => journal(octoUrl);

  it('reschedules the OCTO booking; the one write is sent once, with the supplier key', async () => {
    await fetch(`${octoUrl}/__sandbox/reset`, { method: 'POST' });
    const start = await startSession(stack, MOVE, 'octo-bk-1');
    expect(start.phase, JSON.stringify(start)).toBe('awaiting_confirmation');
    expect(start.booking).toMatchObject({ bookingId: 'octo-bk-1', reference: 'OCT-2001', holderName: 'Ana Souza', timezone: 'Australia/Sydney' });
    expect(start.booking.items[0]).toMatchObject({ quantity: 5, ticketType: 'Child', localStart: 'Fri 11 Dec 10:00' });
    expect(start.plan.steps.map((s: { actionId: string }) => s.actionId)).toEqual(['octo_update_booking']);
    expect(start.plan.steps[0].changes).toEqual([{ field: 'start', from: 'Fri 11 Dec 10:00', to: 'Sat 12 Dec 15:00' }]);

    const done = await confirm(stack, start.sessionId, start.plan.hash);
    expect(done.json.phase, JSON.stringify(done.json)).toBe('completed');
    expect(octo.bookings.get('octo-bk-1')!.availabilityId).toBe('2026-12-12T15:00:00+11:00');
    const entries = await octoJournal();
    expect(entries.filter((e) => e.wrote).map((e) => `${e.method} ${e.operationId} ${e.status}`)).toEqual(['PATCH bookingUpdate 200']);
    expect(entries.filter((e) => e.operationId === 'bookingUpdate')).toHaveLength(1);
    expect(entries.every((e) => e.status !== 401 && e.status !== 400)).toBe(true);
  });

  it('rolls the reschedule back when the later step fails; each write exactly once', async () => {
    await fetch(`${octoUrl}/__sandbox/reset`, { method: 'POST' });
    const start = await startSession(stack, MOVE_AND_NOTE, 'octo-bk-1');
    expect(start.phase, JSON.stringify(start)).toBe('awaiting_confirmation');
    expect(start.plan.steps.map((s: { params: unknown }) => s.params)).toEqual([{ availabilityId: '2026-12-12T15:00:00+11:00' }, { notes: 'Cake at 3' }]);
    // the second PATCH (the notes) fails without effect; the reschedule must be undone
    await injectFault(octoUrl, { operationId: 'bookingUpdate', skip: 1, times: 1, status: 422, code: 'UNPROCESSABLE_ENTITY' });

    const done = await confirm(stack, start.sessionId, start.plan.hash);
    expect(done.json.phase, JSON.stringify(done.json)).toBe('rolled_back');
    expect(done.json.steps.map((s: { status: string }) => s.status)).toEqual(['compensated', 'failed']);
    expect(done.json.steps[1].error).toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('OCTO supplier rejected') });
    const b = octo.bookings.get('octo-bk-1')!;
    expect([b.availabilityId, b.notes]).toEqual(['2026-12-11T10:00:00+11:00', 'Birthday party']);
    const updates = (await octoJournal()).filter((e) => e.operationId === 'bookingUpdate');
    // forward reschedule (wrote), the failing notes change (no effect), the undo (wrote) — nothing twice
    expect(updates.map((e) => `${e.status} ${e.wrote}`)).toEqual(['200 true', '422 false', '200 true']);
  });

  it('a reschedule applied but whose answer was lost is asked about by its key and undone exactly once', async () => {
    await fetch(`${octoUrl}/__sandbox/reset`, { method: 'POST' });
    const start = await startSession(stack, MOVE, 'octo-bk-1');
    expect(start.phase, JSON.stringify(start)).toBe('awaiting_confirmation');
    // the PATCH is applied but its answer lost; the supplier then fails the step's every retry (5 attempts)
    await injectFault(octoUrl, { operationId: 'bookingUpdate', status: 502, when: 'after', times: 1 });
    await injectFault(octoUrl, { operationId: 'bookingUpdate', status: 503, times: 4 });
    await confirm(stack, start.sessionId, start.plan.hash);
    const end = await waitForPhase(stack, start.sessionId, ['rolled_back', 'needs_attention', 'failed', 'completed'], 40_000);
    expect(end.phase, JSON.stringify(end)).toBe('rolled_back');
    expect(end.outcome.message).toMatch(/Undone: Octo update booking: start .*Sat 12 Dec 15:00/);
    expect(end.outcome.message).toContain('The booking is as it was.');
    const b = octo.bookings.get('octo-bk-1')!;
    expect(b.availabilityId).toBe('2026-12-11T10:00:00+11:00');
    const updates = (await octoJournal()).filter((e) => e.operationId === 'bookingUpdate');
    // the lost write, four refused retries, the question by key (answered with the stored answer), the one undo
    expect(updates.filter((e) => e.wrote).map((e) => e.status)).toEqual([502, 200]);
    expect(updates.filter((e) => e.replayed)).toHaveLength(1);
    expect(updates.find((e) => e.replayed)!.idempotencyKey).toBe(updates[0]!.idempotencyKey);
  });

  it("a failed undo of an OCTO step names the OCTO API by its overlay title, never ROLLER", async () => {
    await fetch(`${octoUrl}/__sandbox/reset`, { method: 'POST' });
    const start = await startSession(stack, MOVE, 'octo-bk-1');
    expect(start.phase, JSON.stringify(start)).toBe('awaiting_confirmation');
    expect(start.plan.steps[0].api).toBe('OCTO supplier');
    // applied but its answer lost, then four refused retries; the question by key is answered
    // (skipped by the third fault), and the undo is rejected
    await injectFault(octoUrl, { operationId: 'bookingUpdate', status: 502, when: 'after', times: 1 });
    await injectFault(octoUrl, { operationId: 'bookingUpdate', status: 503, times: 4 });
    await injectFault(octoUrl, { operationId: 'bookingUpdate', status: 422, skip: 1, times: 1, code: 'UNPROCESSABLE_ENTITY' });
    await confirm(stack, start.sessionId, start.plan.hash);
    const end = await waitForPhase(stack, start.sessionId, ['rolled_back', 'needs_attention', 'failed', 'completed'], 40_000);
    expect(end.phase, JSON.stringify(end)).toBe('needs_attention');
    const recovery = end.outcome.recovery.join(' ');
    expect(recovery).toContain('In OCTO supplier, booking OCT-2001:');
    expect(recovery).toContain('Automatic undo failed: OCTO supplier rejected');
    expect(JSON.stringify(end)).not.toContain('ROLLER');
  });

  it('an update the supplier refused every time is read back through the booking mapping as not applied: nothing undone', async () => {
    await fetch(`${octoUrl}/__sandbox/reset`, { method: 'POST' });
    const start = await startSession(stack, MOVE, 'octo-bk-1');
    // the step's five attempts all get 503; read back, the mapped version (utcUpdatedAt) has not moved
    await injectFault(octoUrl, { operationId: 'bookingUpdate', status: 503, times: 5 });
    await confirm(stack, start.sessionId, start.plan.hash);
    const end = await waitForPhase(stack, start.sessionId, ['rolled_back', 'needs_attention', 'failed', 'completed'], 40_000);
    expect(end.phase, JSON.stringify(end)).toBe('rolled_back');
    expect(end.outcome.message).toContain('Nothing had been changed.');
    expect(end.outcome.recovery.join(' ')).not.toContain('could not be checked');
    const j = await octoJournal();
    expect(j.filter((e) => e.wrote)).toEqual([]);
    // decided by the read, not by sending the update a sixth time
    expect(j.filter((e) => e.operationId === 'bookingUpdate')).toHaveLength(5);
  });
});
