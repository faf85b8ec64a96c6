// Makes the HTTP call of one atomic action: params + session context → request (path, query,
// headers, body), bearer token, If-Match, Idempotency-Key, timeout; answer → result or ActionFailure.
import type { AtomicAction, ParamMapping, SessionContext } from '../contracts/types.js';
import type { Catalog } from '../catalog/importer.js';
import { ActionFailure, mapHttpError, networkError, parseRetryAfter } from './action-errors.js';
import { serializeFor } from './param-style.js';
import { ApiCredentials } from './api-auth.js';

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

/** Sets `value` at a dot path inside `target`, creating objects on the way. */
function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const k of keys.slice(0, -1)) {
    if (!node[k] || typeof node[k] !== 'object') node[k] = {};
    node = node[k] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]!] = value;
}

export function buildRequest(action: AtomicAction, params: Record<string, unknown>, context: SessionContext, baseUrl: string, opts: RunOptions & { auth?: Record<string, string> }): HttpRequest {
  let path = action.path;
  const query: string[] = [];
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json', ...(opts.auth ?? { authorization: `Bearer ${opts.token}` }) };
  const body: Record<string, unknown> = {};
  let hasBody = false;
  const place = (m: { in: ParamMapping['in']; wireName: string; style?: string; explode?: boolean }, value: unknown) => {
    if (m.in === 'body') {
      body[m.wireName] = value;
      hasBody = true;
      return;
    }
    const serialized = serializeFor(m.in, m.wireName, value, m.style, m.explode);
    if (m.in === 'path') path = path.replace(`{${m.wireName}}`, String(serialized));
    else if (m.in === 'query') query.push(...(serialized as string[]));
    else headers[m.wireName.toLowerCase()] = String(serialized);
  };
  for (const f of action.fixed ?? []) place(f, f.value);
  for (const m of action.request) {
    const contextKey = action.context[m.wireName];
    const value = contextKey !== undefined ? (context as unknown as Record<string, unknown>)[contextKey] : params[m.name];
    if (value === undefined || value === null) {
      if (m.required) throw new ActionFailure({ code: 'VALIDATION', message: `${action.id} needs "${m.name}"`, retryable: false });
      continue;
    }
    place(m, value);
  }
  if (opts.ifMatch && action.acceptsIfMatch) headers['if-match'] = `"${opts.ifMatch}"`;
  if (opts.idempotencyKey && action.acceptsIdempotencyKey) {
    const where = action.idempotency ?? { in: 'header' as const, name: 'Idempotency-Key' };
    if (where.in === 'header') headers[where.name.toLowerCase()] = opts.idempotencyKey;
    else {
      setPath(body, where.name, opts.idempotencyKey);
      hasBody = true;
    }
  }
  if (hasBody) headers['content-type'] = 'application/json';
  return { method: action.method, url: `${baseUrl}${path}${query.length ? `?${query.join('&')}` : ''}`, headers, ...(hasBody ? { body: JSON.stringify(body) } : {}) };
}

export class ActionRunner {
  private readonly credentials: ApiCredentials;

  /** `env` holds the variables an overlay names for its server and credentials. */
  constructor(
    readonly catalog: Catalog,
    private readonly baseUrl: string,
    private readonly timeoutMs: number,
    private readonly env: Record<string, string | undefined> = process.env,
  ) {
    this.credentials = new ApiCredentials(env, timeoutMs);
  }

  /** Base URL of an action's API: its named variable, else the document's server, else ROLLER's. */
  baseUrlFor(action: AtomicAction): string {
    const api = action.api;
    if (!api?.serverVariable) return this.baseUrl;
    const url = this.env[api.serverVariable] ?? api.serverDefault;
    if (!url) throw new ActionFailure({ code: 'NOT_CONFIGURED', message: `${api.title} is not configured: ${api.serverVariable} is not set.`, hint: `Ask an administrator to set ${api.serverVariable} for the worker.`, retryable: false });
    return url.replace(/\/+$/, '');
  }

  async run(actionId: string, params: Record<string, unknown>, context: SessionContext, opts: RunOptions): Promise<ActionResult> {
    const action = this.catalog.get(actionId);
    if (!action) throw new ActionFailure({ code: 'UNKNOWN_ACTION', message: `The action "${actionId}" is not in the catalog.`, retryable: false });
    if (action.safety === 'blocked') throw new ActionFailure({ code: 'BLOCKED', message: `"${action.id}" cannot be done from this service.`, hint: `Do it in ${action.api?.title ?? 'the booking system'} directly if it is really needed.`, retryable: false });
    const baseUrl = this.baseUrlFor(action);
    let res = await this.send(action, params, context, baseUrl, opts);
    // a cached OAuth token the API no longer accepts: fetch a new one and try once more
    if (res.status === 401 && this.credentials.invalidate(action.api, baseUrl)) res = await this.send(action, params, context, baseUrl, opts);
    const text = await res.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (res.status >= 200 && res.status < 300) return { status: res.status, body, etag: res.headers.get('etag') ?? undefined };
    const error = mapHttpError(res.status, body, action.id, opts.timezone ?? context.timezone, action.api?.title, action.api?.auth.type);
    throw new ActionFailure(error, res.status === 429 || res.status === 503 ? parseRetryAfter(res.headers.get('retry-after')) : undefined);
  }

  private async send(action: AtomicAction, params: Record<string, unknown>, context: SessionContext, baseUrl: string, opts: RunOptions): Promise<Response> {
    const auth = await this.credentials.headers(action.api, opts.token, baseUrl);
    const req = buildRequest(action, params, context, baseUrl, { ...opts, auth });
    try {
      return await fetch(req.url, { method: req.method, headers: req.headers, body: req.body, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (e) {
      throw new ActionFailure(networkError(e, action.api?.title));
    }
  }
}
