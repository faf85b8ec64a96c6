// The session workflow's messages, shared by the workflow and its clients (gateway, tests).
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { BookingSummary, ConfirmArgs, Plan, SessionState, UserMessageArgs } from '../contracts/types.js';

export const stateQuery = defineQuery<SessionState>('state');

/**
 * The state as published in the session's memo, which pollers read: the plan and the booking are
 * reduced to what identifies them, keeping the memo under Temporal's memo warning size (2 KiB).
 * Their content (fixed per plan hash / booking version) is read once with `detailsQuery`.
 */
export interface PublishedState extends Omit<SessionState, 'plan' | 'booking'> {
  plan?: Pick<Plan, 'hash'>;
  booking?: Pick<BookingSummary, 'bookingId' | 'version'>;
  detailsByQuery: true;
}
export interface SessionDetails {
  plan?: Plan;
  booking?: BookingSummary;
}
export const detailsQuery = defineQuery<SessionDetails>('details');
export const messageUpdate = defineUpdate<SessionState, [UserMessageArgs]>('message');
export const confirmUpdate = defineUpdate<SessionState, [ConfirmArgs]>('confirm');
export const declineUpdate = defineUpdate<SessionState, [{ token?: string }]>('decline');
/**
 * Retired: resolves as soon as the state version differs from `sinceVersion` (or after `timeoutMs`).
 * Registered only by sessions started before the `no-wait-update` patch; nothing sends it any more.
 */
export const waitForChangeUpdate = defineUpdate<SessionState, [{ sinceVersion: number; timeoutMs: number }]>('waitForChange');

export const MAX_MESSAGE_LENGTH = 2000;
/**
 * Follow-up messages one session takes (each re-plans). Keeps a session far below Temporal's
 * per-execution limits (2,000 updates, 10,240 history events before warnings) whatever a client does.
 */
export const MAX_MESSAGES_PER_SESSION = 25;
