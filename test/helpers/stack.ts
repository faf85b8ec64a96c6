// Test stack: the real sandbox (HTTP), a real worker on the run's Temporal server, the real gateway.
import type { Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { Writable } from 'node:stream';
import { type Client, Connection } from '@temporalio/client';
import { buildGateway } from '../../api/create-gateway.js';
import { NativeConnection, Runtime, type Worker, makeTelemetryFilterString } from '@temporalio/worker';
import { DateTime } from 'luxon';
import { loadConfig, type Config } from '../../config/config.js';
import { createSandboxApp, type Sandbox } from '../../sandbox/app.js';
import { DEFAULT_SEED, readSeed, Store } from '../../sandbox/store.js';
import { createWorker } from '../../worker/create-worker.js';
import { createLogger, type Logger } from '../../observability/logger.js';
import { loadCatalogOrThrow, type Catalog } from '../../catalog/importer.js';
import type { Tracer } from '../../observability/langfuse.js';

let runtimeInstalled = false;
function quietRuntime() {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }), forward: {} } }, logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } as never });
  } catch {
    /* already installed in this process */
  }
}

/** The test clock: "now" for planners is fixed so relative dates are reproducible. */
export const TEST_NOW = DateTime.fromISO('2026-12-01T09:00:00', { zone: 'Australia/Sydney' });

export function listen(app: { listen: (port: number, host: string, cb: () => void) => Server }): Promise<{ server: Server; url: string }> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({ server, url: `http://127.0.0.1:${port}` });
    });
  });
}

export async function startSandbox(seedPath = DEFAULT_SEED): Promise<{ sandbox: Sandbox; url: string; close: () => Promise<void> }> {
  const sandbox = await createSandboxApp(new Store(readSeed(seedPath)));
  const { server, url } = await listen(sandbox.app);
  return { sandbox, url, close: () => new Promise((r) => server.close(() => r())) };
}

export function testConfig(env: Record<string, string | undefined> = {}): Config {
  return loadConfig({
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: `test-${randomBytes(6).toString('hex')}`,
    PAYLOAD_KEYS: inject('payloadKeys'),
    LLM_PROVIDER: 'offline',
    LOG_LEVEL: 'silent',
    // every test request comes from 127.0.0.1: the per-address limits have their own tests
    CLIENT_RATE_LIMIT_PER_MINUTE: '100000',
    AUTH_FAILURES_PER_MINUTE: '100000',
    ...env,
  });
}

/** Collects every log line written (for PII checks). */
export class LogCapture extends Writable {
  lines: string[] = [];
  override _write(chunk: Buffer, _enc: string, cb: () => void) {
    this.lines.push(...chunk.toString().split('\n').filter(Boolean));
    cb();
  }
}

export interface Stack {
  config: Config;
  sandbox: Sandbox;
  sandboxUrl: string;
  gatewayUrl: string;
  client: Client;
  catalog: Catalog;
  worker: Worker;
  /** the Worker Deployment Version of the in-process worker (once started) */
  deployment: { name: string; buildId: string };
  logs: LogCapture;
  stopWorker(): Promise<void>;
  startWorker(): Promise<void>;
  close(): Promise<void>;
}

export interface StackOptions {
  env?: Record<string, string | undefined>;
  seed?: string;
  catalogDir?: string;
  tracer?: Tracer;
  /** a sandbox already running (e.g. when a test serves an extra API) */
  sandboxUrl?: string;
  /** false: no in-process worker (the test runs the real worker entry point itself) */
  worker?: boolean;
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  quietRuntime();
  const sb = await startSandbox(opts.seed);
  const sandboxUrl = opts.sandboxUrl ?? sb.url;
  const config = testConfig({ ROLLER_API_BASE_URL: sandboxUrl, LOG_LEVEL: 'info', ...(opts.catalogDir ? { CATALOG_DIR: opts.catalogDir } : {}), ...opts.env });
  const logs = new LogCapture();
  const log: Logger = createLogger('info', 'test', logs);
  const catalog = await loadCatalogOrThrow(config.catalogDir);
  const nativeConnection = await NativeConnection.connect({ address: config.temporal.address });
  const bundle = { codePath: inject('workflowBundlePath') };
  let worker!: Worker;
  let running: Promise<void> | undefined;
  let deployment!: { name: string; buildId: string };
  const startWorker = async () => {
    const created = await createWorker({ config, log, connection: nativeConnection, workflowBundle: bundle, catalog, tracer: opts.tracer, clock: () => TEST_NOW, shutdownGraceTime: '1s' });
    ({ worker, deployment } = created);
    running = worker.run();
    // as in development: a new build is made current; the stack is ready once routing has settled
    if (config.temporal.deployment.makeCurrent && (await created.makeCurrent()) === 'timed-out') throw new Error(`build ${deployment.buildId} did not become current`);
  };
  const stopWorker = async () => {
    if (worker && worker.getState() === 'RUNNING') worker.shutdown();
    await running;
  };
  if (opts.worker !== false) await startWorker();

  const { app, client, connection } = buildGateway(config, catalog, log, await Connection.connect({ address: config.temporal.address }));
  const gw = await listen(app);
  return {
    config,
    sandbox: sb.sandbox,
    sandboxUrl,
    gatewayUrl: gw.url,
    client,
    catalog,
    get worker() {
      return worker;
    },
    get deployment() {
      return deployment;
    },
    logs,
    stopWorker,
    startWorker,
    async close() {
      await new Promise<void>((r) => gw.server.close(() => r()));
      await stopWorker();
      await connection.close();
      await nativeConnection.close();
      await sb.close();
    },
  };
}

export const STAFF = 'tok-staff-venue1';
export const READONLY = 'tok-readonly-venue1';
export const OTHER_VENUE = 'tok-staff-venue2';

/** Small JSON-over-HTTP client for the gateway. */
export async function call(url: string, method: string, path: string, opts: { token?: string; body?: unknown; headers?: Record<string, string>; raw?: string } = {}) {
  const headers: Record<string, string> = { ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...(opts.body !== undefined || opts.raw !== undefined ? { 'content-type': 'application/json' } : {}), ...opts.headers };
  const res = await fetch(`${url}${path}`, { method, headers, body: opts.raw ?? (opts.body !== undefined ? JSON.stringify(opts.body) : undefined) });
  const text = await res.text();
  let json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- any HTTP answer body, read by path in assertions
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json, text };
}

export async function sandboxBooking(sandboxUrl: string, id: string) {
  return (await fetch(`${sandboxUrl}/__sandbox/bookings/${id}`)).json();
}

export async function journal(sandboxUrl: string): Promise<Array<{ operationId: string; idempotencyKey?: string; status: number; replayed: boolean; wrote: boolean; method: string }>> {
  return ((await (await fetch(`${sandboxUrl}/__sandbox/journal`)).json()) as { entries: never[] }).entries;
}

export async function injectFault(sandboxUrl: string, fault: Record<string, unknown>) {
  const r = await fetch(`${sandboxUrl}/__sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fault) });
  if (r.status !== 201) throw new Error(`fault not accepted: ${r.status}`);
}
