// /v1/sessions: what the iQ orchestrator and the mobile app talk to.
import express, { type Request, type Response } from 'express';
import type { SessionState } from '../../contracts/types.js';
import { ApiError } from '../problem.js';
import { SessionService, isTerminal, type StartRequest } from '../session-service.js';
import { parseWait, validateBody } from '../validation.js';
import type { Identity } from '../identity.js';

type Authed = Request & { identity: Identity; token: string };

const etagOf = (s: SessionState) => `"v${s.version}"`;

function versionFromEtag(header: string | undefined): number | undefined {
  if (!header) return undefined;
  const m = /"v(\d+)"/.exec(header);
  return m ? Number(m[1]) : undefined;
}

/** `Idempotency-Key`: a retry with the same key gets the first request's answer. */
function idempotencyKey(req: Request): string | undefined {
  const key = req.get('idempotency-key');
  if (key === undefined) return undefined;
  if (!/^[\x21-\x7e]{8,255}$/.test(key)) {
    throw new ApiError(400, 'VALIDATION', 'Idempotency-Key must be 8–255 visible ASCII characters', { errors: [{ field: 'Idempotency-Key', message: 'must be 8–255 visible ASCII characters' }] });
  }
  return key;
}

function send(res: Response, s: SessionState, status = 200) {
  res.set('ETag', etagOf(s)).set('Cache-Control', 'no-cache').status(status).json(SessionService.publicState(s));
}

export function sessionsRouter(service: SessionService, maxWaitMs: number) {
  const router = express.Router();
  const a = (req: Request) => req as Authed;

  router.post('/', async (req, res) => {
    const body = validateBody<StartRequest>('startSession', req.body);
    const wait = parseWait(req.query.wait, maxWaitMs);
    const { identity, token } = a(req);
    const started = await service.start(identity, token, body);
    // the session exists from here on: a wait that runs out answers with its current state
    const state = wait ? await service.waitUntil(started.state, wait, (s) => s.phase !== 'planning') : started.state;
    res.set('Location', `/v1/sessions/${state.sessionId}`);
    send(res, state, started.created ? 201 : 200);
  });

  router.get('/:id', async (req, res) => {
    const { identity } = a(req);
    const wait = parseWait(req.query.wait, maxWaitMs);
    const known = versionFromEtag(req.get('if-none-match'));
    let state = await service.stateFor(identity, String(req.params.id));
    if (wait && known !== undefined && state.version === known && !isTerminal(state)) {
      state = await service.waitForChange(state, wait);
    }
    if (known !== undefined && known === state.version) {
      res.set('ETag', etagOf(state)).status(304).end();
      return;
    }
    send(res, state);
  });

  router.post('/:id/messages', async (req, res) => {
    const body = validateBody<{ message: string }>('message', req.body);
    const wait = parseWait(req.query.wait, maxWaitMs);
    const { identity, token } = a(req);
    const id = String(req.params.id);
    let state = await service.message(identity, id, token, body.message, idempotencyKey(req));
    if (wait) state = await service.waitUntil(state, wait, (s) => s.phase !== 'planning');
    send(res, state);
  });

  router.post('/:id/confirm', async (req, res) => {
    const body = validateBody<{ planHash: string }>('confirm', req.body);
    const wait = parseWait(req.query.wait, maxWaitMs);
    const { identity, token } = a(req);
    const id = String(req.params.id);
    let state = await service.confirm(identity, id, token, body.planHash, idempotencyKey(req));
    if (wait) state = await service.waitUntil(state, wait, isTerminal);
    send(res, state);
  });

  router.post('/:id/decline', async (req, res) => {
    validateBody('decline', req.body);
    const { identity } = a(req);
    send(res, await service.decline(identity, String(req.params.id)));
  });

  router.all('/', (_req, _res) => {
    throw new ApiError(405, 'METHOD_NOT_ALLOWED', 'Use POST to start a session.');
  });
  return router;
}
