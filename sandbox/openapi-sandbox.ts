// A sandbox for any catalog document: routes come from the OpenAPI document, requests are checked
// against it (required path/query/header parameters, JSON bodies with ajv), and each operation is
// answered by a handler keyed by operationId. Requests to operations without a handler get 501.
// Test hooks under /__sandbox/: POST reset, GET|DELETE journal, POST|DELETE faults — the same
// shapes as the ROLLER sandbox's, so tests check exactly-once writes the same way. An operation whose
// document declares an `Idempotency-Key` header gets what such an API promises: a request repeating a
// key is answered with the stored answer of the first (status and body), without touching the state.
import express, { type Request, type Response } from 'express';
import { Ajv } from 'ajv';
import addFormatsImport from 'ajv-formats';
import type { JsonSchema } from '../contracts/types.js';
import { loadSpec } from '../catalog/importer.js';
import type { Fault, JournalEntry } from './app.js';

const addFormats = addFormatsImport as unknown as (ajv: Ajv) => Ajv;

export interface OperationRequest {
  operationId: string;
  params: Record<string, string>;
  query: Record<string, unknown>;
  headers: Request['headers'];
  body: unknown;
}

export interface OperationAnswer {
  status: number;
  body?: unknown;
  /** whether the request changed the sandbox's state (journal) */
  wrote: boolean;
}

export type OperationHandler = (req: OperationRequest) => OperationAnswer;

export interface ApiSandboxOptions {
  /** the OpenAPI document served */
  specFile: string;
  handlers: Record<string, OperationHandler>;
  /** the API's own error body for a status, code and message (e.g. OCTO's {error, errorMessage}) */
  errorBody: (status: number, code: string, message: string) => unknown;
  /** credentials check; returns an error answer to refuse the request */
  authorize?: (req: Request) => OperationAnswer | undefined;
  /** resets the handlers' state */
  reset?: () => void;
}

export interface ApiSandbox {
  app: express.Express;
  journal: JournalEntry[];
}

