// The session workflow's messages, shared by the workflow and its clients (gateway, tests).
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { ConfirmArgs, SessionState, UserMessageArgs } from '../contracts/types.js';

export const stateQuery = defineQuery<SessionState>('state');
export const messageUpdate = defineUpdate<SessionState, [UserMessageArgs]>('message');
export const confirmUpdate = defineUpdate<SessionState, [ConfirmArgs]>('confirm');
export const declineUpdate = defineUpdate<SessionState, [{ token?: string }]>('decline');
/**
 * Retired: resolves as soon as the state version differs from `sinceVersion` (or after `timeoutMs`).
 * Registered only by sessions started before the `no-wait-update` patch; nothing sends it any more.
 */
export const waitForChangeUpdate = defineUpdate<SessionState, [{ sinceVersion: number; timeoutMs: number }]>('waitForChange');

export const MAX_MESSAGE_LENGTH = 2000;
