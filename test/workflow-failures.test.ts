// What staff read when an activity times out: the failure names what did not answer — the AI
// planner for a planning attempt (workflows/session.ts passes it), ROLLER for a step by default.
import { describe, expect, it } from 'vitest';
import { ActivityFailure, ApplicationFailure, RetryState, TimeoutFailure, TimeoutType } from '@temporalio/common';
import { actionErrorOf, certainlyNotApplied } from '../workflows/failures.js';

const timedOut = () => new ActivityFailure('activity timed out', 'planSession', 'act-1', RetryState.TIMEOUT, 'worker', new TimeoutFailure('heartbeat timeout', undefined, TimeoutType.HEARTBEAT));

describe('activity failures as staff read them', () => {
  it('a planning timeout names the planner, a step timeout names the step\'s API by its overlay title', () => {
    expect(actionErrorOf(timedOut(), 'The AI planner')).toEqual({ code: 'UPSTREAM_UNAVAILABLE', message: 'The AI planner did not answer in time.', retryable: true });
    expect(actionErrorOf(timedOut(), 'OCTO supplier').message).toBe('OCTO supplier did not answer in time.');
    expect(actionErrorOf(timedOut()).message).toBe('The booking system did not answer in time.');
  });

  it('an ActionError carried by the failure is passed on as it is', () => {
    const carried = { code: 'CAPACITY_EXCEEDED', message: 'Only 3 places left', retryable: false, httpStatus: 409 };
    const failure = new ActivityFailure('failed', 'executeStep', 'act-2', RetryState.NON_RETRYABLE_FAILURE, 'worker', ApplicationFailure.create({ message: 'x', type: 'CAPACITY_EXCEEDED', details: [carried], nonRetryable: true }));
    expect(actionErrorOf(failure)).toEqual(carried);
    expect(certainlyNotApplied(carried)).toBe(true);
    expect(certainlyNotApplied({ code: 'UPSTREAM_UNAVAILABLE', message: 'x', retryable: true })).toBe(false);
  });
});
