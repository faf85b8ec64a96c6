// The rollback of sessions started before the `truthful-rollback` patch, kept so that they finish
// as they began (replay). New sessions roll back with workflows/rollback.ts.
// Retire with the `truthful-rollback` patch (on/after 2026-12-06).
import { CancellationScope, type ActivityInterfaceFor, type ActivityOptions } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { PlanStep } from '../contracts/types.js';
import { actionErrorOf } from './failures.js';
import { describeChange, type RollbackInput, type RollbackResult } from './rollback.js';

const COMPENSATION: ActivityOptions = { startToCloseTimeout: '30s', heartbeatTimeout: '5s', retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 6 } };

export type LegacyRollbackInput = Pick<RollbackInput, 'context' | 'token' | 'planHash' | 'stack' | 'failure' | 'bookingRef' | 'setStep'> & { io: ActivityInterfaceFor<Activities> };

export async function legacyRollBack(input: LegacyRollbackInput): Promise<RollbackResult> {
  const { io, context, token, failure, bookingRef, setStep } = input;
  const undone: PlanStep[] = [];
  const recovery: string[] = [];
  await CancellationScope.nonCancellable(async () => {
    for (const entry of [...input.stack].reverse()) {
      if (entry.refused) continue;
      const { step } = entry;
      const wasFailedStep = step.index === failure.step.index;
      setStep(step.index, 'compensating', wasFailedStep ? failure.error : undefined);
      try {
        await io.compensateStep.executeWithOptions(
          { ...COMPENSATION, summary: `Undo step ${step.index + 1}: ${step.actionId}` },
          [{ actionId: step.actionId, params: step.params, before: entry.before, result: entry.result, context, token, idempotencyKey: `${context.sessionId}:${input.planHash}:${step.index}:undo` }],
        );
        setStep(step.index, wasFailedStep ? 'failed' : 'compensated', wasFailedStep ? failure.error : undefined);
        if (!wasFailedStep) undone.push(step);
      } catch (err) {
        const e = actionErrorOf(err);
        setStep(step.index, 'compensation_failed', e);
        recovery.push(`In ROLLER, booking ${bookingRef}: ${describeChange(step)}. Automatic undo failed: ${e.message}`);
      }
    }
  });

  const failedText = `Step ${failure.step.index + 1} (${failure.step.title}) failed: ${failure.error.message}${failure.error.hint ? ` ${failure.error.hint}` : ''}`;
  if (recovery.length) {
    return { phase: 'needs_attention', outcome: { message: `${failedText} Some changes could not be undone and need fixing by hand.`, recovery, code: failure.error.code } };
  }
  const undoneText = undone.length ? ` Undone: ${undone.map((s) => s.title).join('; ')}. The booking is as it was.` : ' Nothing had been changed.';
  return { phase: 'rolled_back', outcome: { message: `${failedText}${undoneText}`, recovery: failure.error.hint ? [failure.error.hint] : [], code: failure.error.code } };
}
