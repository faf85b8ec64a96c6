// The planner seam: the workflow calls one activity; which planner runs behind it is configuration.
import type { PlanningInput, PlanningResult } from '../contracts/types.js';

export interface PlannerRuntime {
  heartbeat: (details: unknown) => void;
  /** heartbeat details of a previous attempt, to resume the loop instead of starting over */
  resumeFrom?: unknown;
  signal?: AbortSignal;
}

export interface Planner {
  plan(input: PlanningInput, runtime: PlannerRuntime): Promise<PlanningResult>;
}
