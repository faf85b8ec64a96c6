// The gateway's use of Temporal: start, query, update and long-poll session workflows, with every
// Temporal failure mapped to a clear HTTP answer (never a stack trace).
import { createHash } from 'node:crypto';
import {
  type Client,
  type Connection,
  ServiceError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, defaultPayloadConverter, type PayloadCodec } from '@temporalio/common';
import { status as grpcStatus } from '@grpc/grpc-js';
import type { ExecutionSettings, SessionInput, SessionState } from '../contracts/types.js';
import { TERMINAL_PHASES } from '../contracts/types.js';
import { confirmUpdate, declineUpdate, detailsQuery, messageUpdate, stateQuery, type PublishedState, type SessionDetails } from '../workflows/messages.js';
import { BookingIdKey, SessionPhaseKey, VenueIdKey } from '../workflows/search-attributes.js';
import type { Identity } from './identity.js';
import { ApiError } from './problem.js';
import { rejectionProblem } from './update-rejection.js';
import { StateWatch, type Payload } from './state-watch.js';
import { ownsSessionId, sessionIdFor } from './session-id.js';
import { Lru } from './lru.js';

const RPC_MS = 5000;
/** plan/booking details held per gateway process, least recently read dropped first (each is fixed per plan hash and booking version) */
const DETAILS_CACHE = 2000;
/** a start is retried with the same id within this budget (the first attempt may have created it) */
const START_BUDGET_MS = 15_000;
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
    const rejected = rejectionProblem(cause);
    if (rejected) return rejected;
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
    private readonly execution?: ExecutionSettings,
  ) {
    this.watch = new StateWatch(
      client,
      connection,
      (id, payload) => this.fromMemo(id, payload),
      (id) => this.rpc(() => this.handle(id).query(stateQuery)),
    );
  }

  private readonly details = new Lru<string, Promise<SessionDetails>>(DETAILS_CACHE);

  /** A memo payload → the full state: a trimmed memo gets its plan and booking from `details`. */
  private async fromMemo(id: string, payload: Payload): Promise<SessionState> {
    const [decoded] = this.codec ? await this.codec.decode([payload as never]) : [payload as never];
    const s = defaultPayloadConverter.fromPayload<SessionState | PublishedState>(decoded!);
    if (!('detailsByQuery' in s)) return s;
    const { detailsByQuery: _trimmed, plan, booking, ...rest } = s;
    if (!plan && !booking) return rest;
    const d = await this.detailsOf(id, plan?.hash, booking?.version);
    // a re-plan raced the read: the details are newer than this memo; read the whole state instead
    if (d.plan?.hash !== plan?.hash || d.booking?.version !== booking?.version) return this.rpc(() => this.handle(id).query(stateQuery));
    return { ...rest, plan: d.plan, booking: d.booking };
  }

  /** One query per plan and booking version per gateway process, shared by concurrent readers. */
  private detailsOf(id: string, planHash?: string, bookingVersion?: string): Promise<SessionDetails> {
    const key = `${id}\u0000${planHash ?? ''}\u0000${bookingVersion ?? ''}`;
    let p = this.details.get(key);
    if (!p) {
      // a busy worker answers queries late: wait longer than for a describe
      p = this.rpc(() => this.handle(id).query(detailsQuery), UPDATE_MS);
      const failed = p;
      // a failed read is not kept (the next reader asks again), unless a newer read replaced it
      p.catch(() => this.details.peek(key) === failed && this.details.delete(key));
      this.details.set(key, p);
    }
    return p;
  }

  /** the shared upstream waits of this gateway process (one per watched session) */
  readonly watch: StateWatch;

  close(): void {
    this.watch.close();
  }

  /**
   * The state the session published as memo, read with one describe call that Temporal serves
   * without a worker round trip; only that memo field is decoded. Undefined when not published yet.
   */
  /**
   * The state the session published as memo, read with one describe call that Temporal serves
   * without a worker round trip; only that memo field is decoded. Undefined when not published.
   */
  private async publishedState(id: string, deadlineMs: number): Promise<SessionState | undefined> {
    const res = await this.rpc(() => this.client.workflowService.describeWorkflowExecution({ namespace: this.client.options.namespace, execution: { workflowId: id } }), deadlineMs);
    const field = res.workflowExecutionInfo?.memo?.fields?.sessionState;
    return field ? this.fromMemo(id, field) : undefined;
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

  /** Same caller + same key = same session id; the id carries its owner (see session-id.ts). */
  sessionIdFor(identity: Identity, sessionKey?: string): string {
    return sessionIdFor(identity, sessionKey);
  }

  /** The state a session has before its first workflow task: published by the start itself. */
  initialState(identity: Identity, sessionId: string): SessionState {
    const now = new Date();
    return {
      sessionId,
      phase: 'planning',
      steps: [],
      version: 1,
      updatedAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + this.idleTimeoutMs).toISOString(),
      owner: { userId: identity.userId, venueId: identity.venueId },
    };
  }

  /**
   * Starts the session and answers at once: no worker is waited for. The start carries the initial
   * state as memo, so reads see a `planning` session until the worker publishes its own.
   */
  async start(identity: Identity, token: string, req: StartRequest): Promise<{ state: SessionState; created: boolean }> {
    const sessionId = this.sessionIdFor(identity, req.sessionKey);
    const input: SessionInput = {
      context: { sessionId, venueId: identity.venueId, userId: identity.userId, bookingId: req.bookingId, locale: req.locale, timezone: req.timezone },
      message: req.message,
      token,
      idleTimeoutMs: this.idleTimeoutMs,
      ...(this.execution ? { execution: this.execution } : {}),
    };
    const initial = this.initialState(identity, sessionId);
    const deadline = Date.now() + START_BUDGET_MS;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.connection.withDeadline(Math.min(deadline, Date.now() + RPC_MS * 2), () =>
          this.client.workflow.start('bookingUpdateSession', {
            workflowId: sessionId,
            taskQueue: this.taskQueue,
            args: [input],
            // the initial state (read until the worker publishes its own) and what was asked, so a
            // reused session key can be told apart from a retry (both encrypted)
            memo: { sessionState: initial, request: requestHash(req) },
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
          }),
        );
        return { state: initial, created: true };
      } catch (e) {
        if (e instanceof WorkflowExecutionAlreadyStartedError) {
          // A random id is ours alone: "already started" means an earlier attempt of this request
          // created it (its answer was lost). With a session key, it is the caller's earlier session.
          if (!req.sessionKey) return { state: initial, created: true };
          const first = (await this.rpc(() => this.handle(sessionId).describe())).memo?.request;
          // sessions started before the request was recorded carry no hash: they cannot be told apart
          if (typeof first === 'string' && first !== requestHash(req)) {
            throw new ApiError(409, 'SESSION_KEY_REUSED', 'This sessionKey was already used for a different request; use a new key for a new request.');
          }
          return { state: await this.stateFor(identity, sessionId), created: false };
        }
        const mapped = mapTemporalError(e);
        // Temporal busy or unreachable: the start may or may not have happened; retrying with the
        // same id cannot create a second session.
        if (mapped.status !== 503 || Date.now() + 500 > deadline) throw mapped;
        await new Promise((r) => setTimeout(r, Math.min(2000, 200 * 2 ** attempt)));
      }
    }
  }

  /**
   * The session's state if it belongs to this identity; 404 otherwise (no hint that it exists).
   * Another caller's session and an id that does not exist are refused from the id alone, before
   * any Temporal call: same path, same work, same answer (no existence oracle by timing).
   */
  async stateFor(identity: Identity, id: string, deadlineMs = RPC_MS, fresh = false): Promise<SessionState> {
    if (!ownsSessionId(identity, id)) throw new ApiError(404, 'SESSION_NOT_FOUND', 'No such session.');
    // A session this process is watching is already known; else the published memo is served by
    // Temporal without a worker round trip. Sessions started before the memo existed are queried.
    // (writes read fresh: a watch may not have seen the last change yet)
    const state = (fresh ? undefined : this.watch.current(id)) ?? (await this.publishedState(id, deadlineMs)) ?? (await this.rpc(() => this.handle(id).query(stateQuery), deadlineMs));
    this.checkOwner(identity, state);
    return state;
  }

  private checkOwner(identity: Identity, state: SessionState) {
    if (!state.owner || state.owner.userId !== identity.userId || state.owner.venueId !== identity.venueId) throw new ApiError(404, 'SESSION_NOT_FOUND', 'No such session.');
  }

  /**
   * Long-poll: returns as soon as the version is past `state.version` or the session ends; when the
   * wait runs out (or Temporal cannot be read) the answer is the latest state known — never an error
   * for a session that exists.
   */
  async waitForChange(state: SessionState, waitMs: number): Promise<SessionState> {
    const ms = Math.min(Math.max(0, waitMs), this.maxWaitMs);
    const next = await this.watch.waitForChange(state.sessionId, state.version, ms);
    return next && next.version >= state.version ? { ...next, owner: next.owner ?? state.owner } : state;
  }

  /** Waits until `done(state)` or the wait ends, from a state already read. */
  async waitUntil(state: SessionState, waitMs: number, done: (s: SessionState) => boolean): Promise<SessionState> {
    const deadline = Date.now() + Math.min(waitMs, this.maxWaitMs);
    let s = state;
    while (!done(s) && !isTerminal(s) && Date.now() < deadline) {
      const next = await this.waitForChange(s, deadline - Date.now());
      if (next.version === s.version && next.phase === s.phase) break;
      s = next;
    }
    return s;
  }

  /** The state of a session that can still take a request; a finished one answers 409. */
  private async openStateFor(identity: Identity, id: string): Promise<SessionState> {
    const state = await this.stateFor(identity, id, RPC_MS, true);
    if (isTerminal(state)) throw new ApiError(409, 'WRONG_PHASE', `the session has ended (${state.phase}); start a new one`);
    return state;
  }

  /**
   * Runs an update with a deterministic id: Temporal attaches a retry with the same id to the first
   * request and answers with its result, so a retried request never acts twice.
   */
  private async update(identity: Identity, id: string, run: (h: WorkflowHandle) => Promise<SessionState>): Promise<SessionState> {
    try {
      return await this.rpc(() => run(this.handle(id)), UPDATE_MS);
    } catch (e) {
      // Temporal answers an update to a closed session as "not found": it exists, it has ended
      if (e instanceof ApiError && (e.code === 'SESSION_NOT_FOUND' || e.code === 'SESSION_ENDED')) {
        const now = await this.stateFor(identity, id, RPC_MS, true);
        if (isTerminal(now)) throw new ApiError(409, 'WRONG_PHASE', `the session has ended (${now.phase}); start a new one`);
      }
      throw e;
    }
  }

  /** `Idempotency-Key` → update id (hashed: the key is the client's and may be long). */
  private static keyed(kind: string, key: string): string {
    return `${kind}:${createHash('sha256').update(key).digest('base64url').slice(0, 32)}`;
  }

  async message(identity: Identity, id: string, token: string, text: string, idempotencyKey?: string): Promise<SessionState> {
    const updateId = idempotencyKey ? SessionService.keyed('message', idempotencyKey) : undefined;
    if (!updateId) await this.openStateFor(identity, id);
    else await this.stateFor(identity, id, RPC_MS, true);
    return this.update(identity, id, (h) => h.executeUpdate(messageUpdate, { args: [{ text, token }], updateId }));
  }

  /**
   * Confirming the plan with hash H is update `confirm:H` (or the client's Idempotency-Key): a retry
   * returns the first confirm's result. After the session has closed Temporal no longer takes
   * updates; then a confirm of the plan that was executed answers with the session's final state.
   */
  async confirm(identity: Identity, id: string, token: string, planHash: string, idempotencyKey?: string): Promise<SessionState> {
    const state = await this.stateFor(identity, id, RPC_MS, true);
    const updateId = idempotencyKey ? SessionService.keyed('confirm', idempotencyKey) : `confirm:${planHash}`;
    if (isTerminal(state)) {
      if (SessionService.executedPlan(state, planHash)) return state;
      throw new ApiError(409, 'WRONG_PHASE', `the session has ended (${state.phase}); start a new one`);
    }
    try {
      return await this.update(identity, id, (h) => h.executeUpdate(confirmUpdate, { args: [{ planHash, token }], updateId }));
    } catch (e) {
      // closed between the read and the update: the same answer as above
      if (e instanceof ApiError && (e.code === 'SESSION_ENDED' || e.code === 'SESSION_NOT_FOUND' || e.code === 'WRONG_PHASE')) {
        const now = await this.stateFor(identity, id, RPC_MS, true);
        if (isTerminal(now) && SessionService.executedPlan(now, planHash)) return now;
      }
      throw e;
    }
  }

  /** The session ran the plan with this hash (it was confirmed: a step left `pending`; an expired or declined session marks its steps `skipped` without running them). */
  private static executedPlan(s: SessionState, planHash: string): boolean {
    if (s.phase === 'expired' || s.phase === 'declined') return false;
    return s.plan?.hash === planHash && s.steps.some((st) => st.status !== 'pending');
  }

  async decline(identity: Identity, id: string): Promise<SessionState> {
    await this.openStateFor(identity, id);
    // only one decline can ever be accepted: a retry attaches to it
    return this.update(identity, id, (h) => h.executeUpdate(declineUpdate, { args: [{}], updateId: 'decline' }));
  }

  static publicState = publicState;
}
