// OpenAPI + metadata overlay → AtomicActions (docs/design.md §4). Every spec/overlay pair in the catalog
// folder is loaded; problems are collected with the file, operation and field they concern, so the
// same loader serves the worker (refuse to start) and `npm run catalog -- lint` (one line each).
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { load as loadYaml } from 'js-yaml';
import { Ajv } from 'ajv';
import addFormatsImport from 'ajv-formats';
import type { ActionView, ApiBinding, AtomicAction, AuthSpec, FixedParam, JsonSchema, ParamMapping, Safety } from '../contracts/types.js';
import { GEMINI_TOOL_NAME, flattenUnion, geminiSchemaProblems, isFreeFormSchema, mergeAllOf, toGeminiSchema } from './gemini-schema.js';
import { bodySetValues } from './body-set.js';
import { mappingProblems, schemaHasPath } from './mapping.js';
import { BOOKING_SHAPE } from './booking-shape.js';
import { normaliseNullable, OpenApiDocument, RECURSION_DEPTH, RefError, remoteRefs } from './loader.js';

const addFormats = addFormatsImport as unknown as (ajv: Ajv) => Ajv;

export interface CatalogProblem {
  /** warnings are printed by lint but do not stop the worker */
  severity?: 'error' | 'warning';
  file: string;
  operationId?: string;
  field?: string;
  message: string;
}

export function formatProblem(p: CatalogProblem): string {
  const where = [p.operationId, p.field].filter(Boolean).join('.');
  return `${p.severity === 'warning' ? 'warning: ' : ''}${p.file}${where ? `: ${where}` : ''}: ${p.message}`;
}

const SPECIAL_HEADERS = new Set(['if-match', 'idempotency-key', 'authorization']);
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

const overlaySchema = JSON.parse(readFileSync(new URL('./overlay.schema.json', import.meta.url), 'utf8'));
const validateOverlay = new Ajv({ allErrors: true, strict: false }).compile(overlaySchema);
// the planner validates arguments with ajv (formats included); a schema it cannot compile is a lint problem, not a crash later
const argumentValidator = addFormats(new Ajv({ allErrors: true, strict: false }));

interface Operation {
  operationId: string;
  method: string;
  path: string;
  op: JsonSchema;
  pathItem: JsonSchema;
}

export interface LoadedSpec {
  file: string;
  /** the document as written (refs unresolved) */
  document: JsonSchema;
  /** info.title, named in error messages */
  title: string;
  /** operations whose refs all resolved */
  operations: Map<string, Operation>;
  /** operationId → why its refs could not be resolved (only these operations fail) */
  broken: Map<string, string>;
  /** operationId → recursive schema refs cut off at RECURSION_DEPTH */
  recursive: Map<string, string[]>;
  /** document-level notes (refs in examples that were not fetched, broken path items) */
  notes: string[];
}

interface OverlayAction {
  id: string;
  description: string;
  readOnly?: boolean;
  kind?: 'read' | 'write';
  params?: Record<string, { from?: string; description?: string; format?: string }>;
  context?: Record<string, string>;
  critical?: string[];
  meaning?: Record<string, Meaning>;
  asks?: { verbs: string[]; objects: string[] };
  safety?: Safety;
  reversible?: boolean;
  capture?: { action: string; params?: Record<string, string> };
  compensation?: { action: string; params: Record<string, string> };
  changes?: string;
  set?: Record<string, unknown>;
  expose?: boolean;
  idempotency?: { header?: string; body?: string };
  role?: 'booking' | 'availability' | 'search' | 'identity';
  booking?: string;
  search?: { text: string };
  availability?: { params: string; sessions: string };
}

interface Overlay {
  spec?: string;
  title?: string;
  server?: { variable: string; default?: string };
  auth?: AuthSpec;
  actions: Record<string, OverlayAction>;
}

