// Request schemas, checked at the edge. Unknown fields are rejected, lengths are bounded.
import { Ajv, type ErrorObject } from 'ajv';
import { ApiError } from './problem.js';
import { MAX_MESSAGE_LENGTH } from '../workflows/messages.js';

const ajv = new Ajv({ allErrors: true, strict: true });

const message = { type: 'string', minLength: 1, maxLength: MAX_MESSAGE_LENGTH, pattern: '\\S' };

export const schemas = {
  startSession: {
    type: 'object',
    additionalProperties: false,
    required: ['message'],
    properties: {
      message,
      bookingId: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' },
      locale: { type: 'string', pattern: '^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$', maxLength: 35 },
      timezone: { type: 'string', pattern: '^[A-Za-z_]+(/[A-Za-z0-9_+-]+){0,3}$', maxLength: 64 },
      sessionKey: { type: 'string', pattern: '^[A-Za-z0-9._:-]{8,128}$' },
    },
  },
  message: { type: 'object', additionalProperties: false, required: ['message'], properties: { message } },
  confirm: { type: 'object', additionalProperties: false, required: ['planHash'], properties: { planHash: { type: 'string', pattern: '^[a-f0-9]{16,64}$' } } },
  decline: { type: 'object', additionalProperties: false, properties: {} },
} as const;

const compiled = Object.fromEntries(Object.entries(schemas).map(([k, s]) => [k, ajv.compile(s)])) as Record<keyof typeof schemas, ReturnType<typeof ajv.compile>>;

function fieldOf(e: ErrorObject): string {
  const p = e.params as { missingProperty?: string; additionalProperty?: string };
  return [e.instancePath.slice(1), p.missingProperty ?? p.additionalProperty].filter(Boolean).join('.') || '(body)';
}

function describe(e: ErrorObject): string {
  const p = e.params as { additionalProperty?: string; limit?: number };
  if (e.keyword === 'additionalProperties') return `unknown field "${p.additionalProperty}"`;
  if (e.keyword === 'maxLength') return `must be at most ${p.limit} characters`;
  if (e.keyword === 'minLength' || (e.keyword === 'pattern' && e.instancePath === '/message')) return 'must not be empty';
  return e.message ?? 'is invalid';
}

export function validateBody<T>(name: keyof typeof schemas, body: unknown): T {
  return check<T>(compiled[name], body);
}

function check<T>(validate: ReturnType<typeof ajv.compile>, body: unknown): T {
  const value = body === undefined ? {} : body;
  if (!validate(value)) {
    const errors = (validate.errors ?? []).map((e) => ({ field: fieldOf(e), message: describe(e) }));
    const first = errors[0]!;
    throw new ApiError(400, 'VALIDATION', `${first.field} ${first.message}`, { errors });
  }
  return value as T;
}

/** A checker for another request schema (the MCP tools' arguments): the same VALIDATION answer as the routes. */
export function validator<T>(schema: object): (body: unknown) => T {
  const validate = ajv.compile(schema);
  return (body) => check<T>(validate, body);
}

/** The documented upper bound of `?wait=` (api/openapi.yaml, README). */
export const MAX_WAIT_SECONDS = 25;

/** `?wait=<seconds>`: how long a request may hold for a change (0-25 s, and never past MAX_WAIT_MS). */
export function parseWait(raw: unknown, maxMs: number): number {
  if (raw === undefined) return 0;
  if (typeof raw !== 'string' || !/^\d{1,3}(\.\d{1,3})?$/.test(raw)) throw new ApiError(400, 'VALIDATION', 'wait must be a number of seconds', { errors: [{ field: 'wait', message: 'must be a number of seconds' }] });
  if (Number(raw) > MAX_WAIT_SECONDS) throw new ApiError(400, 'VALIDATION', `wait must be at most ${MAX_WAIT_SECONDS} seconds`, { errors: [{ field: 'wait', message: `must be at most ${MAX_WAIT_SECONDS} seconds` }] });
  return Math.min(Number(raw) * 1000, maxMs);
}
