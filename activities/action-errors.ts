// Upstream answers → ActionError with a message and hint a venue staff member can act on.
import { DateTime } from 'luxon';
import type { ActionError } from '../contracts/types.js';
import { maskText } from '../observability/redact.js';

export class ActionFailure extends Error {
  constructor(readonly error: ActionError, readonly retryAfterMs?: number) {
    super(error.message);
    this.name = 'ActionFailure';
  }
}

export function localTime(iso: string, timezone: string | undefined, withDay = true): string {
  const dt = DateTime.fromISO(iso, { setZone: true });
  if (!dt.isValid) return iso;
  const z = timezone ? dt.setZone(timezone) : dt;
  return z.toFormat(withDay ? 'ccc d LLL HH:mm' : 'HH:mm');
}

interface Problem {
  code?: string;
  detail?: string;
  title?: string;
  remaining?: number;
  needed?: number;
  sessionStart?: string;
  timezone?: string;
  alternatives?: Array<{ start: string; remaining: number }>;
  errors?: Array<{ field?: string; message?: string }>;
  times?: string[];
}

export function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : Math.max(0, t - Date.now());
}

export function mapHttpError(status: number, body: unknown, actionId: string, timezone?: string): ActionError {
  const p = (body && typeof body === 'object' ? body : {}) as Problem;
  const tz = p.timezone ?? timezone;
  const detail = p.detail ? maskText(p.detail) : undefined;
  if (status === 409 && p.code === 'CAPACITY_EXCEEDED') {
    const when = p.sessionStart ? localTime(p.sessionStart, tz) : 'That session';
    const alts = (p.alternatives ?? []).slice(0, 3).map((a) => `${localTime(a.start, tz, false)} has ${a.remaining}`);
    return {
      code: 'CAPACITY_EXCEEDED',
      message: `${when} has ${p.remaining ?? 0} place${p.remaining === 1 ? '' : 's'} left; ${p.needed ?? '?'} were needed.`,
      hint: alts.length ? `${alts.join(', ')}.` : 'No other session that day has enough places; try another day.',
      retryable: false,
      httpStatus: status,
    };
  }
  if (status === 409 && p.code === 'NO_SESSION') {
    return { code: 'NO_SESSION', message: detail ?? 'There is no session at that time.', hint: p.times ? `Sessions start at ${p.times.join(', ')}.` : 'Pick one of the listed session times.', retryable: false, httpStatus: status };
  }
  if (status === 412 || p.code === 'BOOKING_CHANGED') {
    return { code: 'BOOKING_CHANGED', message: 'The booking was changed by someone else after this plan was made.', hint: 'Open the booking to see the latest details, then ask again.', retryable: false, httpStatus: status };
  }
  if (status === 400 || status === 422) {
    const fields = (p.errors ?? []).map((e) => `${e.field || 'body'} ${e.message ?? 'is invalid'}`).join('; ');
    return { code: 'VALIDATION', message: `ROLLER rejected the ${actionId.replace(/_/g, ' ')} request${fields ? `: ${maskText(fields)}` : ''}.`, hint: 'Check the values and try again.', retryable: false, httpStatus: status };
  }
  if (status === 401) return { code: 'UNAUTHORIZED', message: 'Your ROLLER sign-in is no longer valid.', hint: 'Sign in to ROLLER again, then retry.', retryable: false, httpStatus: status };
  if (status === 403) return { code: 'FORBIDDEN', message: 'Your ROLLER account is not allowed to make this change.', hint: 'Ask a venue manager to make it, or to grant you booking edit rights.', retryable: false, httpStatus: status };
  if (status === 404) return { code: 'NOT_FOUND', message: detail ?? 'The booking or item was not found.', hint: 'Check the booking reference.', retryable: false, httpStatus: status };
  if (status === 409) return { code: p.code ?? 'CONFLICT', message: detail ?? 'ROLLER refused the change because of a conflict.', hint: 'Open the booking to check its current state.', retryable: false, httpStatus: status };
  if (status === 429) return { code: 'RATE_LIMITED', message: 'ROLLER is busy right now.', hint: 'It will be retried automatically.', retryable: true, httpStatus: status };
  if (status >= 500) return { code: 'UPSTREAM_UNAVAILABLE', message: 'ROLLER is not answering properly right now.', hint: 'Try again in a few minutes.', retryable: true, httpStatus: status };
  return { code: p.code ?? 'UPSTREAM_ERROR', message: detail ?? `ROLLER answered ${status}.`, retryable: false, httpStatus: status };
}

export function networkError(e: unknown): ActionError {
  const timeout = e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');
  return { code: 'UPSTREAM_UNAVAILABLE', message: timeout ? 'ROLLER did not answer in time.' : 'ROLLER could not be reached.', hint: 'Try again in a few minutes.', retryable: true };
}
