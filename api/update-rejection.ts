// An update a session refused, as the problem the gateway answers: the code is the failure's
// `type` (workflows/rejections.ts), the detail its message; no text is parsed.
import { ApplicationFailure } from '@temporalio/common';
import { isRejectionCode, REJECTION_STATUS } from '../workflows/rejections.js';
import { ApiError } from './problem.js';

/**
 * Workers of builds before typed rejections threw plain errors whose message reads "CODE: detail"
 * (their failure's type is "Error"). A session pinned to such a build may still be in flight
 * (worker/deployment.ts), so that form is still read. Drop it once no session started on such a
 * build is running: a session lasts at most about a day (README, Operators).
 */
const LEGACY_TEXT = /^(WRONG_PHASE|STALE_PLAN|VALIDATION|TOO_MANY_MESSAGES): (.*)$/s;

/** The problem for the cause of a failed update, or undefined when the session did not name one. */
export function rejectionProblem(cause: unknown): ApiError | undefined {
  if (!(cause instanceof Error)) return undefined;
  if (cause instanceof ApplicationFailure && isRejectionCode(cause.type)) {
    return new ApiError(REJECTION_STATUS[cause.type], cause.type, cause.message);
  }
  const legacy = LEGACY_TEXT.exec(cause.message);
  if (legacy && isRejectionCode(legacy[1])) return new ApiError(REJECTION_STATUS[legacy[1]], legacy[1], legacy[2]!);
  return undefined;
}
