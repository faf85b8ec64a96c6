// The gateway's use of Temporal: start, query, update and long-poll session workflows, with every
// Temporal failure mapped to a clear HTTP answer (never a stack trace).
import { createHash, randomBytes } from 'node:crypto';
import {
  Client,
  Connection,
  ServiceError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, defaultPayloadConverter, type PayloadCodec } from '@temporalio/common';
import { status as grpcStatus } from '@grpc/grpc-js';
import type { SessionInput, SessionState } from '../contracts/types.js';
import { TERMINAL_PHASES } from '../contracts/types.js';
import { confirmUpdate, declineUpdate, messageUpdate, stateQuery, waitForChangeUpdate } from '../workflows/messages.js';
import { BookingIdKey, SessionPhaseKey, VenueIdKey } from '../workflows/search-attributes.js';
import type { Identity } from './identity.js';
import { ApiError } from './problem.js';

const RPC_MS = 5000;
/** updates wait for a worker to run the session's next task, which takes longer under load */
const UPDATE_MS = 30_000;

export interface StartRequest {
  message: string;
  bookingId?: string;
  locale?: string;
  timezone?: string;
  sessionKey?: string;
}

/** A retry of a start sends the same request; a different one under the same key is a mistake. */
function requestHash(req: StartRequest): string {
  return createHash('sha256').update(JSON.stringify([req.message, req.bookingId ?? null, req.locale ?? null, req.timezone ?? null])).digest('base64url');
}

function publicState(s: SessionState): SessionState {
  const { owner: _owner, ...rest } = s;
  return rest;
}

export function isTerminal(s: SessionState): boolean {
  return TERMINAL_PHASES.includes(s.phase);
}

/** Maps Temporal errors to API errors. */
export function mapTemporalError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  if (e instanceof WorkflowNotFoundError) return new ApiError(404, 'SESSION_NOT_FOUND', 'No such session.');
  if (e instanceof WorkflowUpdateFailedError) {
    const cause = e.cause;
    const msg = cause instanceof Error ? cause.message : e.message;
    const m = /^(WRONG_PHASE|STALE_PLAN|VALIDATION): (.*)$/s.exec(msg);
    if (m) return new ApiError(m[1] === 'VALIDATION' ? 400 : 409, m[1]!, m[2]!);
    if (cause instanceof ApplicationFailure) return new ApiError(409, 'REJECTED', cause.message);
    return new ApiError(409, 'REJECTED', 'The session did not accept that request.');
  }
  // raw gRPC errors (direct service calls) carry the status code themselves
  const raw = e as { code?: unknown; details?: unknown; message?: string };
  if (!(e instanceof ServiceError) && typeof raw.code === 'number' && e instanceof Error) {
    if (raw.code === grpcStatus.NOT_FOUND) return new ApiError(404, 'SESSION_NOT_FOUND', 'No such session.');
    if (raw.code === grpcStatus.INVALID_ARGUMENT) return new ApiError(404, 'SESSION_NOT_FOUND', 'No such session.');
  }
  if (e instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return new ApiError(503, 'TEMPORAL_UNAVAILABLE', 'The session did not answer in time; try again.', {}, { 'Retry-After': '2' });
  if (e instanceof ServiceError || (e instanceof Error && /UNAVAILABLE|DEADLINE_EXCEEDED|ECONNREFUSED|Failed to connect|connect/i.test(e.message))) {
    const code = (e as { cause?: { code?: number } }).cause?.code ?? (e as { code?: number }).code;
    if (code === grpcStatus.NOT_FOUND) {
      if (/completed|closed|finished/i.test(e.message)) return new ApiError(409, 'SESSION_ENDED', 'The session has already ended.');
      return new ApiError(404, 'SESSION_NOT_FOUND', 'No such session.');
    }
    return new ApiError(503, 'TEMPORAL_UNAVAILABLE', 'The workflow service is unavailable; retry in a few seconds.', {}, { 'Retry-After': '5' });
  }
  return new ApiError(503, 'TEMPORAL_UNAVAILABLE', 'The workflow service could not handle the request; retry in a few seconds.', {}, { 'Retry-After': '5' });
}

export class SessionService {
  constructor(
    readonly client: Client,
    private readonly connection: Connection,
    private readonly taskQueue: string,
    private readonly idleTimeoutMs: number,
    private readonly maxWaitMs: number,
    private readonly codec?: PayloadCodec,
  ) {}

  /**
   * The state the session published as memo, read with one describe call that Temporal serves
   * without a worker round trip; only that memo field is decoded. Undefined when not published yet.
   */
  private async publishedState(id: string, deadlineMs: number): Promise<SessionState | undefined> {
    if (!this.codec) return undefined;
    const res = await this.rpc(() => this.client.workflowService.describeWorkflowExecution({ namespace: this.client.options.namespace, execution: { workflowId: id } }), deadlineMs);
    const field = res.workflowExecutionInfo?.memo?.fields?.sessionState;
    if (!field) return undefined;
    const [decoded] = await this.codec.decode([field as never]);
    return defaultPayloadConverter.fromPayload<SessionState>(decoded!);
  }

  private rpc<T>(fn: () => Promise<T>, ms = RPC_MS): Promise<T> {
    return this.connection.withDeadline(Date.now() + ms, fn).catch((e) => {
      throw mapTemporalError(e);
    });
  }

  async ready(): Promise<boolean> {
    try {
      await this.connection.withDeadline(Date.now() + 2000, () => this.connection.healthService.check({}));
      return true;
    } catch {
      return false;
    }
  }

  private handle(id: string): WorkflowHandle {
    return this.client.workflow.getHandle(id);
  }

