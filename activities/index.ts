// The worker's activities: all I/O of a session (planning, ROLLER reads and writes) lives here.
import { ApplicationFailure, heartbeat, activityInfo, Context } from '@temporalio/activity';
import type {
  BookingSummary,
  CaptureOutput,
  CompensateInput,
  ExecuteInput,
  ExecuteOutput,
  PlanningInput,
  PlanningResult,
  SessionContext,
  VerifyInput,
  VerifyOutput,
} from '../contracts/types.js';
import type { Catalog } from '../catalog/importer.js';
import { evaluateMapping } from '../catalog/mapping.js';
import { ActionFailure } from './action-errors.js';
import type { ActionRunner } from './action-runner.js';
import { summarizeBooking } from './booking.js';
import { readSessionBooking } from './booking-source.js';
import { identifyWrite, versionOf } from './write-identity.js';
import type { Planner } from '../planner/planner.js';
import type { Logger } from '../observability/logger.js';

/** Default cap of an upstream Retry-After (ROLLER_RETRY_AFTER_MAX_SECONDS). */
export const RETRY_AFTER_MAX_MS = 60_000;

/**
 * An ActionFailure as a Temporal failure. An upstream Retry-After sets the next retry, capped: a
 * `Retry-After: 86400` must not park a session for a day.
 */
function toFailure(e: unknown, retryAfterMaxMs = RETRY_AFTER_MAX_MS): never {
  if (e instanceof Error && e.name === 'ScriptError') throw ApplicationFailure.nonRetryable(e.message, 'PLANNER_SCRIPT');
  if (e instanceof ActionFailure) {
    throw ApplicationFailure.create({
      type: e.error.code,
      message: e.error.message,
      nonRetryable: !e.error.retryable,
      details: [e.error],
      ...(e.retryAfterMs !== undefined ? { nextRetryDelay: Math.min(e.retryAfterMs, retryAfterMaxMs) } : {}),
    });
  }
  throw e;
}

/** Heartbeats while a call is in flight, so a dead worker is noticed in seconds, not at the timeout. */
async function withHeartbeat<T>(fn: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    Context.current();
    timer = setInterval(() => heartbeat(), 1000);
  } catch {
    /* not inside an activity (direct calls in tests) */
  }
  try {
    return await fn();
  } finally {
    if (timer) clearInterval(timer);
  }
}

export interface ActivityDeps {
  catalog: Catalog;
  runner: ActionRunner;
  planner: Planner;
  log: Logger;
  /** overrides the catalog's `role: booking` read */
  bookingAction?: string;
  /** cap of an upstream Retry-After (ms) */
  retryAfterMaxMs?: number;
}

export function createActivities(deps: ActivityDeps) {
  const { catalog, runner, planner, log } = deps;
  const readBookingRaw = (context: SessionContext, token: string) => readSessionBooking(catalog, runner, context, token, deps.bookingAction);
  const fail = (e: unknown): never => toFailure(e, deps.retryAfterMaxMs ?? RETRY_AFTER_MAX_MS);

  return {
    /** The ReAct planner (or the offline one): conversation → plan | question | refusal. */
    async planSession(input: PlanningInput): Promise<PlanningResult> {
      const info = activityInfo();
      log.info({ sessionId: input.context.sessionId, attempt: info.attempt }, 'planning');
      const resumeFrom = info.heartbeatDetails;
      try {
        return await planner.plan(input, { heartbeat: (d: unknown) => heartbeat(d), resumeFrom, signal: Context.current().cancellationSignal });
      } catch (e) {
        return fail(e);
      }
    },

    /** Current booking version + summary, read right before the first write. */
    async readBooking(context: SessionContext, token: string): Promise<BookingSummary> {
      try {
        return summarizeBooking(await readBookingRaw(context, token));
      } catch (e) {
        return fail(e);
      }
    },

    /** Before-state for a reversible step, through the action's capture read. */
    async captureBefore(input: { actionId: string; params: Record<string, unknown>; context: SessionContext; token: string }): Promise<CaptureOutput> {
      const action = catalog.require(input.actionId);
      if (!action.capture) return { before: undefined };
      try {
        const params = await evaluateMapping(action.capture.params ?? {}, { params: input.params, context: input.context });
        const res = await runner.run(action.capture.action, params, input.context, { token: input.token });
        return { before: res.body };
      } catch (e) {
        return fail(e);
      }
    },

    async executeStep(input: ExecuteInput): Promise<ExecuteOutput> {
      try {
        const res = await withHeartbeat(() => runner.run(input.actionId, input.params, input.context, { token: input.token, idempotencyKey: input.idempotencyKey, ifMatch: input.ifMatch }));
        log.info({ sessionId: input.context.sessionId, action: input.actionId, status: res.status }, 'step executed');
        const version = versionOf(res);
        return { status: res.status, body: res.body, ...(version ? { version } : {}) };
      } catch (e) {
        log.warn({ sessionId: input.context.sessionId, action: input.actionId, code: e instanceof ActionFailure ? e.error.code : 'ERROR' }, 'step failed');
        return fail(e);
      }
    },

    /**
     * Did this session's write happen? By the write's identity (activities/write-identity.ts): sent
     * again under its idempotency key, else the booking's version against the one it was sent against.
     */
    async verifyStep(input: VerifyInput): Promise<VerifyOutput> {
      try {
        const result = await identifyWrite(catalog, runner, input);
        log.info({ sessionId: input.context.sessionId, action: input.actionId, tookEffect: result.tookEffect, refusal: result.refusal?.code }, 'step effect read back');
        return result;
      } catch (e) {
        return fail(e);
      }
    },

    async compensateStep(input: CompensateInput): Promise<ExecuteOutput> {
      const action = catalog.require(input.actionId);
      if (!action.compensation) throw ApplicationFailure.nonRetryable(`${input.actionId} has no compensation`, 'NO_COMPENSATION');
      try {
        const params = await evaluateMapping(action.compensation.params, { params: input.params, before: input.before, result: input.result, context: input.context });
        // If-Match: the version this service's last write produced; a 412 means someone else has
        // changed the booking since, and the undo must not overwrite their change.
        const res = await withHeartbeat(() => runner.run(action.compensation!.action, params, input.context, { token: input.token, idempotencyKey: input.idempotencyKey, ifMatch: input.ifMatch }));
        log.info({ sessionId: input.context.sessionId, action: action.compensation.action, status: res.status }, 'step compensated');
        const version = versionOf(res);
        return { status: res.status, body: res.body, ...(version ? { version } : {}) };
      } catch (e) {
        log.warn({ sessionId: input.context.sessionId, action: action.compensation.action, code: e instanceof ActionFailure ? e.error.code : 'ERROR' }, 'compensation failed');
        return fail(e);
      }
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