export class Catalog {
  readonly actions = new Map<string, AtomicAction>();
  /** response schema of each action's success answer, for mapping checks and sandbox tests */
  readonly responseSchemas = new Map<string, JsonSchema | undefined>();
  /** lint warnings: printed, but they do not stop the worker */
  readonly warnings: CatalogProblem[] = [];
  constructor(readonly specs: LoadedSpec[], readonly problems: CatalogProblem[]) {}

  get(id: string): AtomicAction | undefined {
    return this.actions.get(id);
  }

  require(id: string): AtomicAction {
    const a = this.actions.get(id);
    if (!a) throw new Error(`Unknown action "${id}"`);
    return a;
  }

  /** The actions offered to the planner (compensation-only ones, `expose: false`, are left out). */
  list(): AtomicAction[] {
    return this.all().filter((a) => a.expose !== false);
  }

  /** Every action, compensation-only ones included. */
  all(): AtomicAction[] {
    return [...this.actions.values()];
  }

  /** The read that lists a product's sessions with the places left (overlay `role: availability`). */
  availabilitySource(): AtomicAction | undefined {
    return this.all().find((a) => a.role === 'availability');
  }

  /** The read that finds bookings by the words naming one (overlay `role: search`). */
  searchSource(): AtomicAction | undefined {
    return this.all().find((a) => a.role === 'search');
  }

  /** The read of who a bearer token belongs to (overlay `role: identity`). */
  identitySource(): AtomicAction | undefined {
    return this.all().find((a) => a.role === 'identity');
  }

  /** The read that gives the session's booking (overlay `role: booking`). */
  bookingSource(): AtomicAction | undefined {
    return this.all().find((a) => a.role === 'booking');
  }

  /** The catalog as the planner sees it. */
  views(): ActionView[] {
    return this.list().map((a) => ({
      id: a.id,
      kind: a.kind,
      description: a.description,
      params: a.params,
      critical: a.critical,
      safety: a.safety,
      reversible: a.reversible,
      ...(a.compensation ? { compensation: a.compensation.action } : {}),
    }));
  }

  byOperationId(operationId: string): AtomicAction | undefined {
    return this.all().find((a) => a.operationId === operationId);
  }
}

export async function loadSpec(file: string): Promise<LoadedSpec> {
  const doc = await OpenApiDocument.open(file);
  const document = doc.raw;
  const operations = new Map<string, Operation>();
  const broken = new Map<string, string>();
  const recursive = new Map<string, string[]>();
  const notes = remoteRefs(document).filter((r) => r.inExample).map((r) => `external $ref in an example value ignored (never downloaded): "${r.ref}"`);
  for (const [path, rawItem] of Object.entries<JsonSchema>(document.paths ?? {})) {
    let item = rawItem;
    if (typeof rawItem.$ref === 'string') {
      try {
        item = doc.resolve({ $ref: rawItem.$ref }, { recursive: new Set() }) as JsonSchema;
      } catch (e) {
        // a path item that is itself a broken $ref: its operations cannot be named, so name the path
        notes.push(`${path}: ${(e as Error).message}`);
        continue;
      }
    }
    for (const method of HTTP_METHODS) {
      const rawOp = item[method];
      if (!rawOp?.operationId) continue;
      const operationId = String(rawOp.operationId);
      const found = { recursive: new Set<string>() };
      try {
        const op = normaliseNullable(doc.resolve(rawOp, found)) as JsonSchema;
        const itemParams = normaliseNullable(doc.resolve(item.parameters ?? [], found)) as JsonSchema[];
        operations.set(operationId, { operationId, method: method.toUpperCase(), path, op, pathItem: { parameters: itemParams } });
        if (found.recursive.size) recursive.set(operationId, [...found.recursive]);
      } catch (e) {
        if (!(e instanceof RefError)) throw e;
        broken.set(operationId, e.message);
      }
    }
  }
  return { file, document, title: doc.title, operations, broken, recursive, notes };
}

function findSpecFor(dir: string, overlayFile: string, declared?: string): string | undefined {
  if (declared) return resolve(dir, declared);
  const base = basename(overlayFile).replace(/\.actions\.ya?ml$/, '');
  const candidates = readdirSync(dir).filter((f) => f === `${base}.openapi.yaml` || f === `${base}.openapi.yml` || f === `${base}.openapi.json`);
  return candidates[0] ? join(dir, candidates[0]) : undefined;
}

