// Worker entry point: runs session workflows and their activities on TEMPORAL_TASK_QUEUE.
import { NativeConnection, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { loadConfigOrExit } from '../config/config.js';
import { createLogger } from '../observability/logger.js';
import { temporalSdkLogger } from '../observability/temporal-logger.js';
import { connectionOptions } from '../temporal/connection.js';
import { createWorker } from './create-worker.js';

const config = loadConfigOrExit();
const log = createLogger(config.logLevel, 'worker');
// SDK and Core logs go through pino (JSON, redacted); pino's level (LOG_LEVEL) decides what is written
Runtime.install({ logger: temporalSdkLogger(log), telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} } } });

async function connectWithRetry(): Promise<NativeConnection> {
  const attempts = 20;
  for (let i = 1; ; i++) {
    try {
      return await NativeConnection.connect(connectionOptions(config.temporal));
    } catch (e) {
      if (i >= attempts) {
        log.error({ address: config.temporal.address }, `Temporal is not reachable at ${config.temporal.address} after ${attempts} attempts; giving up`);
        process.exit(1);
      }
      log.warn({ address: config.temporal.address, attempt: i, reason: (e as Error).message.split('\n')[0] }, `Temporal is not reachable at ${config.temporal.address}; retrying in 3s`);
      await new Promise((r) => setTimeout(r, 3000));
    }
  }
}

try {
  const connection = await connectWithRetry();
  const { worker, catalog, deployment, makeCurrent } = await createWorker({ config, log, connection });
  const running = worker.run();
  const stopping = new AbortController();
  void running.catch(() => undefined).finally(() => stopping.abort());
  // development: a new build takes new sessions before "started" is said; production leaves the
  // switch to operators
  if (config.temporal.deployment.makeCurrent) await makeCurrent(stopping.signal).catch((e: Error) => log.warn({ err: e.message }, 'could not make this build current'));
  log.info({ taskQueue: config.temporal.taskQueue, deployment: deployment.name, buildId: deployment.buildId, actions: catalog.list().length, planner: config.planner.provider }, 'worker started');
  await running;
  await connection.close();
  log.info('worker stopped');
} catch (e) {
  log.error({ err: (e as Error).message }, 'worker failed');
  process.exit(1);
}
