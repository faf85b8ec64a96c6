// Builds a worker: catalog → action runner → planner → activities, on a task queue.
import { NativeConnection, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { DateTime } from 'luxon';
import { ConfigError, type Config } from '../config/config.js';
import { loadCatalogOrThrow, type Catalog } from '../catalog/importer.js';
import { ActionRunner } from '../activities/action-runner.js';
import { createActivities } from '../activities/index.js';
import { floorActivities } from '../activities/floor.js';
import { createPlanner } from '../activities/planner/factory.js';
import type { Logger } from '../observability/logger.js';
import { createTracer, type Tracer } from '../observability/langfuse.js';
import { connectionOptions, dataConverter, resolvePayloadKeys, resolveTokenSealKeys } from '../temporal/connection.js';
import { TokenSeal } from '../codec/token-seal.js';

export const WORKFLOWS_PATH = new URL('../workflows/index.ts', import.meta.url).pathname;

/** Staff tokens travel sealed through Temporal; each activity gets them opened, nothing else does. */
function openingTokens<T extends Record<string, (...args: never[]) => unknown>>(activities: T, seal: TokenSeal): T {
  return Object.fromEntries(Object.entries(activities).map(([name, fn]) => [name, (...args: unknown[]) => (fn as (...a: unknown[]) => unknown)(...seal.openArgs(args))])) as unknown as T;
}

export interface WorkerOptions {
  config: Config;
  log: Logger;
  connection?: NativeConnection;
  workflowBundle?: WorkflowBundleWithSourceMap;
  catalog?: Catalog;
  tracer?: Tracer;
  clock?: () => DateTime;
  /** test runs use a short shutdown grace */
  shutdownGraceTime?: string;
}

/** A server variable an overlay names must hold an http(s) URL when it is set (one line naming it otherwise). */
export function checkApiVariables(catalog: Catalog, env: Record<string, string | undefined>): void {
  for (const a of catalog.all()) {
    const name = a.api?.serverVariable;
    const value = name ? env[name] : undefined;
    if (name && value !== undefined && value !== '' && !/^https?:\/\/[^\s]+$/.test(value)) throw new ConfigError(name, `must be an http(s) URL, got "${value}"`);
  }
}

export async function createWorker(opts: WorkerOptions): Promise<{ worker: Worker; connection: NativeConnection; catalog: Catalog }> {
  const { config, log } = opts;
  const catalog = opts.catalog ?? (await loadCatalogOrThrow(config.catalogDir));
  checkApiVariables(catalog, config.apiEnv);
  const runner = new ActionRunner(catalog, config.roller.baseUrl, config.roller.timeoutMs, config.apiEnv);
  const planner = createPlanner(config, catalog, runner, opts.tracer ?? createTracer(), opts.clock);
  const seal = new TokenSeal(resolveTokenSealKeys(config, (m) => log.warn(m)));
  const activities = openingTokens({ ...createActivities({ catalog, runner, planner, log, retryAfterMaxMs: config.roller.retryAfterMaxMs }), ...floorActivities }, seal);
  const connection = opts.connection ?? (await NativeConnection.connect(connectionOptions(config.temporal)));
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    activities,
    dataConverter: dataConverter(resolvePayloadKeys(config, (m) => log.warn(m))),
    shutdownGraceTime: opts.shutdownGraceTime ?? '10s',
  });
  return { worker, connection, catalog };
}
