// Rolling back a failed plan so that the outcome says exactly what happened (docs/design.md §5):
// - a failed step that ROLLER refused (412 BOOKING_CHANGED or another 4xx about the write) did not
//   happen: nothing is read back and nothing undone (patch `write-identity`);
// - whether a failed step whose answer never came took effect is asked of ROLLER by the write's
//   identity (its idempotency key, or an unmoved version), never by comparing values another writer
//   can produce; when it cannot be established, the step is reported, never undone on a guess;
// - every undo carries If-Match on the version this service's last write produced, so an undo never
//   overwrites someone else's change (a 412 stops the rollback and says so);
// - undo attempts keep going for a long window with capped backoff (ROLLER may be down for a while),
//   their progress published in the session state;
// - irreversible steps that ran are named as what could not be undone.
// Workflow code: deterministic, all I/O through activities.
import { patched, sleep, type ActivityInterfaceFor, type ActivityOptions } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { ActionError, ExecutionSettings, Outcome, Phase, PlanStep, SessionContext, StepStatus, UndoProgress } from '../contracts/types.js';
import { maskText } from '../observability/redact.js';
import { actionErrorOf, apiName } from './failures.js';

export const DEFAULT_EXECUTION: ExecutionSettings = { stepTimeoutMs: 120_000, compensationWindowMs: 6 * 3600_000, compensationMaxBackoffMs: 300_000 };

/** A reversible step that ran or may have run, with what its undo needs. */
export interface StackEntry {
  step: PlanStep;
  before: unknown;
  result: unknown;
  /** the version the step was sent against */
  ifMatch?: string;
  /** the step failed: whether it took effect is read back before anything is undone */
  failed?: boolean;
  /** a definitive refusal (4xx) of the failed step: it did not happen (no read-back, no undo) */
  refused?: boolean;
}

/** An irreversible step that ran (certain) or whose answer never came (uncertain). */
export interface IrreversibleRun {
  step: PlanStep;
  certain: boolean;
}

export interface RollbackInput {
  io: ActivityInterfaceFor<Activities>;
  settings: ExecutionSettings;
  context: SessionContext;
  token: string;
  planHash: string;
  stepCount: number;
  stack: StackEntry[];
  irreversible: IrreversibleRun[];
  failure: { step: PlanStep; error: ActionError };
  /** the version this service's last successful write produced (or the plan's when none) */
  version: string;
  bookingRef: string;
  setStep: (index: number, status: StepStatus['status'], error?: ActionError) => void;
  setProgress: (index: number, progress: UndoProgress) => void;
}

export interface RollbackResult {
  phase: Extract<Phase, 'rolled_back' | 'needs_attention'>;
  outcome: Omit<Outcome, 'status'>;
}

type Attempt<T> = { ok: true; value: T } | { ok: false; error: ActionError; gaveUp: boolean };
type Blocked = { kind: 'changed' } | { kind: 'gave_up'; error: ActionError } | { kind: 'unverified'; stepNumber: number };

