// The execution of a confirmed plan: check the booking is as planned, run the steps in order with a
// compensation stack, and on a failure roll back. Deterministic: all I/O happens in activities.
//
// Replay note: the state memo is published once per workflow task, on a microtask queued by the
// first change (workflows/session-model.ts). A change followed by a command must stay in the same
// synchronous run as that command (no `await` of a function in between), or the recorded order of
// commands changes; hence the step loop below marks steps itself around `await runStep(…)`.
import { CancellationScope, patched, proxyActivities, proxyLocalActivities, upsertSearchAttributes, type ActivityOptions } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { ActionError, ExecutionSettings, Plan, PlanStep, SessionState } from '../contracts/types.js';
import { actionErrorOf, apiName, certainlyNotApplied } from './failures.js';
import { legacyRollBack } from './legacy-rollback.js';
import { rollBack, type IrreversibleRun, type StackEntry } from './rollback.js';
import { NeedsAttentionKey } from './search-attributes.js';
import type { SessionModel } from './session-model.js';

const RETRY_TRANSIENT = { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '20s', maximumAttempts: 5 };
// Reads and idempotent writes retry transient failures (5xx, timeouts, 429 after Retry-After);
// 4xx are thrown non-retryable by the activities. Writes without idempotency run once.
// Writes heartbeat while their HTTP call is in flight: a worker that dies mid-call is noticed in
// seconds and the step retried (same idempotency key) on another worker.
const READ: ActivityOptions = { startToCloseTimeout: '30s', retry: RETRY_TRANSIENT };
const WRITE_IDEMPOTENT: ActivityOptions = { startToCloseTimeout: '30s', heartbeatTimeout: '5s', retry: RETRY_TRANSIENT };
const WRITE_ONCE: ActivityOptions = { startToCloseTimeout: '30s', heartbeatTimeout: '5s', retry: { maximumAttempts: 1 } };
const io = proxyActivities<Activities>(READ);
// Reads before writes (version check, before-state capture) are short and safe to repeat: run them
// as local activities, recorded in history without a task-queue round trip each.
const LOCAL_READ = { startToCloseTimeout: '30s', retry: RETRY_TRANSIENT } as const;
const local = proxyLocalActivities<Activities>(LOCAL_READ);

type Bounded = { scheduleToCloseTimeout: number };
/** What the steps run so far left behind: what to undo, what cannot be, the booking's version. */
interface Run {
  stack: StackEntry[];
  irreversible: IrreversibleRun[];
  /** the version this service's last write produced: the If-Match of the next write and of undos */
  version: string;
}

/** Runs the confirmed plan to its outcome (completed, rolled back, needs attention or failed). */
export async function execute(session: SessionModel, plan: Plan, settings: ExecutionSettings): Promise<SessionState> {
  session.state.expiresAt = undefined;
  // every read and write of the execution has a schedule-to-close: no session stays in `executing`
  // beyond (steps × stepTimeout) without an outcome, whatever ROLLER does (Retry-After included)
  const bounded = { scheduleToCloseTimeout: settings.stepTimeoutMs };
  if (!(await bookingAsPlanned(session, plan, bounded))) return session.state;
  const run: Run = { stack: [], irreversible: [], version: plan.bookingVersion };
  for (const step of plan.steps) {
    session.setStep(step.index, 'running');
    const error = await runStep(session, plan, step, run, bounded);
    if (error) {
      session.setStep(step.index, 'failed', error);
      return await compensate(session, plan, run, { step, error }, settings);
    }
    session.setStep(step.index, 'succeeded');
  }
  return session.finish('completed', { message: `Done: ${plan.steps.map((s) => s.title).join('; ')}.`, recovery: [] });
}

