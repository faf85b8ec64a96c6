// Rolling back a failed plan so that the outcome says exactly what happened (DESIGN §5):
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

export async function rollBack(input: RollbackInput): Promise<RollbackResult> {
  const { io, settings, context, token, setStep, setProgress } = input;
  // sessions that began their rollback before `write-identity` finish it as they began (replay)
  const byIdentity = patched('write-identity');
  let failure = input.failure;
  const giveUpAt = Date.now() + settings.compensationWindowMs;
  const baseOpts = { scheduleToCloseTimeout: settings.stepTimeoutMs, retry: { maximumAttempts: 1 } } satisfies ActivityOptions;
  const VERIFY: ActivityOptions = { ...baseOpts, startToCloseTimeout: '30s' };
  const UNDO: ActivityOptions = { ...baseOpts, startToCloseTimeout: '30s', heartbeatTimeout: '5s' };

  /** One attempt per activity execution; the workflow waits between them (capped backoff) until the window ends. */
  async function durably<T>(step: PlanStep, run: () => Promise<T>): Promise<Attempt<T>> {
    const index = step.index;
    for (let attempt = 1; ; attempt++) {
      try {
        return { ok: true, value: await run() };
      } catch (err) {
        const error = actionErrorOf(err, step.api);
        if (!error.retryable) return { ok: false, error, gaveUp: false };
        // the last wait is cut short so that one attempt falls at the end of the window
        const left = giveUpAt - Date.now();
        if (left <= 0) return { ok: false, error, gaveUp: true };
        const delay = Math.min(settings.compensationMaxBackoffMs, 1000 * 2 ** Math.min(attempt - 1, 20), left);
        setProgress(index, { attempts: attempt, lastError: maskText(error.message), nextAttemptAt: new Date(Date.now() + delay).toISOString(), giveUpAt: new Date(giveUpAt).toISOString() });
        await sleep(delay);
      }
    }
  }

  const ref = input.bookingRef;
  const n = (step: PlanStep) => step.index + 1;
  const blockedLine = (b: Blocked, step: PlanStep): string => {
    if (b.kind === 'changed') return `In ${apiName(step)}, booking ${ref}: this service changed ${what(step)} (step ${n(step)}); someone else has changed the booking since, so it was not undone automatically. Check the booking and ${undoText(step)} if that is still right.`;
    if (b.kind === 'gave_up') return `In ${apiName(step)}, booking ${ref}: ${describeChange(step)}. Not undone automatically: ${apiName(step)} could not be reached for ${duration(settings.compensationWindowMs)} (${b.error.message})`;
    return `In ${apiName(step)}, booking ${ref}: ${describeChange(step)}. Not undone automatically, because whether step ${b.stepNumber} took effect could not be checked.`;
  };

  let expected = input.version;
  let blocked: Blocked | undefined;
  const undone: PlanStep[] = [];
  const notUndone: string[] = [];
  const recovery: string[] = [];

  for (const entry of [...input.stack].reverse()) {
    const { step } = entry;
    const failedHere = entry.failed === true;
    let stepError = failedHere ? failure.error : undefined;
    const summary = (verb: string) => `${verb} step ${n(step)}/${input.stepCount}: ${step.actionId}`;
    if (blocked) {
      setStep(step.index, failedHere ? 'failed' : 'compensation_failed', stepError ?? { code: 'NOT_UNDONE', message: 'Not undone automatically.', retryable: false });
      if (!failedHere) {
        recovery.push(blockedLine(blocked, step));
        notUndone.push(step.title);
      }
      continue;
    }
    if (failedHere && byIdentity && entry.refused) {
      // a refusal is final: the write did not happen, so there is nothing to read back or undo
      setStep(step.index, 'failed', stepError);
      continue;
    }
    if (failedHere) {
      setStep(step.index, 'compensating', stepError);
      const identity = byIdentity ? { idempotencyKey: `${context.sessionId}:${input.planHash}:${step.index}` } : {};
      const read = await durably(step, () =>
        io.verifyStep.executeWithOptions({ ...VERIFY, summary: summary('Check') }, [{ actionId: step.actionId, params: step.params, context, token, versionBefore: entry.ifMatch, ...identity }]),
      );
      if (!read.ok || read.value.tookEffect === 'unknown') {
        setStep(step.index, 'failed', stepError);
        const why = read.ok ? `${apiName(step)} cannot tell whether this write was applied` : read.gaveUp ? `${apiName(step)} could not be reached for ${duration(settings.compensationWindowMs)}: ${read.error.message}` : read.error.message;
        recovery.push(`In ${apiName(step)}, booking ${ref}: whether step ${n(step)} (${step.title}) took effect could not be checked (${why}). If it did, ${undoText(step)}.`);
        notUndone.push(`${step.title} (may have taken effect)`);
        blocked = { kind: 'unverified', stepNumber: n(step) };
        continue;
      }
      if (read.value.tookEffect === 'no') {
        // sent again, the write was refused (e.g. someone else changed the booking): that is its outcome
        if (byIdentity && read.value.refusal) {
          failure = { step: failure.step, error: read.value.refusal };
          stepError = failure.error;
        }
        setStep(step.index, 'failed', stepError);
        continue;
      }
      // this session's write took effect although its answer never came: undo it like the others,
      // If-Match on the version that write produced (a later change by anyone else refuses the undo)
      if (read.value.version) expected = read.value.version;
    }
    setStep(step.index, 'compensating', stepError);
    const undo = await durably(step, () =>
      io.compensateStep.executeWithOptions({ ...UNDO, summary: summary('Undo') }, [
        { actionId: step.actionId, params: step.params, before: entry.before, result: entry.result, context, token, idempotencyKey: `${context.sessionId}:${input.planHash}:${step.index}:undo`, ifMatch: expected },
      ]),
    );
    if (undo.ok) {
      if (undo.value.version) expected = undo.value.version;
      undone.push(step);
      setStep(step.index, failedHere ? 'failed' : 'compensated', stepError);
      continue;
    }
    setStep(step.index, 'compensation_failed', undo.error);
    notUndone.push(step.title);
    if (undo.error.code === 'BOOKING_CHANGED') {
      blocked = { kind: 'changed' };
      recovery.push(blockedLine(blocked, step));
    } else if (undo.gaveUp) {
      blocked = { kind: 'gave_up', error: undo.error };
      recovery.push(blockedLine(blocked, step));
    } else {
      recovery.push(`In ${apiName(step)}, booking ${ref}: ${describeChange(step)}. Automatic undo failed: ${undo.error.message}`);
    }
  }

  for (const run of input.irreversible) {
    recovery.push(
      run.certain
        ? `Step ${n(run.step)} (${run.step.title}) was done before the failure and cannot be undone.`
        : `Step ${n(run.step)} (${run.step.title}) may have been done (the answer of ${apiName(run.step)} never came) and cannot be undone.`,
    );
    notUndone.push(`${run.step.title} (cannot be undone${run.certain ? '' : '; it may have been done'})`);
  }

  const failedText = `Step ${n(failure.step)} (${failure.step.title}) failed: ${failure.error.message}${failure.error.hint ? ` ${failure.error.hint}` : ''}`;
  const undoneText = undone.length ? ` Undone: ${undone.map((s) => s.title).join('; ')}.` : '';
  if (recovery.length) {
    return {
      phase: 'needs_attention',
      outcome: { message: `${failedText}${undoneText} Not undone: ${notUndone.join('; ')}. These need a person; see the recovery steps.`, recovery, code: failure.error.code },
    };
  }
  return {
    phase: 'rolled_back',
    outcome: { message: `${failedText}${undone.length ? `${undoneText} The booking is as it was.` : ' Nothing had been changed.'}`, recovery: failure.error.hint ? [failure.error.hint] : [], code: failure.error.code },
  };
}
