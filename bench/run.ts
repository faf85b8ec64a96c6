// `npm run bench`: measures the service against the Temporal floor in one run (docs/design.md §10) and
// prints a table (also written to bench/results/latest.json). Everything runs locally: dedicated
// Temporal dev servers, the sandbox, the worker, the gateway and a bare floor worker as separate
// processes, the offline (zero-latency) planner. Two servers are measured: one with the dev
// server's defaults, one with what `temporal-dev.sh` sets (`server-flags`). Options:
// --iterations N (default 30), --load N (default 300), --pollers N (default 200), --idle S (seconds
// of quiet before the settled RSS, default 60), --skip-defaults, --cpu-prof (only the concurrency-50
// run, with the worker and the gateway under `node --cpu-prof`; profiles in .local/prof/).
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { DateTime } from 'luxon';
import { dump as dumpYaml } from 'js-yaml';
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes.js';
import { floorConfirm, floorQuery, type SessionShape } from '../workflows/floor.js';
import { BookingIdKey, SessionPhaseKey, VenueIdKey } from '../workflows/search-attributes.js';
import { dataConverter } from '../temporal/connection.js';
import { parsePayloadKeys } from '../config/config.js';
import { readSeed } from '../sandbox/store.js';
import { freePort } from '../scripts/ports.js';
import { cpuPerSession, cpuSnapshot, rssMb, shapeOf } from './measure.js';
import { summarise } from './profile-summary.js';

