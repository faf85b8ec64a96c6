// Makes the HTTP call of one atomic action: params + session context → request (path, query,
// headers, body), bearer token, If-Match, Idempotency-Key, timeout; answer → result or ActionFailure.
import type { AtomicAction, SessionContext } from '../contracts/types.js';
import type { Catalog } from '../catalog/importer.js';
import { ActionFailure, mapHttpError, networkError, parseRetryAfter } from './action-errors.js';

export interface RunOptions {
  token: string;
  idempotencyKey?: string;
  ifMatch?: string;
  timezone?: string;
}

export interface HttpRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface ActionResult {
  status: number;
  body: unknown;
  etag?: string;
}

export function buildRequest(action: AtomicAction, params: Record<string, unknown>, context: SessionContext, baseUrl: string, opts: RunOptions): HttpRequest {
  let path = action.path;
  const query = new URLSearchParams();
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json', authorization: `Bearer ${opts.token}` };
  const body: Record<string, unknown> = {};
  let hasBody = false;
  for (const m of action.request) {
    const contextKey = action.context[m.wireName];
    const value = contextKey !== undefined ? (context as unknown as Record<string, unknown>)[contextKey] : params[m.name];
    if (value === undefined || value === null) {
      if (m.required) throw new ActionFailure({ code: 'VALIDATION', message: `${action.id} needs "${m.name}"`, retryable: false });
      continue;
    }
    switch (m.in) {
      case 'path':
        path = path.replace(`{${m.wireName}}`, encodeURIComponent(String(value)));
        break;
      case 'query':
        query.set(m.wireName, String(value));
        break;
      case 'header':
        headers[m.wireName.toLowerCase()] = String(value);
        break;
      case 'body':
        body[m.wireName] = value;
        hasBody = true;
        break;
    }
  }
  if (opts.ifMatch && action.acceptsIfMatch) headers['if-match'] = `"${opts.ifMatch}"`;
  if (opts.idempotencyKey && action.acceptsIdempotencyKey) headers['idempotency-key'] = opts.idempotencyKey;
  if (hasBody) headers['content-type'] = 'application/json';
  const qs = query.toString();
  return { method: action.method, url: `${baseUrl}${path}${qs ? `?${qs}` : ''}`, headers, ...(hasBody ? { body: JSON.stringify(body) } : {}) };
}

export class ActionRunner {
  constructor(
    readonly catalog: Catalog,
    private readonly baseUrl: string,
    private readonly timeoutMs: number,
  ) {}

  async run(actionId: string, params: Record<string, unknown>, context: SessionContext, opts: RunOptions): Promise<ActionResult> {
    const action = this.catalog.get(actionId);
    if (!action) throw new ActionFailure({ code: 'UNKNOWN_ACTION', message: `The action "${actionId}" is not in the catalog.`, retryable: false });
    if (action.safety === 'blocked') throw new ActionFailure({ code: 'BLOCKED', message: `"${action.id}" cannot be done from this service.`, hint: 'Do it in ROLLER directly if it is really needed.', retryable: false });
    const req = buildRequest(action, params, context, this.baseUrl, opts);
    let res: Response;
    try {
      res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (e) {
      throw new ActionFailure(networkError(e));
    }
    const text = await res.text();
    let body: unknown = undefined;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (res.status >= 200 && res.status < 300) return { status: res.status, body, etag: res.headers.get('etag') ?? undefined };
    const error = mapHttpError(res.status, body, action.id, opts.timezone ?? context.timezone);
    throw new ActionFailure(error, res.status === 429 || res.status === 503 ? parseRetryAfter(res.headers.get('retry-after')) : undefined);
  }
}
