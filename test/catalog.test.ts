// Catalog: OpenAPI + overlay → atomic actions; lint; Gemini-safe schemas; a new API with no code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import express from 'express';
import { loadCatalog, formatProblem } from '../catalog/importer.js';
import { geminiSchemaProblems, toGeminiSchema } from '../catalog/gemini-schema.js';
import { ActionRunner } from '../activities/action-runner.js';
import { createActivities } from '../activities/index.js';
import { createLogger } from '../observability/logger.js';
import { toolDeclarations } from '../planner/tools.js';
import { listen } from './helpers/stack.js';

const CATALOG = new URL('../catalog', import.meta.url).pathname;
const FIXTURES = new URL('./fixtures', import.meta.url).pathname;
const tmp: string[] = [];
afterAll(() => tmp.forEach((d) => rmSync(d, { recursive: true, force: true })));

function catalogWith(mutate: (overlay: string) => string, extra?: (dir: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'catalog-'));
  tmp.push(dir);
  cpSync(join(CATALOG, 'roller-bookings.openapi.yaml'), join(dir, 'roller-bookings.openapi.yaml'));
  writeFileSync(join(dir, 'roller-bookings.actions.yaml'), mutate(readFileSync(join(CATALOG, 'roller-bookings.actions.yaml'), 'utf8')));
  extra?.(dir);
  return dir;
}

async function lint(dir: string): Promise<string[]> {
  return (await loadCatalog(dir)).problems.map(formatProblem);
}

describe('catalog lint', () => {
  it('the search read is found by its role, with the parameter its overlay names; a search mapping is linted', async () => {
    const search = (await loadCatalog(CATALOG)).searchSource();
    expect(search).toMatchObject({ id: 'search_bookings', role: 'search', searchParam: 'q' });
    const wrongParam = await lint(catalogWith((o) => o.replace('search: { text: q }', 'search: { text: query }')));
    expect(wrongParam.join('\n')).toContain('"query" is not an exposed parameter');
    const noMapping = await lint(catalogWith((o) => o.replace(/\n\s*search: \{ text: q \}[^\n]*/, '')));
    expect(noMapping.join('\n')).toContain('role search must be on a read, with a search mapping');
  });

  it('the shipped catalog is clean and exposes the core actions', async () => {
    const c = await loadCatalog(CATALOG);
    expect(c.problems).toEqual([]);
    // every spec + overlay pair in the folder is loaded
    expect(c.specs.map((s) => s.file.split('/').pop()).sort()).toEqual(['roller-bookings.openapi.yaml', 'roller-venues.openapi.yaml']);
    expect(c.list().map((a) => a.id).sort()).toEqual(
      ['cancel_booking', 'check_availability', 'get_booking', 'get_venue', 'reschedule_booking', 'resend_confirmation', 'search_bookings', 'update_contact_details', 'update_guest_count'].sort(),
    );
    expect(c.byOperationId('getIdentity')).toBeUndefined(); // no metadata → not exposed
  });

  it('reports an unknown operationId', async () => {
    const p = await lint(catalogWith((o) => o.replace('  resendConfirmation:', '  resendConfirmationX:')));
    expect(p).toEqual(['roller-bookings.actions.yaml: resendConfirmationX: unknown operationId: roller-bookings.openapi.yaml has no such operation']);
  });

  it('reports a dangling compensation', async () => {
    const p = await lint(catalogWith((o) => o.replace('action: update_guest_count\n      params:\n        itemId', 'action: set_guest_count\n      params:\n        itemId')));
    expect(p).toEqual(['roller-bookings.actions.yaml: updateGuestCount.compensation.action: dangling compensation: unknown action "set_guest_count"']);
  });

  it('reports a compensation on an action that is not reversible', async () => {
    const p = await lint(catalogWith((o) => o.replace("    safety: high_risk\n    reversible: true\n    capture:\n      action: get_booking\n    compensation:\n      action: update_contact_details", "    safety: high_risk\n    reversible: false\n    capture:\n      action: get_booking\n    compensation:\n      action: update_contact_details")));
    expect(p).toEqual(['roller-bookings.actions.yaml: updateContactDetails.reversible: has a compensation but is not marked reversible']);
  });

  it('reports mapping paths that do not exist in the schemas', async () => {
    const p = await lint(catalogWith((o) => o.replace('newStart: before.items[0].sessionStart', 'newStart: before.items[0].startsAt')));
    expect(p).toEqual(['roller-bookings.actions.yaml: rescheduleBooking.compensation.params.newStart: mapping path "before.items.startsAt" does not exist in the schema']);
  });

  it('reports a blocked action with a compensation', async () => {
    const p = await lint(catalogWith((o) => o.replace('    safety: blocked\n    reversible: false', '    safety: blocked\n    reversible: true\n    compensation:\n      action: reschedule_booking\n      params: {}')));
    expect(p).toContain('roller-bookings.actions.yaml: cancelBooking.compensation: a blocked action must not have a compensation');
  });

  it('reports duplicate ids', async () => {
    const p = await lint(catalogWith((o) => o.replace('id: resend_confirmation', 'id: get_booking')));
    expect(p).toEqual(['roller-bookings.actions.yaml: resendConfirmation.id: duplicate action id "get_booking" (also getBooking)']);
  });

  it('reports tool names Gemini would reject', async () => {
    const p = await lint(catalogWith((o) => o.replace('id: resend_confirmation', 'id: resend confirmation!')));
    expect(p[0]).toMatch(/resendConfirmation\.id: tool name "resend confirmation!" would be rejected by Gemini/);
  });

  it('names the file, operation and field of an overlay that breaks its JSON Schema', async () => {
    const p = await lint(catalogWith((o) => o.replace('    safety: normal\n    reversible: true\n    capture:\n      action: get_booking\n    compensation:\n      action: reschedule_booking', '    safety: risky\n    reversible: true\n    capture:\n      action: get_booking\n    compensation:\n      action: reschedule_booking')));
    expect(p[0]).toMatch(/^roller-bookings\.actions\.yaml: rescheduleBooking\.safety: must be equal to one of the allowed values/);
  });

  it('`npm run catalog -- lint` exits non-zero with one line per problem', () => {
    const dir = catalogWith((o) => o.replace('id: resend_confirmation', 'id: get_booking').replace('  cancelBooking:', '  cancelBookingNope:'));
    let out = '';
    let code = 0;
    try {
      execFileSync(process.execPath, ['--import', 'tsx', join(CATALOG, 'cli.ts'), 'lint', '--dir', dir], { encoding: 'utf8' });
    } catch (e) {
      code = (e as { status: number }).status;
      out = (e as { stdout: string }).stdout;
    }
    expect(code).toBe(1);
    expect(out.trim().split('\n')).toHaveLength(2);
  });
});

