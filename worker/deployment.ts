// Worker Versioning: the build a worker is (a hash of its workflow bundle unless configured), the
// options that pin every session to the build that started it, and — outside production — making a
// brand-new build the deployment's current version once the server has seen it poll.
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import type { WorkerDeploymentOptions } from '@temporalio/worker';
import proto, { type temporal as T } from '@temporalio/proto';
import type { Logger } from '../observability/logger.js';

const { temporal } = proto;
const Status = temporal.api.enums.v1.WorkerDeploymentVersionStatus;
const Routing = temporal.api.enums.v1.RoutingConfigUpdateState;
type Service = Pick<T.api.workflowservice.v1.WorkflowService, 'describeWorkerDeployment' | 'setWorkerDeploymentCurrentVersion'>;

/**
 * The default build id: a hash of the bundled workflow code. It changes exactly when the code a
 * session replays changes (our workflows, what they import, the SDK's workflow runtime), and stays
 * the same across restarts, machines and activity-only changes. The inline source map is left out:
 * it names the absolute path of every source file, i.e. where the code happens to be checked out.
 */
export function buildIdOf(workflowCode: string): string {
  const code = workflowCode.replace(/^\/\/# sourceMappingURL=.*$/gm, '');
  return createHash('sha256').update(code).digest('hex').slice(0, 20);
}

/**
 * Every workflow of this worker is PINNED: it runs to its end on the build that started it, so a
 * later build may change the workflow freely. Activities have no behaviour of their own: Temporal
 * sends an activity of a pinned session to that session's build while it polls the same task queue.
 */
export function deploymentOptions(deploymentName: string, buildId: string): WorkerDeploymentOptions {
  return { useWorkerVersioning: true, version: { deploymentName, buildId }, defaultVersioningBehavior: 'PINNED' };
}

export type Promotion = 'current' | 'left-to-operators' | 'timed-out';

export interface PromoteOptions {
  service: Service;
  namespace: string;
  deploymentName: string;
  buildId: string;
  log: Logger;
  timeoutMs?: number;
  /** stops waiting (the worker is shutting down) */
  signal?: AbortSignal;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One look at the deployment: where this build stands, and whether routing has reached every task queue. */
async function look(o: PromoteOptions) {
  try {
    const { workerDeploymentInfo: info } = await o.service.describeWorkerDeployment({ namespace: o.namespace, deploymentName: o.deploymentName });
    const mine = info?.versionSummaries?.find((v) => v.deploymentVersion?.buildId === o.buildId);
    const current = info?.routingConfig?.currentDeploymentVersion?.buildId === o.buildId;
    return { status: mine?.status ?? undefined, current, settled: info?.routingConfigUpdateState !== Routing.ROUTING_CONFIG_UPDATE_STATE_IN_PROGRESS };
  } catch (e) {
    // no deployment yet: the server has not registered a poll of this worker
    if ((e as { code?: number }).code === 5) return { status: undefined, current: false, settled: false };
    throw e;
  }
}

/**
 * Makes this build current when it has never been current or ramping (a new build). A build that
 * was current before (an old build's worker coming back) is left as it is: that is an operator's
 * decision (`temporal worker deployment set-current-version`). Resolves once routing has settled.
 */
export async function makeCurrentWhenPolled(o: PromoteOptions): Promise<Promotion> {
  const deadline = Date.now() + (o.timeoutMs ?? 60_000);
  const identity = `${process.pid}@${hostname()} (worker start-up)`;
  while (Date.now() < deadline && !o.signal?.aborted) {
    const seen = await look(o);
    if (seen.current && seen.settled) return 'current';
    if (seen.status === Status.WORKER_DEPLOYMENT_VERSION_STATUS_INACTIVE) {
      try {
        await o.service.setWorkerDeploymentCurrentVersion({ namespace: o.namespace, deploymentName: o.deploymentName, buildId: o.buildId, identity });
        o.log.info({ deployment: o.deploymentName, buildId: o.buildId }, 'this build is now the current version of the deployment');
      } catch (e) {
        // a race with another worker of the same build, or task queues not all polled yet: look again
        o.log.debug({ err: (e as Error).message }, 'set-current-version not accepted yet');
      }
    } else if (seen.status !== undefined && seen.status !== Status.WORKER_DEPLOYMENT_VERSION_STATUS_CREATED && !seen.current) {
      o.log.info({ deployment: o.deploymentName, buildId: o.buildId, status: Status[seen.status] }, 'this build has been current before; which build is current is left to operators');
      return 'left-to-operators';
    }
    await sleep(250);
  }
  if (!o.signal?.aborted) o.log.warn({ deployment: o.deploymentName, buildId: o.buildId }, 'this build could not be made current in time; set it with `temporal worker deployment set-current-version`');
  return 'timed-out';
}
