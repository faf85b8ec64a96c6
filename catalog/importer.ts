// OpenAPI + metadata overlay → AtomicActions (DESIGN §4). Every spec/overlay pair in the catalog
// folder is loaded; problems are collected with the file, operation and field they concern, so the
// same loader serves the worker (refuse to start) and `npm run catalog -- lint` (one line each).
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { load as loadYaml } from 'js-yaml';
import { Ajv } from 'ajv';
import type { ActionView, AtomicAction, JsonSchema, ParamMapping, Safety } from '../contracts/types.js';
import { GEMINI_TOOL_NAME, geminiSchemaProblems, toGeminiSchema } from './gemini-schema.js';
import { mappingProblems } from './mapping.js';

export interface CatalogProblem {
  file: string;
  operationId?: string;
  field?: string;
  message: string;
}

export function formatProblem(p: CatalogProblem): string {
  const where = [p.operationId, p.field].filter(Boolean).join('.');
  return `${p.file}${where ? `: ${where}` : ''}: ${p.message}`;
}

const SPECIAL_HEADERS = new Set(['if-match', 'idempotency-key', 'authorization']);
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

const overlaySchema = JSON.parse(readFileSync(new URL('./overlay.schema.json', import.meta.url), 'utf8'));
const validateOverlay = new Ajv({ allErrors: true, strict: false }).compile(overlaySchema);

interface Operation {
  operationId: string;
  method: string;
  path: string;
  op: JsonSchema;
  pathItem: JsonSchema;
}

export interface LoadedSpec {
  file: string;
  document: JsonSchema;
  operations: Map<string, Operation>;
}

interface OverlayAction {
  id: string;
  description: string;
  readOnly?: boolean;
  params?: Record<string, { from?: string; description?: string }>;
  context?: Record<string, string>;
  critical?: string[];
  meaning?: Record<string, Meaning>;
  asks?: { verbs: string[]; objects: string[] };
  safety?: Safety;
  reversible?: boolean;
  capture?: { action: string; params?: Record<string, string> };
  compensation?: { action: string; params: Record<string, string> };
  changes?: string;
}

export class Catalog {
  readonly actions = new Map<string, AtomicAction>();
  /** response schema of each action's success answer, for mapping checks and sandbox tests */
  readonly responseSchemas = new Map<string, JsonSchema | undefined>();
  constructor(readonly specs: LoadedSpec[], readonly problems: CatalogProblem[]) {}

  get(id: string): AtomicAction | undefined {
    return this.actions.get(id);
  }

  require(id: string): AtomicAction {
    const a = this.actions.get(id);
    if (!a) throw new Error(`Unknown action "${id}"`);
    return a;
  }

  list(): AtomicAction[] {
    return [...this.actions.values()];
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
    return this.list().find((a) => a.operationId === operationId);
  }
}

