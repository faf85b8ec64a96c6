// A planner built like the worker builds it (catalog, runner against the sandbox, the fixed test
// clock), and a one-call way to run it on a conversation.
import { loadConfig } from '../../config/config.js';
import { loadCatalog } from '../../catalog/importer.js';
import { ActionRunner } from '../../activities/action-runner.js';
import { createPlanner } from '../../planner/factory.js';
import type { PlanningResult } from '../../contracts/types.js';
import type { Tracer } from '../../observability/langfuse.js';
import { TEST_NOW } from './stack.js';

export const CATALOG_DIR = new URL('../../catalog', import.meta.url).pathname;

export interface PlanOptions {
  bookingId?: string;
  sessionId?: string;
  venueId?: string;
  userId?: string;
  token?: string;
}

export async function testPlanner(env: Record<string, string>, sandboxUrl: string, tracer?: Tracer) {
  const catalog = await loadCatalog(CATALOG_DIR);
  const planner = createPlanner(loadConfig(env), catalog, new ActionRunner(catalog, sandboxUrl, 5000), tracer, () => TEST_NOW);
  return {
    catalog,
    plan(messages: string | string[], o: PlanOptions = {}): Promise<PlanningResult> {
      const texts = Array.isArray(messages) ? messages : [messages];
      return planner.plan(
        {
          context: { sessionId: o.sessionId ?? 'sess_test', venueId: o.venueId ?? 'venue-1', userId: o.userId ?? 'u', bookingId: o.bookingId ?? 'bk-1001' },
          conversation: texts.map((text) => ({ role: 'user' as const, text })),
          token: o.token ?? 'tok-staff-venue1',
          planVersion: 1,
        },
        { heartbeat: () => {} },
      );
    },
  };
}