export function successResponseSchema(op: JsonSchema): JsonSchema | undefined {
  for (const [status, resp] of Object.entries<JsonSchema>(op.responses ?? {})) {
    if (/^2\d\d$/.test(status)) return resp?.content?.['application/json']?.schema;
  }
  return undefined;
}

/** The catalog, or an error listing its problems (the worker and the gateway refuse to start on one). */
export async function loadCatalogOrThrow(dir: string): Promise<Catalog> {
  const catalog = await loadCatalog(dir);
  if (catalog.problems.length) throw new Error(`The catalog in ${dir} has problems:\n${catalog.problems.map(formatProblem).join('\n')}`);
  return catalog;
}

export async function loadCatalog(dir: string): Promise<Catalog> {
  const problems: CatalogProblem[] = [];
  const overlays = readdirSync(dir).filter((f) => /\.actions\.ya?ml$/.test(f)).sort();
  const specs: LoadedSpec[] = [];
  const warnings: CatalogProblem[] = [];
  const pending: Array<{ file: string; spec: LoadedSpec; operationId: string; meta: OverlayAction; api: ApiBinding }> = [];

  for (const overlayName of overlays) {
    const file = join(dir, overlayName);
    let overlay: Overlay;
    try {
      overlay = loadYaml(readFileSync(file, 'utf8')) as typeof overlay;
    } catch (e) {
      problems.push({ file: overlayName, message: `not valid YAML: ${(e as Error).message.split('\n')[0]}` });
      continue;
    }
    // `auth: passthrough` / `auth: none` are shorthands for `{ type: … }`
    if (overlay && typeof overlay === 'object' && (overlay.auth as unknown) === 'passthrough') overlay.auth = { type: 'passthrough' };
    if (overlay && typeof overlay === 'object' && (overlay.auth as unknown) === 'none') overlay.auth = { type: 'none' };
    if (!validateOverlay(overlay)) {
      for (const err of validateOverlay.errors ?? []) {
        if (err.keyword === 'if') continue; // its `then` error says what is missing
        const parts = err.instancePath.split('/').filter(Boolean); // actions/<opId>/<field>... or a document field
        const inAction = parts[0] === 'actions';
        problems.push({
          file: overlayName,
          operationId: inAction ? parts[1] : undefined,
          field: (inAction ? parts.slice(2) : parts).join('.') || (err.params as { additionalProperty?: string }).additionalProperty,
          message: err.message ?? 'invalid',
        });
      }
      continue;
    }
    const specFile = findSpecFor(dir, file, overlay.spec);
    if (!specFile) {
      problems.push({ file: overlayName, message: 'no OpenAPI document beside it (expected <name>.openapi.yaml|json or a "spec" field)' });
      continue;
    }
    let spec: LoadedSpec;
    try {
      spec = specs.find((s) => s.file === specFile) ?? (await loadSpec(specFile));
    } catch (e) {
      problems.push({ file: basename(specFile), message: `OpenAPI document invalid: ${(e as Error).message.split('\n')[0]}` });
      continue;
    }
    const specName = basename(specFile);
    if (!specs.includes(spec)) {
      specs.push(spec);
      for (const note of spec.notes) warnings.push({ severity: 'warning', file: specName, message: note });
    }
    const api = apiBinding(overlayName, overlay, spec, problems);
    for (const [operationId, meta] of Object.entries(overlay.actions)) {
      const brokenRef = spec.broken.get(operationId);
      if (brokenRef) {
        problems.push({ file: specName, operationId, message: brokenRef });
        continue;
      }
      if (!spec.operations.has(operationId)) {
        problems.push({ file: overlayName, operationId, message: `unknown operationId: ${specName} has no such operation` });
        continue;
      }
      for (const ref of spec.recursive.get(operationId) ?? [])
        warnings.push({ severity: 'warning', file: specName, operationId, message: `recursive schema "${ref}" compiled to depth ${RECURSION_DEPTH}; deeper levels are free-form` });
      pending.push({ file: overlayName, spec, operationId, meta, api });
    }
  }

  const catalog = new Catalog(specs, problems);
  catalog.warnings.push(...warnings);
  for (const p of pending) {
    const action = buildAction(p.file, p.spec, p.spec.operations.get(p.operationId)!, p.meta, p.api, problems);
    if (!action) continue;
    if (catalog.actions.has(action.id)) {
      problems.push({ file: p.file, operationId: p.operationId, field: 'id', message: `duplicate action id "${action.id}" (also ${catalog.actions.get(action.id)!.operationId})` });
      continue;
    }
    catalog.actions.set(action.id, action);
    catalog.responseSchemas.set(action.id, successResponseSchema(p.spec.operations.get(p.operationId)!.op));
  }
  crossCheck(catalog, pending, problems);
  return catalog;
}