export async function loadSpec(file: string): Promise<LoadedSpec> {
  const raw = file.endsWith('.json') ? JSON.parse(readFileSync(file, 'utf8')) : loadYaml(readFileSync(file, 'utf8'));
  const document = (await SwaggerParser.dereference(structuredClone(raw) as never)) as JsonSchema;
  const operations = new Map<string, Operation>();
  for (const [path, pathItem] of Object.entries<JsonSchema>(document.paths ?? {})) {
    for (const method of HTTP_METHODS) {
      const op = pathItem[method];
      if (op?.operationId) operations.set(op.operationId, { operationId: op.operationId, method: method.toUpperCase(), path, op, pathItem });
    }
  }
  return { file, document, operations };
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

export async function loadCatalog(dir: string): Promise<Catalog> {
  const problems: CatalogProblem[] = [];
  const overlays = readdirSync(dir).filter((f) => /\.actions\.ya?ml$/.test(f)).sort();
  const specs: LoadedSpec[] = [];
  const pending: Array<{ file: string; spec: LoadedSpec; operationId: string; meta: OverlayAction }> = [];

  for (const overlayName of overlays) {
    const file = join(dir, overlayName);
    let overlay: { spec?: string; actions: Record<string, OverlayAction> };
    try {
      overlay = loadYaml(readFileSync(file, 'utf8')) as typeof overlay;
    } catch (e) {
      problems.push({ file: overlayName, message: `not valid YAML: ${(e as Error).message.split('\n')[0]}` });
      continue;
    }
    if (!validateOverlay(overlay)) {
      for (const err of validateOverlay.errors ?? []) {
        const parts = err.instancePath.split('/').filter(Boolean); // actions/<opId>/<field>...
        problems.push({
          file: overlayName,
          operationId: parts[0] === 'actions' ? parts[1] : undefined,
          field: parts.slice(2).join('.') || (err.params as { additionalProperty?: string }).additionalProperty,
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
    if (!specs.includes(spec)) specs.push(spec);
    for (const [operationId, meta] of Object.entries(overlay.actions)) {
      if (!spec.operations.has(operationId)) {
        problems.push({ file: overlayName, operationId, message: `unknown operationId: ${basename(specFile)} has no such operation` });
        continue;
      }
      pending.push({ file: overlayName, spec, operationId, meta });
    }
  }

  const catalog = new Catalog(specs, problems);
  for (const p of pending) {
    const action = buildAction(p.file, p.spec, p.spec.operations.get(p.operationId)!, p.meta, problems);
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

function buildAction(file: string, spec: LoadedSpec, operation: Operation, meta: OverlayAction, problems: CatalogProblem[]): AtomicAction | undefined {
  const at = (field: string, message: string) => problems.push({ file, operationId: operation.operationId, field, message });
  const wire = new Map<string, { in: ParamMapping['in']; required: boolean; schema: JsonSchema; description?: string }>();
  const parameters: JsonSchema[] = [...(operation.pathItem.parameters ?? []), ...(operation.op.parameters ?? [])];
  let acceptsIfMatch = false;
  let acceptsIdempotencyKey = false;
  for (const p of parameters) {
    const lname = String(p.name).toLowerCase();
    if (p.in === 'header' && lname === 'if-match') acceptsIfMatch = true;
    if (p.in === 'header' && lname === 'idempotency-key') acceptsIdempotencyKey = true;
    if (p.in === 'header' && SPECIAL_HEADERS.has(lname)) continue;
    if (p.in === 'cookie') continue;
    wire.set(p.name, { in: p.in, required: p.in === 'path' || p.required === true, schema: p.schema ?? { type: 'string' }, description: p.description });
  }
  const body = operation.op.requestBody?.content?.['application/json']?.schema as JsonSchema | undefined;
  const bodyRequired = new Set<string>(operation.op.requestBody?.required ? body?.required ?? [] : []);
  for (const [name, schema] of Object.entries<JsonSchema>(body?.properties ?? {})) {
    if (!wire.has(name)) wire.set(name, { in: 'body', required: bodyRequired.has(name), schema, description: schema.description });
  }

  const context = meta.context ?? {};
  for (const wireName of Object.keys(context)) if (!wire.has(wireName)) at(`context.${wireName}`, `no parameter named "${wireName}" in the operation`);

  const exposed: Record<string, { from?: string; description?: string }> = meta.params ?? Object.fromEntries([...wire.keys()].filter((w) => !(w in context)).map((w) => [w, {}]));
  const request: ParamMapping[] = [];
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const [name, opts] of Object.entries(exposed)) {
    const wireName = opts.from ?? name;
    const w = wire.get(wireName);
    if (!w) {
      at(`params.${name}`, `no parameter named "${wireName}" in the operation`);
      continue;
    }
    properties[name] = { ...w.schema, ...(opts.description ?? w.description ? { description: opts.description ?? w.description } : {}) };
    if (w.required) required.push(name);
    request.push({ name, wireName, in: w.in, required: w.required });
  }
  for (const [wireName, w] of wire) {
    if (wireName in context) request.push({ name: wireName, wireName, in: w.in, required: w.required });
    else if (w.required && !request.some((r) => r.wireName === wireName)) at('params', `required parameter "${wireName}" is neither exposed nor filled from context`);
  }
  const paramsSchema: JsonSchema = { type: 'object', properties, additionalProperties: false, ...(required.length ? { required } : {}) };
  if (body?.minProperties && Object.keys(properties).some((p) => wire.get(exposed[p]?.from ?? p)?.in === 'body')) paramsSchema.minProperties = body.minProperties;

  const kind = operation.method === 'GET' || operation.method === 'HEAD' ? 'read' : 'write';
  const safety: Safety = meta.safety ?? (operation.method === 'DELETE' ? 'blocked' : kind === 'read' ? 'normal' : 'high_risk');
  for (const c of meta.critical ?? []) if (!(c in properties)) at(`critical.${c}`, `"${c}" is not an exposed parameter`);
  const meaning = { ...inferMeaning(meta.critical ?? [], properties), ...(meta.meaning ?? {}) };
  for (const p of Object.keys(meta.meaning ?? {})) if (!(meta.critical ?? []).includes(p)) at(`meaning.${p}`, `"${p}" is not a critical parameter`);
  // a critical parameter without a meaning is still guarded: its value must be said word for word
  if (!GEMINI_TOOL_NAME.test(meta.id)) at('id', `tool name "${meta.id}" would be rejected by Gemini (letters, digits, _ . -, at most 64, not starting with a digit)`);

  const params = toGeminiSchema(paramsSchema);
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
    acceptsIdempotencyKey,
  };
}

function crossCheck(catalog: Catalog, pending: Array<{ file: string; operationId: string; meta: OverlayAction }>, problems: CatalogProblem[]) {
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
    if (action.changes) for (const m of mappingProblems(action.changes, { params: action.paramsSchema, before: captureResponse })) at('changes', m);
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
