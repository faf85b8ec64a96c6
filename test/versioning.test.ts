// Worker Versioning on the real dev server: a session is pinned to the build that started it.
// Build A (the real workflow) holds two sessions, one waiting for a confirmation and one for an
// answer; build B, whose session workflow cannot replay A's histories, becomes current; new
// sessions run on B while A's sessions finish on A (each write once). With A's workers gone, A's
// session waits, visibly pinned, and finishes when an A worker returns. The default build id is a
// hash of the workflow code alone (not of where it is checked out).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { inject } from 'vitest';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import proto from '@temporalio/proto';
import { call, journal, LogCapture, sandboxBooking, startStack, STAFF, TEST_NOW, type Stack } from './helpers/stack.js';
import { CHAIN, confirm, startSession, waitForPhase } from './helpers/session.js';
import { createWorker, type CreatedWorker } from '../worker/create-worker.js';
import { buildIdOf } from '../worker/deployment.js';
import { createLogger } from '../observability/logger.js';
import { dataConverter, FAILURE_CONVERTER_PATH } from '../temporal/connection.js';
import { parsePayloadKeys } from '../config/config.js';

const { temporal } = proto;
const EventType = temporal.api.enums.v1.EventType;
const B_WORKFLOWS = new URL('./fixtures/versioning/workflows-b.ts', import.meta.url).pathname;
const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as never;

let stack: Stack;
let codeB: string;
let b: CreatedWorker | undefined;
let bRunning: Promise<void> | undefined;
let bConnection: NativeConnection | undefined;
const buildA = () => stack.deployment.buildId;
const buildB = () => b!.deployment.buildId;

beforeAll(async () => {
  // a deployment of its own: its current version is this test's business only
  const env = { TEMPORAL_WORKER_DEPLOYMENT: `versioning-${randomBytes(4).toString('hex')}` };
  [stack, codeB] = await Promise.all([
    startStack({ env }),
    bundleWorkflowCode({ workflowsPath: B_WORKFLOWS, failureConverterPath: FAILURE_CONVERTER_PATH, logger: quiet }).then((x) => x.code),
  ]);
}, 120_000);
afterAll(async () => {
  if (b?.worker.getState() === 'RUNNING') b.worker.shutdown();
  await bRunning;
  await bConnection?.close();
  await stack?.close();
});

const service = () => stack.client.workflowService;
async function versioningOf(id: string) {
  const d = await service().describeWorkflowExecution({ namespace: 'default', execution: { workflowId: id } });
  const v = d.workflowExecutionInfo?.versioningInfo;
  return { behavior: v?.behavior, buildId: v?.deploymentVersion?.buildId, pendingTask: d.pendingWorkflowTask ?? undefined };
}
async function history(id: string) {
  return (await stack.client.workflow.getHandle(id).fetchHistory()).events ?? [];
}
/** the builds that completed the session's workflow tasks, and the activities it scheduled */
async function ranOn(id: string) {
  const events = await history(id);
  const builds = new Set(events.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED).map((e) => e.workflowTaskCompletedEventAttributes?.deploymentVersion?.buildId));
  const activities = events.filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED).map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name);
  const failedTasks = events.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED).length;
  return { builds: [...builds], activities, failedTasks };
}
async function currentBuild() {
  const d = await service().describeWorkerDeployment({ namespace: 'default', deploymentName: stack.deployment.name });
  const a = d.workerDeploymentInfo?.versionSummaries?.find((v) => v.deploymentVersion?.buildId === buildA());
  return { current: d.workerDeploymentInfo?.routingConfig?.currentDeploymentVersion?.buildId, statusOfA: a?.status };
}
/** sessions still running on a build, counted by Temporal visibility (the README's drain query) */
async function runningOn(buildId: string) {
  return (await stack.client.workflow.count(`TemporalWorkerDeploymentVersion="${stack.deployment.name}:${buildId}" AND ExecutionStatus="Running"`)).count;
}
/** visibility is eventually consistent: read until the value is as expected or 10 s have passed */
async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  const deadline = Date.now() + 10_000;
  let v = await read();
  while (!ok(v) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    v = await read();
  }
  return v;
}
/** the session's effective writes: one per idempotency key, none repeated */
async function writesOf(sessionId: string) {
  const writes = (await journal(stack.sandboxUrl)).filter((e) => e.wrote && e.idempotencyKey?.startsWith(sessionId));
  return { count: writes.length, distinct: new Set(writes.map((w) => w.idempotencyKey)).size, ops: writes.map((w) => w.operationId).sort() };
}

