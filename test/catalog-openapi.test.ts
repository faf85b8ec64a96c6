// OpenAPI as it is written in the wild (issue 16): the loader never touches the network, resolves
// relative refs from the document's folder, isolates broken refs to their operations, bounds
// recursive schemas; union bodies, composed schemas in lint paths, free-form objects, destructive
// writes without an explicit safety, and the overlay's set/expose/idempotency/role/server/auth.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import { dump } from 'js-yaml';
import { loadCatalog, formatProblem } from '../catalog/importer.js';
import { geminiSchemaProblems } from '../catalog/gemini-schema.js';
import type { JsonSchema } from '../contracts/types.js';
import { ApiCredentials } from '../activities/api-auth.js';
import { buildRequest } from '../activities/action-runner.js';

const tmp: string[] = [];
afterAll(() => tmp.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A folder holding `api.openapi.yaml` + `api.actions.yaml` (+ extra files), as objects. */
function folder(doc: JsonSchema, overlay: JsonSchema, extra: Record<string, unknown> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'catalog-oas-'));
  tmp.push(dir);
  writeFileSync(join(dir, 'api.openapi.yaml'), dump(doc));
  writeFileSync(join(dir, 'api.actions.yaml'), dump(overlay));
  for (const [name, content] of Object.entries(extra)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), dump(content));
  }
  return dir;
}

const json = (schema: JsonSchema) => ({ content: { 'application/json': { schema } } });
const ok = (schema: JsonSchema = { type: 'object', properties: { id: { type: 'string' } } }) => ({ '200': { description: 'ok', ...json(schema) } });
const doc = (paths: JsonSchema, components: JsonSchema = {}, extra: JsonSchema = {}): JsonSchema => ({ openapi: '3.0.3', info: { title: 'Tours API', version: '1' }, paths, components, ...extra });

async function lint(dir: string) {
  const c = await loadCatalog(dir);
  return { catalog: c, problems: c.problems.map(formatProblem), warnings: c.warnings.map(formatProblem) };
}