const ROOT = new URL('..', import.meta.url).pathname;
const { values } = parseArgs({
  options: { iterations: { type: 'string', default: '30' }, load: { type: 'string', default: '300' }, pollers: { type: 'string', default: '200' }, idle: { type: 'string', default: '60' }, 'skip-defaults': { type: 'boolean', default: false }, 'cpu-prof': { type: 'boolean', default: false } },
});
const N = Number(values.iterations);
const LOAD = Number(values.load);
const POLLERS = Number(values.pollers);
const IDLE_S = Number(values.idle);
const children: ChildProcess[] = [];
const stopAll = () => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL'));
process.on('exit', stopAll);
process.on('SIGINT', () => process.exit(130));
const log = (m: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${m}`);

/** each process logs (warnings and up) to .local/bench-<name>.log */
const PROF_DIR = join(ROOT, '.local', 'prof');
function spawnEntry(entry: string, env: Record<string, string>, nodeArgs: string[] = []): ChildProcess {
  mkdirSync(join(ROOT, '.local'), { recursive: true });
  const out = openSync(join(ROOT, '.local', `bench-${entry.replace(/^.*\/|\.ts$/g, '').replace('main', entry.split('/')[0]!)}.log`), 'a');
  const c = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', join(ROOT, entry)], { env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', out, 'inherit'] });
  children.push(c);
  return c;
}
const kill = (c: ChildProcess) => c.exitCode === null && c.kill('SIGKILL');

async function waitHttp(url: string) {
  for (let i = 0; i < 480; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not come up`);
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const stats = (xs: number[]) => ({ p50: +pct(xs, 50).toFixed(2), p95: +pct(xs, 95).toFixed(2), n: xs.length });
const time = async (fn: () => Promise<unknown>) => {
  const t = performance.now();
  await fn();
  return performance.now() - t;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A seed with one booking per day so concurrent sessions never contend for the same booking. */
function benchSeed(count: number): string {
  const base = readSeed();
  const start = DateTime.fromISO('2027-01-04T10:00:00', { zone: 'Australia/Sydney' });
  const bookings = Array.from({ length: count }, (_, i) => ({
    bookingId: `bb-${i}`,
    reference: `BEN-${i}`,
    venueId: 'venue-1',
    holder: { name: `Bench Guest ${i}`, email: `guest${i}@example.com`, phone: '+61400000000' },
    items: [{ itemId: `bi-${i}`, productId: 'prod-jump', ticketType: 'Child', quantity: 3, start: start.plus({ days: i }).toISO() }],
    notes: [],
  }));
  const file = join(ROOT, '.local', 'bench-seed.yaml');
  mkdirSync(join(ROOT, '.local'), { recursive: true });
  writeFileSync(file, dumpYaml({ ...base, bookings: [...base.bookings, ...bookings] }));
  return file;
}
const chainFor = (i: number) => {
  const day = DateTime.fromISO('2027-01-04T11:00:00', { zone: 'Australia/Sydney' }).plus({ days: i });
  return `move it to ${day.toFormat('cccc d LLLL yyyy')} at 11am, add two kids and change the email to new${i}@example.com`;
};

type State = { sessionId: string; phase: string; version: number; plan?: { hash: string; steps: unknown[] }; outcome?: { message: string }; code?: string };
const TERMINAL = ['completed', 'rolled_back', 'needs_attention', 'declined', 'expired', 'failed', 'unsupported'];

const cli = execFileSync(join(ROOT, 'temporal-dev.sh'), ['ensure-cli'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
const TUNED_FLAGS = execFileSync(join(ROOT, 'temporal-dev.sh'), ['server-flags'], { encoding: 'utf8' }).split('\n').filter(Boolean);

async function startTemporal(flags: string[]) {
  const tport = await freePort();
  const args = ['server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(tport), '--log-level', 'error', ...flags];
  for (const sa of SEARCH_ATTRIBUTES) args.push('--search-attribute', sa);
  const proc = spawn(cli, args, { stdio: 'ignore' });
  children.push(proc);
  const address = `127.0.0.1:${tport}`;
  for (let i = 0; i < 120; i++) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      return { address, connection, proc };
    } catch {
      await sleep(500);
    }
  }
  throw new Error('Temporal did not start');
}

const keys = `bench:${randomBytes(32).toString('base64')}`;
let next = 0;

/** One Temporal server with the service (worker + gateway) and the bare floor worker on it. */
async function startStack(flags: string[], sandboxPort: number, seed: string) {
  const t = await startTemporal(flags);
  const gatewayPort = await freePort();
  const env = {
    TEMPORAL_ADDRESS: t.address,
    TEMPORAL_TASK_QUEUE: 'bench',
    PAYLOAD_KEYS: keys,
    SANDBOX_SEED: seed,
    ROLLER_API_BASE_URL: `http://127.0.0.1:${sandboxPort}`,
    GATEWAY_PORT: String(gatewayPort),
    LLM_PROVIDER: 'offline',
    PLANNER_NOW: '2026-12-01T09:00:00+11:00',
    RATE_LIMIT_PER_MINUTE: '1000000',
    // one load generator on one address: the per-address limits are for the internet, not for this
    CLIENT_RATE_LIMIT_PER_MINUTE: '1000000',
    AUTH_FAILURES_PER_MINUTE: '1000000',
  };
  // one folder per process: each thread (the main one and tsx's loader) writes a profile of its own
  const prof = (name: string) => (values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${join(PROF_DIR, name)}`] : []);
  const worker = spawnEntry('worker/main.ts', env, prof('worker'));
  const gateway = spawnEntry('api/main.ts', env, prof('gateway'));
  const floorWorker = spawnEntry('bench/floor-worker.ts', { TEMPORAL_ADDRESS: t.address, TEMPORAL_TASK_QUEUE: 'bench-floor' });
  const gw = `http://127.0.0.1:${gatewayPort}`;
  await waitHttp(`${gw}/readyz`);
  const client = new Client({ connection: t.connection, dataConverter: dataConverter(parsePayloadKeys(keys)) });
  // the floors run bare: no codec
  const bare = new Client({ connection: t.connection });
  const H = { authorization: 'Bearer tok-staff-venue1', 'content-type': 'application/json' };
  const post = async (path: string, body: unknown) => {
    const r = await fetch(`${gw}${path}`, { method: 'POST', headers: H, body: JSON.stringify(body) });
    return { status: r.status, json: (await r.json()) as State & { detail?: string } };
  };
  const get = async (id: string, etag?: string, wait?: number) => {
    const r = await fetch(`${gw}/v1/sessions/${id}${wait ? `?wait=${wait}` : ''}`, { headers: { ...H, ...(etag ? { 'if-none-match': etag } : {}) } });
    const text = await r.text();
    return { status: r.status, etag: r.headers.get('etag') ?? undefined, json: (text ? JSON.parse(text) : undefined) as (State & { detail?: string }) | undefined };
  };
  /**
   * Long-polls until `done`, as a patient client does (up to 5 minutes: under a burst the sessions
   * queue for the worker's CPU, which is slowness, not an error); every answer must be 200 or 304.
   */
  const pollUntil = async (s: State, done: (s: State) => boolean) => {
    let cur = s;
    const deadline = Date.now() + 300_000;
    while (!done(cur) && Date.now() < deadline) {
      const r = await get(cur.sessionId, `"v${cur.version}"`, 20);
      if (r.status === 200) cur = r.json!;
      else if (r.status !== 304) throw new Error(`poll answered ${r.status} ${r.json?.code ?? ''} (${r.json?.detail ?? ''})`);
    }
    return cur;
  };
  const session = async (i: number) => {
    const s = await post('/v1/sessions?wait=25', { bookingId: `bb-${i}`, message: chainFor(i) });
    if (s.json.phase !== 'awaiting_confirmation') throw new Error(`session: ${s.status} ${s.json.phase ?? s.json.code} ${s.json.outcome?.message ?? ''}`);
    return s.json;
  };
  const floor = (type: 'floorOneActivity' | 'floorThreeActivities', tag: string) => bare.workflow.start(type, { taskQueue: 'bench-floor', workflowId: `${tag}-${randomBytes(6).toString('hex')}` });
  // warm-up (bundles, JIT, connections) until both workers answer
  let warmId = '';
  for (let i = 0; i < 3; i++) {
    // patient: a cold worker (bundling its workflows on a loaded machine) may plan after the wait
    const idx = next++;
    const first = await post('/v1/sessions?wait=25', { bookingId: `bb-${idx}`, message: chainFor(idx) });
    const s = first.json.phase === 'planning' ? await pollUntil(first.json, (x) => x.phase !== 'planning') : first.json;
    if (s.phase !== 'awaiting_confirmation') throw new Error(`warm-up session: ${s.phase ?? s.code}`);
    const done = await post(`/v1/sessions/${s.sessionId}/confirm?wait=25`, { planHash: s.plan!.hash });
    if (done.json.phase !== 'completed') throw new Error(`warm-up session ended ${done.json.phase}`);
    warmId = s.sessionId;
    await (await floor('floorOneActivity', 'warm')).result();
  }
  // the Temporal shape of a completed 3-step session, for the same-shape floor
  const shape = shapeOf((await client.workflow.getHandle(warmId).fetchHistory()).events ?? []);
  const sameShape = (tag: string) => sameShapeSession(bare, shape, tag);
  const floorShape = shapeOf((await bare.workflow.getHandle(await sameShape('warm')).fetchHistory()).events ?? []);
  return {
    ...t,
    client,
    gw,
    post,
    get,
    pollUntil,
    session,
    floor,
    shape,
    floorShape,
    sameShape,
    pids: { worker: worker.pid!, gateway: gateway.pid!, floorWorker: floorWorker.pid!, temporal: t.proc.pid! },
    stop: () => [worker, gateway, floorWorker, t.proc].forEach(kill),
    /** a clean stop (SIGTERM) of the worker and the gateway, so `--cpu-prof` writes their profiles */
    drain: () => Promise.all([worker, gateway].map((c) => new Promise<void>((r) => {
      if (c.exitCode !== null) return r();
      const force = setTimeout(() => kill(c), 60_000);
      c.once('exit', () => (clearTimeout(force), r()));
      c.kill('SIGTERM');
    }))),
  };
}
type Stack = Awaited<ReturnType<typeof startStack>>;

/** Waits (a history long-poll, as the gateway's) until the workflow has published a memo upsert. */
async function memoPublished(client: Client, workflowId: string) {
  let token: Uint8Array | undefined;
  for (;;) {
    const res = await client.workflowService.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId }, nextPageToken: token, waitNewEvent: true, maximumPageSize: 1000 });
    if ((res.history?.events ?? []).some((e) => e.workflowPropertiesModifiedEventAttributes)) return;
    if (!res.nextPageToken?.length) throw new Error(`${workflowId} closed before publishing`);
    token = res.nextPageToken;
  }
}

