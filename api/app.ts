// The gateway (docs/design.md §7): a stateless Express app over the session workflow.
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { rateLimit } from 'express-rate-limit';
import { readFileSync } from 'node:fs';
import { load as loadYaml } from 'js-yaml';
import type { PayloadCodec } from '@temporalio/common';
import type { Catalog } from '../catalog/importer.js';
import type { Logger } from '../observability/logger.js';
import { ApiError, sendProblem } from './problem.js';
import type { IdentityResolver } from './identity.js';
import type { SessionService } from './session-service.js';
import { mapTemporalError } from './session-service.js';
import { sessionsRouter } from './routes/sessions.js';
import { codecRouter } from './routes/codec.js';
import { signInThrottle } from './sign-in-throttle.js';
import type { createMetrics } from './metrics.js';
import type { TokenSeal } from '../codec/token-seal.js';
import type { CodecConfig } from './codec-auth.js';
import { MCP_PATH, RESOURCE_METADATA_PATH, mcpErrors, mcpRouter, resourceMetadata } from './mcp/http.js';

export const GATEWAY_OPENAPI = loadYaml(readFileSync(new URL('./openapi.yaml', import.meta.url), 'utf8')) as Record<string, unknown>;

export interface GatewayDeps {
  service: SessionService;
  identity: IdentityResolver;
  catalog: Catalog;
  codec: PayloadCodec;
  metrics: ReturnType<typeof createMetrics>;
  log: Logger;
  /** seals the staff token before it goes into Temporal (only the worker opens it) */
  seal: TokenSeal;
  options: {
    maxWaitMs: number;
    rateLimitPerMinute: number;
    clientRateLimitPerMinute: number;
    authFailuresPerMinute: number;
    writeScope: string;
    trustProxy?: string;
    codec: CodecConfig;
    bodyLimit?: string;
  };
}

type Authed = Request & { identity: { userId: string; venueId: string; scopes: string[] }; token: string };

