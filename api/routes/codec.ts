// Remote codec endpoint for operators (Temporal UI / CLI `--codec-endpoint`): decodes and encodes
// payloads with the service's keys. Requires the operator credential; CORS for the UI origin only.
import { timingSafeEqual } from 'node:crypto';
import express, { type Request, type Response, type NextFunction } from 'express';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { ApiError, sendProblem } from '../problem.js';

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

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function codecRouter(codec: PayloadCodec, operatorToken: string | undefined, corsOrigin: string) {
  const router = express.Router();
  router.use((req: Request, res: Response, next: NextFunction) => {
    res.set('Access-Control-Allow-Origin', corsOrigin);
    res.set('Access-Control-Allow-Methods', 'POST, OPTIONS');
    res.set('Access-Control-Allow-Headers', 'Content-Type, Authorization, X-Namespace');
    res.set('Access-Control-Allow-Credentials', 'true');
    res.set('Vary', 'Origin');
    if (req.method === 'OPTIONS') return void res.status(204).end();
    const auth = req.get('authorization') ?? '';
    const given = auth.replace(/^Bearer\s+/i, '');
    if (!operatorToken || !given || !safeEqual(given, operatorToken)) {
      return sendProblem(res, new ApiError(401, 'UNAUTHORIZED', operatorToken ? 'An operator credential is required.' : 'The codec endpoint is disabled: CODEC_OPERATOR_TOKEN is not set.', {}, { 'WWW-Authenticate': 'Bearer' }));
    }
    next();
  });
  const handle = (op: 'encode' | 'decode') => async (req: Request, res: Response) => {
    const payloads = (req.body as { payloads?: unknown })?.payloads;
    if (!Array.isArray(payloads) || payloads.length > 1000) return sendProblem(res, new ApiError(400, 'VALIDATION', 'Expected {"payloads": [...]}'));
    try {
      const out = await codec[op](payloads.map((p) => fromJson(p as JsonPayload)));
      res.json({ payloads: out.map(toJson) });
    } catch {
      sendProblem(res, new ApiError(400, 'CODEC_ERROR', `The payloads could not be ${op}d with the configured keys.`));
    }
  };
  router.post('/encode', handle('encode'));
  router.post('/decode', handle('decode'));
  return router;
}