/**
 * One same-shape floor session on the bare worker: started with a memo and search attributes as a
 * session is, confirmed (its updates) once it has published its "plan", awaited to the end.
 */
async function sameShapeSession(client: Client, shape: SessionShape, tag: string): Promise<string> {
  const workflowId = `${tag}-${randomBytes(6).toString('hex')}`;
  const h = await client.workflow.start('floorSameShape', {
    taskQueue: 'bench-floor',
    workflowId,
    args: [shape],
    memo: { sessionState: { version: 1, filler: 'x'.repeat(shape.memoBytes) } },
    typedSearchAttributes: [
      { key: SessionPhaseKey, value: 'planning' },
      { key: VenueIdKey, value: 'venue-1' },
      { key: BookingIdKey, value: workflowId },
    ],
  });
  await memoPublished(client, workflowId);
  for (let u = 0; u < shape.updates; u++) await h.executeUpdate(floorConfirm, { updateId: `confirm-${u}` });
  if ((await h.result()) !== 'done') throw new Error(`${workflowId} did not finish`);
  return workflowId;
}

/** Latencies: floor A/B on the bare worker, the service's start → plan and confirm → completed. */
async function latencies(st: Stack, n: number) {
  const floorA: number[] = [];
  const serviceStart: number[] = [];
  const floorB: number[] = [];
  const serviceConfirm: number[] = [];
  for (let i = 0; i < n; i++) {
    floorA.push(await time(async () => {
      const h = await st.floor('floorOneActivity', 'floorA');
      await h.result();
      await h.query(floorQuery);
    }));
    let s!: State;
    const idx = next++;
    serviceStart.push(await time(async () => (s = await st.session(idx))));
    floorB.push(await time(async () => (await st.floor('floorThreeActivities', 'floorB')).result()));
    serviceConfirm.push(await time(async () => {
      const r = await st.post(`/v1/sessions/${s.sessionId}/confirm?wait=25`, { planHash: s.plan!.hash });
      if (r.json.phase !== 'completed') throw new Error(`confirm ${i}: ${r.json.phase}`);
    }));
  }
  return { floorA: stats(floorA), serviceStart: stats(serviceStart), floorB: stats(floorB), serviceConfirm: stats(serviceConfirm), perActivityFloor_ms: +((pct(floorB, 50) - pct(floorA, 50)) / 2).toFixed(1) };
}