/** Reads the booking; false (the session finished, nothing changed) when unreadable or changed since the plan. */
async function bookingAsPlanned(session: SessionModel, plan: Plan, bounded: Bounded): Promise<boolean> {
  let current;
  try {
    current = await local.readBooking.executeWithOptions({ ...LOCAL_READ, ...bounded }, [session.context, session.token]);
  } catch (err) {
    const e = actionErrorOf(err);
    session.skipSteps(plan.steps);
    session.finish('failed', { message: `Nothing was changed: the booking could not be read (${e.message})`, recovery: ['Try again in a few minutes.'], code: e.code });
    return false;
  }
  if (current.version === plan.bookingVersion) return true;
  session.skipSteps(plan.steps);
  session.state.booking = current;
  session.finish('failed', {
    message: 'The booking was changed by someone else after the plan was made; nothing was changed.',
    recovery: ['Open the booking to see the latest details, then ask again.'],
    code: 'BOOKING_CHANGED',
  });
  return false;
}

/** Runs one step (capture, then write); the error when it failed. Changes no step status itself. */
async function runStep(session: SessionModel, plan: Plan, step: PlanStep, run: Run, bounded: Bounded): Promise<ActionError | undefined> {
  const { context, token } = session;
  const summary = `Step ${step.index + 1}/${plan.steps.length}: ${step.actionId}`;
  try {
    let before: unknown;
    if (step.reversible) before = (await local.captureBefore.executeWithOptions({ ...LOCAL_READ, ...bounded, summary: `${summary} (capture)` }, [{ actionId: step.actionId, params: step.params, context, token }])).before;
    const entry: StackEntry | undefined = step.reversible ? { step, before, result: undefined, ifMatch: run.version } : undefined;
    // Pushed before the call: a step whose reply was lost may still have taken effect.
    if (entry) run.stack.push(entry);
    try {
      const out = await io.executeStep.executeWithOptions({ ...(step.idempotent ? WRITE_IDEMPOTENT : WRITE_ONCE), ...bounded, summary }, [
        { actionId: step.actionId, params: step.params, context, token, idempotencyKey: `${context.sessionId}:${plan.hash}:${step.index}`, ifMatch: run.version },
      ]);
      if (entry) entry.result = out.body;
      const v = out.version ?? (out.body as { version?: unknown } | undefined)?.version;
      if (typeof v === 'string') run.version = v;
      if (!step.reversible) run.irreversible.push({ step, certain: true });
    } catch (err) {
      const e = actionErrorOf(err, apiName(step));
      if (entry) {
        entry.failed = true;
        entry.refused = certainlyNotApplied(e);
      } else if (!certainlyNotApplied(e)) {
        run.irreversible.push({ step, certain: false });
      }
      throw err;
    }
    return undefined;
  } catch (err) {
    return actionErrorOf(err, apiName(step));
  }
}

/** After a failed step: skip the rest, undo what was done, and finish with what is left to a person. */
async function compensate(session: SessionModel, plan: Plan, run: Run, failure: { step: PlanStep; error: ActionError }, settings: ExecutionSettings): Promise<SessionState> {
  for (const s of plan.steps) if (s.index > failure.step.index) session.setStep(s.index, 'skipped');
  session.setPhase('compensating');
  const { context, token } = session;
  const bookingRef = session.state.booking?.reference ?? context.bookingId ?? 'the booking';
  const setStep = session.setStep.bind(session);
  const shared = { io, context, token, planHash: plan.hash, stack: run.stack, failure, bookingRef, setStep };
  // Sessions started before `truthful-rollback` finish with the rollback they began with.
  // Retire on/after 2026-12-06 (no session started before Worker Versioning left; README, Operators)
  const result = patched('truthful-rollback')
    ? await CancellationScope.nonCancellable(() =>
        rollBack({ ...shared, settings, stepCount: plan.steps.length, irreversible: run.irreversible, version: run.version, setProgress: session.setProgress.bind(session) }),
      )
    : await legacyRollBack(shared);
  if (result.phase === 'needs_attention') upsertSearchAttributes([{ key: NeedsAttentionKey, value: true }]);
  return session.finish(result.phase, result.outcome);
}