describe('loader: no network, refs from the document folder, broken refs contained', () => {
  let server: Server;
  let hits = 0;
  let remote = '';
  beforeAll(async () => {
    // a real server the remote refs point at: proves nothing is downloaded (hits stays 0)
    server = createServer((_req, res) => {
      hits++;
      res.setHeader('content-type', 'application/yaml');
      res.end('X: { type: object, properties: { a: { type: string } } }\n');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    remote = `http://127.0.0.1:${(server.address() as { port: number }).port}/schemas.yaml`;
  });
  afterAll(() => server.close());

  it('refuses a remote $ref with one line naming it, fails only that operation, and never downloads refs in examples', async () => {
    const dir = folder(
      doc({
        '/a': { post: { operationId: 'remoteBody', summary: 'uses a remote schema', requestBody: json({ $ref: `${remote}#/X` }), responses: ok() } },
        '/b': { get: { operationId: 'exampleRef', responses: { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'object', properties: { id: { type: 'string' } } }, example: { $ref: `${remote}#/X` } } } } } } },
      }),
      { actions: { remoteBody: { id: 'remote_body', description: 'x', safety: 'normal' }, exampleRef: { id: 'example_ref', description: 'y' } } },
    );
    const { catalog, problems, warnings } = await lint(dir);
    expect(problems).toEqual([`api.openapi.yaml: remoteBody: external $ref refused (the catalog never downloads): "${remote}#/X"`]);
    expect(warnings).toEqual([`warning: api.openapi.yaml: external $ref in an example value ignored (never downloaded): "${remote}#/X"`]);
    expect(catalog.get('example_ref')).toBeDefined();
    expect(hits).toBe(0);
  });

  it('resolves relative file refs from the document folder (and from the referencing file), not the working directory', async () => {
    const dir = folder(
      doc({ '/bookings': { post: { operationId: 'createBooking', requestBody: { required: true, ...json({ $ref: 'schemas/booking.yaml#/Booking' }) }, responses: ok() } } }),
      { actions: { createBooking: { id: 'create_booking', description: 'x', safety: 'normal' } } },
      {
        'schemas/booking.yaml': { Booking: { type: 'object', required: ['start'], properties: { start: { type: 'string', format: 'date-time' }, contact: { $ref: 'common.yaml#/Contact' } } } },
        'schemas/common.yaml': { Contact: { type: 'object', properties: { fullName: { type: 'string' } } } },
      },
    );
    const { catalog, problems } = await lint(dir);
    expect(problems).toEqual([]);
    expect(catalog.require('create_booking').params).toEqual({
      type: 'object',
      properties: { start: { type: 'string', format: 'date-time' }, contact: { type: 'object', properties: { fullName: { type: 'string' } } } },
      required: ['start'],
    });
  });

  it('a dangling ref fails only the operations that use it, naming file, operation and ref', async () => {
    const dir = folder(
      doc(
        {
          '/broken': { get: { operationId: 'getBroken', responses: ok({ $ref: '#/components/schemas/Missing' }) } },
          '/fine': { get: { operationId: 'getFine', responses: ok({ $ref: '#/components/schemas/Thing' }) } },
          '/unused': { get: { operationId: 'notInOverlay', responses: ok({ $ref: 'nowhere.yaml#/X' }) } },
        },
        { schemas: { Thing: { type: 'object', properties: { id: { type: 'string' } } } } },
      ),
      { actions: { getBroken: { id: 'get_broken', description: 'x' }, getFine: { id: 'get_fine', description: 'y' } } },
    );
    const { catalog, problems } = await lint(dir);
    expect(problems).toEqual(['api.openapi.yaml: getBroken: dangling $ref "#/components/schemas/Missing": nothing at that location']);
    expect(catalog.get('get_fine')).toBeDefined();
  });

  it('compiles a recursive schema to a bounded depth, with a lint warning naming file and operation', async () => {
    const dir = folder(
      doc(
        { '/trees': { post: { operationId: 'plantTree', requestBody: json({ $ref: '#/components/schemas/Node' }), responses: ok() } } },
        { schemas: { Node: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#/components/schemas/Node' } } } } } },
      ),
      { actions: { plantTree: { id: 'plant_tree', description: 'x', safety: 'normal' } } },
    );
    const { catalog, problems, warnings } = await lint(dir);
    expect(problems).toEqual([]);
    expect(warnings).toEqual(['warning: api.openapi.yaml: plantTree: recursive schema "#/components/schemas/Node" compiled to depth 2; deeper levels are free-form']);
    const params = catalog.require('plant_tree').params;
    expect(geminiSchemaProblems(params)).toEqual([]);
    expect(JSON.stringify(params).length).toBeLessThan(2000);
    expect(params.properties.children.items.properties).toEqual({ name: { type: 'string' } }); // third level cut off
  });
});

