// Remote codec endpoint for operators (Temporal UI / CLI `--codec-endpoint`): decodes and encodes
// payloads with the payload keys only (staff tokens inside stay sealed under keys this never holds).
// Order per request: CORS (listed origins only) → credential (headers only) → rate limit per
// caller → body (4 MB) → one audit line (caller, payload count).
import express, { type Request, type Response, type NextFunction } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Payload, PayloadCodec } from '@temporalio/common';
import type { Logger } from '../../observability/logger.js';
import { ApiError, sendProblem } from '../problem.js';
import { CodecAuth, type CodecConfig } from '../codec-auth.js';

interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

const fromJson = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(String(v), 'base64')])),
  data: p.data !== undefined ? Buffer.from(String(p.data), 'base64') : undefined,
});
const toJson = (p: Payload): JsonPayload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v as Uint8Array).toString('base64')])),
  ...(p.data ? { data: Buffer.from(p.data).toString('base64') } : {}),
});

type CodecRequest = Request & { codecCaller?: string };

export function codecRouter(codec: PayloadCodec, cfg: CodecConfig, log: Logger) {
  const router = express.Router();
  const auth = new CodecAuth(cfg);
  const allowed = new Set(cfg.corsOrigins);

  router.use((req: Request, res: Response, next: NextFunction) => {
    const origin = req.get('origin');
    res.set('Vary', 'Origin');
    if (origin && allowed.has(origin)) {
      res.set('Access-Control-Allow-Origin', origin);
      res.set('Access-Control-Allow-Methods', 'POST, OPTIONS');
      res.set('Access-Control-Allow-Headers', 'Content-Type, Authorization, X-Namespace');
      res.set('Access-Control-Allow-Credentials', 'true');
      res.set('Access-Control-Max-Age', '600');
    }
    if (req.method === 'OPTIONS') return void res.status(204).end();
    next();
  });

  const authenticate = (secretOf: (req: Request) => string | undefined) => async (req: Request, _res: Response, next: NextFunction) => {
    try {
      (req as CodecRequest).codecCaller = await auth.authenticate(req, secretOf(req));
      next();
    } catch (e) {
      next(e);
    }
  };
  const limiter = rateLimit({
    windowMs: 60_000,
    limit: cfg.rateLimitPerMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req) => `codec:${(req as CodecRequest).codecCaller}`,
    handler: (_req, _res, next) => next(new ApiError(429, 'RATE_LIMITED', 'Too many codec requests; slow down and retry shortly.', {}, { 'Retry-After': '10' })),
  });
  const body = express.json({ limit: '4mb', type: () => true });

  const handle = (op: 'encode' | 'decode') => async (req: Request, res: Response) => {
    const payloads = (req.body as { payloads?: unknown })?.payloads;
    if (!Array.isArray(payloads) || payloads.length > 1000) return sendProblem(res, new ApiError(400, 'VALIDATION', 'Expected {"payloads": [...]}'));
    // the audit line: who, how many; never what
    log.info({ caller: (req as CodecRequest).codecCaller, payloads: payloads.length }, `codec ${op}`);
    try {
      const out = await codec[op](payloads.map((p) => fromJson(p as JsonPayload)));
      res.json({ payloads: out.map(toJson) });
    } catch {
      sendProblem(res, new ApiError(400, 'CODEC_ERROR', `The payloads could not be ${op}d with the configured keys.`));
    }
  };
  for (const op of ['encode', 'decode'] as const) {
    router.post(`/${op}`, authenticate(() => undefined), limiter, body, handle(op));
    router.post(`/dev/:secret/${op}`, authenticate((req) => String(req.params.secret)), limiter, body, handle(op));
  }
  return router;
}
