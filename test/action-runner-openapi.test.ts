// The runner on APIs as published (issue 16): the document's server and base path, a named server
// variable, per-API credentials (bearer from a variable, OAuth2 client credentials cached until
// expiry or a 401 — never the staff member's ROLLER token), fixed `set` values and schema
// defaults, the idempotency key in a header or the body, OpenAPI style/explode serialisation, and
// error bodies in the shapes published APIs use, named with the API's title.
import { failure } from './helpers/failure.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { dump } from 'js-yaml';
import { loadCatalog, type Catalog } from '../catalog/importer.js';
import { ActionRunner } from '../activities/action-runner.js';
import { mapHttpError } from '../activities/action-errors.js';
import { serializeHeader, serializePath, serializeQuery } from '../activities/param-style.js';
import { listen } from './helpers/stack.js';

describe('OpenAPI parameter serialisation (style/explode)', () => {
  // the examples of the OpenAPI 3.0.3 specification, §4.7.12.4 "Style Examples"
  const color = ['blue', 'black', 'brown'];
  const rgb = { R: 100, G: 200, B: 150 };
  it('path: simple, label, matrix', () => {
    expect(serializePath('color', 'blue')).toBe('blue');
    expect(serializePath('color', color)).toBe('blue,black,brown');
    expect(serializePath('color', rgb)).toBe('R,100,G,200,B,150');
    expect(serializePath('color', rgb, 'simple', true)).toBe('R=100,G=200,B=150');
    expect(serializePath('color', color, 'label')).toBe('.blue,black,brown');
    expect(serializePath('color', color, 'label', true)).toBe('.blue.black.brown');
    expect(serializePath('color', rgb, 'label', true)).toBe('.R=100.G=200.B=150');
    expect(serializePath('color', 'blue', 'matrix')).toBe(';color=blue');
    expect(serializePath('color', color, 'matrix')).toBe(';color=blue,black,brown');
    expect(serializePath('color', color, 'matrix', true)).toBe(';color=blue;color=black;color=brown');
    expect(serializePath('color', rgb, 'matrix', true)).toBe(';R=100;G=200;B=150');
    expect(serializePath('id', 'a/b c')).toBe('a%2Fb%20c');
  });
  it('query: form (exploded by default), spaceDelimited, pipeDelimited, deepObject', () => {
    expect(serializeQuery('color', color)).toEqual(['color=blue', 'color=black', 'color=brown']);
    expect(serializeQuery('color', color, 'form', false)).toEqual(['color=blue,black,brown']);
    expect(serializeQuery('color', rgb)).toEqual(['R=100', 'G=200', 'B=150']);
    expect(serializeQuery('color', rgb, 'form', false)).toEqual(['color=R,100,G,200,B,150']);
    expect(serializeQuery('color', color, 'spaceDelimited', false)).toEqual(['color=blue%20black%20brown']);
    expect(serializeQuery('color', color, 'pipeDelimited', false)).toEqual(['color=blue|black|brown']);
    expect(serializeQuery('color', rgb, 'deepObject', true)).toEqual(['color%5BR%5D=100', 'color%5BG%5D=200', 'color%5BB%5D=150']);
    expect(serializeQuery('q', 'Linh & co')).toEqual(['q=Linh%20%26%20co']);
  });
  it('header: simple', () => {
    expect(serializeHeader(['octo/content', 'octo/pricing'])).toBe('octo/content,octo/pricing');
    expect(serializeHeader(rgb, true)).toBe('R=100,G=200,B=150');
  });
});

