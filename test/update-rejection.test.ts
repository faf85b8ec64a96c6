// A refused update becomes the problem its failure's type names (api/update-rejection.ts); updates
// refused by workers of older builds, whose failures carry the code in their text, map the same.
import { describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { mapTemporalError } from '../api/session-service.js';
import { rejectionProblem } from '../api/update-rejection.js';
import { REJECTION_STATUS, rejection, type RejectionCode } from '../workflows/rejections.js';

const refused = (cause: Error) => mapTemporalError(new WorkflowUpdateFailedError('Workflow Update failed', cause));

describe('update rejections: failure type → problem code', () => {
  it('each typed rejection answers its status, with the code from the type and the message as detail', () => {
    const expected: Record<RejectionCode, number> = { WRONG_PHASE: 409, STALE_PLAN: 409, VALIDATION: 400, TOO_MANY_MESSAGES: 409 };
    expect(REJECTION_STATUS).toEqual(expected);
    for (const code of Object.keys(expected) as RejectionCode[]) {
      const e = refused(rejection(code, 'the session is executing; there is no plan waiting for confirmation'));
      expect([e.status, e.code, e.detail]).toEqual([expected[code], code, 'the session is executing; there is no plan waiting for confirmation']);
    }
  });

  it('the type decides, whatever the text says', () => {
    const e = refused(ApplicationFailure.create({ type: 'STALE_PLAN', message: 'WRONG_PHASE: looks like another code' }));
    expect([e.status, e.code, e.detail]).toEqual([409, 'STALE_PLAN', 'WRONG_PHASE: looks like another code']);
  });

  it('a rejection from an older build ("CODE: detail", type Error) answers exactly as before', () => {
    const old = ApplicationFailure.create({ type: 'Error', message: 'VALIDATION: the message is empty' });
    const e = refused(old);
    expect([e.status, e.code, e.detail]).toEqual([400, 'VALIDATION', 'the message is empty']);
    const plain = refused(new Error('TOO_MANY_MESSAGES: this session has taken 25 messages; start a new session'));
    expect([plain.status, plain.code, plain.detail]).toEqual([409, 'TOO_MANY_MESSAGES', 'this session has taken 25 messages; start a new session']);
  });

  it('an unknown type or text is REJECTED, never a code the session did not name', () => {
    expect(rejectionProblem(ApplicationFailure.create({ type: 'SOMETHING_ELSE', message: 'no' }))).toBeUndefined();
    expect(rejectionProblem(ApplicationFailure.create({ type: 'Error', message: 'BOOKING_CHANGED: no' }))).toBeUndefined();
    expect(rejectionProblem(undefined)).toBeUndefined();
    const e = refused(ApplicationFailure.create({ type: 'SOMETHING_ELSE', message: 'refused for a reason' }));
    expect([e.status, e.code, e.detail]).toEqual([409, 'REJECTED', 'refused for a reason']);
  });
});