/** Bare 3-activity workflows at a concurrency, per second. */
async function floorThroughput(st: Stack, count: number, concurrency: number) {
  const t = performance.now();
  let left = count;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (left-- > 0) await (await st.floor('floorThreeActivities', 'floorT')).result();
  }));
  return +(count / ((performance.now() - t) / 1000)).toFixed(2);
}

/** Same-shape floor sessions at a concurrency, per second. */
async function sameShapeThroughput(st: Stack, count: number, concurrency: number) {
  const t = performance.now();
  let left = count;
  let errors = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (left-- > 0) await st.sameShape('floorS').catch(() => errors++);
  }));
  const seconds = (performance.now() - t) / 1000;
  return { done: count - errors, errors, seconds, perSecond: +((count - errors) / seconds).toFixed(2) };
}

/** Whole sessions (start, long-poll to the plan, confirm, long-poll to the end) at a concurrency. */
async function runMany(st: Stack, count: number, concurrency: number) {
  let errors = 0;
  let done = 0;
  const reasons = new Map<string, number>();
  const fail = (why: string) => {
    errors++;
    reasons.set(why, (reasons.get(why) ?? 0) + 1);
  };
  const ids = Array.from({ length: count }, () => next++);
  const t = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let id = ids.shift(); id !== undefined; id = ids.shift()) {
        try {
          const started = await st.post('/v1/sessions', { bookingId: `bb-${id}`, message: chainFor(id) });
          if (started.status !== 201) throw new Error(`start answered ${started.status} ${started.json.code ?? ''} (${started.json.detail ?? ''})`);
          const s = await st.pollUntil(started.json, (x) => x.phase !== 'planning');
          if (s.phase !== 'awaiting_confirmation') throw new Error(`planning ended ${s.phase}`);
          const c = await st.post(`/v1/sessions/${s.sessionId}/confirm`, { planHash: s.plan!.hash });
          if (c.status !== 200) throw new Error(`confirm answered ${c.status} ${c.json.code ?? ''} (${c.json.detail ?? ''})`);
          const end = await st.pollUntil(c.json, (x) => TERMINAL.includes(x.phase));
          if (end.phase === 'completed') done++;
          else fail(`ended ${end.phase}`);
        } catch (e) {
          fail((e as Error).message);
        }
      }
    }),
  );
  if (reasons.size) log(`errors at concurrency ${concurrency}: ${JSON.stringify(Object.fromEntries(reasons))}`);
  return { done, errors, seconds: (performance.now() - t) / 1000 };
}

