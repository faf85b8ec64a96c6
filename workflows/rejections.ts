// Why a session refuses an update: a stable problem code carried as the `type` of the
// ApplicationFailure its validator throws, so that clients read the code without parsing text.
// Shared by the workflow (which throws) and the gateway (which maps codes to HTTP statuses).
import { ApplicationFailure } from '@temporalio/workflow';

/** Every code an update validator rejects with, and the HTTP status the gateway answers it with. */
export const REJECTION_STATUS = {
  WRONG_PHASE: 409,
  STALE_PLAN: 409,
  VALIDATION: 400,
  TOO_MANY_MESSAGES: 409,
} as const;
export type RejectionCode = keyof typeof REJECTION_STATUS;

export function isRejectionCode(type: unknown): type is RejectionCode {
  return typeof type === 'string' && Object.prototype.hasOwnProperty.call(REJECTION_STATUS, type);
}

/** The failure a validator throws: `type` is the code, `message` the problem's detail. */
export function rejection(code: RejectionCode, detail: string): ApplicationFailure {
  return ApplicationFailure.create({ type: code, message: detail, nonRetryable: true });
}
