// The ROLLER sandbox over real HTTP: capacity, versions, idempotency, auth/scopes, faults, and
// every response validating against the OpenAPI document it is built from.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import addFormatsImport from 'ajv-formats';
import { loadSpec } from '../catalog/importer.js';
import { ROLLER_SPEC, VENUES_SPEC } from '../sandbox/app.js';
import { journal, injectFault, startSandbox, STAFF, READONLY, OTHER_VENUE } from './helpers/stack.js';

const addFormats = addFormatsImport as unknown as (a: Ajv) => Ajv;
let sb: Awaited<ReturnType<typeof startSandbox>>;
let validateResponse: (operationId: string, status: number, body: unknown) => string[];

beforeAll(async () => {
  sb = await startSandbox();
  const specs = await Promise.all([loadSpec(ROLLER_SPEC), loadSpec(VENUES_SPEC)]);
  const spec = { operations: new Map(specs.flatMap((s) => [...s.operations])) };
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  validateResponse = (operationId, status, body) => {
    const op = spec.operations.get(operationId)!;
    const resp = op.op.responses[String(status)];
    if (!resp) return [`status ${status} is not documented for ${operationId}`];
    const content = resp.content?.['application/json'] ?? resp.content?.['application/problem+json'];
    if (!content) return [];
    const v = ajv.compile(content.schema);
    return v(body) ? [] : (v.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
  };
});
afterAll(() => sb.close());
beforeEach(async () => {
  await fetch(`${sb.url}/__sandbox/reset`, { method: 'POST' });
});

async function api(method: string, path: string, token: string | undefined, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${sb.url}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

const B = '/v1/venues/venue-1/bookings';

describe('sandbox', () => {
  it('answers every operation with bodies that validate against the OpenAPI document', async () => {
    const calls: Array<[string, string, string, unknown?, Record<string, string>?]> = [
      ['getIdentity', 'GET', '/v1/me'],
      ['getVenue', 'GET', '/v1/venues/venue-1'],
      ['searchBookings', 'GET', `${B}?q=nguyen`],
      ['getBooking', 'GET', `${B}/bk-1002`],
      ['checkAvailability', 'GET', '/v1/venues/venue-1/products/prod-jump/sessions?date=2026-12-13'],
      ['rescheduleBooking', 'POST', `${B}/bk-1002/reschedule`, { newStart: '2026-12-13T14:00:00+11:00' }],
      ['updateGuestCount', 'PUT', `${B}/bk-1002/items/it-1002-a/quantity`, { quantity: 3 }],
      ['updateContactDetails', 'PATCH', `${B}/bk-1002/contact`, { name: 'Jordan Smith-Lee' }],
      ['resendConfirmation', 'POST', `${B}/bk-1002/confirmation-emails`],
      ['cancelBooking', 'DELETE', `${B}/bk-1003`],
      ['getBooking', 'GET', `${B}/bk-404`],
      ['rescheduleBooking', 'POST', `${B}/bk-1001/reschedule`, { newStart: 'not a date' }],
    ];
    for (const [op, method, path, body] of calls) {
      const r = await api(method, path, STAFF, body);
      expect(validateResponse(op, r.status, r.body), `${op} ${r.status}`).toEqual([]);
    }
  });

  it('enforces capacity with 409 CAPACITY_EXCEEDED naming remaining places and alternatives', async () => {
    // Sat 12 Dec 15:00 party has 9 places; bk-1004 has 10 children
    const r = await api('POST', `${B}/bk-1004/reschedule`, STAFF, { newStart: '2026-12-12T15:00:00+11:00' });
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ code: 'CAPACITY_EXCEEDED', remaining: 9, needed: 10 });
    expect(r.body.alternatives.map((a: { start: string }) => a.start)).toContain('2026-12-12T05:00:00Z');
    expect(validateResponse('rescheduleBooking', 409, r.body)).toEqual([]);
    const guest = await api('PUT', `${B}/bk-1001/items/it-1001-a/quantity`, STAFF, { quantity: 31 });
    expect(guest.status).toBe(409);
    expect(guest.body.code).toBe('CAPACITY_EXCEEDED');
  });

  it('bumps the version on every write and answers a stale If-Match with 412', async () => {
    const before = await api('GET', `${B}/bk-1002`, STAFF);
    expect(before.headers.get('etag')).toBe('"1"');
    const w = await api('PATCH', `${B}/bk-1002/contact`, STAFF, { name: 'J Smith' }, { 'if-match': '"1"' });
    expect(w.body.version).toBe('2');
    const stale = await api('PATCH', `${B}/bk-1002/contact`, STAFF, { name: 'Again' }, { 'if-match': '"1"' });
    expect(stale.status).toBe(412);
    expect(stale.body.code).toBe('BOOKING_CHANGED');
    expect((await api('GET', `${B}/bk-1002`, STAFF)).body.holder.name).toBe('J Smith');
  });

  it('replays an Idempotency-Key with the first answer and no second write', async () => {
    const h = { 'idempotency-key': 'k-1' };
    const first = await api('PUT', `${B}/bk-1002/items/it-1002-b/quantity`, STAFF, { quantity: 5 }, h);
    const second = await api('PUT', `${B}/bk-1002/items/it-1002-b/quantity`, STAFF, { quantity: 5 }, h);
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    const writes = (await journal(sb.url)).filter((e) => e.wrote);
    expect(writes).toHaveLength(1);
    expect((await api('GET', `${B}/bk-1002`, STAFF)).body.version).toBe('2');
  });

  it('checks tokens and scopes: 401 without, 403 read-only on writes, 404 for another venue', async () => {
    expect((await api('GET', `${B}/bk-1001`, undefined)).status).toBe(401);
    expect((await api('GET', `${B}/bk-1001`, 'nope')).status).toBe(401);
    expect((await api('GET', `${B}/bk-1001`, READONLY)).status).toBe(200);
    const ro = await api('PATCH', `${B}/bk-1001/contact`, READONLY, { name: 'X' });
    expect(ro.status).toBe(403);
    expect(ro.body.code).toBe('FORBIDDEN');
    expect((await api('GET', `${B}/bk-1001`, OTHER_VENUE)).status).toBe(404);
    expect((await api('GET', `/v1/venues/venue-2/bookings/bk-1001`, OTHER_VENUE)).status).toBe(404);
  });

  it('rejects invalid bodies with 400 and field errors', async () => {
    const r = await api('PATCH', `${B}/bk-1001/contact`, STAFF, { phone: '0412', extra: 1 });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('VALIDATION');
    expect(r.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['extra', 'phone']);
  });

  it('injects faults by operationId: status, count, before/after the write, and delay', async () => {
    await injectFault(sb.url, { operationId: 'updateContactDetails', status: 503, times: 2 });
    expect((await api('PATCH', `${B}/bk-1001/contact`, STAFF, { name: 'A' })).status).toBe(503);
    expect((await api('PATCH', `${B}/bk-1001/contact`, STAFF, { name: 'A' })).status).toBe(503);
    expect((await api('PATCH', `${B}/bk-1001/contact`, STAFF, { name: 'A' })).status).toBe(200);
    await injectFault(sb.url, { operationId: 'updateContactDetails', status: 502, when: 'after' });
    expect((await api('PATCH', `${B}/bk-1001/contact`, STAFF, { name: 'B' }, { 'idempotency-key': 'lost-reply' })).status).toBe(502);
    expect((await api('GET', `${B}/bk-1001`, STAFF)).body.holder.name).toBe('B');
    // the lost reply's retry is answered from the idempotency record, not written again
    expect((await api('PATCH', `${B}/bk-1001/contact`, STAFF, { name: 'B' }, { 'idempotency-key': 'lost-reply' })).status).toBe(200);
    expect((await journal(sb.url)).filter((e) => e.wrote && e.operationId === 'updateContactDetails')).toHaveLength(2);
    await injectFault(sb.url, { operationId: 'getBooking', status: 200, delayMs: 300 });
    const t0 = Date.now();
    expect((await api('GET', `${B}/bk-1001`, STAFF)).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(280);
  });

  it('an in-flight duplicate Idempotency-Key waits for the first answer: one write, the same answer twice', async () => {
    // the first request is held 400 ms inside the sandbox; the duplicate arrives meanwhile
    await injectFault(sb.url, { operationId: 'updateGuestCount', status: 200, delayMs: 400 });
    const h = { 'idempotency-key': 'k-overlap' };
    const [a, b] = await Promise.all([
      api('PUT', `${B}/bk-1002/items/it-1002-b/quantity`, STAFF, { quantity: 5 }, h),
      new Promise((r) => setTimeout(r, 100)).then(() => api('PUT', `${B}/bk-1002/items/it-1002-b/quantity`, STAFF, { quantity: 5 }, h)),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(b.body).toEqual(a.body);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    const entries = (await journal(sb.url)).filter((e) => e.operationId === 'updateGuestCount');
    expect(entries.map((e) => [e.wrote, e.replayed])).toEqual([[true, false], [false, true]]);
    expect((await api('GET', `${B}/bk-1002`, STAFF)).body.version).toBe('2');
  });

  it('an outage window ("*", forMs) fails every operation, replays included, until it ends', async () => {
    const h = { 'idempotency-key': 'k-outage' };
    expect((await api('PUT', `${B}/bk-1002/items/it-1002-b/quantity`, STAFF, { quantity: 5 }, h)).status).toBe(200);
    await injectFault(sb.url, { operationId: '*', status: 503, forMs: 600 });
    expect((await api('GET', `${B}/bk-1002`, STAFF)).status).toBe(503);
    expect((await api('PUT', `${B}/bk-1002/items/it-1002-b/quantity`, STAFF, { quantity: 5 }, h)).status).toBe(503);
    expect((await api('GET', `/v1/me`, STAFF)).status).toBe(503);
    await new Promise((r) => setTimeout(r, 700));
    const back = await api('PUT', `${B}/bk-1002/items/it-1002-b/quantity`, STAFF, { quantity: 5 }, h);
    expect(back.status).toBe(200);
    expect(back.headers.get('idempotent-replayed')).toBe('true');
    expect((await journal(sb.url)).filter((e) => e.wrote)).toHaveLength(1);
    const bad = await fetch(`${sb.url}/__sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ operationId: '*', forMs: -1 }) });
    expect(bad.status).toBe(400);
  });
});
