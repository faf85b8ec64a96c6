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

/**
 * The error shapes published APIs answer with, normalised to one Problem: problem+json
 * ({type, title, status, detail, code?, errors?}), OCTO-style {error, errorMessage},
 * {errors: [string | {field|path|pointer, message|detail|title, code}]} and plain {message}.
 */
function normalise(body: unknown): Problem {
  if (typeof body === 'string') return { detail: body };
  if (!body || typeof body !== 'object') return {};
  const b = body as Record<string, unknown>;
  const p = { ...b } as Problem;
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  if (typeof b.error === 'string') {
    p.code ??= b.error;
    p.detail ??= str(b.errorMessage) ?? str(b.message) ?? str(b.error_description);
  } else if (b.error && typeof b.error === 'object') {
    const e = b.error as Record<string, unknown>;
    p.code ??= str(e.code);
    p.detail ??= str(e.message) ?? str(e.detail);
  }
  p.detail ??= str(b.message) ?? str(b.errorMessage);
  if (Array.isArray(b.errors)) {
    p.errors = (b.errors as unknown[]).map((e) => {
      if (typeof e === 'string') return { message: e };
      const o = (e ?? {}) as Record<string, unknown>;
      const field = str(o.field) ?? str(o.path) ?? str(o.pointer) ?? str(o.property) ?? str((o.source as Record<string, unknown> | undefined)?.pointer);
      return { field: field?.replace(/^\/+/, '').replace(/\//g, '.'), message: str(o.message) ?? str(o.detail) ?? str(o.title) ?? str(o.code) };
    });
    if (!p.code) {
      const first = (b.errors as Array<Record<string, unknown>>)[0];
      if (first && typeof first === 'object' && typeof first.code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(first.code)) p.code = first.code;
    }
  }
  return p;
}

/** Upstream error → ActionError. `api` is the API's title, named in the messages. */
export function mapHttpError(status: number, body: unknown, actionId: string, timezone?: string, api = 'The booking system', auth: string = 'passthrough'): ActionError {
  const p = normalise(body);
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
    const why = fields || detail;
    return { code: 'VALIDATION', message: `${api} rejected the ${actionId.replace(/_/g, ' ')} request${why ? `: ${maskText(why)}` : ''}.`, hint: 'Check the values and try again.', retryable: false, httpStatus: status };
  }
  if (status === 401) {
    return auth === 'passthrough'
      ? { code: 'UNAUTHORIZED', message: `Your ${api} sign-in is no longer valid.`, hint: `Sign in to ${api} again, then retry.`, retryable: false, httpStatus: status }
      : { code: 'UNAUTHORIZED', message: `${api} did not accept this service's credentials.`, hint: `Ask an administrator to check the ${api} credentials.`, retryable: false, httpStatus: status };
  }
  if (status === 403) return { code: 'FORBIDDEN', message: `Your ${api} account is not allowed to make this change.`, hint: 'Ask a venue manager to make it, or to grant you booking edit rights.', retryable: false, httpStatus: status };
  if (status === 404) return { code: 'NOT_FOUND', message: detail ?? 'The booking or item was not found.', hint: 'Check the booking reference.', retryable: false, httpStatus: status };
  if (status === 409) return { code: p.code ?? 'CONFLICT', message: detail ?? `${api} refused the change because of a conflict.`, hint: 'Open the booking to check its current state.', retryable: false, httpStatus: status };
  if (status === 429) return { code: 'RATE_LIMITED', message: `${api} is busy right now.`, hint: 'It will be retried automatically.', retryable: true, httpStatus: status };
  if (status >= 500) return { code: 'UPSTREAM_UNAVAILABLE', message: `${api} is not answering properly right now.`, hint: 'Try again in a few minutes.', retryable: true, httpStatus: status };
  return { code: p.code ?? 'UPSTREAM_ERROR', message: detail ?? `${api} answered ${status}.`, retryable: false, httpStatus: status };
}

export function networkError(e: unknown, api = 'The booking system'): ActionError {
  const timeout = e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');
  return { code: 'UPSTREAM_UNAVAILABLE', message: timeout ? `${api} did not answer in time.` : `${api} could not be reached.`, hint: 'Try again in a few minutes.', retryable: true };
}
