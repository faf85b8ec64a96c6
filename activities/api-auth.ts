// Credentials per API (overlay `auth`): the caller's ROLLER token (passthrough), none at all, a bearer token
// from a named config variable, or an OAuth2 client-credentials token, fetched once and cached
// until it expires or the API answers 401. Secrets are read from the environment at call time and
// never logged or put in messages; a third party never receives the staff member's ROLLER token.
import type { ApiBinding } from '../contracts/types.js';
import { ActionFailure } from './action-errors.js';

type Env = Record<string, string | undefined>;

interface CachedToken {
  token: string;
  expiresAt: number;
}

/** Seconds before the stated expiry at which a cached token is no longer used. */
const EXPIRY_MARGIN_MS = 30_000;

export class ApiCredentials {
  private readonly tokens = new Map<string, CachedToken>();
  private readonly inflight = new Map<string, Promise<CachedToken>>();

  constructor(
    private readonly env: Env,
    private readonly timeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  private variable(api: ApiBinding, name: string): string {
    const value = this.env[name];
    if (!value) throw new ActionFailure({ code: 'NOT_CONFIGURED', message: `${api.title} is not configured: ${name} is not set.`, hint: `Ask an administrator to set ${name} for the worker.`, retryable: false });
    return value;
  }

  /** The credential headers (lower-case names) for one call to `api` at `baseUrl`. */
  async headers(api: ApiBinding | undefined, callerToken: string, baseUrl: string): Promise<Record<string, string>> {
    const auth = api?.auth ?? { type: 'passthrough' as const };
    if (auth.type === 'passthrough') return { authorization: `Bearer ${callerToken}` };
    if (auth.type === 'none') return {};
    if (auth.type === 'bearer') return { authorization: `Bearer ${this.variable(api!, auth.variable)}` };
    if (auth.type === 'api-key') return { [auth.header.toLowerCase()]: this.variable(api!, auth.variable) };
    return { authorization: await this.oauthToken(api!, auth, baseUrl) };
  }

  private async oauthToken(api: ApiBinding, auth: Extract<ApiBinding['auth'], { type: 'oauth2-client-credentials' }>, baseUrl: string): Promise<string> {
    const key = `${auth.tokenUrl}|${auth.clientIdVariable}|${baseUrl}`;
    const cached = this.tokens.get(key);
    if (cached && cached.expiresAt > this.now()) return `Bearer ${cached.token}`;
    let pending = this.inflight.get(key);
    if (!pending) {
      pending = this.fetchToken(api, auth, baseUrl).finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    const fresh = await pending;
    this.tokens.set(key, fresh);
    return `Bearer ${fresh.token}`;
  }

  /** Forget a cached token (the API answered 401 with it). Returns whether there was one to forget. */
  invalidate(api: ApiBinding | undefined, baseUrl: string): boolean {
    const auth = api?.auth;
    if (auth?.type !== 'oauth2-client-credentials') return false;
    return this.tokens.delete(`${auth.tokenUrl}|${auth.clientIdVariable}|${baseUrl}`);
  }

  private async fetchToken(api: ApiBinding, auth: Extract<ApiBinding['auth'], { type: 'oauth2-client-credentials' }>, baseUrl: string): Promise<CachedToken> {
    const url = /^https?:\/\//.test(auth.tokenUrl) ? auth.tokenUrl : `${baseUrl}${auth.tokenUrl.startsWith('/') ? '' : '/'}${auth.tokenUrl}`;
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: this.variable(api, auth.clientIdVariable), client_secret: this.variable(api, auth.clientSecretVariable) });
    if (auth.scope) form.set('scope', auth.scope);
    let res: Response;
    try {
      res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: form.toString(), signal: AbortSignal.timeout(this.timeoutMs) });
    } catch {
      throw new ActionFailure({ code: 'UPSTREAM_UNAVAILABLE', message: `${api.title} could not be reached to sign in.`, hint: 'Try again in a few minutes.', retryable: true });
    }
    const body = (await res.json().catch(() => undefined)) as { access_token?: string; expires_in?: number } | undefined;
    if (!res.ok || typeof body?.access_token !== 'string') {
      const retryable = res.status >= 500 || res.status === 429;
      throw new ActionFailure({ code: retryable ? 'UPSTREAM_UNAVAILABLE' : 'NOT_CONFIGURED', message: `${api.title} refused this service's sign-in (HTTP ${res.status}).`, hint: retryable ? 'Try again in a few minutes.' : `Ask an administrator to check ${auth.clientIdVariable} and ${auth.clientSecretVariable}.`, retryable, httpStatus: res.status });
    }
    const ttlMs = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in * 1000 : 3_600_000;
    return { token: body.access_token, expiresAt: this.now() + Math.max(0, ttlMs - EXPIRY_MARGIN_MS) };
  }
}
