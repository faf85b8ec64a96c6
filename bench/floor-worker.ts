// The benchmark's bare worker: the floor workflows and their no-op activity, nothing else (no
// catalog, planner, codec or HTTP). Its RSS and throughput are the floor the service is compared to.
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { floorActivities } from '../activities/floor.js';

Runtime.install({ logger: new DefaultLogger('WARN') });
const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS ?? 'localhost:7233' });
const worker = await Worker.create({
  connection,
  taskQueue: process.env.TEMPORAL_TASK_QUEUE ?? 'bench-floor',
  workflowsPath: new URL('../workflows/floor.ts', import.meta.url).pathname,
  activities: floorActivities,
});
await worker.run();
