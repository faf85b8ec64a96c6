// One workflow per session (DESIGN §5): plan → (clarify ⇄ plan) → confirm once → execute with a
// compensation stack → report. Deterministic: all I/O happens in activities.
import {
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
  patched,
  setCurrentDetails,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  allHandlersFinished,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { ActionError, ConversationTurn, Outcome, Phase, Plan, PlanStep, SessionInput, SessionState, StepStatus, UndoProgress } from '../contracts/types.js';
import { TERMINAL_PHASES } from '../contracts/types.js';
import { confirmUpdate, declineUpdate, detailsQuery, MAX_MESSAGE_LENGTH, MAX_MESSAGES_PER_SESSION, messageUpdate, stateQuery, waitForChangeUpdate, type PublishedState } from './messages.js';
import { BookingIdKey, NeedsAttentionKey, SessionPhaseKey, VenueIdKey } from './search-attributes.js';
import { maskText } from '../observability/redact.js';
import { currentDetails } from './details.js';
import { actionErrorOf, apiName, certainlyNotApplied } from './failures.js';
import { DEFAULT_EXECUTION, describeChange, rollBack, type IrreversibleRun, type StackEntry } from './rollback.js';

const RETRY_TRANSIENT = { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '20s', maximumAttempts: 5 };

const PLANNING: ActivityOptions = { startToCloseTimeout: '60s', heartbeatTimeout: '20s', retry: { initialInterval: '1s', maximumAttempts: 3 } };
const planning = proxyActivities<Activities>(PLANNING);
// Reads and idempotent writes retry transient failures (5xx, timeouts, 429 after Retry-After);
// 4xx are thrown non-retryable by the activities. Writes without idempotency run once.
// Writes heartbeat while their HTTP call is in flight: a worker that dies mid-call is noticed in
// seconds and the step retried (same idempotency key) on another worker.
const READ: ActivityOptions = { startToCloseTimeout: '30s', retry: RETRY_TRANSIENT };
const WRITE_IDEMPOTENT: ActivityOptions = { startToCloseTimeout: '30s', heartbeatTimeout: '5s', retry: RETRY_TRANSIENT };
const WRITE_ONCE: ActivityOptions = { startToCloseTimeout: '30s', heartbeatTimeout: '5s', retry: { maximumAttempts: 1 } };
// the rollback of sessions started before `truthful-rollback` (new ones: workflows/rollback.ts)
const COMPENSATION: ActivityOptions = { startToCloseTimeout: '30s', heartbeatTimeout: '5s', retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 6 } };
const io = proxyActivities<Activities>(READ);
// Reads before writes (version check, before-state capture) are short and safe to repeat: run them
// as local activities, recorded in history without a task-queue round trip each.
const LOCAL_READ = { startToCloseTimeout: '30s', retry: RETRY_TRANSIENT } as const;
const local = proxyLocalActivities<Activities>(LOCAL_READ);

type Pending = { kind: 'message'; text: string } | { kind: 'confirm' } | { kind: 'decline' };

/** What the memo carries: the state with plan and booking reduced to their identity (see PublishedState). */
function published(s: SessionState): PublishedState {
  return {
    ...s,
    plan: s.plan ? { hash: s.plan.hash } : undefined,
    booking: s.booking ? { bookingId: s.booking.bookingId, version: s.booking.version } : undefined,
    detailsByQuery: true,
  };
}

