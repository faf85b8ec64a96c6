// Builds a worker: catalog → action runner → planner → activities, on a task queue.
import { readFile } from 'node:fs/promises';
import { NativeConnection, Runtime, Worker, bundleWorkflowCode, type WorkflowBundleOption } from '@temporalio/worker';
import type { DateTime } from 'luxon';
import { ConfigError, type Config } from '../config/config.js';
import { loadCatalogOrThrow, type Catalog } from '../catalog/importer.js';
import { ActionRunner } from '../activities/action-runner.js';
import { createActivities } from '../activities/index.js';
import { floorActivities } from '../activities/floor.js';
import { createPlanner } from '../planner/factory.js';
import type { Logger } from '../observability/logger.js';
import { createTracer, type Tracer } from '../observability/langfuse.js';
import { connectionOptions, dataConverter, FAILURE_CONVERTER_PATH, resolvePayloadKeys, resolveTokenSealKeys } from '../temporal/connection.js';
import { buildIdOf, deploymentOptions, makeCurrentWhenPolled, type Promotion } from './deployment.js';
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
  workflowBundle?: WorkflowBundleOption;
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

/** The workflow code this worker runs: the bundle given, or ours bundled now (its hash is the default build id). */
async function workflowCode(bundle: WorkflowBundleOption | undefined): Promise<string> {
  if (bundle) return 'code' in bundle ? bundle.code : readFile(bundle.codePath, 'utf8');
  return (await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, failureConverterPath: FAILURE_CONVERTER_PATH, logger: Runtime.instance().logger })).code;
}

export interface CreatedWorker {
  worker: Worker;
  connection: NativeConnection;
  catalog: Catalog;
  /** this worker's Worker Deployment Version */
  deployment: { name: string; buildId: string };
  /** makes this build the deployment's current version if it is new (call once the worker runs) */
  makeCurrent(signal?: AbortSignal): Promise<Promotion>;
}

export async function createWorker(opts: WorkerOptions): Promise<CreatedWorker> {
  const { config, log } = opts;
  const catalog = opts.catalog ?? (await loadCatalogOrThrow(config.catalogDir));
  checkApiVariables(catalog, config.apiEnv);
  const runner = new ActionRunner(catalog, config.roller.baseUrl, config.roller.timeoutMs, config.apiEnv);
  const planner = createPlanner(config, catalog, runner, opts.tracer ?? createTracer(), opts.clock);
  const seal = new TokenSeal(resolveTokenSealKeys(config, (m) => log.warn(m)));
  const activities = openingTokens({ ...createActivities({ catalog, runner, planner, log, retryAfterMaxMs: config.roller.retryAfterMaxMs }), ...floorActivities }, seal);
  const connection = opts.connection ?? (await NativeConnection.connect(connectionOptions(config.temporal)));
  const code = await workflowCode(opts.workflowBundle);
  const deployment = { name: config.temporal.deployment.name, buildId: config.temporal.deployment.buildId ?? buildIdOf(code) };
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    workflowBundle: { code },
    workerDeploymentOptions: deploymentOptions(deployment.name, deployment.buildId),
    activities,
    dataConverter: dataConverter(resolvePayloadKeys(config, (m) => log.warn(m))),
    shutdownGraceTime: opts.shutdownGraceTime ?? '10s',
  });
  const makeCurrent = (signal?: AbortSignal) =>
    makeCurrentWhenPolled({ service: connection.workflowService, namespace: config.temporal.namespace, deploymentName: deployment.name, buildId: deployment.buildId, log, signal });
  return { worker, connection, catalog, deployment, makeCurrent };
}