/**
 * Credentials fail closed: an API with its own `server` must say what it is sent (else the staff
 * member's ROLLER token would go to a third party), and a credential of its own needs the API's own
 * `server` (else the supplier's credential would go to ROLLER). `passthrough` (ROLLER's own API)
 * and `none` (no credential) are the explicit ways out; `none` only for a document requiring none.
 */
function credentialProblems(file: string, overlay: Overlay, spec: LoadedSpec): CatalogProblem[] {
  const auth = overlay.auth?.type;
  if (overlay.server && !auth) {
    return [{ file, field: 'auth', message: 'this API has its own server but no auth: the staff member\'s ROLLER token would be sent to it. Give its credential (bearer, api-key, oauth2-client-credentials), or say auth: none (it takes no credential) or auth: passthrough (it is ROLLER\'s own API)' }];
  }
  if (!overlay.server && auth && auth !== 'passthrough' && auth !== 'none') {
    return [{ file, field: 'server', message: `auth ${auth} without a server: this credential would be sent to ROLLER. Add server (the API's own base URL), or remove auth if this is ROLLER's own API` }];
  }
  if (auth === 'none') {
    const secured = Object.keys(overlay.actions ?? {}).filter((id) => requiresCredential(spec.operations.get(id)?.op.security ?? spec.document.security));
    if (secured.length) return [{ file, field: 'auth', message: `auth: none, but the document requires security for ${secured.join(', ')}; give the credential it declares` }];
  }
  return [];
}

/** An OpenAPI security requirement list that cannot be met without a credential (`{}` makes it optional). */
function requiresCredential(security: unknown): boolean {
  return Array.isArray(security) && security.length > 0 && !security.some((r) => r && typeof r === 'object' && Object.keys(r).length === 0);
}

/** Server, auth and title of one overlay's API. Without `server` the ROLLER base URL is used. */
function apiBinding(file: string, overlay: Overlay, spec: LoadedSpec, problems: CatalogProblem[]): ApiBinding {
  problems.push(...credentialProblems(file, overlay, spec));
  const binding: ApiBinding = { title: overlay.title ?? spec.title, auth: overlay.auth ?? { type: 'passthrough' } };
  if (overlay.server) {
    binding.serverVariable = overlay.server.variable;
    const fromDoc = firstServerUrl(spec.document);
    const fallback = overlay.server.default ?? fromDoc;
    if (fallback) binding.serverDefault = fallback.replace(/\/+$/, '');
    else if (fromDoc === undefined && spec.document.servers?.length) problems.push({ file, field: 'server', message: 'the document\'s first server URL is not absolute; set server.default' });
  }
  return binding;
}

/** The document's first absolute server URL with its variables at their defaults (base path kept). */
function firstServerUrl(document: JsonSchema): string | undefined {
  const server = document.servers?.[0];
  if (!server?.url) return undefined;
  const url = String(server.url).replace(/\{([^}]+)\}/g, (_m, name: string) => String(server.variables?.[name]?.default ?? ''));
  return /^https?:\/\//.test(url) ? url : undefined;
}

