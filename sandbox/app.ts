// The ROLLER sandbox: an Express server whose routes come from the same OpenAPI document the
// catalog imports. Request bodies are validated against that document; handlers are looked up by
// operationId. Test hooks live under /__sandbox/, apart from the API.
import express, { type Request, type Response, type NextFunction } from 'express';
import { Ajv } from 'ajv';
import addFormatsImport from 'ajv-formats';
import { DateTime } from 'luxon';
import type { JsonSchema } from '../contracts/types.js';
import { loadSpec } from '../catalog/importer.js';
import type { Store, Booking, SeedToken } from './store.js';

const addFormats = addFormatsImport as unknown as (ajv: Ajv) => Ajv;
export const ROLLER_SPEC = new URL('../catalog/roller-bookings.openapi.yaml', import.meta.url).pathname;
export const VENUES_SPEC = new URL('../catalog/roller-venues.openapi.yaml', import.meta.url).pathname;

export interface JournalEntry {
  seq: number;
  at: string;
  method: string;
  path: string;
  operationId: string;
  idempotencyKey?: string;
  status: number;
  /** true when an Idempotency-Key replay answered without touching the store */
  replayed: boolean;
  /** true when the request changed the store */
  wrote: boolean;
}

export interface Fault {
  operationId: string;
  status: number;
  /** before: fail without effect; after: apply the write, then answer with the error (lost reply) */
  when: 'before' | 'after';
  delayMs: number;
  times: number;
  /** let this many matching requests through before the fault starts */
  skip: number;
  code?: string;
  retryAfter?: number;
  /** an outage window: active for this long from the first request it hits (`times` is then ignored) */
  forMs?: number;
  /** end of the window, set when the window starts */
  until?: number;
}

/** `operationId: '*'` matches every API operation (ROLLER down as a whole). */
const ANY_OPERATION = '*';

class HttpProblem extends Error {
  constructor(readonly status: number, readonly code: string, readonly detail: string, readonly extra: Record<string, unknown> = {}) {
    super(detail);
  }
}

const TITLES: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 412: 'Precondition Failed', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable' };

function sendProblem(res: Response, status: number, code: string, detail: string, extra: Record<string, unknown> = {}) {
  res.status(status).type('application/problem+json').json({ type: `https://sandbox.roller.local/problems/${code.toLowerCase()}`, title: TITLES[status] ?? 'Error', status, detail, code, ...extra });
}

type Ctx = { req: Request; res: Response; token: SeedToken; store: Store; body: Record<string, unknown> };
type Handler = (ctx: Ctx) => { status: number; body: unknown; wrote: boolean; headers?: Record<string, string> };

function bookingFor(ctx: Ctx): Booking {
  const venueId = String(ctx.req.params.venueId);
  const b = ctx.store.bookings.get(String(ctx.req.params.bookingId));
  if (venueId !== ctx.token.venueId || !b || b.venueId !== venueId) throw new HttpProblem(404, 'NOT_FOUND', `Booking ${ctx.req.params.bookingId} was not found`);
  return b;
}