describe('Gemini tool schemas', () => {
  it('pins the compiled form of the core write actions', async () => {
    const c = await loadCatalog(CATALOG);
    expect(c.require('reschedule_booking').params).toEqual({
      type: 'object',
      properties: { newStart: { type: 'string', format: 'date-time', description: 'New start as an ISO-8601 instant with offset, e.g. 2026-12-12T15:00:00+11:00' } },
      required: ['newStart'],
    });
    expect(c.require('update_guest_count').params).toEqual({
      type: 'object',
      properties: {
        itemId: { type: 'string', description: 'The itemId of the booking item whose quantity changes (maxLength 64)' },
        quantity: { type: 'integer', description: 'The new total number of tickets on that item (minimum 1, maximum 200)' },
      },
      required: ['itemId', 'quantity'],
    });
    expect(c.require('update_contact_details').params).toEqual({
      type: 'object',
      description: '(minProperties 1)',
      properties: {
        name: { type: 'string', description: 'New holder name (minLength 1, maxLength 120)' },
        email: { type: 'string', description: 'New email address (maxLength 254, format email)' },
        phone: { type: 'string', description: 'New phone number (E.164, e.g. +61412345678) (pattern "^\\\\+[1-9][0-9]{6,14}$")' },
      },
    });
  });

  it('every declaration offered to the model is Gemini-safe and blocked actions are absent', async () => {
    const c = await loadCatalog(CATALOG);
    const decls = toolDeclarations(c);
    expect(decls.map((d) => d.name)).not.toContain('cancel_booking');
    for (const d of decls) {
      expect(d.name).toMatch(/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/);
      if (d.parameters) expect(geminiSchemaProblems(d.parameters), d.name).toEqual([]);
      const text = JSON.stringify(d);
      for (const banned of ['$ref', 'additionalProperties', 'oneOf', 'allOf', 'anyOf', '"const"', '$defs']) expect(text).not.toContain(banned);
    }
  });

  it('compiles the constructs Gemini rejects into ones it accepts', () => {
    const out = toGeminiSchema({
      type: 'object',
      additionalProperties: false,
      properties: {
        a: { type: ['string', 'null'], format: 'uuid' },
        b: { allOf: [{ type: 'object', properties: { x: { type: 'integer' } } }, { properties: { y: { const: 3 } }, required: ['y'] }] },
        c: { type: 'integer', enum: [1, 2] },
        d: { oneOf: [{ const: 'in' }, { const: 'out' }] },
      },
    });
    expect(out).toEqual({
      type: 'object',
      properties: {
        a: { type: 'string', nullable: true, description: '(format uuid)' },
        b: { type: 'object', properties: { x: { type: 'integer' }, y: { type: 'string', enum: ['3'] } }, required: ['y'] },
        c: { type: 'string', enum: ['1', '2'] },
        d: { type: 'string', enum: ['in', 'out'] },
      },
    });
    expect(geminiSchemaProblems(out)).toEqual([]);
  });
});