const historyLength = async (st: Stack, id: string) => ((await st.client.workflow.getHandle(id).fetchHistory()).events ?? []).length;

/** A 3-step session, start to end, while a client polls every second (plain GET with If-None-Match). */
async function historyWithPoller(st: Stack) {
  const i = next++;
  const started = await st.post('/v1/sessions', { bookingId: `bb-${i}`, message: chainFor(i) });
  const id = started.json.sessionId;
  let etag = `"v${started.json.version}"`;
  let last = started.json;
  let polls = 0;
  for (let t = 0; t < 120 && !TERMINAL.includes(last.phase); t++) {
    await sleep(1000);
    const r = await st.get(id, etag);
    polls++;
    if (r.status === 200) {
      last = r.json!;
      etag = r.etag!;
      if (last.phase === 'awaiting_confirmation') await st.post(`/v1/sessions/${id}/confirm`, { planHash: last.plan!.hash });
    }
  }
  return { events: await historyLength(st, id), polls, phase: last.phase, steps: last.plan?.steps.length };
}

/** Many long-pollers held on one session: errors and history events they add; a confirm meanwhile. */
async function manyPollers(st: Stack, count: number) {
  const s = await st.session(next++);
  const before = await historyLength(st, s.sessionId);
  const held = await Promise.all(Array.from({ length: count }, () => st.get(s.sessionId, `"v${s.version}"`, 5).catch(() => ({ status: 0 }))));
  const heldErrors = held.filter((r) => r.status !== 304).length;
  const after = await historyLength(st, s.sessionId);
  // the same pollers again, and the session confirmed while they wait: all see the change
  const waiting = Array.from({ length: count }, () => st.get(s.sessionId, `"v${s.version}"`, 20).catch(() => ({ status: 0, json: undefined })));
  await sleep(1000);
  const confirmMs = await time(() => st.post(`/v1/sessions/${s.sessionId}/confirm`, { planHash: s.plan!.hash }));
  const changed = await Promise.all(waiting);
  const changeErrors = changed.filter((r) => r.status !== 200).length;
  return { pollers: count, errors: heldErrors + changeErrors, historyEventsAdded: after - before, confirmWhileHeld_ms: +confirmMs.toFixed(1) };
}

const rssOf = (pids: Record<string, number>) => ({
  worker: rssMb(pids.worker!),
  gateway: rssMb(pids.gateway!),
  sandbox: rssMb(pids.sandbox!),
  bareFloorWorker: rssMb(pids.floorWorker!),
  temporal: rssMb(pids.temporal!),
});

type CpuTable = { service: Record<string, number>; floorSameShape: Record<string, number> };

function printCpu(c: number, t: CpuTable) {
  const names = Object.keys(t.service);
  console.log(`     CPU s per completed session at concurrency ${c}: ${names.map((n) => `${n} ${t.service[n]} / ${t.floorSameShape[n]}`).join(', ')} (service / same-shape floor)`);
}

