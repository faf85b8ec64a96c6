// "Did my write happen?" asked of the API by the write's identity (activities/write-identity.ts),
// over real HTTP against the ROLLER sandbox and the OCTO document sandbox: never by values another
// writer can produce.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog, type Catalog } from '../catalog/importer.js';
import { ActionRunner } from '../activities/action-runner.js';
import { identifyWrite } from '../activities/write-identity.js';
import { createOctoSandbox, OCTO_KEY } from '../sandbox/octo.js';
import { journal, listen, sandboxBooking, startSandbox, STAFF } from './helpers/stack.js';

const ctx = { sessionId: 'sess_me', venueId: 'venue-1', userId: 'u', bookingId: 'bk-1001' };
const EIGHT = { itemId: 'it-1001-a', quantity: 8 };
const KEY = 'sess_me:hash:0';

describe('the write identity of a ROLLER step', () => {
  let sb: Awaited<ReturnType<typeof startSandbox>>;
  let catalog: Catalog;
  let runner: ActionRunner;
  const ask = (over: Record<string, unknown> = {}) => identifyWrite(catalog, runner, { actionId: 'update_guest_count', params: EIGHT, context: ctx, token: STAFF, versionBefore: '1', idempotencyKey: KEY, ...over });
  const reset = () => fetch(`${sb.url}/__sandbox/reset`, { method: 'POST' });
  const writes = async () => (await journal(sb.url)).filter((e) => e.method !== 'GET');

  beforeAll(async () => {
    sb = await startSandbox();
    catalog = await loadCatalog(new URL('../catalog', import.meta.url).pathname);
    runner = new ActionRunner(catalog, sb.url, 5000);
  });
  afterAll(() => sb.close());

  it('an unmoved version: not applied, and nothing is sent again', async () => {
    await reset();
    expect(await ask()).toEqual({ tookEffect: 'no', version: '1' });
    expect(await writes()).toEqual([]);
  });

  it('applied but its answer lost: the write sent again is answered with its stored answer and the version it produced', async () => {
    await reset();
    await runner.run('update_guest_count', EIGHT, ctx, { token: STAFF, idempotencyKey: KEY, ifMatch: '1' });
    // someone else writes after it: the version read is 3, the write's own is 2
    await fetch(`${sb.url}/__sandbox/bookings/bk-1001/touch`, { method: 'POST' });
    expect(await ask()).toEqual({ tookEffect: 'yes', version: '2' });
    expect((await writes()).map((e) => [e.status, e.wrote, e.replayed])).toEqual([[200, true, false], [200, false, true]]);
  });

  it('someone else wrote the same value: not this write (refused when sent again), and nothing changes', async () => {
    await reset();
    await runner.run('update_guest_count', EIGHT, ctx, { token: STAFF, idempotencyKey: 'sess_other:hash:0', ifMatch: '1' });
    const out = await ask();
    expect(out).toMatchObject({ tookEffect: 'no', refusal: { code: 'BOOKING_CHANGED', httpStatus: 412 } });
    expect((await sandboxBooking(sb.url, 'bk-1001')).version).toBe('2');
    expect((await writes()).filter((e) => e.wrote)).toHaveLength(1);
  });

  it('without an idempotency key a moved version cannot be attributed: unknown', async () => {
    await reset();
    await runner.run('update_guest_count', EIGHT, ctx, { token: STAFF, ifMatch: '1' });
    expect(await ask({ idempotencyKey: undefined })).toEqual({ tookEffect: 'unknown', version: '2' });
    expect(await writes()).toHaveLength(1);
  });

  it('ROLLER still refusing the write sent again: the question is asked again later (retryable), never answered by a guess', async () => {
    await reset();
    await runner.run('update_guest_count', EIGHT, ctx, { token: STAFF, idempotencyKey: KEY, ifMatch: '1' });
    await fetch(`${sb.url}/__sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ operationId: 'updateGuestCount', status: 503, times: 1 }) });
    await expect(ask()).rejects.toMatchObject({ error: { code: 'UPSTREAM_UNAVAILABLE', retryable: true } });
    expect(await ask()).toEqual({ tookEffect: 'yes', version: '2' });
  });
});

describe('the write identity of an OCTO step (booking mapping)', () => {
  const octoCtx = { sessionId: 'sess_me', venueId: 'venue-1', userId: 'u', bookingId: 'octo-bk-1' };
  const MOVE = { availabilityId: '2026-12-12T15:00:00+11:00' };
  let close: () => void;
  let catalog: Catalog;
  let runner: ActionRunner;
  let url: string;
  const ask = (versionBefore: string) => identifyWrite(catalog, runner, { actionId: 'octo_update_booking', params: MOVE, context: octoCtx, token: STAFF, versionBefore, idempotencyKey: KEY });

  beforeAll(async () => {
    const octo = await createOctoSandbox();
    const l = await listen(octo.app);
    url = l.url;
    close = () => l.server.close();
    catalog = await loadCatalog(new URL('../catalog/octo', import.meta.url).pathname);
    runner = new ActionRunner(catalog, 'http://127.0.0.1:9', 5000, { OCTO_API_BASE_URL: `${url}/octo`, OCTO_API_KEY: OCTO_KEY });
  });
  afterAll(() => close());

  it('reads the version as the booking mapping gives it (utcUpdatedAt): unmoved is not applied', async () => {
    expect(await ask('2026-11-20T01:00:00Z')).toEqual({ tookEffect: 'no', version: '2026-11-20T01:00:00Z' });
  });

  it('a reschedule applied but whose answer was lost: its stored answer says it was this write', async () => {
    await runner.run('octo_update_booking', MOVE, octoCtx, { token: STAFF, idempotencyKey: KEY });
    const out = await ask('2026-11-20T01:00:00Z');
    expect(out.tookEffect).toBe('yes');
    const updates = (await journal(url)).filter((e) => e.operationId === 'bookingUpdate');
    expect(updates.map((e) => [e.wrote, e.replayed])).toEqual([[true, false], [false, true]]);
  });
});