function checkIfMatch(ctx: Ctx, b: Booking) {
  const raw = ctx.req.get('if-match');
  if (!raw) return;
  const wanted = raw.replace(/^W\//, '').replace(/"/g, '').trim();
  if (wanted !== '*' && wanted !== b.version) {
    throw new HttpProblem(412, 'BOOKING_CHANGED', `Booking ${b.bookingId} is at version ${b.version}, not ${wanted}; it was changed by someone else`, { currentVersion: b.version });
  }
}

function capacityProblem(store: Store, b: Booking, productId: string, start: string, needed: number, remaining: number) {
  const localDate = DateTime.fromISO(start).setZone(b.timezone).toISODate()!;
  const alternatives = store
    .sessionsOn(productId, localDate, b.timezone, b.bookingId)
    .filter((s) => s.start !== start && s.remaining >= needed)
    .map((s) => ({ start: s.start, remaining: s.remaining }));
  return new HttpProblem(409, 'CAPACITY_EXCEEDED', `The session has ${remaining} places left; ${needed} were needed`, { remaining, needed, alternatives, sessionStart: start, timezone: b.timezone });
}

const handlers: Record<string, Handler> = {
  getIdentity: ({ token }) => ({ status: 200, wrote: false, body: { userId: token.userId, venueId: token.venueId, name: token.name ?? token.userId, scopes: token.scopes } }),

  searchBookings: ({ req, token, store }) => {
    if (String(req.params.venueId) !== token.venueId) throw new HttpProblem(404, 'NOT_FOUND', `Venue ${req.params.venueId} was not found`);
    const q = typeof req.query.q === 'string' ? req.query.q.toLowerCase() : '';
    const date = typeof req.query.date === 'string' ? req.query.date : '';
    const page = Number(req.query.page ?? 1);
    const pageSize = Number(req.query.pageSize ?? 20);
    const all = [...store.bookings.values()].filter(
      (b) =>
        b.venueId === token.venueId &&
        (!q || b.holder.name.toLowerCase().includes(q) || b.reference.toLowerCase().includes(q)) &&
        (!date || b.items.some((i) => DateTime.fromISO(i.sessionStart).setZone(b.timezone).toISODate() === date)),
    );
    return { status: 200, wrote: false, body: { items: all.slice((page - 1) * pageSize, page * pageSize), page, pageSize, total: all.length } };
  },

  getBooking: (ctx) => {
    const b = bookingFor(ctx);
    return { status: 200, wrote: false, body: b, headers: { ETag: `"${b.version}"` } };
  },

  getVenue: ({ req, token, store }) => {
    const venue = store.venues.get(token.venueId);
    if (String(req.params.venueId) !== token.venueId || !venue) throw new HttpProblem(404, 'NOT_FOUND', `Venue ${req.params.venueId} was not found`);
    return { status: 200, wrote: false, body: { venueId: venue.venueId, name: venue.name, timezone: venue.timezone, products: store.productList().map((p) => ({ productId: p.productId, name: p.name, sessionTimes: p.times, durationMinutes: p.durationMinutes })) } };
  },

  checkAvailability: ({ req, token, store }) => {
    const venue = store.venues.get(token.venueId)!;
    if (String(req.params.venueId) !== token.venueId || !store.hasProduct(String(req.params.productId))) throw new HttpProblem(404, 'NOT_FOUND', `Product ${req.params.productId} was not found`);
    const date = String(req.query.date);
    return { status: 200, wrote: false, body: { productId: req.params.productId, date, timezone: venue.timezone, sessions: store.sessionsOn(String(req.params.productId), date, venue.timezone) } };
  },

  rescheduleBooking: (ctx) => {
    const b = bookingFor(ctx);
    checkIfMatch(ctx, b);
    const newStart = String(ctx.body.newStart);
    const moves = b.items.map((item) => {
      const s = ctx.store.session(item.productId, newStart, b.timezone);
      if (!s) {
        const local = DateTime.fromISO(newStart, { setZone: true }).setZone(b.timezone);
        const times = ctx.store.product(item.productId).times.join(', ');
        throw new HttpProblem(409, 'NO_SESSION', `${item.productName} has no session at ${local.toFormat('ccc d LLL HH:mm')}; sessions start at ${times}`, { sessionStart: newStart, timezone: b.timezone, times: ctx.store.product(item.productId).times });
      }
      return { item, s };
    });
    // capacity per target session, summing this booking's items of the same product
    const need = new Map<string, number>();
    for (const { item, s } of moves) need.set(`${item.productId}@${s.start}`, (need.get(`${item.productId}@${s.start}`) ?? 0) + item.quantity);
    for (const [key, needed] of need) {
      const [productId, start] = key.split('@') as [string, string];
      const s = ctx.store.session(productId, start, b.timezone)!;
      const remaining = s.capacity - ctx.store.booked(productId, start, b.bookingId);
      if (remaining < needed) throw capacityProblem(ctx.store, b, productId, s.start, needed, Math.max(0, remaining));
    }
    for (const { item, s } of moves) {
      item.sessionStart = s.start;
      item.sessionEnd = s.end;
    }
    return { status: 200, wrote: true, body: ctx.store.bump(b) };
  },

  updateGuestCount: (ctx) => {
    const b = bookingFor(ctx);
    checkIfMatch(ctx, b);
    const item = b.items.find((i) => i.itemId === ctx.req.params.itemId);
    if (!item) throw new HttpProblem(404, 'NOT_FOUND', `Booking ${b.bookingId} has no item ${ctx.req.params.itemId}`);
    const quantity = Number(ctx.body.quantity);
    if (quantity > item.quantity) {
      const s = ctx.store.session(item.productId, item.sessionStart, b.timezone);
      const capacity = s?.capacity ?? ctx.store.product(item.productId).capacity;
      const remaining = capacity - ctx.store.booked(item.productId, item.sessionStart, b.bookingId) - (b.items.filter((i) => i !== item && i.productId === item.productId && i.sessionStart === item.sessionStart).reduce((n, i) => n + i.quantity, 0));
      if (remaining < quantity) throw capacityProblem(ctx.store, b, item.productId, item.sessionStart, quantity, Math.max(0, remaining));
    }
    item.quantity = quantity;
    return { status: 200, wrote: true, body: ctx.store.bump(b) };
  },

  updateContactDetails: (ctx) => {
    const b = bookingFor(ctx);
    checkIfMatch(ctx, b);
    for (const f of ['name', 'email', 'phone'] as const) if (ctx.body[f] !== undefined) (b.holder as Record<string, unknown>)[f] = ctx.body[f];
    return { status: 200, wrote: true, body: ctx.store.bump(b) };
  },

  resendConfirmation: (ctx) => {
    const b = bookingFor(ctx);
    return { status: 202, wrote: true, body: { bookingId: b.bookingId, queuedAt: new Date().toISOString() } };
  },

  cancelBooking: (ctx) => {
    const b = bookingFor(ctx);
    checkIfMatch(ctx, b);
    b.status = 'cancelled';
    return { status: 200, wrote: true, body: ctx.store.bump(b) };
  },
};

export interface Sandbox {
  app: express.Express;
  store: Store;
  journal: JournalEntry[];
  faults: Fault[];
}

export async function createSandboxApp(store: Store, specFiles = [ROLLER_SPEC, VENUES_SPEC]): Promise<Sandbox> {
  const specs = await Promise.all(specFiles.map((f) => loadSpec(f)));
  const spec = { operations: new Map(specs.flatMap((s) => [...s.operations])) };
  const ajv = new Ajv({ allErrors: true, strict: false, coerceTypes: false });
  addFormats(ajv);
  const journal: JournalEntry[] = [];
  let faults: Fault[] = [];
  const idempotency = new Map<string, { status: number; body: unknown; headers?: Record<string, string> }>();
  // Requests still being processed, by idempotency key: a duplicate arriving meanwhile waits for the
  // first one's answer instead of writing a second time (as ROLLER-like APIs do).
  const inFlight = new Map<string, Promise<void>>();
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '100kb', type: ['application/json', 'application/*+json'] }));

  // ---- test hooks ----
  const hooks = express.Router();
  hooks.post('/reset', (_req, res) => {
    store.reset();
    journal.length = 0;
    faults = [];
    idempotency.clear();
    inFlight.clear();
    res.status(204).end();
  });
  hooks.get('/journal', (_req, res) => res.json({ entries: journal }));
  hooks.delete('/journal', (_req, res) => {
    journal.length = 0;
    res.status(204).end();
  });
  hooks.get('/faults', (_req, res) => res.json({ faults }));
  hooks.post('/faults', (req, res) => {
    const f = req.body ?? {};
    if (typeof f.operationId !== 'string' || (f.operationId !== ANY_OPERATION && !spec.operations.has(f.operationId))) return sendProblem(res, 400, 'VALIDATION', 'operationId must name an operation of the spec, or be "*"');
    const status = Number(f.status ?? 503);
    if (!Number.isInteger(status) || status < 100 || status > 599) return sendProblem(res, 400, 'VALIDATION', 'status must be an HTTP status');
    const forMs = f.forMs === undefined ? undefined : Number(f.forMs);
    if (forMs !== undefined && (!Number.isFinite(forMs) || forMs <= 0)) return sendProblem(res, 400, 'VALIDATION', 'forMs must be a positive number of milliseconds');
    const fault: Fault = { operationId: f.operationId, status, when: f.when === 'after' ? 'after' : 'before', delayMs: Number(f.delayMs ?? 0), times: forMs ? Number.MAX_SAFE_INTEGER : Number(f.times ?? 1), skip: Number(f.skip ?? 0), code: f.code, retryAfter: f.retryAfter, ...(forMs ? { forMs } : {}) };
    faults.push(fault);
    res.status(201).json(fault);
  });
  hooks.delete('/faults', (_req, res) => {
    faults = [];
    res.status(204).end();
  });
  hooks.get('/bookings/:bookingId', (req, res) => {
    const b = store.bookings.get(req.params.bookingId);
    if (!b) return sendProblem(res, 404, 'NOT_FOUND', 'no such booking');
    res.json(b);
  });
  /** Someone else edits the booking (staff at the desk): bumps its version. */
  hooks.post('/bookings/:bookingId/touch', (req, res) => {
    const b = store.bookings.get(req.params.bookingId);
    if (!b) return sendProblem(res, 404, 'NOT_FOUND', 'no such booking');
    if (Array.isArray(req.body?.notes)) b.notes = req.body.notes.map(String);
    res.json(store.bump(b));
  });
  app.use('/__sandbox', hooks);

  // ---- the API, from the OpenAPI document ----
  for (const op of spec.operations.values()) {
    const maybeHandler = handlers[op.operationId];
    if (!maybeHandler) continue;
    const handler: Handler = maybeHandler;
    const expressPath = op.path.replace(/\{([^}]+)\}/g, ':$1');
    const bodySchema = op.op.requestBody?.content?.['application/json']?.schema as JsonSchema | undefined;
    const validateBody = bodySchema ? ajv.compile(bodySchema) : undefined;
    const params: JsonSchema[] = op.op.parameters ?? [];
    const queryParams = params.filter((p) => p.in === 'query');
    const validateQuery = ajv.compile({
      type: 'object',
      properties: Object.fromEntries(queryParams.map((p) => [p.name, p.schema?.type === 'integer' ? { type: 'string', pattern: '^[0-9]+$' } : p.schema])),
      required: queryParams.filter((p) => p.required).map((p) => p.name),
    });

    app[op.method.toLowerCase() as 'get'](expressPath, async (req: Request, res: Response) => {
      const idemKey = req.get('idempotency-key') ?? undefined;
      const entry: JournalEntry = { seq: journal.length + 1, at: new Date().toISOString(), method: op.method, path: req.path, operationId: op.operationId, idempotencyKey: idemKey, status: 0, replayed: false, wrote: false };
      const finish = (status: number) => {
        entry.status = status;
        journal.push(entry);
      };
      const auth = req.get('authorization') ?? '';
      const maybeToken = store.tokens.get(auth.replace(/^Bearer\s+/i, ''));
      if (!maybeToken) {
        finish(401);
        return sendProblem(res, 401, 'UNAUTHORIZED', 'A valid bearer token is required');
      }
      const token: SeedToken = maybeToken;
      const isWrite = op.method !== 'GET';
      if (isWrite && !token.scopes.includes('bookings:write')) {
        finish(403);
        return sendProblem(res, 403, 'FORBIDDEN', 'This token may read bookings but not change them');
      }
      const idemStoreKey = idemKey && isWrite ? `${token.venueId}|${op.operationId}|${req.path}|${idemKey}` : undefined;
      // faults first: a ROLLER that is down cannot replay answers either
      const now = Date.now();
      faults = faults.filter((f) => f.until === undefined || f.until > now);
      const faultIdx = faults.findIndex((f) => (f.operationId === op.operationId || f.operationId === ANY_OPERATION) && f.times > 0);
      let fault = faultIdx >= 0 ? faults[faultIdx]! : undefined;
      if (fault && fault.skip > 0) {
        fault.skip -= 1;
        fault = undefined;
      }
      if (fault) {
        if (fault.forMs) fault.until ??= now + fault.forMs;
        else fault.times -= 1;
        if (fault.times <= 0) faults.splice(faultIdx, 1);
      }
      const injected = (f: Fault) => {
        if (f.retryAfter !== undefined) res.set('Retry-After', String(f.retryAfter));
        finish(f.status);
        return sendProblem(res, f.status, f.code ?? (f.status === 429 ? 'RATE_LIMITED' : f.status >= 500 ? 'UPSTREAM_ERROR' : 'INJECTED'), `Injected fault on ${op.operationId}`);
      };
      const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));
      if (fault && fault.when === 'before' && fault.status >= 400) {
        if (fault.delayMs > 0) await delay(fault.delayMs);
        return injected(fault);
      }

      const replay = () => {
        const prior = idempotency.get(idemStoreKey!)!;
        entry.replayed = true;
        finish(prior.status);
        if (prior.headers) res.set(prior.headers);
        res.set('Idempotent-Replayed', 'true');
        return prior.status >= 400 ? res.status(prior.status).type('application/problem+json').json(prior.body) : res.status(prior.status).json(prior.body);
      };
      if (idemStoreKey) {
        // a duplicate of a request still in progress waits for its answer
        while (inFlight.has(idemStoreKey)) await inFlight.get(idemStoreKey);
        if (idempotency.has(idemStoreKey)) return replay();
      }
      let done: () => void = () => {};
      if (idemStoreKey) inFlight.set(idemStoreKey, new Promise<void>((r) => (done = r)));
      try {
        if (fault && fault.delayMs > 0) await delay(fault.delayMs);
        return await handle(fault);
      } finally {
        if (idemStoreKey) inFlight.delete(idemStoreKey);
        done();
      }

      /** Validation, the handler, the idempotency record and an 'after' fault. */
      async function handle(fault: Fault | undefined): Promise<unknown> {
        if (validateQuery && !validateQuery(req.query)) {
          finish(400);
          return sendProblem(res, 400, 'VALIDATION', 'The query is invalid', { errors: (validateQuery.errors ?? []).map((e) => ({ field: e.instancePath.slice(1) || String((e.params as { missingProperty?: string }).missingProperty ?? ''), message: e.message ?? 'invalid' })) });
        }
        const body = (req.body ?? {}) as Record<string, unknown>;
        if (validateBody && !validateBody(body)) {
          finish(400);
          return sendProblem(res, 400, 'VALIDATION', 'The request body is invalid', {
            errors: (validateBody.errors ?? []).map((e) => ({ field: e.instancePath.slice(1) || String((e.params as { missingProperty?: string; additionalProperty?: string }).missingProperty ?? (e.params as { additionalProperty?: string }).additionalProperty ?? ''), message: e.message ?? 'invalid' })),
          });
        }
        try {
          const out = handler({ req, res, token, store, body });
          entry.wrote = out.wrote;
          // recorded before a lost-reply fault: the write happened, so a retry must replay, not re-apply
          if (idemStoreKey) idempotency.set(idemStoreKey, { status: out.status, body: structuredClone(out.body), headers: out.headers });
          if (fault && fault.when === 'after' && fault.status >= 400) return injected(fault);
          finish(out.status);
          if (out.headers) res.set(out.headers);
          res.status(out.status).json(out.body);
        } catch (e) {
          if (e instanceof HttpProblem) {
            finish(e.status);
            const problem = { type: `https://sandbox.roller.local/problems/${e.code.toLowerCase()}`, title: TITLES[e.status] ?? 'Error', status: e.status, detail: e.detail, code: e.code, ...e.extra };
            if (idemStoreKey && e.status !== 412) idempotency.set(idemStoreKey, { status: e.status, body: problem });
            return res.status(e.status).type('application/problem+json').json(problem);
          }
          finish(500);
          return sendProblem(res, 500, 'INTERNAL', 'Sandbox error');
        }
      }
    });
  }

  app.use((_req, res) => sendProblem(res, 404, 'NOT_FOUND', 'No such route'));
  app.use((err: Error & { status?: number; type?: string }, _req: Request, res: Response, _next: NextFunction) => {
    if (err.type === 'entity.parse.failed') return sendProblem(res, 400, 'BAD_JSON', 'The body is not valid JSON');
    if (err.type === 'entity.too.large') return sendProblem(res, 413, 'TOO_LARGE', 'The body is too large');
    return sendProblem(res, err.status && err.status < 500 ? err.status : 500, 'INTERNAL', 'Sandbox error');
  });

  return { app, store, journal, get faults() { return faults; } } as Sandbox;
}
