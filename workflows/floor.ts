// Bare workflows used by the benchmark as the Temporal floor (docs/design.md §10).
import { proxyActivities, setHandler, defineQuery } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { FloorActivities } from '../activities/floor.js';

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
