// One session's state and its transitions: phases, steps, conversation, idle clock, and what each
// update may do when. Held by the workflow (workflows/session.ts); deterministic, no I/O.
import { patched, setCurrentDetails, upsertMemo, upsertSearchAttributes } from '@temporalio/workflow';
import type { ActionError, Clarification, ConfirmArgs, ConversationTurn, Outcome, Phase, Plan, PlanningResult, SessionContext, SessionInput, SessionState, StepStatus, UndoProgress, UserMessageArgs } from '../contracts/types.js';
import { maskText } from '../observability/redact.js';
import { currentDetails } from './details.js';
import { apiName } from './failures.js';
import { MAX_MESSAGE_LENGTH, MAX_MESSAGES_PER_SESSION, type PublishedState } from './messages.js';
import { rejection } from './rejections.js';
import { BookingIdKey, NeedsAttentionKey, SessionPhaseKey, VenueIdKey } from './search-attributes.js';

/** What the person last sent, waited for by the workflow. */
export type Pending = { kind: 'message'; text: string } | { kind: 'confirm' } | { kind: 'decline' };

/** What the memo carries: the state with plan and booking reduced to their identity (see PublishedState). */
function published(s: SessionState): PublishedState {
  return {
    ...s,
    plan: s.plan ? { hash: s.plan.hash } : undefined,
    booking: s.booking ? { bookingId: s.booking.bookingId, version: s.booking.version } : undefined,
    detailsByQuery: true,
  };
}

export class SessionModel {
  readonly state: SessionState;
  /** the booking may be found by the planner when the request only named it ("the Nguyen party") */
  context: SessionContext;
  token: string;
  readonly conversation: ConversationTurn[];
  pending: Pending | undefined;
  private lastActivityAt = Date.now();
  private readonly publish: boolean;
  private readonly perTask: boolean;
  private unpublished = false;

  constructor(private readonly input: SessionInput) {
    this.context = input.context;
    this.token = input.token;
    this.conversation = [{ role: 'user', text: input.message }];
    this.state = {
      sessionId: input.context.sessionId,
      phase: 'planning',
      steps: [],
      version: 1,
      updatedAt: new Date().toISOString(),
      expiresAt: new Date(Date.now() + input.idleTimeoutMs).toISOString(),
      owner: { userId: input.context.userId, venueId: input.context.venueId },
    };
    // The state is also published as (encrypted) memo, so the gateway can read it with a describe
    // call served by Temporal alone, without a round trip to a worker (fast polling).
    // Retire on/after 2026-12-06 (no session started before Worker Versioning left; README, Operators)
    this.publish = patched('state-memo');
    // One memo upsert per workflow task rather than one per change (each is a history event): the
    // changes of one activation are published together once its synchronous work has run.
    // Retire on/after 2026-12-06 (no session started before Worker Versioning left; README, Operators)
    this.perTask = this.publish && patched('memo-per-task');
  }

  /** The search attributes a session starts with, and its first details for the Temporal UI. */
  announce(): void {
    upsertSearchAttributes([
      { key: SessionPhaseKey, value: 'planning' },
      { key: VenueIdKey, value: this.context.venueId },
      ...(this.context.bookingId ? [{ key: BookingIdKey, value: this.context.bookingId }] : []),
      { key: NeedsAttentionKey, value: false },
    ]);
    setCurrentDetails(currentDetails(this.state));
  }

  private flush(): void {
    this.unpublished = false;
    upsertMemo({ sessionState: published(this.state) });
  }

  private touch(): void {
    this.state.version += 1;
    this.state.updatedAt = new Date().toISOString();
    // shown by the Temporal UI (served through the metadata query; no command, replays unchanged)
    setCurrentDetails(currentDetails(this.state));
    if (!this.publish) return;
    if (!this.perTask) return this.flush();
    if (!this.unpublished) {
      this.unpublished = true;
      void Promise.resolve().then(() => this.flush());
    }
  }

  setPhase(phase: Phase): void {
    if (this.state.phase !== phase) {
      this.state.phase = phase;
      upsertSearchAttributes([{ key: SessionPhaseKey, value: phase }]);
    }
    this.touch();
  }

  setStep(index: number, status: StepStatus['status'], error?: ActionError): void {
    this.state.steps[index] = { index, status, ...(error ? { error } : {}) };
    this.touch();
  }

  setProgress(index: number, undo: UndoProgress): void {
    this.state.steps[index] = { ...(this.state.steps[index] ?? { index, status: 'compensating' }), undo };
    this.touch();
  }

  /** Marks every step skipped without publishing (the phase change that follows publishes it). */
  skipSteps(steps: { index: number }[]): void {
    this.state.steps = steps.map((s) => ({ index: s.index, status: 'skipped' }));
  }

