// Starts a dedicated, in-memory Temporal dev server on free ports for the whole test run (with the
// service's search attributes), bundles the workflows once, and stops the server afterwards.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { bundleWorkflowCode } from '@temporalio/worker';
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes.js';
import { WORKFLOWS_PATH } from '../../worker/create-worker.js';
import { FAILURE_CONVERTER_PATH } from '../../temporal/connection.js';
import { freePort } from '../../scripts/ports.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalCli: string;
    workflowBundlePath: string;
    payloadKeys: string;
  }
}

let server: ChildProcess | undefined;
let dir: string | undefined;

export default async function setup(project: TestProject) {
  const root = new URL('../..', import.meta.url).pathname;
  const cli = execFileSync(join(root, 'temporal-dev.sh'), ['ensure-cli'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  const port = await freePort();
  const args = ['server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'error', '--namespace', 'default'];
  for (const sa of SEARCH_ATTRIBUTES) args.push('--search-attribute', sa);
  server = spawn(cli, args, { stdio: 'ignore', detached: false });
  const child = server;
  process.once('exit', () => child.kill('SIGKILL'));
  const address = `127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const c = await Connection.connect({ address, connectTimeout: 1000 });
      await c.healthService.check({});
      await c.close();
      break;
    } catch (e) {
      if (Date.now() > deadline || server.exitCode !== null) throw new Error(`Temporal dev server did not start on ${address}: ${(e as Error).message}`, { cause: e });
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  dir = mkdtempSync(join(tmpdir(), 'iq-test-'));
  const bundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, failureConverterPath: FAILURE_CONVERTER_PATH, logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as never });
  const bundlePath = join(dir, 'workflow-bundle.js');
  writeFileSync(bundlePath, bundle.code);
  project.provide('temporalAddress', address);
  project.provide('temporalCli', cli);
  project.provide('workflowBundlePath', bundlePath);
  project.provide('payloadKeys', `test-1:${randomBytes(32).toString('base64')}`);
  return teardown;
}

async function teardown() {
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    if (server.exitCode === null) server.kill('SIGKILL');
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
}
