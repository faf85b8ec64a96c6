// The action runner over real HTTP: requests built from params + context, answers mapped to
// messages a venue staff member can act on.
import { failure } from './helpers/failure.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog, type Catalog } from '../catalog/importer.js';
import { ActionRunner, buildRequest } from '../activities/action-runner.js';
import { startSandbox } from './helpers/stack.js';

let sb: Awaited<ReturnType<typeof startSandbox>>;
let catalog: Catalog;
const ctx = { sessionId: 's', venueId: 'venue-1', userId: 'u', bookingId: 'bk-1004' };
beforeAll(async () => {
  sb = await startSandbox();
  catalog = await loadCatalog(new URL('../catalog', import.meta.url).pathname);
});
afterAll(() => sb.close());


describe('action runner', () => {
  it('builds path, body and headers from params and session context', () => {
    const req = buildRequest(catalog.require('update_guest_count'), { itemId: 'it-1', quantity: 3 }, ctx, 'http://x', { token: 't', idempotencyKey: 'k', ifMatch: '4' });
    expect(req).toEqual({
      method: 'PUT',
      url: 'http://x/v1/venues/venue-1/bookings/bk-1004/items/it-1/quantity',
      headers: { accept: 'application/json, application/problem+json', authorization: 'Bearer t', 'if-match': '"4"', 'idempotency-key': 'k', 'content-type': 'application/json' },
      body: '{"quantity":3}',
    });
  });

  it('a full session: "Sat 12 Dec 15:00 has 9 places left; 10 were needed." with the sessions that fit', async () => {
    const runner = new ActionRunner(catalog, sb.url, 5000);
    const f = await failure(runner.run('reschedule_booking', { newStart: '2026-12-12T15:00:00+11:00' }, ctx, { token: 'tok-staff-venue1' }));
    expect(f.error).toEqual({ code: 'CAPACITY_EXCEEDED', message: 'Sat 12 Dec 15:00 has 9 places left; 10 were needed.', hint: '10:00 has 30, 13:00 has 30, 16:00 has 30.', retryable: false, httpStatus: 409 });
  });

  it('no session at that time, forbidden, not found, unreachable', async () => {
    const runner = new ActionRunner(catalog, sb.url, 5000);
    const none = await failure(runner.run('reschedule_booking', { newStart: '2026-12-12T14:00:00+11:00' }, ctx, { token: 'tok-staff-venue1' }));
    expect(none.error).toMatchObject({ code: 'NO_SESSION', hint: 'Sessions start at 10:00, 13:00, 15:00, 16:00.' });
    const ro = await failure(runner.run('update_guest_count', { itemId: 'it-1004-a', quantity: 9 }, ctx, { token: 'tok-readonly-venue1' }));
    expect(ro.error).toMatchObject({ code: 'FORBIDDEN', retryable: false, message: 'Your ROLLER account is not allowed to make this change.' });
    const nf = await failure(runner.run('get_booking', {}, { ...ctx, bookingId: 'bk-nope' }, { token: 'tok-staff-venue1' }));
    expect(nf.error).toMatchObject({ code: 'NOT_FOUND' });
    const down = await failure(new ActionRunner(catalog, 'http://127.0.0.1:1', 1000).run('get_booking', {}, ctx, { token: 't' }));
    expect(down.error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', retryable: true });
  });

  it('refuses blocked actions without calling ROLLER', async () => {
    const runner = new ActionRunner(catalog, sb.url, 5000);
    const f = await failure(runner.run('cancel_booking', {}, ctx, { token: 'tok-staff-venue1' }));
    expect(f.error.code).toBe('BLOCKED');
    expect((await (await fetch(`${sb.url}/__sandbox/journal`)).json()).entries.filter((e: { operationId: string }) => e.operationId === 'cancelBooking')).toEqual([]);
  });
});