describe('schemas and lint on composed schemas', () => {
  const offerA = { type: 'object', title: 'by start', required: ['start'], properties: { start: { type: 'string' }, note: { type: 'string' } } };
  const offerB = { type: 'object', title: 'by availability', required: ['availabilityId'], properties: { availabilityId: { type: 'string' }, note: { type: 'string' } } };

  it('exposes a top-level oneOf body as optional properties naming the variants, and lint finds "start"', async () => {
    const dir = folder(
      doc({ '/move': { post: { operationId: 'move', requestBody: { required: true, ...json({ oneOf: [offerA, offerB] }) }, responses: ok() } } }),
      { actions: { move: { id: 'move', description: 'x', safety: 'normal', params: { start: {}, availabilityId: {} }, critical: ['start'] } } },
    );
    const { catalog, problems } = await lint(dir);
    expect(problems).toEqual([]);
    expect(Object.keys(catalog.require('move').params.properties)).toEqual(['start', 'availabilityId']);
    expect(catalog.require('move').params.required).toBeUndefined();
  });

  it('exposes a top-level allOf body and reads mapping paths through allOf/oneOf wrappers', async () => {
    const booking = { allOf: [{ $ref: '#/components/schemas/Base' }, { type: 'object', properties: { availability: { allOf: [{ $ref: '#/components/schemas/Slot' }] } } }] };
    const make = (path: string) =>
      folder(
        doc(
          {
            '/b/{id}': {
              get: { operationId: 'getB', parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }], responses: ok(booking) },
              patch: { operationId: 'patchB', parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }], requestBody: json({ allOf: [{ $ref: '#/components/schemas/Base' }, { type: 'object', properties: { availabilityId: { type: 'string' } } }] }), responses: ok(booking) },
            },
          },
          { schemas: { Base: { type: 'object', properties: { uuid: { type: 'string' } } }, Slot: { oneOf: [{ type: 'object', properties: { id: { type: 'string' } } }, { type: 'object', properties: { localDateTimeStart: { type: 'string' } } }] } } },
        ),
        {
          actions: {
            getB: { id: 'get_b', description: 'x', context: { id: 'bookingId' } },
            patchB: { id: 'patch_b', description: 'y', context: { id: 'bookingId' }, params: { availabilityId: {} }, safety: 'normal', reversible: true, capture: { action: 'get_b' }, compensation: { action: 'patch_b', params: { availabilityId: path } } },
          },
        },
      );
    expect((await lint(make('before.availability.id'))).problems).toEqual([]);
    expect((await lint(make('before.availability.localDateTimeStart'))).problems).toEqual([]);
    expect((await lint(make('before.availability.nope'))).problems).toEqual(['api.actions.yaml: patchB.compensation.params.availabilityId: mapping path "before.availability.nope" does not exist in the schema']);
  });

  it('free-form objects: a required one nothing fills is a lint error, an optional nested one is left out of the model view', async () => {
    const body = { type: 'object', required: ['meta'], properties: { meta: { type: 'object' }, contact: { type: 'object', properties: { name: { type: 'string' }, extra: { type: 'object', additionalProperties: true } } } } };
    const dir = folder(doc({ '/x': { post: { operationId: 'postX', requestBody: { required: true, ...json(body) }, responses: ok() } } }), { actions: { postX: { id: 'post_x', description: 'x', safety: 'normal' } } });
    const { catalog, problems } = await lint(dir);
    expect(problems).toEqual(['api.actions.yaml: postX.params: required body field "meta" is a free-form object (a map) that is never shown to the model: fix its value with set (a body path such as meta.<key> works too), or give it a default in the document']);
    expect(catalog.require('post_x').params.properties.contact).toEqual({ type: 'object', properties: { name: { type: 'string' } }, description: '(free-form extra not settable here)' });
  });

  describe('required map-shaped body fields (published documents)', () => {
    // an order API as published: a required string map and a required free-form object with a default
    const orderBody = {
      type: 'object',
      required: ['quantity', 'metadata', 'options'],
      properties: {
        quantity: { type: 'integer', minimum: 1 },
        metadata: { type: 'object', additionalProperties: { type: 'string' } },
        options: { type: 'object', default: { notify: false } },
      },
    };
    const orderDoc = doc({ '/orders/{id}': { post: { operationId: 'updateOrder', parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }], requestBody: { required: true, ...json(orderBody) }, responses: ok() } } });
    const overlay = (extra: JsonSchema = {}) => ({ actions: { updateOrder: { id: 'update_order', description: 'Change the quantity.', context: { id: 'bookingId' }, safety: 'normal', ...extra } } });
    const context = { sessionId: 's', venueId: 'v', userId: 'u', bookingId: 'o-1' };

    it('set fills a map by body path, the schema default fills a free-form object; the model sees neither', async () => {
      const { catalog, problems } = await lint(folder(orderDoc, overlay({ set: { 'metadata.channel': 'roller-iq', 'metadata.source': 'staff' } })));
      expect(problems).toEqual([]);
      const action = catalog.require('update_order');
      expect(Object.keys(action.params.properties)).toEqual(['quantity']);
      const sent = buildRequest(action, { quantity: 3 }, context, 'https://orders.example', { token: 't' });
      expect(JSON.parse(sent.body!)).toEqual({ quantity: 3, metadata: { channel: 'roller-iq', source: 'staff' }, options: { notify: false } });
      // a whole value works as well, and set overrides the default
      const whole = await lint(folder(orderDoc, overlay({ set: { metadata: { channel: 'roller-iq' }, options: { notify: true } } })));
      expect(whole.problems).toEqual([]);
      expect(JSON.parse(buildRequest(whole.catalog.require('update_order'), { quantity: 3 }, context, 'https://o', { token: 't' }).body!)).toEqual({ quantity: 3, metadata: { channel: 'roller-iq' }, options: { notify: true } });
    });

    it('still refused: nothing fills the map, the map offered to the model, a value the schema refuses, a path that does not exist', async () => {
      expect((await lint(folder(orderDoc, overlay()))).problems).toEqual([
        'api.actions.yaml: updateOrder.params: required body field "metadata" is a free-form object (a map) that is never shown to the model: fix its value with set (a body path such as metadata.<key> works too), or give it a default in the document',
      ]);
      expect((await lint(folder(orderDoc, overlay({ params: { quantity: {}, metadata: {} } })))).problems).toEqual([
        'api.actions.yaml: updateOrder.params: $.metadata: free-form object (no properties) is rejected by Gemini; leave it out of params, or describe its properties in the document',
      ]);
      expect((await lint(folder(orderDoc, overlay({ set: { 'metadata.channel': 7 } })))).problems).toEqual(['api.actions.yaml: updateOrder.set.metadata: the value does not match the document\'s schema: metadata.channel must be string']);
      expect((await lint(folder(orderDoc, overlay({ set: { 'metadata.channel': 'x', 'quantity.n': 1 } })))).problems).toEqual(['api.actions.yaml: updateOrder.set.quantity.n: the request body has no property "quantity.n"']);
      expect((await lint(folder(orderDoc, overlay({ set: { 'metadata.a': 'x', 'nope.b': 1 } })))).problems).toEqual(['api.actions.yaml: updateOrder.set.nope.b: no parameter named "nope.b" in the operation']);
    });
  });

  it('a top-level anyOf body is flattened too; a schema ajv cannot compile is a lint problem naming file and operation, not a crash', async () => {
    const dir = folder(
      doc({
        '/a': { post: { operationId: 'postA', requestBody: json({ anyOf: [offerA, offerB] }), responses: ok() } },
        '/b': { post: { operationId: 'postB', requestBody: json({ type: 'object', properties: { n: { type: 'integer', minimum: 'one' } } }), responses: ok() } },
      }),
      { actions: { postA: { id: 'post_a', description: 'x', safety: 'normal' }, postB: { id: 'post_b', description: 'y', safety: 'normal' } } },
    );
    const { catalog, problems } = await lint(dir);
    expect(Object.keys(catalog.require('post_a').params.properties)).toEqual(['start', 'note', 'availabilityId']);
    expect(catalog.require('post_a').params.description).toContain('Exactly one or more of these shapes: by start | by availability.');
    expect(problems).toEqual(['api.actions.yaml: postB.params: schema cannot be compiled: schema is invalid: data/properties/n/minimum must be number']);
  });

  it('a union of different kinds is not collapsed to its first branch', async () => {
    const dir = folder(
      doc({ '/x': { post: { operationId: 'postX', requestBody: json({ type: 'object', properties: { when: { oneOf: [{ type: 'string', format: 'date' }, { type: 'integer', title: 'days from today' }] } } }), responses: ok() } } }),
      { actions: { postX: { id: 'post_x', description: 'x', safety: 'normal' } } },
    );
    const { catalog } = await lint(dir);
    expect(catalog.require('post_x').params.properties.when).toEqual({ type: 'string', description: 'One of: date or days from today (send the value as text).' });
  });
});