/** Sessions/s at 1, 10 and 50, the same-shape floor at 10 and 50, and CPU per session of each process. */
async function throughputs(st: Stack, pids: Record<string, number>) {
  const throughput: Array<{ concurrency: number; sessions: number; seconds: number; perSecond: number; errors: number }> = [];
  const cpu: Record<number, CpuTable> = {};
  const counts: Record<number, number> = { 1: 10, 10: 30, 50: 100 };
  for (const c of [1, 10, 50]) {
    const before = cpuSnapshot(pids);
    const r = await runMany(st, counts[c]!, c);
    if (c > 1) cpu[c] = { service: cpuPerSession(before, cpuSnapshot(pids), r.done), floorSameShape: {} };
    throughput.push({ concurrency: c, sessions: r.done, seconds: +r.seconds.toFixed(2), perSecond: +(r.done / r.seconds).toFixed(2), errors: r.errors });
  }
  const sameShape: Array<{ concurrency: number; sessions: number; seconds: number; perSecond: number; errors: number }> = [];
  for (const c of [10, 50]) {
    const before = cpuSnapshot(pids);
    const r = await sameShapeThroughput(st, counts[c]!, c);
    cpu[c]!.floorSameShape = cpuPerSession(before, cpuSnapshot(pids), r.done);
    sameShape.push({ concurrency: c, sessions: r.done, seconds: +r.seconds.toFixed(2), perSecond: r.perSecond, errors: r.errors });
  }
  const ratio = (c: number) => +(throughput.find((t) => t.concurrency === c)!.perSecond / sameShape.find((t) => t.concurrency === c)!.perSecond).toFixed(2);
  return { throughput, sameShape, cpu, ratio };
}

/** `--cpu-prof`: the concurrency-50 run alone, then the worker's and the gateway's profiles summarised. */
async function profileRun(sandboxPort: number, seed: string) {
  rmSync(PROF_DIR, { recursive: true, force: true });
  const st = await startStack(TUNED_FLAGS, sandboxPort, seed);
  log('profiling: 100 sessions at concurrency 50');
  const r = await runMany(st, 100, 50);
  log(`${r.done} completed, ${r.errors} errors, ${(r.done / r.seconds).toFixed(2)} sessions/s; stopping the worker and the gateway`);
  await st.drain();
  for (const f of readdirSync(PROF_DIR, { recursive: true, encoding: 'utf8' }).filter((x) => x.endsWith('.cpuprofile'))) {
    const s = summarise(join(PROF_DIR, f), ROOT);
    console.log(`\n${f}: ${s.busyMs} ms busy, ${s.idleMs} ms idle (start-up and warm-up included; shares of the busy time)`);
    for (const x of s.byOwner) console.log(`  ${String(x.pct).padStart(5)} %  ${x.name}`);
    console.log('  top functions (self time):');
    for (const x of s.byFunction) console.log(`  ${String(x.pct).padStart(5)} %  ${x.name}`);
  }
  st.stop();
  await st.connection.close();
}