  finish(phase: Phase, outcome: Omit<Outcome, 'status'>): SessionState {
    // outcome messages and recovery steps never echo contact details (the plan the person
    // confirmed shows them)
    this.state.outcome = { status: phase, ...outcome, message: maskText(outcome.message), recovery: outcome.recovery.map((r) => maskText(r)) };
    this.state.clarification = phase === 'awaiting_clarification' ? this.state.clarification : undefined;
    this.state.expiresAt = undefined;
    this.setPhase(phase);
    return this.state;
  }

  resetIdle(): void {
    this.lastActivityAt = Date.now();
    this.state.expiresAt = new Date(this.lastActivityAt + this.input.idleTimeoutMs).toISOString();
  }

  /** How long the session still waits for the person (the idle clock restarts with every accepted message). */
  idleLeftMs(): number {
    return this.lastActivityAt + this.input.idleTimeoutMs - Date.now();
  }

  /** Takes the planner's answer: a plan or a question to wait on ('waiting'), or the end of the session. */
  adoptPlanning(result: PlanningResult): 'waiting' | 'ended' {
    this.state.planner = result.planner;
    if (result.booking) this.state.booking = result.booking;
    if (result.booking && !this.context.bookingId) {
      this.context = { ...this.context, bookingId: result.booking.bookingId };
      upsertSearchAttributes([{ key: BookingIdKey, value: result.booking.bookingId }]);
    }
    if (result.kind === 'plan') this.showPlan(result.plan);
    else if (result.kind === 'clarify') this.ask(result.clarification);
    else {
      const recovery = result.kind === 'failed' ? [`Try again, or make the change in ${apiName()} directly.`] : [];
      this.finish(result.kind, { message: result.reason, recovery });
      return 'ended';
    }
    return 'waiting';
  }

  private showPlan(plan: Plan): void {
    this.state.plan = plan;
    this.state.clarification = undefined;
    this.state.steps = plan.steps.map((s) => ({ index: s.index, status: 'pending' }));
    this.conversation.push({ role: 'assistant', text: `Proposed plan: ${plan.summary}` });
    this.setPhase('awaiting_confirmation');
  }

  private ask(clarification: Clarification): void {
    this.state.plan = undefined;
    this.state.steps = [];
    this.state.clarification = clarification;
    this.conversation.push({ role: 'assistant', text: clarification.question, ...(clarification.asked?.length ? { asked: clarification.asked } : {}) });
    this.setPhase('awaiting_clarification');
  }

  // ---- updates: each validator rejects with a typed failure (workflows/rejections.ts) ----

  validateMessage(args: UserMessageArgs): void {
    if (this.state.phase !== 'awaiting_clarification' && this.state.phase !== 'awaiting_confirmation') {
      throw rejection('WRONG_PHASE', `the session is ${this.state.phase}; a message is accepted only while it waits for an answer or a confirmation`);
    }
    if (typeof args?.text !== 'string' || !args.text.trim()) throw rejection('VALIDATION', 'the message is empty');
    if (args.text.length > MAX_MESSAGE_LENGTH) throw rejection('VALIDATION', `the message is longer than ${MAX_MESSAGE_LENGTH} characters`);
    // the first user turn is the request itself
    if (this.conversation.filter((t) => t.role === 'user').length > MAX_MESSAGES_PER_SESSION) {
      throw rejection('TOO_MANY_MESSAGES', `this session has taken ${MAX_MESSAGES_PER_SESSION} messages; start a new session`);
    }
  }

  acceptMessage(args: UserMessageArgs): SessionState {
    this.pending = { kind: 'message', text: args.text };
    this.token = args.token || this.token;
    this.conversation.push({ role: 'user', text: args.text });
    this.state.clarification = undefined;
    this.resetIdle();
    this.setPhase('planning');
    return this.state;
  }

  validateConfirm(args: ConfirmArgs): void {
    if (this.state.phase !== 'awaiting_confirmation' || !this.state.plan) {
      throw rejection('WRONG_PHASE', `the session is ${this.state.phase}; there is no plan waiting for confirmation`);
    }
    if (args?.planHash !== this.state.plan.hash) throw rejection('STALE_PLAN', 'the plan changed since it was shown; confirm the current plan');
  }

  acceptConfirm(args: ConfirmArgs): SessionState {
    this.pending = { kind: 'confirm' };
    this.token = args.token || this.token;
    this.setPhase('executing');
    return this.state;
  }

  validateDecline(): void {
    if (this.state.phase !== 'awaiting_confirmation' && this.state.phase !== 'awaiting_clarification') {
      throw rejection('WRONG_PHASE', `the session is ${this.state.phase}; only a session waiting for an answer or a confirmation can be declined`);
    }
  }

  acceptDecline(): SessionState {
    this.pending = { kind: 'decline' };
    return this.finish('declined', { message: 'Nothing was changed: the plan was declined.', recovery: [] });
  }
}
