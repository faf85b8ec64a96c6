// Resolves the caller's ROLLER bearer token to (user, venue) through ROLLER's identity operation,
// cached briefly under a hash of the token (the token itself is never kept as a key or logged).
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

export class IdentityResolver {
  private readonly cache = new Map<string, { identity: Identity; expires: number }>();

  constructor(
    private readonly baseUrl: string,
    private readonly identityPath: string,
    private readonly ttlMs: number,
    private readonly timeoutMs: number,
  ) {}

  async resolve(token: string): Promise<Identity> {
    const key = tokenHash(token);
    const hit = this.cache.get(key);
    if (hit && hit.expires > Date.now()) return hit.identity;
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${this.identityPath}`, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' }, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch {
      throw new ApiError(503, 'UPSTREAM_UNAVAILABLE', 'ROLLER could not be reached to check your sign-in; try again shortly.', {}, { 'Retry-After': '5' });
    }
    if (res.status === 401 || res.status === 403) throw new ApiError(401, 'UNAUTHORIZED', 'The ROLLER token is not valid.');
    if (!res.ok) throw new ApiError(503, 'UPSTREAM_UNAVAILABLE', 'ROLLER could not check your sign-in right now; try again shortly.', {}, { 'Retry-After': '5' });
    const body = (await res.json().catch(() => ({}))) as Partial<Identity>;
    if (typeof body.userId !== 'string' || typeof body.venueId !== 'string') throw new ApiError(503, 'UPSTREAM_UNAVAILABLE', 'ROLLER answered the sign-in check unexpectedly.');
    const identity = { userId: body.userId, venueId: body.venueId, scopes: Array.isArray(body.scopes) ? body.scopes.map(String) : [] };
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(key, { identity, expires: Date.now() + this.ttlMs });
    return identity;
  }
}
