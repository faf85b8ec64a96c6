// The ActionFailure a runner call ends in (anything else is rethrown; success fails the test).
import { ActionFailure } from '../../activities/action-errors.js';

export async function failure(p: Promise<unknown>): Promise<ActionFailure> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ActionFailure) return e;
    throw e;
  }
  throw new Error('expected a failure');
}