export function createGatewayApp(deps: GatewayDeps) {
  const { service, identity, catalog, metrics, log, options } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  if (options.trustProxy) app.set('trust proxy', /^\d+$/.test(options.trustProxy) ? Number(options.trustProxy) : options.trustProxy === 'true' ? true : options.trustProxy);
  app.use(helmet());

  // metrics + access log (no headers, no bodies: they carry tokens and PII)
  const debug = log.isLevelEnabled('debug');
  app.use((req, res, next) => {
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      const route = req.route?.path ? `${req.baseUrl}${req.route.path}` : req.baseUrl || 'unmatched';
      const labels = { route, method: req.method, status: String(res.statusCode) };
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      metrics.requests.inc(labels);
      metrics.latency.observe(labels, seconds);
      // one line per request only when asked for: the object is not even built otherwise
      if (debug) log.debug({ ...labels, ms: Math.round(seconds * 1000) }, 'request');
    });
    next();
  });

  app.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
  app.get('/readyz', async (_req, res) => {
    if (await service.ready()) return void res.json({ status: 'ready', temporal: 'reachable' });
    sendProblem(res, new ApiError(503, 'TEMPORAL_UNAVAILABLE', 'Temporal is not reachable.', {}, { 'Retry-After': '5' }));
  });
  app.get('/metrics', async (_req, res) => {
    res.set('Content-Type', metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.get(['/v1/openapi.json', '/openapi.json'], (_req, res) => void res.json(GATEWAY_OPENAPI));

  const json = express.json({ limit: options.bodyLimit ?? '16kb', strict: true, type: () => true });
  const requireJson = (req: Request, _res: Response, next: NextFunction) => {
    const hasBody = Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
    if (hasBody && !req.is('application/json')) return next(new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json.'));
    next();
  };
  // Per client address, before any credential is looked at: a flood costs no upstream call.
  const perClient = rateLimit({
    windowMs: 60_000,
    limit: options.clientRateLimitPerMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, _res, next) => next(new ApiError(429, 'RATE_LIMITED', 'Too many requests from this address; slow down and retry shortly.', {}, { 'Retry-After': '10' })),
  });
  // Failed sign-ins per client address: past the limit the address is refused before authentication.
  const failedSignIns = signInThrottle(options.authFailuresPerMinute);
  app.use(['/v1', '/codec', MCP_PATH], perClient, failedSignIns);

  app.use('/codec', codecRouter(deps.codec, options.codec, log));

  // ROLLER bearer token → identity; everything under /v1 needs it
  const authenticate = async (req: Request, _res: Response, next: NextFunction) => {
    const auth = req.get('authorization') ?? '';
    const m = /^Bearer\s+([A-Za-z0-9._~+/=-]{1,2048})$/.exec(auth);
    if (!m) return next(new ApiError(401, 'UNAUTHORIZED', 'Send the ROLLER bearer token in the Authorization header.', {}, { 'WWW-Authenticate': 'Bearer' }));
    const token = m[1]!;
    (req as Authed).identity = await identity.resolve(token);
    // from here on the token only travels sealed: Temporal (and whoever decodes its payloads) never
    // sees it. Sealed when a route first asks for it: reads (most requests: polls) never do.
    let sealed: string | undefined;
    Object.defineProperty(req, 'token', { get: () => (sealed ??= deps.seal.seal(token)), enumerable: false });
    next();
  };
  // Starting a change and confirming one need the write scope; ROLLER is not left to refuse the write.
  const needsWrite = (req: Request, _res: Response, next: NextFunction) => {
    const writes = req.method === 'POST' && (req.path === '/' || /^\/[^/]+\/confirm\/?$/.test(req.path));
    if (writes && !(req as Authed).identity.scopes.includes(options.writeScope)) {
      return next(new ApiError(403, 'INSUFFICIENT_SCOPE', `This sign-in may read bookings but not change them (the ${options.writeScope} scope is needed).`));
    }
    next();
  };
  const limiter = rateLimit({
    windowMs: 60_000,
    limit: options.rateLimitPerMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    // per identity (venue + user), whatever token the caller happens to hold
    keyGenerator: (req) => `${(req as Authed).identity.venueId}:${(req as Authed).identity.userId}`,
    handler: (_req, _res, next) => next(new ApiError(429, 'RATE_LIMITED', 'Too many requests; slow down and retry shortly.', {}, { 'Retry-After': '10' })),
  });

  app.get('/v1/actions', authenticate, limiter, (_req, res) => void res.json({ actions: catalog.views().filter((a) => a.safety !== 'blocked') }));
  app.use('/v1/sessions', authenticate, limiter, needsWrite, requireJson, json, sessionsRouter(service, options.maxWaitMs));
  // MCP (Streamable HTTP, stateless): the same caller, limits and session service as /v1/sessions
  app.get([RESOURCE_METADATA_PATH, '/.well-known/oauth-protected-resource'], resourceMetadata(options.writeScope));
  app.use(
    MCP_PATH,
    authenticate,
    limiter,
    express.json({ limit: '64kb' }),
    mcpRouter({ service, catalog, writeScope: options.writeScope, maxWaitMs: options.maxWaitMs }),
    mcpErrors(options.writeScope),
  );

  app.use((_req, _res, next) => next(new ApiError(404, 'NOT_FOUND', 'No such route.')));
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const e = err as { type?: string; status?: number };
    if (err instanceof ApiError) return sendProblem(res, err);
    if (e?.type === 'entity.parse.failed') return sendProblem(res, new ApiError(400, 'BAD_JSON', 'The body is not valid JSON.'));
    if (e?.type === 'entity.too.large') return sendProblem(res, new ApiError(413, 'TOO_LARGE', 'The body is too large.'));
    if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') return sendProblem(res, new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the body as UTF-8 JSON.'));
    if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) return sendProblem(res, new ApiError(400, 'BAD_REQUEST', 'The request could not be read.'));
    const mapped = mapTemporalError(err);
    log.warn({ code: mapped.code, err: err instanceof Error ? err.message : String(err) }, 'request failed');
    sendProblem(res, mapped);
  });
  return app;
}