describe('OpenAPI 3.0 nullable references', () => {
  it('nullable beside allOf (as generated documents write it) is valid JSON Schema for ajv and nullable for Gemini', async () => {
    const { Ajv } = await import('ajv');
    const dir = folder(
      doc({ '/x': { patch: { operationId: 'patchX', requestBody: json({ type: 'object', properties: { contact: { allOf: [{ $ref: '#/components/schemas/Contact' }], nullable: true, description: 'Lead guest' } } }), responses: ok() } } }, { schemas: { Contact: { type: 'object', properties: { fullName: { type: 'string' } } } } }),
      { actions: { patchX: { id: 'patch_x', description: 'x', safety: 'normal' } } },
    );
    const { catalog, problems } = await lint(dir);
    expect(problems).toEqual([]);
    const action = catalog.require('patch_x');
    const validate = new Ajv({ strict: false }).compile(action.paramsSchema);
    expect([validate({ contact: null }), validate({ contact: { fullName: 'Ana' } }), validate({ contact: 5 })]).toEqual([true, true, false]);
    expect(action.params.properties.contact).toEqual({ type: 'object', description: 'Lead guest', nullable: true, properties: { fullName: { type: 'string' } } });
  });
});

describe('safety of destructive writes', () => {
  const ops = (summary: string, path = '/bookings/{uuid}/cancel', method = 'post') => ({
    [path]: { [method]: { operationId: 'undoIt', summary, parameters: [{ name: 'uuid', in: 'path', required: true, schema: { type: 'string' } }], responses: ok() } },
  });
  const overlay = (extra: JsonSchema = {}) => ({ actions: { undoIt: { id: 'undo_it', description: 'x', context: { uuid: 'bookingId' }, ...extra } } });

  it.each([
    ['a POST …/cancel', ops('Cancel a booking'), 'a write that says "cancel"'],
    ['a void in the summary', ops('Void the payment', '/payments/{uuid}/settle'), 'a write that says "Void"'],
    ['a refund in the path', ops('Give money back', '/orders/{uuid}/refunds'), 'a write that says "refund"'],
    ['a DELETE', ops('Remove', '/things/{uuid}', 'delete'), 'a DELETE'],
  ])('%s must declare safety', async (_name, paths, said) => {
    expect((await lint(folder(doc(paths), overlay()))).problems).toEqual([`api.actions.yaml: undoIt.safety: ${said} must set safety explicitly (normal, high_risk or blocked)`]);
    expect((await lint(folder(doc(paths), overlay({ safety: 'blocked' })))).problems).toEqual([]);
  });
});

