// What an activity failure means for a session: the ActionError it carries. Workflow code (deterministic).
import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import type { ActionError, PlanStep } from '../contracts/types.js';

/** The name staff know the step's API by: its overlay title, recorded on the step when planned. */
export function apiName(step?: Pick<PlanStep, 'api'>): string {
  return step?.api ?? 'the booking system';
}

/** The ActionError carried by an activity failure, or a generic one; `who` is what did not answer on a timeout. */
export function actionErrorOf(err: unknown, who = 'The booking system'): ActionError {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure) {
    const detail = cause.details?.[0] as ActionError | undefined;
    if (detail && typeof detail === 'object' && 'code' in detail) return detail;
    return { code: cause.type ?? 'ERROR', message: cause.message, retryable: false };
  }
  if (cause instanceof Error && cause.name === 'TimeoutFailure') return { code: 'UPSTREAM_UNAVAILABLE', message: `${who} did not answer in time.`, retryable: true };
  return { code: 'ERROR', message: cause instanceof Error ? cause.message : String(cause), retryable: false };
}

/** A failure that certainly left nothing behind (a definitive refusal before any effect). */
export function certainlyNotApplied(e: ActionError): boolean {
  return !e.retryable && e.httpStatus !== undefined && e.httpStatus >= 400 && e.httpStatus < 500;
}
