// Bare workflows used by the benchmark as the Temporal floor (docs/design.md §10).
import { condition, defineQuery, defineUpdate, proxyActivities, proxyLocalActivities, setHandler, upsertMemo, upsertSearchAttributes } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { FloorActivities } from '../activities/floor.js';
import { SessionPhaseKey } from './search-attributes.js';

const { noop } = proxyActivities<FloorActivities & Pick<Activities, never>>({ startToCloseTimeout: '10s' });
export const floorQuery = defineQuery<string>('floorState');

export async function floorOneActivity(): Promise<string> {
  let state = 'started';
  setHandler(floorQuery, () => state);
  await noop();
  state = 'done';
  return state;
}

export async function floorThreeActivities(): Promise<string> {
  await noop();
  await noop();
  await noop();
  return 'done';
}

/**
 * What a completed session does in Temporal, counted from a real session's history (bench/run.ts):
 * the same-shape floor repeats it with no-op activities and a plain memo, so the throughput ratio
 * against it says what the service's own code costs.
 */
export interface SessionShape {
  /** activities run before the first update (the plan), and after it (the steps) */
  activitiesBeforeUpdate: number;
  activitiesAfterUpdate: number;
  localActivities: number;
  updates: number;
  memoUpserts: number;
  searchAttributeUpserts: number;
  /** the size of one published memo, so the floor's memo weighs the same */
  memoBytes: number;
}
export const floorConfirm = defineUpdate<string, []>('floorConfirm');

const { noop: localNoop } = proxyLocalActivities<FloorActivities>({ startToCloseTimeout: '10s' });

export async function floorSameShape(shape: SessionShape): Promise<string> {
  let memoLeft = shape.memoUpserts;
  let searchLeft = shape.searchAttributeUpserts;
  let localLeft = shape.localActivities;
  let version = 0;
  const filler = 'x'.repeat(shape.memoBytes);
  // each kind is spent from its budget where a session spends it; what is left is spent at the end
  const memo = () => {
    if (memoLeft-- > 0) upsertMemo({ sessionState: { version: ++version, filler } });
  };
  const phase = (value: string) => {
    if (searchLeft-- > 0) upsertSearchAttributes([{ key: SessionPhaseKey, value }]);
  };
  const local = async () => {
    if (localLeft-- > 0) await localNoop();
  };
  let updates = 0;
  setHandler(floorConfirm, () => {
    updates += 1;
    phase('executing');
    memo();
    return 'accepted';
  });
  phase('planning');
  for (let i = 0; i < shape.activitiesBeforeUpdate; i++) await noop();
  phase('awaiting_confirmation');
  memo();
  // like a session waiting for its confirmation: a condition with an idle timeout (a timer)
  if (!(await condition(() => updates >= shape.updates, '1 day'))) return 'expired';
  await local();
  for (let i = 0; i < shape.activitiesAfterUpdate; i++) {
    await local();
    await noop();
    memo();
  }
  while (localLeft > 0) await local();
  phase('completed');
  while (searchLeft > 0) phase('completed');
  while (memoLeft > 0) memo();
  return 'done';
}