describe('a new API dropped into the catalog, with no code edit', () => {
  let notesUrl: string;
  let close: () => void;
  const notes = new Map<string, string>();
  const writes: string[] = [];
  beforeAll(async () => {
    // the new API's own server (it does not exist in the sandbox); speaks plain HTTP
    const app = express();
    app.use(express.json());
    app.post('/v1/venues/:v/bookings/:b/notes', (req, res) => {
      if (req.get('authorization') !== 'Bearer tok-notes') return void res.status(401).json({ code: 'UNAUTHORIZED' });
      const id = `n${notes.size + 1}`;
      notes.set(id, req.body.text);
      writes.push(`add ${req.params.b} ${req.get('idempotency-key')}`);
      res.status(201).json({ noteId: id, text: req.body.text });
    });
    app.delete('/v1/venues/:v/bookings/:b/notes/:id', (req, res) => {
      notes.delete(req.params.id);
      writes.push(`delete ${req.params.id} ${req.get('idempotency-key')}`);
      res.status(204).end();
    });
    const l = await listen(app);
    notesUrl = l.url;
    close = () => l.server.close();
  });
  afterAll(() => close?.());

  it('is exposed to the planner, executed, and undone by its compensation', async () => {
    const dir = catalogWith((o) => o, (d) => {
      cpSync(join(FIXTURES, 'booking-notes.openapi.yaml'), join(d, 'booking-notes.openapi.yaml'));
      cpSync(join(FIXTURES, 'booking-notes.actions.yaml'), join(d, 'booking-notes.actions.yaml'));
    });
    const catalog = await loadCatalog(dir);
    expect(catalog.problems).toEqual([]);
    expect(catalog.specs.map((s) => s.file.split('/').pop())).toContain('booking-notes.openapi.yaml');
    const add = catalog.require('add_booking_note');
    expect(add).toMatchObject({ kind: 'write', reversible: true, critical: ['text'], compensation: { action: 'delete_booking_note' } });
    expect(toolDeclarations(catalog).map((d) => d.name)).toContain('add_booking_note');

    const runner = new ActionRunner(catalog, notesUrl, 5000);
    const acts = createActivities({ catalog, runner, planner: { plan: async () => { throw new Error('unused'); } }, log: createLogger('silent', 't') });
    const context = { sessionId: 's1', venueId: 'venue-1', userId: 'u', bookingId: 'bk-1001' };
    const out = await acts.executeStep({ actionId: 'add_booking_note', params: { text: 'Cake at 3' }, context, token: 'tok-notes', idempotencyKey: 's1:h:0' });
    expect(out.status).toBe(201);
    expect([...notes.values()]).toEqual(['Cake at 3']);
    await acts.compensateStep({ actionId: 'add_booking_note', params: { text: 'Cake at 3' }, before: undefined, result: out.body, context, token: 'tok-notes', idempotencyKey: 's1:h:0:undo' });
    expect(notes.size).toBe(0);
    expect(writes).toEqual(['add bk-1001 s1:h:0', 'delete n1 s1:h:0:undo']);
  });
});