describe('overlay: set, defaults, expose, idempotency, role, server, auth', () => {
  const paths = {
    '/bookings/{uuid}': {
      parameters: [
        { name: 'uuid', in: 'path', required: true, schema: { type: 'string' } },
        { name: 'Octo-Capabilities', in: 'header', required: true, schema: { type: 'string' } },
        { name: 'Accept-Language', in: 'header', required: true, schema: { type: 'string', default: 'en' } },
      ],
      get: { operationId: 'getBooking', responses: ok({ type: 'object', properties: { uuid: { type: 'string' }, status: { type: 'string' } } }) },
      patch: { operationId: 'updateBooking', requestBody: json({ type: 'object', properties: { notes: { type: 'string' }, requestId: { type: 'string' } } }), responses: ok() },
    },
  };
  const base = {
    server: { variable: 'TOURS_API_URL' },
    auth: { type: 'bearer', variable: 'TOURS_API_KEY' },
    actions: {
      getBooking: { id: 'tours_get_booking', description: 'x', params: {}, context: { uuid: 'bookingId' }, set: { 'Octo-Capabilities': 'octo/content' }, role: 'booking', booking: '{"bookingId": result.uuid, "items": []}' },
      updateBooking: { id: 'tours_update', description: 'y', context: { uuid: 'bookingId' }, set: { 'Octo-Capabilities': 'octo/content' }, params: { notes: {} }, safety: 'normal', expose: false, idempotency: { body: 'requestId' } },
    },
  };
  const servers = { servers: [{ url: 'https://api.tours.example/{version}', variables: { version: { default: 'octo' } } }] };

  it('fixes set values and schema defaults outside the model view; binds server, auth and title', async () => {
    const { catalog, problems, warnings } = await lint(folder(doc(paths, {}, servers), base));
    expect(problems).toEqual([]);
    const get = catalog.require('tours_get_booking');
    expect(Object.keys(get.params.properties)).toEqual([]);
    expect(get.fixed).toEqual([
      { wireName: 'Octo-Capabilities', in: 'header', value: 'octo/content' },
      { wireName: 'Accept-Language', in: 'header', value: 'en' },
    ]);
    expect(get.api).toEqual({ title: 'Tours API', serverVariable: 'TOURS_API_URL', serverDefault: 'https://api.tours.example/octo', auth: { type: 'bearer', variable: 'TOURS_API_KEY' } });
    expect(catalog.bookingSource()?.id).toBe('tours_get_booking');
    // expose: false — executable, but never offered to the planner
    expect(catalog.list().map((a) => a.id)).toEqual(['tours_get_booking']);
    expect(catalog.views().map((a) => a.id)).toEqual(['tours_get_booking']);
    expect(catalog.require('tours_update')).toMatchObject({ idempotency: { in: 'body', name: 'requestId' }, acceptsIdempotencyKey: true });
    expect(warnings).toEqual(['warning: api.actions.yaml: updateBooking.expose: not exposed and used by no compensation or capture']);
  });

  it('reports a set param that is also exposed, an unknown set name, a bad idempotency path, two booking sources', async () => {
    const bad = structuredClone(base) as typeof base & { actions: Record<string, Record<string, unknown>> };
    bad.actions.getBooking.set = { 'Octo-Capabilities': 'octo/content', 'X-Nope': 'a' } as never;
    bad.actions.updateBooking.params = { notes: {}, 'Octo-Capabilities': {} } as never;
    bad.actions.updateBooking.idempotency = { body: 'meta.key' };
    (bad.actions.updateBooking as Record<string, unknown>).expose = true;
    (bad.actions.updateBooking as Record<string, unknown>).role = 'booking';
    const { problems } = await lint(folder(doc(paths, {}, servers), bad));
    expect(problems).toEqual([
      'api.actions.yaml: getBooking.set.X-Nope: no parameter named "X-Nope" in the operation',
      'api.actions.yaml: updateBooking.params.Octo-Capabilities: "Octo-Capabilities" is fixed by set and cannot also be exposed',
      'api.actions.yaml: updateBooking.idempotency.body: the request body has no property "meta.key"',
      'api.actions.yaml: updateBooking.role: role booking must be on a read',
      'api.actions.yaml: updateBooking.role: only one action may have role booking (also tours_get_booking)',
    ]);
  });

  it('a required header neither exposed, set nor defaulted is reported', async () => {
    const o = structuredClone(base) as JsonSchema;
    delete o.actions.getBooking.set;
    const { problems } = await lint(folder(doc(paths, {}, servers), o));
    expect(problems).toEqual(['api.actions.yaml: getBooking.params: required parameter "Octo-Capabilities" is neither exposed, filled from context, fixed by set, nor defaulted in the schema']);
  });

  it('the overlay schema refuses an unknown auth type and a lower-case variable name', async () => {
    const o = { ...structuredClone(base), auth: { type: 'basic' }, server: { variable: 'tours_url' } };
    expect((await lint(folder(doc(paths, {}, servers), o))).problems).toEqual([
      'api.actions.yaml: server.variable: must match pattern "^[A-Z][A-Z0-9_]*$"',
      'api.actions.yaml: auth.type: must be equal to one of the allowed values',
    ]);
    const noVar = { ...structuredClone(base), auth: { type: 'oauth2-client-credentials', tokenUrl: '/oauth/token', clientIdVariable: 'TOURS_ID' } };
    expect((await lint(folder(doc(paths, {}, servers), noVar))).problems).toEqual(["api.actions.yaml: auth: must have required property 'clientSecretVariable'"]);
  });

  describe('credentials fail closed', () => {
    const without = (key: 'server' | 'auth', extra: JsonSchema = {}) => {
      const o = structuredClone(base) as JsonSchema;
      delete o[key];
      return { ...o, ...extra };
    };

    it('a server without auth is refused: the ROLLER token would go to a third party', async () => {
      const { problems } = await lint(folder(doc(paths, {}, servers), without('auth')));
      expect(problems).toEqual([expect.stringMatching(/^api\.actions\.yaml: auth: this API has its own server but no auth: the staff member's ROLLER token would be sent to it/)]);
    });

    it('a credential without a server is refused, for every credential type: it would go to ROLLER', async () => {
      const credentials = [
        { type: 'bearer', variable: 'TOURS_API_KEY' },
        { type: 'api-key', header: 'X-Api-Key', variable: 'TOURS_API_KEY' },
        { type: 'oauth2-client-credentials', tokenUrl: 'https://auth.tours.example/token', clientIdVariable: 'TOURS_ID', clientSecretVariable: 'TOURS_SECRET' },
      ];
      for (const auth of credentials) {
        const { problems } = await lint(folder(doc(paths, {}, servers), without('server', { auth })));
        expect(problems).toEqual([`api.actions.yaml: server: auth ${auth.type} without a server: this credential would be sent to ROLLER. Add server (the API's own base URL), or remove auth if this is ROLLER's own API`]);
      }
    });

    it('auth: passthrough says explicitly that an API on its own server is ROLLER\'s own', async () => {
      for (const auth of ['passthrough', { type: 'passthrough' }]) {
        const { catalog, problems } = await lint(folder(doc(paths, {}, servers), without('auth', { auth })));
        expect(problems).toEqual([]);
        expect(catalog.require('tours_get_booking').api).toMatchObject({ serverVariable: 'TOURS_API_URL', auth: { type: 'passthrough' } });
      }
    });

    it('auth: none sends no credential, and is refused for a document that requires security', async () => {
      for (const auth of ['none', { type: 'none' }]) {
        const { catalog, problems } = await lint(folder(doc(paths, {}, servers), without('auth', { auth })));
        expect(problems).toEqual([]);
        const api = catalog.require('tours_get_booking').api;
        expect(api?.auth).toEqual({ type: 'none' });
        const headers = await new ApiCredentials({}, 1000).headers(api, 'staff-roller-token', 'https://api.tours.example/octo');
        expect(headers).toEqual({});
        // what goes on the wire: no Authorization header at all
        const sent = buildRequest(catalog.require('tours_get_booking'), {}, { sessionId: 's', venueId: 'v', userId: 'u', bookingId: 'b-1' }, 'https://api.tours.example/octo', { token: 'staff-roller-token', auth: headers });
        expect(Object.keys(sent.headers).map((h) => h.toLowerCase())).not.toContain('authorization');
        expect(JSON.stringify(sent)).not.toContain('staff-roller-token');
      }
      const secured = doc(paths, { securitySchemes: { key: { type: 'http', scheme: 'bearer' } } }, { ...servers, security: [{ key: [] }] });
      expect((await lint(folder(secured, without('auth', { auth: 'none' })))).problems).toEqual(['api.actions.yaml: auth: auth: none, but the document requires security for getBooking, updateBooking; give the credential it declares']);
      // security that is optional (an empty requirement) needs no credential
      const optional = doc(paths, { securitySchemes: { key: { type: 'http', scheme: 'bearer' } } }, { ...servers, security: [{ key: [] }, {}] });
      expect((await lint(folder(optional, without('auth', { auth: 'none' })))).problems).toEqual([]);
    });

    it('an API with neither server nor auth is ROLLER\'s own: the caller\'s token, as before', async () => {
      const o = without('server');
      delete o.auth;
      const { catalog, problems } = await lint(folder(doc(paths, {}, servers), o));
      expect(problems).toEqual([]);
      expect(await new ApiCredentials({}, 1000).headers(catalog.require('tours_get_booking').api, 'staff-roller-token', 'http://roller')).toEqual({ authorization: 'Bearer staff-roller-token' });
    });
  });
});
