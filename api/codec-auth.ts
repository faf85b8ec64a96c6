// Who is calling /codec, decided from the request line and headers alone (never the body):
// - the static operator token (CODEC_OPERATOR_TOKEN), for the CLI (`temporal --codec-auth`);
// - a Temporal UI user's OIDC access token ("pass the user access token"), verified against the
//   issuer's JWKS with `jose`: signature, issuer, audience, expiry, and the configured claims;
// - in development only, the secret path segment `npm run dev` gives the Temporal UI.
import { timingSafeEqual } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify, errors as joseErrors, type JWTPayload } from 'jose';
import type { Request } from 'express';
import type { Config } from '../config/config.js';
import { ApiError } from './problem.js';

export type CodecConfig = Config['codec'];

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const unauthorized = (detail: string) => new ApiError(401, 'UNAUTHORIZED', detail, {}, { 'WWW-Authenticate': 'Bearer' });

function isLoopback(address: string | undefined): boolean {
  return !!address && /^(127\.|::1$|::ffff:127\.)/.test(address);
}

function claimHolds(payload: JWTPayload, claim: string, value: string): boolean {
  const v = payload[claim];
  if (Array.isArray(v)) return v.map(String).includes(value);
  if (typeof v === 'string') return claim === 'scope' || claim === 'scp' ? v.split(' ').includes(value) : v === value;
  return v !== undefined && String(v) === value;
}

export class CodecAuth {
  private jwks?: ReturnType<typeof createRemoteJWKSet>;

  constructor(private readonly cfg: CodecConfig) {}

  get enabled(): boolean {
    return !!(this.cfg.operatorToken || this.cfg.oidc || this.cfg.devPathSecret);
  }

  /** The caller's name for the audit line, or an ApiError (401/403). */
  async authenticate(req: Request, pathSecret: string | undefined): Promise<string> {
    if (pathSecret !== undefined) {
      // the development path: a secret only `npm run dev` and its UI know, and only over loopback
      if (!this.cfg.devPathSecret || !safeEqual(pathSecret, this.cfg.devPathSecret) || !isLoopback(req.socket.remoteAddress)) throw new ApiError(404, 'NOT_FOUND', 'No such route.');
      return 'dev-ui';
    }
    if (!this.cfg.operatorToken && !this.cfg.oidc) throw unauthorized('The codec endpoint is disabled: set CODEC_OPERATOR_TOKEN or CODEC_OIDC_ISSUER.');
    const m = /^Bearer\s+(\S{1,8192})$/i.exec(req.get('authorization') ?? '');
    if (!m) throw unauthorized('An operator credential is required.');
    const given = m[1]!;
    if (this.cfg.operatorToken && safeEqual(given, this.cfg.operatorToken)) return 'operator-token';
    if (this.cfg.oidc && given.split('.').length === 3) return `oidc:${await this.verifyOidc(given)}`;
    throw unauthorized('An operator credential is required.');
  }

  private async jwksFor(): Promise<ReturnType<typeof createRemoteJWKSet>> {
    if (this.jwks) return this.jwks;
    const oidc = this.cfg.oidc!;
    let jwksUrl = oidc.jwksUrl;
    if (!jwksUrl) {
      // OpenID Connect discovery: the issuer names its key set
      const res = await fetch(`${oidc.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(5000) }).catch(() => undefined);
      const doc = res?.ok ? ((await res.json().catch(() => ({}))) as { jwks_uri?: string }) : {};
      if (!doc.jwks_uri) throw new ApiError(503, 'UPSTREAM_UNAVAILABLE', 'The identity provider could not be reached to check the sign-in.', {}, { 'Retry-After': '5' });
      jwksUrl = doc.jwks_uri;
    }
    this.jwks = createRemoteJWKSet(new URL(jwksUrl), { timeoutDuration: 5000, cooldownDuration: 30_000, cacheMaxAge: 600_000 });
    return this.jwks;
  }

  private async verifyOidc(token: string): Promise<string> {
    const oidc = this.cfg.oidc!;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, await this.jwksFor(), { issuer: oidc.issuer, audience: oidc.audience, clockTolerance: 30 }));
    } catch (e) {
      if (e instanceof ApiError) throw e;
      if (e instanceof joseErrors.JWKSTimeout || (e instanceof Error && /fetch|ECONNREFUSED|network/i.test(e.message) && !(e instanceof joseErrors.JOSEError))) {
        throw new ApiError(503, 'UPSTREAM_UNAVAILABLE', 'The identity provider could not be reached to check the sign-in.', {}, { 'Retry-After': '5' });
      }
      throw unauthorized('The access token is not valid for this service.');
    }
    for (const { claim, value } of oidc.requiredClaims) {
      if (!claimHolds(payload, claim, value)) throw new ApiError(403, 'FORBIDDEN', 'This sign-in may not decode payloads.');
    }
    return typeof payload.sub === 'string' ? payload.sub : 'unknown';
  }
}