  sessionIdFor(identity: Identity, sessionKey?: string): string {
    if (!sessionKey) return `sess_${randomBytes(16).toString('base64url')}`;
    // Same caller + same key = same session id; unguessable without both.
    return `sess_${createHash('sha256').update(`${identity.venueId}\u0000${identity.userId}\u0000${sessionKey}`).digest('base64url').slice(0, 32)}`;
  }

  async start(identity: Identity, token: string, req: StartRequest): Promise<{ state: SessionState; created: boolean }> {
    const sessionId = this.sessionIdFor(identity, req.sessionKey);
    const input: SessionInput = {
      context: { sessionId, venueId: identity.venueId, userId: identity.userId, bookingId: req.bookingId, locale: req.locale, timezone: req.timezone },
      message: req.message,
      token,
      idleTimeoutMs: this.idleTimeoutMs,
    };
    let created = true;
    try {
      await this.connection.withDeadline(Date.now() + RPC_MS, () =>
        this.client.workflow.start('bookingUpdateSession', {
          workflowId: sessionId,
          taskQueue: this.taskQueue,
          args: [input],
          // Temporal's own id conflict handling makes start idempotent: a second start with the same
          // id (same caller + key) is refused by the server, and we answer with the existing session.
          workflowIdConflictPolicy: 'FAIL',
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          typedSearchAttributes: [
            { key: SessionPhaseKey, value: 'planning' },
            { key: VenueIdKey, value: identity.venueId },
            ...(req.bookingId ? [{ key: BookingIdKey, value: req.bookingId }] : []),
          ],
          staticSummary: `Booking update session${req.bookingId ? ` for ${req.bookingId}` : ''}`,
          // what was asked, so a reused session key can be told apart from a retry (encrypted memo)
          memo: { request: requestHash(req) },
        }),
      );
    } catch (e) {
      // the same key after the session ended: answer with that session
      if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw mapTemporalError(e);
      created = false;
      const first = (await this.rpc(() => this.handle(sessionId).describe())).memo?.request;
      // sessions started before the request was recorded carry no hash: they cannot be told apart
      if (typeof first === 'string' && first !== requestHash(req)) {
        throw new ApiError(409, 'SESSION_KEY_REUSED', 'This sessionKey was already used for a different request; use a new key for a new request.');
      }
    }
    // the first query waits for the session's first workflow task, which takes longer under load
    const state = await this.stateFor(identity, sessionId, 20_000);
    return { state, created };
  }

  /** The session's state if it belongs to this identity; 404 otherwise (no hint that it exists). */
  async stateFor(identity: Identity, id: string, deadlineMs = RPC_MS): Promise<SessionState> {
    if (!/^sess_[A-Za-z0-9_-]{16,64}$/.test(id)) throw new ApiError(404, 'SESSION_NOT_FOUND', 'No such session.');
    // The published memo is served by Temporal without a worker round trip; sessions that have not
    // published yet (first task pending, or started before the memo existed) are queried.
    const state = (await this.publishedState(id, deadlineMs)) ?? (await this.rpc(() => this.handle(id).query(stateQuery), deadlineMs));
    if (!state.owner || state.owner.userId !== identity.userId || state.owner.venueId !== identity.venueId) throw new ApiError(404, 'SESSION_NOT_FOUND', 'No such session.');
    return state;
  }

  /** Long-poll: returns as soon as the version differs from `since` (or the wait ends). */
  async waitForChange(id: string, since: number, waitMs: number): Promise<SessionState> {
    const ms = Math.min(Math.max(0, waitMs), this.maxWaitMs);
    try {
      return await this.rpc(() => this.handle(id).executeUpdate(waitForChangeUpdate, { args: [{ sinceVersion: since, timeoutMs: ms }] }), ms + RPC_MS);
    } catch (e) {
      // a finished session cannot take updates: its state is final, so answer with it
      if (e instanceof ApiError && (e.code === 'SESSION_ENDED' || e.code === 'REJECTED' || e.code === 'SESSION_NOT_FOUND')) return this.rpc(() => this.handle(id).query(stateQuery));
      throw e;
    }
  }

  /** Waits until `done(state)` or the wait ends, from a state already read. */
  async waitUntil(id: string, state: SessionState, waitMs: number, done: (s: SessionState) => boolean): Promise<SessionState> {
    const deadline = Date.now() + Math.min(waitMs, this.maxWaitMs);
    let s = state;
    while (!done(s) && !isTerminal(s) && Date.now() < deadline) {
      s = await this.waitForChange(id, s.version, deadline - Date.now());
    }
    return s;
  }

  /** The state of a session that can still take a request; a finished one answers 409. */
  private async openStateFor(identity: Identity, id: string): Promise<SessionState> {
    const state = await this.stateFor(identity, id);
    if (isTerminal(state)) throw new ApiError(409, 'WRONG_PHASE', `the session has ended (${state.phase}); start a new one`);
    return state;
  }

  async message(identity: Identity, id: string, token: string, text: string): Promise<SessionState> {
    await this.openStateFor(identity, id);
    return this.rpc(() => this.handle(id).executeUpdate(messageUpdate, { args: [{ text, token }] }), UPDATE_MS);
  }

  async confirm(identity: Identity, id: string, token: string, planHash: string): Promise<SessionState> {
    await this.openStateFor(identity, id);
    return this.rpc(() => this.handle(id).executeUpdate(confirmUpdate, { args: [{ planHash, token }] }), UPDATE_MS);
  }

  async decline(identity: Identity, id: string): Promise<SessionState> {
    await this.openStateFor(identity, id);
    return this.rpc(() => this.handle(id).executeUpdate(declineUpdate, { args: [{}] }), UPDATE_MS);
  }

  static publicState = publicState;
}