export async function createApiSandbox(opts: ApiSandboxOptions): Promise<ApiSandbox> {
  const spec = await loadSpec(opts.specFile);
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const journal: JournalEntry[] = [];
  let faults: Fault[] = [];
  const answered = new Map<string, OperationAnswer>();
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '100kb', type: ['application/json', 'application/*+json'] }));
  const fail = (res: Response, status: number, code: string, message: string) => res.status(status).json(opts.errorBody(status, code, message));

  const hooks = express.Router();
  hooks.post('/reset', (_req, res) => {
    opts.reset?.();
    journal.length = 0;
    faults = [];
    answered.clear();
    res.status(204).end();
  });
  hooks.get('/journal', (_req, res) => res.json({ entries: journal }));
  hooks.delete('/journal', (_req, res) => {
    journal.length = 0;
    res.status(204).end();
  });
  hooks.post('/faults', (req, res) => {
    const f = req.body ?? {};
    if (typeof f.operationId !== 'string' || !spec.operations.has(f.operationId)) return fail(res, 400, 'BAD_REQUEST', 'operationId must name an operation of the document');
    const status = Number(f.status ?? 503);
    if (!Number.isInteger(status) || status < 100 || status > 599) return fail(res, 400, 'BAD_REQUEST', 'status must be an HTTP status');
    const fault: Fault = { operationId: f.operationId, status, when: f.when === 'after' ? 'after' : 'before', delayMs: Number(f.delayMs ?? 0), times: Number(f.times ?? 1), skip: Number(f.skip ?? 0), code: f.code };
    faults.push(fault);
    res.status(201).json(fault);
  });
  hooks.delete('/faults', (_req, res) => {
    faults = [];
    res.status(204).end();
  });
  app.use('/__sandbox', hooks);

  // The document's servers[0] base path is where the API lives (e.g. /octo).
  const basePath = (() => {
    const url = String(spec.document.servers?.[0]?.url ?? '');
    try {
      return new URL(url, 'http://x').pathname.replace(/\/+$/, '');
    } catch {
      return '';
    }
  })();

  for (const op of spec.operations.values()) {
    const parameters: JsonSchema[] = [...(op.pathItem.parameters ?? []), ...(op.op.parameters ?? [])];
    const bodySchema = op.op.requestBody?.content?.['application/json']?.schema as JsonSchema | undefined;
    const validateBody = bodySchema ? ajv.compile(bodySchema) : undefined;
    const bodyRequired = op.op.requestBody?.required === true;
    const handler = opts.handlers[op.operationId];
    const route = `${basePath}${op.path.replace(/\{([^}]+)\}/g, ':$1')}`;
    const idempotent = parameters.some((p) => p.in === 'header' && String(p.name).toLowerCase() === 'idempotency-key');
    app[op.method.toLowerCase() as 'get'](route, async (req: Request, res: Response) => {
      const idemKey = idempotent ? req.get('idempotency-key') || undefined : undefined;
      const entry: JournalEntry = { seq: journal.length + 1, at: new Date().toISOString(), method: req.method, path: req.path, operationId: op.operationId, ...(idemKey ? { idempotencyKey: idemKey } : {}), status: 0, replayed: false, wrote: false };
      const answer = (a: OperationAnswer) => {
        entry.status = a.status;
        entry.wrote = a.wrote;
        journal.push(entry);
        if (a.body === undefined) res.status(a.status).end();
        else res.status(a.status).json(a.body);
      };
      const denied = opts.authorize?.(req);
      if (denied) return answer(denied);
      for (const p of parameters) {
        if (!p.required) continue;
        const present = p.in === 'header' ? req.get(p.name) !== undefined : p.in === 'query' ? req.query[p.name] !== undefined : p.in === 'path' ? true : true;
        if (!present) return answer({ status: 400, wrote: false, body: opts.errorBody(400, 'BAD_REQUEST', `${p.in} parameter ${p.name} is required`) });
      }
      const hasBody = req.body !== undefined && Object.keys(req.body ?? {}).length > 0;
      if (bodyRequired && !hasBody) return answer({ status: 400, wrote: false, body: opts.errorBody(400, 'BAD_REQUEST', 'a JSON body is required') });
      if (hasBody && validateBody && !validateBody(req.body)) {
        const why = (validateBody.errors ?? []).map((e) => `${e.instancePath || 'body'} ${e.message}`).join('; ');
        return answer({ status: 400, wrote: false, body: opts.errorBody(400, 'BAD_REQUEST', why) });
      }
      if (!handler) return answer({ status: 501, wrote: false, body: opts.errorBody(501, 'NOT_IMPLEMENTED', `${op.operationId} is not implemented by this sandbox`) });
      const storeKey = idemKey ? `${op.operationId}|${req.path}|${idemKey}` : undefined;
      // the first request under a key is answered by the handler, and its answer kept for the repeats
      const run = (): OperationAnswer => {
        const prior = storeKey ? answered.get(storeKey) : undefined;
        if (prior) {
          entry.replayed = true;
          res.set('Idempotent-Replayed', 'true');
          return { ...prior, wrote: false };
        }
        const done = handler({ operationId: op.operationId, params: req.params as Record<string, string>, query: req.query as Record<string, unknown>, headers: req.headers, body: req.body });
        if (storeKey && done.status < 500) answered.set(storeKey, structuredClone(done));
        return done;
      };
      // faults first: an API that is down cannot replay answers either
      const fault = faults.find((f) => f.operationId === op.operationId && f.times > 0);
      if (fault && fault.skip > 0) fault.skip--;
      else if (fault) {
        fault.times--;
        if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
        const error = { status: fault.status, body: opts.errorBody(fault.status, fault.code ?? 'INTERNAL_SERVER_ERROR', 'injected fault') };
        if (fault.when === 'before') return answer({ ...error, wrote: false });
        // a lost reply: the request is handled (and its answer kept), the caller gets the error
        return answer({ ...error, wrote: run().wrote });
      }
      try {
        answer(run());
      } catch (e) {
        answer({ status: 500, wrote: false, body: opts.errorBody(500, 'INTERNAL_SERVER_ERROR', (e as Error).message) });
      }
    });
  }
  app.use((req, res) => fail(res, 404, 'NOT_FOUND', `no route ${req.method} ${req.path}`));
  // malformed JSON and other parser errors, in the API's own error shape
  app.use((err: { status?: number; message?: string }, _req: Request, res: Response, _next: express.NextFunction) => fail(res, err.status && err.status < 500 ? err.status : 500, 'BAD_REQUEST', err.message ?? 'bad request'));
  return { app, journal };
}