export async function bookingUpdateSession(input: SessionInput): Promise<SessionState> {
  // the booking may be found by the planner when the request only named it ("the Nguyen party")
  let context = input.context;
  let token = input.token;
  const conversation: ConversationTurn[] = [{ role: 'user', text: input.message }];
  let pending: Pending | undefined;
  let lastActivityAt = Date.now();
  // execution bounds fixed at start (sessions started before they existed use the defaults)
  const settings = { ...DEFAULT_EXECUTION, ...input.execution };

  const state: SessionState = {
    sessionId: context.sessionId,
    phase: 'planning',
    steps: [],
    version: 1,
    updatedAt: new Date().toISOString(),
    expiresAt: new Date(Date.now() + input.idleTimeoutMs).toISOString(),
    owner: { userId: context.userId, venueId: context.venueId },
  };

  // The state is also published as (encrypted) memo, so the gateway can read it with a describe
  // call served by Temporal alone, without a round trip to a worker (fast polling).
  // Retire on/after 2026-12-06 (no session started before Worker Versioning left; README, Operators)
  const publish = patched('state-memo');
  // One memo upsert per workflow task rather than one per change (each is a history event): the
  // changes of one activation are published together once its synchronous work has run.
  // Retire on/after 2026-12-06 (no session started before Worker Versioning left; README, Operators)
  const perTask = publish && patched('memo-per-task');
  let unpublished = false;
  const flush = () => {
    unpublished = false;
    upsertMemo({ sessionState: published(state) });
  };
  const touch = () => {
    state.version += 1;
    state.updatedAt = new Date().toISOString();
    // shown by the Temporal UI (served through the metadata query; no command, replays unchanged)
    setCurrentDetails(currentDetails(state));
    if (!publish) return;
    if (!perTask) return flush();
    if (!unpublished) {
      unpublished = true;
      void Promise.resolve().then(flush);
    }
  };
  const setPhase = (phase: Phase) => {
    if (state.phase !== phase) {
      state.phase = phase;
      upsertSearchAttributes([{ key: SessionPhaseKey, value: phase }]);
    }
    touch();
  };
  const setStep = (index: number, status: StepStatus['status'], error?: ActionError) => {
    state.steps[index] = { index, status, ...(error ? { error } : {}) };
    touch();
  };
  const setProgress = (index: number, undo: UndoProgress) => {
    state.steps[index] = { ...(state.steps[index] ?? { index, status: 'compensating' }), undo };
    touch();
  };
  const finish = (phase: Phase, outcome: Omit<Outcome, 'status'>): SessionState => {
    // outcome messages and recovery steps never echo contact details (the plan the person
    // confirmed shows them)
    state.outcome = { status: phase, ...outcome, message: maskText(outcome.message), recovery: outcome.recovery.map((r) => maskText(r)) };
    state.clarification = phase === 'awaiting_clarification' ? state.clarification : undefined;
    state.expiresAt = undefined;
    setPhase(phase);
    return state;
  };
  const resetIdle = () => {
    lastActivityAt = Date.now();
    state.expiresAt = new Date(lastActivityAt + input.idleTimeoutMs).toISOString();
  };

  upsertSearchAttributes([
    { key: SessionPhaseKey, value: 'planning' },
    { key: VenueIdKey, value: context.venueId },
    ...(context.bookingId ? [{ key: BookingIdKey, value: context.bookingId }] : []),
    { key: NeedsAttentionKey, value: false },
  ]);

  setCurrentDetails(currentDetails(state));
  setHandler(stateQuery, () => state);
  setHandler(detailsQuery, () => ({ plan: state.plan, booking: state.booking }));

  setHandler(
    messageUpdate,
    (args) => {
      pending = { kind: 'message', text: args.text };
      token = args.token || token;
      conversation.push({ role: 'user', text: args.text });
      state.clarification = undefined;
      resetIdle();
      setPhase('planning');
      return state;
    },
    {
      validator: (args) => {
        if (state.phase !== 'awaiting_clarification' && state.phase !== 'awaiting_confirmation') {
          throw new Error(`WRONG_PHASE: the session is ${state.phase}; a message is accepted only while it waits for an answer or a confirmation`);
        }
        if (typeof args?.text !== 'string' || !args.text.trim()) throw new Error('VALIDATION: the message is empty');
        if (args.text.length > MAX_MESSAGE_LENGTH) throw new Error(`VALIDATION: the message is longer than ${MAX_MESSAGE_LENGTH} characters`);
        // the first user turn is the request itself
        if (conversation.filter((t) => t.role === 'user').length > MAX_MESSAGES_PER_SESSION) {
          throw new Error(`TOO_MANY_MESSAGES: this session has taken ${MAX_MESSAGES_PER_SESSION} messages; start a new session`);
        }
      },
    },
  );

  setHandler(
    confirmUpdate,
    (args) => {
      pending = { kind: 'confirm' };
      token = args.token || token;
      setPhase('executing');
      return state;
    },
    {
      validator: (args) => {
        if (state.phase !== 'awaiting_confirmation' || !state.plan) {
          throw new Error(`WRONG_PHASE: the session is ${state.phase}; there is no plan waiting for confirmation`);
        }
        if (args?.planHash !== state.plan.hash) throw new Error('STALE_PLAN: the plan changed since it was shown; confirm the current plan');
      },
    },
  );

  setHandler(
    declineUpdate,
    (_args) => {
      pending = { kind: 'decline' };
      finish('declined', { message: 'Nothing was changed: the plan was declined.', recovery: [] });
      return state;
    },
    {
      validator: (_args) => {
        if (state.phase !== 'awaiting_confirmation' && state.phase !== 'awaiting_clarification') {
          throw new Error(`WRONG_PHASE: the session is ${state.phase}; only a session waiting for an answer or a confirmation can be declined`);
        }
      },
    },
  );

  // Long-polls are served by the gateway from history and the published memo (api/state-watch.ts),
  // writing nothing here. The update stays only for sessions started before, whose histories hold it.
  // Retire on/after 2026-12-06 (no session started before Worker Versioning left; README, Operators)
  if (!patched('no-wait-update')) {
    setHandler(waitForChangeUpdate, async (args) => {
      const since = args.sinceVersion;
      await condition(() => state.version !== since, Math.max(0, Math.min(args.timeoutMs, 60_000)));
      return state;
    });
  }

  // ---- plan / clarify / confirm loop ----
  let plan: Plan | undefined;
  let planVersion = 0;
  for (;;) {
    planVersion += 1;
    let result;
    try {
      result = await planning.planSession.executeWithOptions({ ...PLANNING, summary: `Plan v${planVersion}` }, [{ context, conversation, token, planVersion }]);
    } catch (err) {
      if (isCancellation(err)) throw err;
      const e = actionErrorOf(err, 'The AI planner');
      return await done(finish('failed', { message: `Planning failed: ${e.message}`, recovery: [`Try again, or make the change in ${apiName()} directly.`] }));
    }
    state.planner = result.planner;
    if (result.booking) state.booking = result.booking;
    if (result.booking && !context.bookingId) {
      context = { ...context, bookingId: result.booking.bookingId };
      upsertSearchAttributes([{ key: BookingIdKey, value: result.booking.bookingId }]);
    }
    if (result.kind === 'plan') {
      plan = result.plan;
      state.plan = plan;
      state.clarification = undefined;
      state.steps = plan.steps.map((s) => ({ index: s.index, status: 'pending' }));
      conversation.push({ role: 'assistant', text: `Proposed plan: ${plan.summary}` });
      setPhase('awaiting_confirmation');
    } else if (result.kind === 'clarify') {
      plan = undefined;
      state.plan = undefined;
      state.steps = [];
      state.clarification = result.clarification;
      conversation.push({ role: 'assistant', text: result.clarification.question, ...(result.clarification.asked?.length ? { asked: result.clarification.asked } : {}) });
      setPhase('awaiting_clarification');
    } else if (result.kind === 'unsupported') {
      return await done(finish('unsupported', { message: result.reason, recovery: [] }));
    } else {
      return await done(finish('failed', { message: result.reason, recovery: [`Try again, or make the change in ${apiName(result)} directly.`] }));
    }

    pending = undefined;
    resetIdle();
    // Wait for the person; the idle clock restarts with every accepted message.
    for (;;) {
      const waitMs = lastActivityAt + input.idleTimeoutMs - Date.now();
      const arrived = waitMs > 0 && (await condition(() => pending !== undefined, waitMs));
      if (arrived) break;
      if (Date.now() - lastActivityAt >= input.idleTimeoutMs) {
        state.steps = state.steps.map((st) => ({ index: st.index, status: 'skipped' }));
        return await done(finish('expired', { message: 'The session expired before it was confirmed; nothing was changed.', recovery: [] }));
      }
    }
    const event = pending as unknown as Pending;
    if (event.kind === 'decline') return await done(state);
    if (event.kind === 'confirm') break;
    // a message: plan again with it appended
  }

  // ---- execute ----
  const confirmed = plan as Plan;
  state.expiresAt = undefined;
  // every read and write of the execution has a schedule-to-close: no session stays in `executing`
  // beyond (steps × stepTimeout) without an outcome, whatever ROLLER does (Retry-After included)
  const bounded = { scheduleToCloseTimeout: settings.stepTimeoutMs };
  let current;
  try {
    current = await local.readBooking.executeWithOptions({ ...LOCAL_READ, ...bounded }, [context, token]);
  } catch (err) {
    const e = actionErrorOf(err);
    state.steps = confirmed.steps.map((s) => ({ index: s.index, status: 'skipped' }));
    return await done(finish('failed', { message: `Nothing was changed: the booking could not be read (${e.message})`, recovery: ['Try again in a few minutes.'], code: e.code }));
  }
  if (current.version !== confirmed.bookingVersion) {
    state.steps = confirmed.steps.map((s) => ({ index: s.index, status: 'skipped' }));
    state.booking = current;
    return await done(
      finish('failed', {
        message: 'The booking was changed by someone else after the plan was made; nothing was changed.',
        recovery: ['Open the booking to see the latest details, then ask again.'],
        code: 'BOOKING_CHANGED',
      }),
    );
  }

  const stack: StackEntry[] = [];
  const irreversible: IrreversibleRun[] = [];
  let failure: { step: PlanStep; error: ActionError } | undefined;
  // the version this service's last write produced: the If-Match of the next write and of undos
  let version = confirmed.bookingVersion;
  for (const step of confirmed.steps) {
    setStep(step.index, 'running');
    const summary = `Step ${step.index + 1}/${confirmed.steps.length}: ${step.actionId}`;
    let before: unknown;
    try {
      if (step.reversible) before = (await local.captureBefore.executeWithOptions({ ...LOCAL_READ, ...bounded, summary: `${summary} (capture)` }, [{ actionId: step.actionId, params: step.params, context, token }])).before;
      const entry: StackEntry | undefined = step.reversible ? { step, before, result: undefined, ifMatch: version } : undefined;
      // Pushed before the call: a step whose reply was lost may still have taken effect.
      if (entry) stack.push(entry);
      try {
        const out = await io.executeStep.executeWithOptions({ ...(step.idempotent ? WRITE_IDEMPOTENT : WRITE_ONCE), ...bounded, summary }, [
          { actionId: step.actionId, params: step.params, context, token, idempotencyKey: `${context.sessionId}:${confirmed.hash}:${step.index}`, ifMatch: version },
        ]);
        if (entry) entry.result = out.body;
        const v = out.version ?? (out.body as { version?: unknown } | undefined)?.version;
        if (typeof v === 'string') version = v;
        if (!step.reversible) irreversible.push({ step, certain: true });
      } catch (err) {
        const e = actionErrorOf(err, step.api);
        if (entry) {
          entry.failed = true;
          entry.refused = certainlyNotApplied(e);
        } else if (!certainlyNotApplied(e)) {
          irreversible.push({ step, certain: false });
        }
        throw err;
      }
      setStep(step.index, 'succeeded');
    } catch (err) {
      const error = actionErrorOf(err, step.api);
      setStep(step.index, 'failed', error);
      failure = { step, error };
      break;
    }
  }

  if (!failure) {
    return await done(finish('completed', { message: `Done: ${confirmed.steps.map((s) => s.title).join('; ')}.`, recovery: [] }));
  }

  for (const s of confirmed.steps) if (s.index > failure.step.index) setStep(s.index, 'skipped');
  setPhase('compensating');
  const bookingRef = state.booking?.reference ?? context.bookingId ?? 'the booking';
  // Retire on/after 2026-12-06 (no session started before Worker Versioning left; README, Operators)
  if (patched('truthful-rollback')) {
    const failed = failure;
    const result = await CancellationScope.nonCancellable(() =>
      rollBack({ io, settings, context, token, planHash: confirmed.hash, stepCount: confirmed.steps.length, stack, irreversible, failure: failed, version, bookingRef, setStep, setProgress }),
    );
    if (result.phase === 'needs_attention') upsertSearchAttributes([{ key: NeedsAttentionKey, value: true }]);
    return await done(finish(result.phase, result.outcome));
  }

  // Sessions started before `truthful-rollback` finish with the rollback they began with.
  const undone: PlanStep[] = [];
  const recovery: string[] = [];
  await CancellationScope.nonCancellable(async () => {
    for (const entry of [...stack].reverse()) {
      if (entry.refused) continue;
      const { step } = entry;
      const wasFailedStep = step.index === failure!.step.index;
      setStep(step.index, 'compensating', wasFailedStep ? failure!.error : undefined);
      try {
        await io.compensateStep.executeWithOptions(
          { ...COMPENSATION, summary: `Undo step ${step.index + 1}: ${step.actionId}` },
          [{ actionId: step.actionId, params: step.params, before: entry.before, result: entry.result, context, token, idempotencyKey: `${context.sessionId}:${confirmed.hash}:${step.index}:undo` }],
        );
        setStep(step.index, wasFailedStep ? 'failed' : 'compensated', wasFailedStep ? failure!.error : undefined);
        if (!wasFailedStep) undone.push(step);
      } catch (err) {
        const e = actionErrorOf(err);
        setStep(step.index, 'compensation_failed', e);
        recovery.push(`In ${apiName(step)}, booking ${bookingRef}: ${describeChange(step)}. Automatic undo failed: ${e.message}`);
      }
    }
  });

  const failedText = `Step ${failure.step.index + 1} (${failure.step.title}) failed: ${failure.error.message}${failure.error.hint ? ` ${failure.error.hint}` : ''}`;
  if (recovery.length) {
    upsertSearchAttributes([{ key: NeedsAttentionKey, value: true }]);
    return await done(finish('needs_attention', { message: `${failedText} Some changes could not be undone and need fixing by hand.`, recovery, code: failure.error.code }));
  }
  const undoneText = undone.length ? ` Undone: ${undone.map((s) => s.title).join('; ')}. The booking is as it was.` : ' Nothing had been changed.';
  return await done(finish('rolled_back', { message: `${failedText}${undoneText}`, recovery: failure.error.hint ? [failure.error.hint] : [], code: failure.error.code }));

  async function done(s: SessionState): Promise<SessionState> {
    if (!TERMINAL_PHASES.includes(s.phase)) throw ApplicationFailure.nonRetryable(`session ended in non-terminal phase ${s.phase}`);
    await condition(allHandlersFinished);
    return s;
  }
}