// A write named or routed like this undoes money or a booking: the overlay must say how safe it is.
const DESTRUCTIVE = /cancel|void|refund|delete/i;

function buildAction(file: string, spec: LoadedSpec, operation: Operation, meta: OverlayAction, api: ApiBinding, problems: CatalogProblem[]): AtomicAction | undefined {
  const at = (field: string, message: string) => problems.push({ file, operationId: operation.operationId, field, message });
  type Wire = { in: ParamMapping['in']; required: boolean; schema: JsonSchema; description?: string; style?: string; explode?: boolean };
  const wire = new Map<string, Wire>();
  const parameters: JsonSchema[] = [...(operation.pathItem.parameters ?? []), ...(operation.op.parameters ?? [])];
  let acceptsIfMatch = false;
  let acceptsIdempotencyKey = false;
  for (const p of parameters) {
    const lname = String(p.name).toLowerCase();
    if (p.in === 'header' && lname === 'if-match') acceptsIfMatch = true;
    if (p.in === 'header' && lname === 'idempotency-key') acceptsIdempotencyKey = true;
    if (p.in === 'header' && SPECIAL_HEADERS.has(lname)) continue;
    if (p.in === 'header' && api.auth.type === 'api-key' && lname === api.auth.header.toLowerCase()) continue; // the credential, sent by the runner
    if (p.in === 'cookie') continue;
    wire.set(p.name, {
      in: p.in,
      required: p.in === 'path' || p.required === true,
      schema: p.schema ?? { type: 'string' },
      description: p.description,
      ...(typeof p.style === 'string' ? { style: p.style } : {}),
      ...(typeof p.explode === 'boolean' ? { explode: p.explode } : {}),
    });
  }
  const rawBody = (operation.op.requestBody?.content?.['application/json'] ?? Object.entries<JsonSchema>(operation.op.requestBody?.content ?? {}).find(([t]) => /\+json$/.test(t))?.[1])?.schema as JsonSchema | undefined;
  // allOf merged; a top-level oneOf/anyOf is flattened to optional properties (the API validates the variant)
  const body = rawBody ? flattenUnion(mergeAllOf(rawBody)) : undefined;
  const bodyRequired = new Set<string>(operation.op.requestBody?.required ? body?.required ?? [] : []);
  for (const [name, schema] of Object.entries<JsonSchema>(body?.properties ?? {})) {
    if (!wire.has(name)) wire.set(name, { in: 'body', required: bodyRequired.has(name), schema, description: schema.description });
  }

  const context = meta.context ?? {};
  for (const wireName of Object.keys(context)) if (!wire.has(wireName)) at(`context.${wireName}`, `no parameter named "${wireName}" in the operation`);
  const fixed: FixedParam[] = [];
  const bodySets: Array<[string, unknown]> = [];
  for (const [wireName, value] of Object.entries(meta.set ?? {})) {
    const top = wireName.split('.')[0]!;
    const w = wire.get(wireName) ?? [...wire.entries()].find(([n, x]) => x.in === 'header' && n.toLowerCase() === wireName.toLowerCase())?.[1] ?? (wire.get(top)?.in === 'body' ? wire.get(top) : undefined);
    if (!w) at(`set.${wireName}`, `no parameter named "${wireName}" in the operation`);
    else if (wireName in context || top in context) at(`set.${wireName}`, `"${top}" is already filled from context`);
    else if (w.in === 'body') bodySets.push([wireName, value]);
    else fixed.push({ wireName: [...wire.keys()].find((n) => n.toLowerCase() === wireName.toLowerCase()) ?? wireName, in: w.in, value, ...(w.style ? { style: w.style } : {}), ...(w.explode !== undefined ? { explode: w.explode } : {}) });
  }
  const bodySchemas = new Map([...wire].filter(([, w]) => w.in === 'body').map(([n, w]) => [n, w.schema]));
  fixed.push(...bodySetValues(bodySets, body, bodySchemas, argumentValidator, at));
  const isFixed = (wireName: string) => fixed.some((f) => f.wireName === wireName);
  // a required map-shaped (free-form) body field is never offered to the model: set or its default fills it
  const modelCannotFill = (w: Wire) => w.in === 'body' && w.required && isFreeFormSchema(w.schema);

  const exposed: Record<string, { from?: string; description?: string; format?: string }> =
    meta.params ?? Object.fromEntries([...wire].filter(([n, w]) => !(n in context) && !isFixed(n) && !modelCannotFill(w)).map(([n]) => [n, {}]));
  const request: ParamMapping[] = [];
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  const mapping = (name: string, wireName: string, w: Wire): ParamMapping => ({
    name, wireName, in: w.in, required: w.required, ...(w.style ? { style: w.style } : {}), ...(w.explode !== undefined ? { explode: w.explode } : {}),
  });
  for (const [name, opts] of Object.entries(exposed)) {
    const wireName = opts.from ?? name;
    const w = wire.get(wireName);
    if (!w) {
      at(`params.${name}`, `no parameter named "${wireName}" in the operation`);
      continue;
    }
    if (isFixed(wireName)) at(`params.${name}`, `"${wireName}" is fixed by set and cannot also be exposed`);
    properties[name] = { ...w.schema, ...(opts.description ?? w.description ? { description: opts.description ?? w.description } : {}), ...(opts.format ? { format: opts.format } : {}) };
    if (w.required) required.push(name);
    request.push(mapping(name, wireName, w));
  }
  for (const [wireName, w] of wire) {
    if (wireName in context) request.push(mapping(wireName, wireName, w));
    else if (w.required && !isFixed(wireName) && !request.some((r) => r.wireName === wireName)) {
      // a required parameter the model never sees: its schema default, else a lint error
      if (w.schema?.default !== undefined) fixed.push({ wireName, in: w.in, value: w.schema.default, ...(w.style ? { style: w.style } : {}), ...(w.explode !== undefined ? { explode: w.explode } : {}) });
      else if (modelCannotFill(w)) at('params', `required body field "${wireName}" is a free-form object (a map) that is never shown to the model: fix its value with set (a body path such as ${wireName}.<key> works too), or give it a default in the document`);
      else at('params', `required parameter "${wireName}" is neither exposed, filled from context, fixed by set, nor defaulted in the schema`);
    }
  }
  const paramsSchema: JsonSchema = { type: 'object', properties, additionalProperties: false, ...(required.length ? { required } : {}) };
  // a flattened union body: the model reads which shapes the API accepts
  if (rawBody && body && (Array.isArray(mergeAllOf(rawBody).oneOf) || Array.isArray(mergeAllOf(rawBody).anyOf)) && body.description) paramsSchema.description = body.description;
  if (body?.minProperties && Object.keys(properties).some((p) => wire.get(exposed[p]?.from ?? p)?.in === 'body')) paramsSchema.minProperties = body.minProperties;

  const kind = meta.kind ?? (operation.method === 'GET' || operation.method === 'HEAD' ? 'read' : 'write');
  if (kind === 'write' && meta.safety === undefined) {
    const said = [operation.operationId, operation.path, operation.op.summary ?? ''].find((t) => DESTRUCTIVE.test(String(t)));
    if (operation.method === 'DELETE' || said !== undefined)
      at('safety', `${operation.method === 'DELETE' ? 'a DELETE' : `a write that says "${String(said).match(DESTRUCTIVE)![0]}"`} must set safety explicitly (normal, high_risk or blocked)`);
  }
  const safety: Safety = meta.safety ?? (operation.method === 'DELETE' ? 'blocked' : kind === 'read' ? 'normal' : 'high_risk');
  for (const c of meta.critical ?? []) if (!(c in properties)) at(`critical.${c}`, `"${c}" is not an exposed parameter`);
  const meaning = { ...inferMeaning(meta.critical ?? [], properties), ...(meta.meaning ?? {}) };
  for (const p of Object.keys(meta.meaning ?? {})) if (!(meta.critical ?? []).includes(p)) at(`meaning.${p}`, `"${p}" is not a critical parameter`);
  // a critical parameter without a meaning is still guarded: its value must be said word for word
  if (!GEMINI_TOOL_NAME.test(meta.id)) at('id', `tool name "${meta.id}" would be rejected by Gemini (letters, digits, _ . -, at most 64, not starting with a digit)`);

  let idempotency: AtomicAction['idempotency'];
  if (meta.idempotency?.header) {
    idempotency = { in: 'header', name: meta.idempotency.header };
    if (!parameters.some((p) => p.in === 'header' && String(p.name).toLowerCase() === meta.idempotency!.header!.toLowerCase())) at('idempotency.header', `the operation declares no header "${meta.idempotency.header}"`);
  } else if (meta.idempotency?.body) {
    idempotency = { in: 'body', name: meta.idempotency.body };
    if (!schemaHasPath(body, meta.idempotency.body)) at('idempotency.body', `the request body has no property "${meta.idempotency.body}"`);
  } else if (acceptsIdempotencyKey) idempotency = { in: 'header', name: 'Idempotency-Key' };
  if (idempotency?.in === 'body') {
    // the key is never the model's to choose
    const top = idempotency.name.split('.')[0]!;
    for (const [n, o] of Object.entries(exposed)) if ((o.from ?? n) === top && wire.get(top)?.in === 'body') at(`params.${n}`, `"${top}" receives the idempotency key and cannot also be exposed`);
  }

  if (meta.role === 'booking' && kind !== 'read') at('role', 'role booking must be on a read');
  if (meta.booking && meta.role !== 'booking') at('booking', 'a booking mapping needs role: booking');
  if (meta.role === 'availability' && (kind !== 'read' || !meta.availability)) at('role', 'role availability must be on a read, with an availability mapping');
  if (meta.availability && meta.role !== 'availability') at('availability', 'an availability mapping needs role: availability');
  if (meta.role === 'search' && (kind !== 'read' || !meta.search)) at('role', 'role search must be on a read, with a search mapping');
  if (meta.search && meta.role !== 'search') at('search', 'a search mapping needs role: search');
  if (meta.search && !(meta.search.text in exposed)) at('search.text', `"${meta.search.text}" is not an exposed parameter`);
  if (meta.role === 'identity' && kind !== 'read') at('role', 'role identity must be on a read');

  let params: JsonSchema;
  try {
    // both forms must compile: the model's view, and the full schema the arguments are validated with
    params = toGeminiSchema(paramsSchema);
    argumentValidator.compile(paramsSchema);
  } catch (e) {
    at('params', `schema cannot be compiled: ${(e as Error).message.split('\n')[0]}`);
    return undefined;
  }
  for (const problem of geminiSchemaProblems(params)) at('params', problem);

  return {
    id: meta.id,
    operationId: operation.operationId,
    source: basename(spec.file),
    method: operation.method,
    path: operation.path,
    kind,
    description: meta.description,
    params,
    paramsSchema,
    context,
    critical: meta.critical ?? [],
    ...(Object.keys(meaning).length ? { meaning } : {}),
    ...(meta.asks ? { asks: meta.asks } : {}),
    safety,
    reversible: meta.reversible ?? false,
    readOnly: meta.readOnly ?? kind === 'read',
    ...(meta.capture ? { capture: { action: meta.capture.action, params: meta.capture.params ?? {} } } : {}),
    ...(meta.compensation ? { compensation: meta.compensation } : {}),
    ...(meta.changes ? { changes: meta.changes } : {}),
    request,
    acceptsIfMatch,
    acceptsIdempotencyKey: acceptsIdempotencyKey || idempotency !== undefined,
    ...(idempotency ? { idempotency } : {}),
    ...(fixed.length ? { fixed } : {}),
    ...(meta.expose === false ? { expose: false } : {}),
    ...(meta.role ? { role: meta.role } : {}),
    ...(meta.booking ? { bookingMapping: meta.booking } : {}),
    ...(meta.availability ? { availabilityMapping: meta.availability } : {}),
    ...(meta.search ? { searchParam: meta.search.text } : {}),
    api,
  };
}

