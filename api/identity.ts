// Resolves the caller's ROLLER bearer token to (user, venue, scopes) through ROLLER's identity
// operation. Cached under a hash of the token (the token itself is never kept as a key or logged):
// - accepted tokens for `ttlMs`, and up to `staleMs` longer while the identity endpoint is down
//   (owners keep reading their sessions through a short ROLLER outage);
// - refused tokens for `negativeTtlMs` (garbage tokens do not each cost an upstream call);
// - one upstream call at a time per token (concurrent requests share it).
import { createHash } from 'node:crypto';
import { ApiError } from './problem.js';

export interface Identity {
  userId: string;
  venueId: string;
  scopes: string[];
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface IdentityOptions {
  ttlMs: number;
  timeoutMs: number;
  negativeTtlMs?: number;
  staleMs?: number;
  maxEntries?: number;
  now?: () => number;
}

const MAX_ENTRIES = 10_000;

class Unavailable extends ApiError {
  constructor(detail: string) {
    super(503, 'UPSTREAM_UNAVAILABLE', detail, {}, { 'Retry-After': '5' });
  }
}

/** A Map that forgets its oldest entries past a size bound. */
function remember<V>(map: Map<string, V>, key: string, value: V, max: number) {
  map.delete(key);
  map.set(key, value);
  while (map.size > max) map.delete(map.keys().next().value!);
}

export class IdentityResolver {
  private readonly accepted = new Map<string, { identity: Identity; expires: number }>();
  private readonly refused = new Map<string, number>();
  private readonly inFlight = new Map<string, Promise<Identity>>();
  private readonly now: () => number;
  /** upstream identity calls made (for metrics and tests) */
  upstreamCalls = 0;

  constructor(
    private readonly baseUrl: string,
    private readonly identityPath: string,
    private readonly opts: IdentityOptions,
  ) {
    this.now = opts.now ?? Date.now;
  }

  async resolve(token: string): Promise<Identity> {
    const key = tokenHash(token);
    const now = this.now();
    const hit = this.accepted.get(key);
    if (hit && hit.expires > now) return hit.identity;
    const refusedUntil = this.refused.get(key);
    if (refusedUntil !== undefined && refusedUntil > now) throw this.unauthorized();
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const lookup = this.lookup(token, key).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, lookup);
    return lookup;
  }

  private unauthorized() {
    return new ApiError(401, 'UNAUTHORIZED', 'The ROLLER token is not valid.', {}, { 'WWW-Authenticate': 'Bearer' });
  }

  private async lookup(token: string, key: string): Promise<Identity> {
    const max = this.opts.maxEntries ?? MAX_ENTRIES;
    try {
      const identity = await this.fetchIdentity(token);
      this.refused.delete(key);
      remember(this.accepted, key, { identity, expires: this.now() + this.opts.ttlMs }, max);
      return identity;
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        this.accepted.delete(key);
        remember(this.refused, key, this.now() + (this.opts.negativeTtlMs ?? 30_000), max);
        throw e;
      }
      // ROLLER's identity endpoint is down: a recently accepted identity is served, for a bounded time
      const stale = this.accepted.get(key);
      if (stale && stale.expires + (this.opts.staleMs ?? 0) > this.now()) return stale.identity;
      if (stale) this.accepted.delete(key);
      throw e;
    }
  }

  private async fetchIdentity(token: string): Promise<Identity> {
    this.upstreamCalls += 1;
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${this.identityPath}`, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' }, signal: AbortSignal.timeout(this.opts.timeoutMs) });
    } catch {
      throw new Unavailable('ROLLER could not be reached to check your sign-in; try again shortly.');
    }
    if (res.status === 401 || res.status === 403) {
      await res.body?.cancel();
      throw this.unauthorized();
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new Unavailable('ROLLER could not check your sign-in right now; try again shortly.');
    }
    const body = (await res.json().catch(() => ({}))) as Partial<Identity>;
    if (typeof body.userId !== 'string' || typeof body.venueId !== 'string') throw new Unavailable('ROLLER answered the sign-in check unexpectedly.');
    return { userId: body.userId, venueId: body.venueId, scopes: Array.isArray(body.scopes) ? body.scopes.map(String) : [] };
  }
}