async function main() {
  const sandboxPort = await freePort();
  const seed = benchSeed(10 + 3 * N + 40 + 50 + 140 + LOAD + 20);
  const sandbox = spawnEntry('sandbox/main.ts', { SANDBOX_PORT: String(sandboxPort), SANDBOX_SEED: seed });
  await waitHttp(`http://127.0.0.1:${sandboxPort}/__sandbox/journal`);
  if (values['cpu-prof']) {
    await profileRun(sandboxPort, seed);
    kill(sandbox);
    stopAll();
    process.exit(0);
  }

  // 1. the dev server's defaults: the floor and the service's latencies
  let defaults: (Awaited<ReturnType<typeof latencies>> & { floorThroughput_c50: number }) | undefined;
  if (!values['skip-defaults']) {
    log('dev server with default settings');
    const plain = await startStack([], sandboxPort, seed);
    defaults = { ...(await latencies(plain, Math.max(5, Math.round(N / 2)))), floorThroughput_c50: await floorThroughput(plain, 100, 50) };
    plain.stop();
    await plain.connection.close();
  }

  // 2. with temporal-dev.sh's settings: everything
  log(`dev server with ${TUNED_FLAGS.filter((f) => !f.startsWith('--')).join(', ')}`);
  const st = await startStack(TUNED_FLAGS, sandboxPort, seed);
  const lat = await latencies(st, N);
  const warm = await st.session(next++);
  const getPlain: number[] = [];
  const get304: number[] = [];
  for (let i = 0; i < N * 3; i++) {
    getPlain.push(await time(() => st.get(warm.sessionId)));
    get304.push(await time(() => st.get(warm.sessionId, `"v${warm.version}"`)));
  }
  log('history with a 1/s poller');
  const history = await historyWithPoller(st);
  log(`${POLLERS} long-pollers on one session`);
  const pollers = await manyPollers(st, POLLERS);
  const pids = { ...st.pids, sandbox: sandbox.pid! };
  log('throughput');
  const tp = await throughputs(st, pids);
  const { throughput } = tp;
  const floorC50 = await floorThroughput(st, 100, 50);
  log(`${LOAD} concurrent sessions`);
  const load = await runMany(st, LOAD, LOAD);
  const journal = (await (await fetch(`http://127.0.0.1:${sandboxPort}/__sandbox/journal`)).json()) as { entries: Array<{ wrote: boolean; idempotencyKey?: string }> };
  const writes = journal.entries.filter((e) => e.wrote);
  const duplicates = writes.length - new Set(writes.map((w) => w.idempotencyKey)).size;
  const rss = rssOf(pids);
  log(`${IDLE_S} s idle`);
  await sleep(IDLE_S * 1000);
  const rssIdle = rssOf(pids);

  const c50 = throughput.find((t) => t.concurrency === 50)!;
  const report = {
    at: new Date().toISOString(),
    iterations: N,
    note: 'one run on a shared 2-core machine: figures move by ±20 % or more between runs',
    tunedSettings: TUNED_FLAGS.filter((f) => !f.startsWith('--')),
    devServerDefaults: defaults,
    floorA_bareRoundTrip_ms: lat.floorA,
    service_startToPlan_ms: lat.serviceStart,
    floorB_bare3Activities_ms: lat.floorB,
    service_confirmToCompleted_ms: lat.serviceConfirm,
    perActivityFloor_ms: lat.perActivityFloor_ms,
    get_warm_ms: stats(getPlain),
    get_304_ms: stats(get304),
    ratio_start_vs_floorA_p50: +(lat.serviceStart.p50 / lat.floorA.p50).toFixed(2),
    ratio_confirm_vs_floorB_p50: +(lat.serviceConfirm.p50 / lat.floorB.p50).toFixed(2),
    history_events_per_session: history.events,
    history_with_poller: history,
    long_pollers_one_session: pollers,
    throughput,
    floorThroughput_c50: floorC50,
    ratio_throughput_c50_vs_floor: +(c50.perSecond / floorC50).toFixed(2),
    sameShape: { session: st.shape, floor: st.floorShape },
    sameShapeThroughput: tp.sameShape,
    floorSameShapeThroughput_c10: tp.sameShape.find((t) => t.concurrency === 10)!.perSecond,
    floorSameShapeThroughput_c50: tp.sameShape.find((t) => t.concurrency === 50)!.perSecond,
    ratio_throughput_c10_vs_same_shape: tp.ratio(10),
    ratio_throughput_c50_vs_same_shape: tp.ratio(50),
    cpu_s_per_session: tp.cpu[50]!,
    cpu_s_per_session_c10: tp.cpu[10]!,
    load: { sessions: LOAD, completed: load.done, errors: load.errors, lost: LOAD - load.done - load.errors, seconds: +load.seconds.toFixed(2), duplicateWrites: duplicates },
    rss_mb: rss,
    rss_mb_after_idle: { ...rssIdle, idleSeconds: IDLE_S },
  };
  const row = (name: string, s: { p50: number; p95: number }) => `  ${name.padEnd(46)} p50 ${String(s.p50).padStart(8)} ms   p95 ${String(s.p95).padStart(8)} ms`;
  console.log(`\nBenchmark (${N} iterations each, offline planner, local Temporal dev server; shared CPU: noisy)\n`);
  if (defaults) console.log(`  dev server defaults: floor A p50 ${defaults.floorA.p50} ms, floor B p50 ${defaults.floorB.p50} ms (≈${defaults.perActivityFloor_ms} ms per activity), start→plan ${defaults.serviceStart.p50} ms, confirm→completed ${defaults.serviceConfirm.p50} ms, floor c50 ${defaults.floorThroughput_c50}/s`);
  console.log(`  with ${report.tunedSettings.join(', ')}:`);
  console.log(row('1. floor A: start + 1 no-op activity + query', lat.floorA));
  console.log(row('2. POST /v1/sessions?wait → confirmable plan', lat.serviceStart));
  console.log(row('3. floor B: 3 no-op activities', lat.floorB));
  console.log(row('4. confirm → completed (3-step chain)', lat.serviceConfirm));
  console.log(row('5a. GET warm session', report.get_warm_ms));
  console.log(row('5b. GET warm session, If-None-Match → 304', report.get_304_ms));
  console.log(`  per-activity floor ≈ ${lat.perActivityFloor_ms} ms; ratio 2/1 (p50): ${report.ratio_start_vs_floorA_p50}; ratio 4/3 (p50): ${report.ratio_confirm_vs_floorB_p50}`);
  console.log(`  history events per 3-step session with a 1/s poller: ${history.events} (${history.polls} polls, ${history.phase})`);
  console.log(`  ${POLLERS} long-pollers on one session: ${pollers.errors} errors, ${pollers.historyEventsAdded} history events added; a confirm while they wait: ${pollers.confirmWhileHeld_ms} ms`);
  for (const t of throughput) console.log(`  6. concurrency ${String(t.concurrency).padStart(2)}: ${t.perSecond} sessions/s (${t.sessions} in ${t.seconds}s, ${t.errors} errors)`);
  console.log(`     bare 3-activity workflows at concurrency 50: ${floorC50}/s → ratio ${report.ratio_throughput_c50_vs_floor}`);
  const sh = st.shape;
  console.log(`     same-shape floor (${sh.activitiesBeforeUpdate}+${sh.activitiesAfterUpdate} activities, ${sh.localActivities} local, ${sh.updates} update, ${sh.memoUpserts} memo and ${sh.searchAttributeUpserts} search-attribute upserts; ${sh.events} events and ${sh.workflowTasks} workflow tasks, the floor's ${st.floorShape.events} and ${st.floorShape.workflowTasks}):`);
  for (const t of tp.sameShape) console.log(`       concurrency ${String(t.concurrency).padStart(2)}: ${t.perSecond}/s (${t.errors} errors) → ratio ${tp.ratio(t.concurrency)}`);
  for (const c of [10, 50]) printCpu(c, tp.cpu[c]!);
  console.log(`  7. load: ${LOAD} concurrent sessions → ${load.done} completed, ${load.errors} errors, ${report.load.lost} lost, ${duplicates} duplicate writes, in ${report.load.seconds}s`);
  const rssLine = (r: Record<string, number>) => Object.entries(r).map(([k, v]) => `${k} ${v}`).join(', ');
  console.log(`  RSS (MB) at the end of the burst: ${rssLine(rss)}`);
  console.log(`  RSS (MB) after ${IDLE_S} s idle: ${rssLine(rssIdle)}\n`);
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench', 'results', 'latest.json'), JSON.stringify(report, null, 2));
  st.stop();
  kill(sandbox);
  await st.connection.close();
  stopAll();
  process.exit(load.errors || report.load.lost || pollers.errors ? 1 : 0);
}

main().catch((e) => {
  console.error(`bench failed: ${(e as Error).message}`);
  stopAll();
  process.exit(1);
});