function duration(ms: number): string {
  if (ms >= 3600_000) return `${Math.round((ms / 3600_000) * 10) / 10} h`;
  if (ms >= 60_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 1000)} s`;
}

const what = (step: PlanStep) => (step.changes.length ? step.changes.map((c) => `${c.field} from ${c.from ?? '(empty)'} to ${c.to ?? '(empty)'}`).join('; ') : `"${step.title}"`);
const undoText = (step: PlanStep) => (step.changes.length ? step.changes.map((c) => `set ${c.field} back to ${c.from ?? '(empty)'}`).join('; ') : `undo "${step.title}"`);
export function describeChange(step: PlanStep): string {
  if (!step.changes.length) return step.title;
  return step.changes.map((c) => `set ${c.field} back to ${c.from ?? '(empty)'} (this service changed it to ${c.to ?? '(empty)'})`).join('; ');
}

type Verified = Awaited<ReturnType<Activities['verifyStep']>>;
type Undone = Awaited<ReturnType<Activities['compensateStep']>>;
const n = (step: PlanStep) => step.index + 1;

export async function rollBack(input: RollbackInput): Promise<RollbackResult> {
  // sessions that began their rollback before `write-identity` finish it as they began (replay)
  return await new Rollback(input, patched('write-identity')).run();
}

/**
 * One rollback: undoes the stack newest first. Replay note: a step's status change followed by the
 * next activity must stay in one synchronous run (see workflows/execution.ts), so the helpers that
 * await return what happened and `run` (or a synchronous helper) records it.
 */
class Rollback {
  private failure: RollbackInput['failure'];
  /** the version the next undo expects (If-Match) */
  private expected: string;
  private blocked: Blocked | undefined;
  private readonly undone: PlanStep[] = [];
  private readonly notUndone: string[] = [];
  private readonly recovery: string[] = [];
  private readonly giveUpAt: number;
  private readonly verifyOptions: ActivityOptions;
  private readonly undoOptions: ActivityOptions;

  constructor(
    private readonly input: RollbackInput,
    private readonly byIdentity: boolean,
  ) {
    this.failure = input.failure;
    this.expected = input.version;
    this.giveUpAt = Date.now() + input.settings.compensationWindowMs;
    const baseOpts = { scheduleToCloseTimeout: input.settings.stepTimeoutMs, retry: { maximumAttempts: 1 } } satisfies ActivityOptions;
    this.verifyOptions = { ...baseOpts, startToCloseTimeout: '30s' };
    this.undoOptions = { ...baseOpts, startToCloseTimeout: '30s', heartbeatTimeout: '5s' };
  }

  async run(): Promise<RollbackResult> {
    const { setStep } = this.input;
    for (const entry of [...this.input.stack].reverse()) {
      const { step } = entry;
      const failedHere = entry.failed === true;
      if (this.blocked) {
        this.reportBlocked(entry, this.blocked);
        continue;
      }
      if (failedHere && this.byIdentity && entry.refused) {
        // a refusal is final: the write did not happen, so there is nothing to read back or undo
        setStep(step.index, 'failed', this.failure.error);
        continue;
      }
      if (failedHere && !this.tookEffect(entry, await this.readBack(entry))) continue;
      setStep(step.index, 'compensating', failedHere ? this.failure.error : undefined);
      this.settleUndo(entry, await this.undo(entry));
    }
    this.reportIrreversible();
    return this.result();
  }

  /** One attempt per activity execution; the workflow waits between them (capped backoff) until the window ends. */
  private async durably<T>(index: number, run: () => Promise<T>): Promise<Attempt<T>> {
    const { settings, setProgress } = this.input;
    for (let attempt = 1; ; attempt++) {
      try {
        return { ok: true, value: await run() };
      } catch (err) {
        const error = actionErrorOf(err);
        if (!error.retryable) return { ok: false, error, gaveUp: false };
        // the last wait is cut short so that one attempt falls at the end of the window
        const left = this.giveUpAt - Date.now();
        if (left <= 0) return { ok: false, error, gaveUp: true };
        const delay = Math.min(settings.compensationMaxBackoffMs, 1000 * 2 ** Math.min(attempt - 1, 20), left);
        setProgress(index, { attempts: attempt, lastError: maskText(error.message), nextAttemptAt: new Date(Date.now() + delay).toISOString(), giveUpAt: new Date(this.giveUpAt).toISOString() });
        await sleep(delay);
      }
    }
  }

  private summary(verb: string, step: PlanStep): string {
    return `${verb} step ${n(step)}/${this.input.stepCount}: ${step.actionId}`;
  }

  /** Asks ROLLER whether the failed step's write took effect although its answer never came. */
  private readBack(entry: StackEntry): Promise<Attempt<Verified>> {
    const { io, context, token, planHash, setStep } = this.input;
    const { step } = entry;
    setStep(step.index, 'compensating', this.failure.error);
    const identity = this.byIdentity ? { idempotencyKey: `${context.sessionId}:${planHash}:${step.index}` } : {};
    return this.durably(step.index, () =>
      io.verifyStep.executeWithOptions({ ...this.verifyOptions, summary: this.summary('Check', step) }, [{ actionId: step.actionId, params: step.params, context, token, versionBefore: entry.ifMatch, ...identity }]),
    );
  }

  /** Records what the read-back found; true when the write took effect and is to be undone. */
  private tookEffect(entry: StackEntry, read: Attempt<Verified>): boolean {
    const { step } = entry;
    const { setStep, settings } = this.input;
    if (!read.ok || read.value.tookEffect === 'unknown') {
      setStep(step.index, 'failed', this.failure.error);
      const why = read.ok ? `${apiName(step)} cannot tell whether this write was applied` : read.gaveUp ? `${apiName(step)} could not be reached for ${duration(settings.compensationWindowMs)}: ${read.error.message}` : read.error.message;
      this.recovery.push(`In ${apiName(step)}, booking ${this.input.bookingRef}: whether step ${n(step)} (${step.title}) took effect could not be checked (${why}). If it did, ${undoText(step)}.`);
      this.notUndone.push(`${step.title} (may have taken effect)`);
      this.blocked = { kind: 'unverified', stepNumber: n(step) };
      return false;
    }
    if (read.value.tookEffect === 'no') {
      // sent again, the write was refused (e.g. someone else changed the booking): that is its outcome
      if (this.byIdentity && read.value.refusal) this.failure = { step: this.failure.step, error: read.value.refusal };
      setStep(step.index, 'failed', this.failure.error);
      return false;
    }
    // this session's write took effect although its answer never came: undo it like the others,
    // If-Match on the version that write produced (a later change by anyone else refuses the undo)
    if (read.value.version) this.expected = read.value.version;
    return true;
  }

  private undo(entry: StackEntry): Promise<Attempt<Undone>> {
    const { io, context, token, planHash } = this.input;
    const { step } = entry;
    return this.durably(step.index, () =>
      io.compensateStep.executeWithOptions({ ...this.undoOptions, summary: this.summary('Undo', step) }, [
        { actionId: step.actionId, params: step.params, before: entry.before, result: entry.result, context, token, idempotencyKey: `${context.sessionId}:${planHash}:${step.index}:undo`, ifMatch: this.expected },
      ]),
    );
  }

  private settleUndo(entry: StackEntry, undo: Attempt<Undone>): void {
    const { step } = entry;
    const failedHere = entry.failed === true;
    const { setStep } = this.input;
    if (undo.ok) {
      if (undo.value.version) this.expected = undo.value.version;
      this.undone.push(step);
      setStep(step.index, failedHere ? 'failed' : 'compensated', failedHere ? this.failure.error : undefined);
      return;
    }
    setStep(step.index, 'compensation_failed', undo.error);
    this.notUndone.push(step.title);
    if (undo.error.code === 'BOOKING_CHANGED') {
      this.blocked = { kind: 'changed' };
      this.recovery.push(this.blockedLine(this.blocked, step));
    } else if (undo.gaveUp) {
      this.blocked = { kind: 'gave_up', error: undo.error };
      this.recovery.push(this.blockedLine(this.blocked, step));
    } else {
      this.recovery.push(`In ${apiName(step)}, booking ${this.input.bookingRef}: ${describeChange(step)}. Automatic undo failed: ${undo.error.message}`);
    }
  }

  private blockedLine(b: Blocked, step: PlanStep): string {
    const ref = this.input.bookingRef;
    if (b.kind === 'changed') return `In ${apiName(step)}, booking ${ref}: this service changed ${what(step)} (step ${n(step)}); someone else has changed the booking since, so it was not undone automatically. Check the booking and ${undoText(step)} if that is still right.`;
    if (b.kind === 'gave_up') return `In ${apiName(step)}, booking ${ref}: ${describeChange(step)}. Not undone automatically: ${apiName(step)} could not be reached for ${duration(this.input.settings.compensationWindowMs)} (${b.error.message})`;
    return `In ${apiName(step)}, booking ${ref}: ${describeChange(step)}. Not undone automatically, because whether step ${b.stepNumber} took effect could not be checked.`;
  }

  /** After a step could not be undone, the older ones are left as they are and named. */
  private reportBlocked(entry: StackEntry, blocked: Blocked): void {
    const { step } = entry;
    const failedHere = entry.failed === true;
    const stepError = failedHere ? this.failure.error : undefined;
    this.input.setStep(step.index, failedHere ? 'failed' : 'compensation_failed', stepError ?? { code: 'NOT_UNDONE', message: 'Not undone automatically.', retryable: false });
    if (!failedHere) {
      this.recovery.push(this.blockedLine(blocked, step));
      this.notUndone.push(step.title);
    }
  }

  private reportIrreversible(): void {
    for (const run of this.input.irreversible) {
      this.recovery.push(
        run.certain
          ? `Step ${n(run.step)} (${run.step.title}) was done before the failure and cannot be undone.`
          : `Step ${n(run.step)} (${run.step.title}) may have been done (${apiName(run.step)}'s answer never came) and cannot be undone.`,
      );
      this.notUndone.push(`${run.step.title} (cannot be undone${run.certain ? '' : '; it may have been done'})`);
    }
  }

  private result(): RollbackResult {
    const failure = this.failure;
    const failedText = `Step ${n(failure.step)} (${failure.step.title}) failed: ${failure.error.message}${failure.error.hint ? ` ${failure.error.hint}` : ''}`;
    const undoneText = this.undone.length ? ` Undone: ${this.undone.map((s) => s.title).join('; ')}.` : '';
    if (this.recovery.length) {
      return {
        phase: 'needs_attention',
        outcome: { message: `${failedText}${undoneText} Not undone: ${this.notUndone.join('; ')}. These need a person; see the recovery steps.`, recovery: this.recovery, code: failure.error.code },
      };
    }
    return {
      phase: 'rolled_back',
      outcome: { message: `${failedText}${this.undone.length ? `${undoneText} The booking is as it was.` : ' Nothing had been changed.'}`, recovery: failure.error.hint ? [failure.error.hint] : [], code: failure.error.code },
    };
  }
}
