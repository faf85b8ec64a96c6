// The MCP tools' argument and result schemas (a contract: README "Plugging into an orchestrator").
// Arguments are the HTTP API's own field schemas and are checked by the same validator, so a bad
// argument gets the same VALIDATION code and errors[] as over HTTP. The SDK wants zod; `carrier`
// wraps a JSON Schema in a zod object that advertises it unchanged and lets every value through to
// that validator (zod's own messages would carry no stable code).
import * as z from 'zod';
import { schemas, MAX_WAIT_SECONDS } from '../validation.js';
import type { JsonSchema } from '../../contracts/types.js';

const { message, bookingId, sessionKey } = schemas.startSession.properties;
const sessionId = { type: 'string', minLength: 1, maxLength: 128, description: 'The sessionId a previous tool answered with' };

export const inputSchemas = {
  update_booking: {
    type: 'object',
    additionalProperties: false,
    required: ['bookingId', 'message'],
    properties: {
      bookingId: { ...bookingId, description: 'The ROLLER booking id' },
      message: { ...message, description: 'What the staff member asked for, in their own words' },
      sessionKey: { ...sessionKey, description: 'Same key from the same caller = the same session (a retry never starts a second one)' },
    },
  },
  reply_to_booking_update: {
    type: 'object',
    additionalProperties: false,
    required: ['sessionId', 'message'],
    properties: { sessionId, message: { ...message, description: "The person's answer to the question, or a revised request (re-plans)" } },
  },
  confirm_booking_update: {
    type: 'object',
    additionalProperties: false,
    required: ['sessionId', 'planHash'],
    properties: { sessionId, planHash: { ...schemas.confirm.properties.planHash, description: 'plan.hash of the plan the person saw and accepted' } },
  },
  decline_booking_update: { type: 'object', additionalProperties: false, required: ['sessionId'], properties: { sessionId } },
  get_booking_update: {
    type: 'object',
    additionalProperties: false,
    required: ['sessionId'],
    properties: { sessionId, waitSeconds: { type: 'number', minimum: 0, maximum: MAX_WAIT_SECONDS, description: `Hold up to this long (0-${MAX_WAIT_SECONDS} s) for the state to change` } },
  },
} as const;

export type ToolName = keyof typeof inputSchemas;

const safety = { type: 'string', enum: ['normal', 'high_risk', 'blocked'] };
const strings = { type: 'array', items: { type: 'string' } };

/** structuredContent of every tool: the session as an orchestrator needs it, by phase. */
export const outputSchema = {
  type: 'object',
  required: ['sessionId', 'phase', 'version', 'next'],
  properties: {
    sessionId: { type: 'string' },
    phase: {
      type: 'string',
      enum: ['planning', 'awaiting_clarification', 'awaiting_confirmation', 'executing', 'compensating', 'completed', 'rolled_back', 'needs_attention', 'declined', 'expired', 'failed', 'unsupported'],
    },
    version: { type: 'integer', description: 'Grows with every change of the session' },
    expiresAt: { type: 'string', description: 'While waiting for an answer or a confirmation: when the session expires (nothing written)' },
    question: {
      type: 'object',
      description: 'awaiting_clarification: ask the person this, send the answer with reply_to_booking_update',
      required: ['text', 'missing'],
      properties: { text: { type: 'string' }, missing: { ...strings, description: 'The details the question is about' } },
    },
    plan: {
      type: 'object',
      description: 'awaiting_confirmation: show the whole plan; confirm_booking_update with its hash, or decline_booking_update',
      required: ['hash', 'summary', 'risk', 'steps'],
      properties: {
        hash: { type: 'string' },
        summary: { type: 'string' },
        risk: { ...safety, description: 'high_risk when any step is high risk' },
        notes: strings,
        steps: {
          type: 'array',
          items: {
            type: 'object',
            required: ['index', 'title', 'actionId', 'safety', 'reversible', 'changes'],
            properties: {
              index: { type: 'integer' },
              title: { type: 'string' },
              actionId: { type: 'string' },
              safety,
              reversible: { type: 'boolean', description: 'false: cannot be undone once done' },
              changes: { type: 'array', items: { type: 'object', required: ['field'], properties: { field: { type: 'string' }, before: {}, after: {} } } },
            },
          },
        },
      },
    },
    progress: {
      type: 'object',
      description: 'Once confirmed: how far the plan has run',
      required: ['done', 'total', 'steps'],
      properties: {
        done: { type: 'integer', description: 'Steps that succeeded' },
        total: { type: 'integer' },
        steps: {
          type: 'array',
          items: {
            type: 'object',
            required: ['index', 'status'],
            properties: { index: { type: 'integer' }, title: { type: 'string' }, status: { type: 'string' }, error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } } },
          },
        },
      },
    },
    outcome: {
      type: 'object',
      description: 'When the session has ended: what happened and, when something is left to do, the recovery steps',
      required: ['status', 'message', 'recovery'],
      properties: { status: { type: 'string' }, message: { type: 'string' }, code: { type: 'string' }, recovery: strings },
    },
    next: { ...strings, description: 'The tools that can move this session on now (empty once it has ended)' },
  },
} as const;

/** A zod object that advertises `schema` as it is and accepts any value (checked afterwards). */
export function carrier(schema: JsonSchema) {
  const { properties = {}, ...rest } = schema;
  const shape = Object.fromEntries(Object.entries<JsonSchema>(properties).map(([k, s]) => [k, z.any().optional().meta(s)]));
  return z.looseObject(shape).meta(rest);
}