describe('the default build id', () => {
  const code = () => readFileSync(inject('workflowBundlePath'), 'utf8');
  /** the same bundle as if checked out elsewhere: only the inline source map's file paths differ */
  const movedTo = (bundle: string, dir: string) =>
    bundle.replace(/(sourceMappingURL=data:application\/json;charset=utf-8;base64,)(\S+)/, (_m, head: string, b64: string) => {
      const map = Buffer.from(b64, 'base64').toString('utf8');
      expect(map).toContain(process.cwd());
      return head + Buffer.from(map.split(process.cwd()).join(dir)).toString('base64');
    });

  it('is the same wherever the code is checked out, and changes with any change to the workflow code', () => {
    const here = code();
    expect(buildIdOf(here)).toMatch(/^[0-9a-f]{20}$/);
    expect(buildIdOf(movedTo(here, '/srv/elsewhere'))).toBe(buildIdOf(here));
    // one message of the session workflow's code, one character longer
    const edited = here.replace('the session is', 'the session is:');
    expect(edited).not.toBe(here);
    expect(buildIdOf(edited)).not.toBe(buildIdOf(here));
  });
});

describe('sessions pinned to the build that started them', () => {
  let waitingConfirm: { sessionId: string; plan: { hash: string } };
  let waitingAnswer: { sessionId: string };
  let answeredPlanHash: string;

  it('a new, incompatible build becomes current; new sessions run on it, old ones finish on theirs', async () => {
    waitingConfirm = await startSession(stack, CHAIN, 'bk-1001');
    waitingAnswer = await startSession(stack, 'Move it to Saturday 12 December', 'bk-1002');
    expect((waitingConfirm as unknown as { phase: string }).phase).toBe('awaiting_confirmation');
    expect((waitingAnswer as unknown as { phase: string }).phase).toBe('awaiting_clarification');
    expect(await versioningOf(waitingConfirm.sessionId)).toMatchObject({ behavior: temporal.api.enums.v1.VersioningBehavior.VERSIONING_BEHAVIOR_PINNED, buildId: buildA() });

    // build B: another bundle, so another build id by default; it cannot replay A's histories
    const log = createLogger('info', 'worker-b', new LogCapture());
    bConnection = await NativeConnection.connect({ address: stack.config.temporal.address });
    b = await createWorker({ config: stack.config, log, connection: bConnection, workflowBundle: { code: codeB }, catalog: stack.catalog, clock: () => TEST_NOW, shutdownGraceTime: '1s' });
    expect(buildB()).toBe(buildIdOf(codeB));
    expect(buildB()).not.toBe(buildA());
    const converter = dataConverter(parsePayloadKeys(inject('payloadKeys')));
    const historyA = await stack.client.workflow.getHandle(waitingConfirm.sessionId).fetchHistory();
    await expect(Worker.runReplayHistory({ workflowBundle: { code: codeB }, dataConverter: converter }, historyA)).rejects.toMatchObject({ name: 'DeterminismViolationError' });
    bRunning = b.worker.run();
    expect(await b.makeCurrent()).toBe('current');
    expect((await currentBuild()).current).toBe(buildB());

    // a new session runs on B (its extra first activity shows it)
    const fresh = await startSession(stack, 'Move it to Saturday 12 December at 3pm', 'bk-1004');
    expect(await versioningOf(fresh.sessionId)).toMatchObject({ buildId: buildB() });
    expect(await ranOn(fresh.sessionId)).toMatchObject({ builds: [buildB()], failedTasks: 0 });
    expect((await ranOn(fresh.sessionId)).activities[0]).toBe('noop');

    // the session waiting for confirmation completes on A, each write once
    const done = await confirm(stack, waitingConfirm.sessionId, waitingConfirm.plan.hash);
    const final = done.json.phase === 'completed' ? done.json : await waitForPhase(stack, waitingConfirm.sessionId, ['completed', 'rolled_back', 'failed', 'needs_attention']);
    expect(final.phase).toBe('completed');
    expect(await ranOn(waitingConfirm.sessionId)).toMatchObject({ builds: [buildA()], failedTasks: 0 });
    expect((await ranOn(waitingConfirm.sessionId)).activities).not.toContain('noop');
    expect(await writesOf(waitingConfirm.sessionId)).toEqual({ count: 3, distinct: 3, ops: ['rescheduleBooking', 'updateContactDetails', 'updateGuestCount'] });
    expect((await sandboxBooking(stack.sandboxUrl, 'bk-1001')).items[0].quantity).toBe(8);

    // the one waiting for an answer re-plans on A
    const answered = await call(stack.gatewayUrl, 'POST', `/v1/sessions/${waitingAnswer.sessionId}/messages?wait=20`, { token: STAFF, body: { message: '3pm please' } });
    expect(answered.json.phase).toBe('awaiting_confirmation');
    answeredPlanHash = answered.json.plan.hash;
    expect(await ranOn(waitingAnswer.sessionId)).toMatchObject({ builds: [buildA()], failedTasks: 0 });
    expect((await ranOn(waitingAnswer.sessionId)).activities.filter((a) => a === 'planSession')).toHaveLength(2);
  }, 60_000);

  it("with build A's workers gone, A's session waits, pinned, and finishes when an A worker returns", async () => {
    await stack.stopWorker();
    const confirming = confirm(stack, waitingAnswer.sessionId, answeredPlanHash);
    // what an operator sees: pinned to A, a workflow task scheduled that no worker takes; B does not
    const deadline = Date.now() + 15_000;
    let seen = await versioningOf(waitingAnswer.sessionId);
    while (!seen.pendingTask && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      seen = await versioningOf(waitingAnswer.sessionId);
    }
    expect(seen).toMatchObject({ behavior: temporal.api.enums.v1.VersioningBehavior.VERSIONING_BEHAVIOR_PINNED, buildId: buildA() });
    expect(seen.pendingTask?.state).toBe(temporal.api.enums.v1.PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_SCHEDULED);
    await new Promise((r) => setTimeout(r, 2000));
    expect((await versioningOf(waitingAnswer.sessionId)).pendingTask?.state).toBe(temporal.api.enums.v1.PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_SCHEDULED);
    expect(await currentBuild()).toEqual({ current: buildB(), statusOfA: temporal.api.enums.v1.WorkerDeploymentVersionStatus.WORKER_DEPLOYMENT_VERSION_STATUS_DRAINING });
    expect(await writesOf(waitingAnswer.sessionId)).toMatchObject({ count: 0 });
    // the README's drain query: sessions still running on build A
    expect(await eventually(() => runningOn(buildA()), (n) => n === 1)).toBe(1);

    // an A worker comes back: it does not take "current" back from B, and the session finishes on A
    await stack.startWorker();
    expect((await currentBuild()).current).toBe(buildB());
    const done = await confirming;
    expect(done.status, done.text).toBe(200);
    const final = await waitForPhase(stack, waitingAnswer.sessionId, ['completed', 'rolled_back', 'failed', 'needs_attention']);
    expect(final.phase).toBe('completed');
    expect(await ranOn(waitingAnswer.sessionId)).toMatchObject({ builds: [buildA()], failedTasks: 0 });
    expect(await writesOf(waitingAnswer.sessionId)).toEqual({ count: 1, distinct: 1, ops: ['rescheduleBooking'] });
    expect(await eventually(() => runningOn(buildA()), (n) => n === 0)).toBe(0);
  }, 45_000);
});