function crossCheck(catalog: Catalog, pending: Array<{ file: string; operationId: string; meta: OverlayAction }>, problems: CatalogProblem[]) {
  const sources = catalog.all().filter((a) => a.role === 'booking');
  if (sources.length > 1) {
    const first = pending.find((p) => p.meta.id === sources[1]!.id);
    problems.push({ file: first?.file ?? sources[1]!.source, operationId: sources[1]!.operationId, field: 'role', message: `only one action may have role booking (also ${sources[0]!.id})` });
  }
  for (const { file, operationId, meta } of pending) {
    const action = catalog.get(meta.id);
    if (!action || action.operationId !== operationId) continue;
    const at = (field: string, message: string) => problems.push({ file, operationId, field, message });
    if (action.safety === 'blocked' && action.compensation) at('compensation', 'a blocked action must not have a compensation');
    if (action.kind === 'write' && action.reversible && !action.compensation && action.safety !== 'blocked') at('compensation', 'reversible write has no compensation');
    if (action.compensation && !action.reversible) at('reversible', 'has a compensation but is not marked reversible');
    let captureResponse: JsonSchema | undefined;
    if (action.capture) {
      const capture = catalog.get(action.capture.action);
      if (!capture) at('capture.action', `unknown action "${action.capture.action}"`);
      else if (capture.kind !== 'read') at('capture.action', `"${capture.id}" is not a read`);
      else {
        captureResponse = catalog.responseSchemas.get(capture.id);
        for (const [p, expr] of Object.entries(action.capture.params ?? {})) {
          if (!(p in (capture.paramsSchema.properties ?? {}))) at(`capture.params.${p}`, `"${capture.id}" has no parameter "${p}"`);
          for (const m of mappingProblems(expr, { params: action.paramsSchema })) at(`capture.params.${p}`, m);
        }
      }
    }
    if (action.compensation) {
      const comp = catalog.get(action.compensation.action);
      if (!comp) at('compensation.action', `dangling compensation: unknown action "${action.compensation.action}"`);
      else if (comp.kind !== 'write' || comp.safety === 'blocked') at('compensation.action', `compensation "${comp.id}" is not an executable write`);
      else {
        for (const [p, expr] of Object.entries(action.compensation.params)) {
          if (!(p in (comp.paramsSchema.properties ?? {}))) at(`compensation.params.${p}`, `"${comp.id}" has no parameter "${p}"`);
          for (const m of mappingProblems(expr, { params: action.paramsSchema, before: captureResponse, result: catalog.responseSchemas.get(action.id) }))
            at(`compensation.params.${p}`, m);
        }
      }
      if (!action.capture && Object.values(action.compensation.params).some((e) => /\bbefore\b/.test(e))) at('capture', 'compensation reads "before" but the action has no capture');
    }
    // plan titles are made before anything runs: `before` is the session's booking (its shape)
    if (action.changes) for (const m of mappingProblems(action.changes, { params: action.paramsSchema, before: BOOKING_SHAPE })) at('changes', m);
    if (action.bookingMapping) for (const m of mappingProblems(action.bookingMapping, { result: catalog.responseSchemas.get(action.id) })) at('booking', m);
    if (action.expose === false && !catalog.all().some((a) => a.compensation?.action === action.id || a.capture?.action === action.id) && action.role !== 'booking')
      catalog.warnings.push({ severity: 'warning', file, operationId, field: 'expose', message: 'not exposed and used by no compensation or capture' });
  }
}

export const MEANINGS = ['start', 'ticket-item', 'ticket-quantity', 'holder-name', 'email', 'phone'] as const;
export type Meaning = (typeof MEANINGS)[number];

/** Meanings the schema itself states (formats), for overlays that do not say. */
function inferMeaning(critical: string[], properties: Record<string, JsonSchema>): Record<string, Meaning> {
  const out: Record<string, Meaning> = {};
  for (const c of critical) {
    const f = properties[c]?.format;
    if (f === 'date-time') out[c] = 'start';
    else if (f === 'email') out[c] = 'email';
  }
  return out;
}