describe('error bodies of published APIs', () => {
  it.each([
    ['problem+json', 422, { type: 'about:blank', title: 'Unprocessable', status: 422, detail: 'start is in the past' }, 'VALIDATION', 'Tours API rejected the move booking request: start is in the past.'],
    ['{error, errorMessage}', 400, { error: 'INVALID_AVAILABILITY_ID', errorMessage: 'The availabilityId was missing or invalid', availabilityId: 'x' }, 'VALIDATION', 'Tours API rejected the move booking request: The availabilityId was missing or invalid.'],
    ['{errors: [...]}', 400, { errors: [{ field: 'unitItems', message: 'must not be empty' }, 'start is required'] }, 'VALIDATION', 'Tours API rejected the move booking request: unitItems must not be empty; body start is required.'],
    ['{errors: [pointer]}', 422, { errors: [{ source: { pointer: '/data/attributes/start' }, detail: 'is invalid' }] }, 'VALIDATION', 'Tours API rejected the move booking request: data.attributes.start is invalid.'],
    ['{message}', 404, { message: 'Booking 123 not found' }, 'NOT_FOUND', 'Booking 123 not found'],
    ['{error, errorMessage} 404', 404, { error: 'INVALID_BOOKING_UUID', errorMessage: 'The booking uuid was invalid' }, 'NOT_FOUND', 'The booking uuid was invalid'],
    ['{message} 409', 409, { message: 'Booking already cancelled' }, 'CONFLICT', 'Booking already cancelled'],
    ['no body 503', 503, undefined, 'UPSTREAM_UNAVAILABLE', 'Tours API is not answering properly right now.'],
  ])('%s', (_name, status, body, code, message) => {
    expect(mapHttpError(status, body, 'move_booking', 'UTC', 'Tours API')).toMatchObject({ code, message });
  });
  it('a 401 blames the service credentials, not the staff member, when the API has its own', () => {
    expect(mapHttpError(401, {}, 'x', 'UTC', 'Tours API', 'bearer').message).toBe("Tours API did not accept this service's credentials.");
    expect(mapHttpError(401, {}, 'x', 'UTC', 'ROLLER').message).toBe('Your ROLLER sign-in is no longer valid.');
  });
});

describe('runner against a third-party API described by its own document', () => {
  const seen: Array<{ method: string; url: string; headers: Record<string, string | undefined>; body: unknown }> = [];
  const tokenCalls: string[] = [];
  let tokenTtl = 3600;
  let revoke = false;
  let url = '';
  let close: () => void;
  let dir: string;

  beforeAll(async () => {
    const app = express();
    app.use(express.json());
    app.use(express.urlencoded({ extended: false }));
    app.post('/oauth/token', (req, res) => {
      tokenCalls.push(`${req.body.grant_type} ${req.body.client_id}`);
      if (req.body.client_secret !== 's3cret') return void res.status(401).json({ error: 'invalid_client' });
      res.json({ access_token: `at-${tokenCalls.length}`, token_type: 'Bearer', expires_in: tokenTtl });
    });
    app.use('/base/v2', (req, res) => {
      seen.push({ method: req.method, url: req.originalUrl, headers: { authorization: req.get('authorization'), 'octo-capabilities': req.get('octo-capabilities'), 'accept-language': req.get('accept-language'), ...(req.get('exp-api-key') ? { 'exp-api-key': req.get('exp-api-key') } : {}) }, body: req.body });
      const auth = req.get('authorization') ?? '';
      if (revoke && auth === 'Bearer at-1') return void res.status(401).json({ error: 'UNAUTHORIZED', errorMessage: 'token revoked' });
      if (req.path.startsWith('/fail')) return void res.status(400).json({ error: 'INVALID_UNIT_ID', errorMessage: 'The unit was not recognised' });
      res.json({ ok: true });
    });
    const l = await listen(app);
    url = l.url;
    close = () => l.server.close();
    dir = mkdtempSync(join(tmpdir(), 'runner-oas-'));
    const params = [
      { name: 'uuid', in: 'path', required: true, schema: { type: 'string' } },
      { name: 'Octo-Capabilities', in: 'header', required: true, schema: { type: 'string' } },
      { name: 'Accept-Language', in: 'header', required: true, schema: { type: 'string', default: 'en' } },
    ];
    const document = {
      openapi: '3.0.3',
      info: { title: 'Tours API', version: '2' },
      servers: [{ url: `${url}/base/{v}`, variables: { v: { default: 'v2' } } }],
      paths: {
        '/bookings/{uuid}': {
          parameters: params,
          get: { operationId: 'getBooking', parameters: [{ name: 'unitIds', in: 'query', style: 'form', explode: false, schema: { type: 'array', items: { type: 'string' } } }, { name: 'tag', in: 'query', schema: { type: 'array', items: { type: 'string' } } }], responses: { '200': { description: 'ok' } } },
          patch: { operationId: 'updateBooking', requestBody: { content: { 'application/json': { schema: { type: 'object', properties: { notes: { type: 'string' }, meta: { type: 'object', properties: { requestId: { type: 'string' } } } } } } } }, responses: { '200': { description: 'ok' } } },
        },
        '/fail/{uuid}': { parameters: [params[0]], post: { operationId: 'failIt', responses: { '200': { description: 'ok' } } } },
      },
    };
    const actions = {
      getBooking: { id: 'tours_get', description: 'x', params: { unitIds: {}, tag: {} }, context: { uuid: 'bookingId' }, set: { 'Octo-Capabilities': 'octo/content' } },
      updateBooking: { id: 'tours_update', description: 'y', params: { notes: {} }, context: { uuid: 'bookingId' }, set: { 'Octo-Capabilities': 'octo/content' }, safety: 'normal', idempotency: { body: 'meta.requestId' } },
      failIt: { id: 'tours_fail', description: 'z', context: { uuid: 'bookingId' }, safety: 'normal' },
    };
    writeFileSync(join(dir, 'tours.openapi.yaml'), dump(document));
    writeFileSync(join(dir, 'tours.actions.yaml'), dump({ server: { variable: 'TOURS_URL' }, auth: { type: 'oauth2-client-credentials', tokenUrl: `${url}/oauth/token`, clientIdVariable: 'TOURS_ID', clientSecretVariable: 'TOURS_SECRET' }, actions }));
    writeFileSync(join(dir, 'bearer.openapi.yaml'), dump({ ...document, info: { title: 'Bearer API', version: '1' } }));
    // an API-key header API (as Viator's partner API authenticates): the key header is the credential, not a parameter
    const keyDoc = structuredClone(document) as typeof document;
    (keyDoc.paths['/bookings/{uuid}'].parameters as unknown[]).push({ name: 'exp-api-key', in: 'header', required: true, schema: { type: 'string' } });
    writeFileSync(join(dir, 'key.openapi.yaml'), dump({ ...keyDoc, info: { title: 'Key API', version: '1' } }));
    writeFileSync(join(dir, 'key.actions.yaml'), dump({ server: { variable: 'KEY_URL' }, auth: { type: 'api-key', header: 'exp-api-key', variable: 'KEY_SECRET' }, actions: { getBooking: { ...actions.getBooking, id: 'key_get' } } }));
    writeFileSync(join(dir, 'bearer.actions.yaml'), dump({ server: { variable: 'BEARER_URL' }, auth: { type: 'bearer', variable: 'BEARER_KEY' }, actions: { getBooking: { ...actions.getBooking, id: 'bearer_get' } } }));
  });
  afterAll(() => {
    close?.();
    rmSync(dir, { recursive: true, force: true });
  });

  const ctx = { sessionId: 's', venueId: 'venue-1', userId: 'u', bookingId: 'bk 1/2' };
  const env = { TOURS_ID: 'client-1', TOURS_SECRET: 's3cret', BEARER_KEY: 'key-9' };

  it('sends the document server and base path, set values, defaults and styled params, with its own OAuth token (fetched once)', async () => {
    const catalog: Catalog = await loadCatalog(dir);
    expect(catalog.problems).toEqual([]);
    seen.length = 0;
    tokenCalls.length = 0;
    const runner = new ActionRunner(catalog, 'http://127.0.0.1:1', 5000, env);
    await runner.run('tours_get', { unitIds: ['adult', 'child'], tag: ['a', 'b'] }, ctx, { token: 'tok-staff-venue1' });
    await runner.run('tours_update', { notes: 'Cake' }, ctx, { token: 'tok-staff-venue1', idempotencyKey: 's:h:0' });
    expect(seen).toEqual([
      { method: 'GET', url: '/base/v2/bookings/bk%201%2F2?unitIds=adult,child&tag=a&tag=b', headers: { authorization: 'Bearer at-1', 'octo-capabilities': 'octo/content', 'accept-language': 'en' }, body: undefined },
      { method: 'PATCH', url: '/base/v2/bookings/bk%201%2F2', headers: { authorization: 'Bearer at-1', 'octo-capabilities': 'octo/content', 'accept-language': 'en' }, body: { notes: 'Cake', meta: { requestId: 's:h:0' } } },
    ]);
    expect(tokenCalls).toEqual(['client_credentials client-1']);
  });

  it('a named server variable wins over the document; a bearer or API-key API gets its key, never the ROLLER token', async () => {
    const catalog = await loadCatalog(dir);
    seen.length = 0;
    const runner = new ActionRunner(catalog, 'http://127.0.0.1:1', 5000, { ...env, BEARER_URL: `${url}/base/v2/` });
    await runner.run('bearer_get', {}, ctx, { token: 'tok-staff-venue1' });
    expect(seen.map((s) => [s.url, s.headers.authorization])).toEqual([['/base/v2/bookings/bk%201%2F2', 'Bearer key-9']]);
    const missing = await failure(new ActionRunner(catalog, 'http://127.0.0.1:1', 5000, { BEARER_URL: url }).run('bearer_get', {}, ctx, { token: 't' }));
    expect(missing.error).toMatchObject({ code: 'NOT_CONFIGURED', message: 'Bearer API is not configured: BEARER_KEY is not set.', retryable: false });
    expect(JSON.stringify(missing.error)).not.toContain('key-9');
    seen.length = 0;
    await new ActionRunner(catalog, 'http://127.0.0.1:1', 5000, { KEY_URL: `${url}/base/v2`, KEY_SECRET: 'k-7' }).run('key_get', {}, ctx, { token: 'tok-staff-venue1' });
    expect(seen.map((s) => s.headers)).toEqual([{ authorization: undefined, 'octo-capabilities': 'octo/content', 'accept-language': 'en', 'exp-api-key': 'k-7' }]);
  });

  it('re-fetches the OAuth token after a 401 (once) and when it has expired', async () => {
    const catalog = await loadCatalog(dir);
    seen.length = 0;
    tokenCalls.length = 0;
    const runner = new ActionRunner(catalog, 'http://127.0.0.1:1', 5000, env);
    await runner.run('tours_get', {}, ctx, { token: 't' }); // at-1
    revoke = true;
    await runner.run('tours_get', {}, ctx, { token: 't' }); // 401 with at-1 → at-2 → 200
    revoke = false;
    expect(seen.map((s) => s.headers.authorization)).toEqual(['Bearer at-1', 'Bearer at-1', 'Bearer at-2']);
    expect(tokenCalls).toHaveLength(2);
    tokenTtl = 30; // within the expiry margin: every call needs a new token
    const short = new ActionRunner(catalog, 'http://127.0.0.1:1', 5000, env);
    tokenCalls.length = 0;
    await short.run('tours_get', {}, ctx, { token: 't' });
    await short.run('tours_get', {}, ctx, { token: 't' });
    expect(tokenCalls).toHaveLength(2);
    tokenTtl = 3600;
    const bad = await failure(new ActionRunner(catalog, 'http://127.0.0.1:1', 5000, { ...env, TOURS_SECRET: 'wrong' }).run('tours_get', {}, ctx, { token: 't' }));
    expect(bad.error).toMatchObject({ code: 'NOT_CONFIGURED', message: "Tours API refused this service's sign-in (HTTP 401).", retryable: false });
  });

  it('maps the API error shape and names the API', async () => {
    const catalog = await loadCatalog(dir);
    const f = await failure(new ActionRunner(catalog, 'http://127.0.0.1:1', 5000, env).run('tours_fail', {}, ctx, { token: 't' }));
    expect(f.error).toEqual({ code: 'VALIDATION', message: 'Tours API rejected the tours fail request: The unit was not recognised.', hint: 'Check the values and try again.', retryable: false, httpStatus: 400 });
  });
});
