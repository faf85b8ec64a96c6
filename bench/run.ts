// `npm run bench`: measures the service against the Temporal floor in one run (DESIGN §10) and
// prints a table (also written to bench/results/latest.json). Everything runs locally: a dedicated
// Temporal dev server, the sandbox, the worker and the gateway as separate processes, the offline
// (zero-latency) planner. Options: --iterations N (default 30), --load N (default 200).
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { DateTime } from 'luxon';
import { dump as dumpYaml } from 'js-yaml';
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes.js';
import { floorQuery } from '../workflows/floor.js';
import { dataConverter } from '../temporal/connection.js';
import { parsePayloadKeys } from '../config/config.js';
import { readSeed } from '../sandbox/store.js';
import { freePort } from '../scripts/ports.js';

const ROOT = new URL('..', import.meta.url).pathname;
const { values } = parseArgs({ options: { iterations: { type: 'string', default: '30' }, load: { type: 'string', default: '200' } } });
const N = Number(values.iterations);
const LOAD = Number(values.load);
const children: ChildProcess[] = [];
const stopAll = () => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL'));
process.on('exit', stopAll);
process.on('SIGINT', () => process.exit(130));

function spawnEntry(entry: string, env: Record<string, string>): ChildProcess {
  const c = spawn(process.execPath, ['--import', 'tsx', join(ROOT, entry)], { env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  children.push(c);
  return c;
}

async function waitHttp(url: string) {
  for (let i = 0; i < 240; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not come up`);
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
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

/** A seed with one booking per day so concurrent sessions never contend for the same session. */
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

async function main() {
  const cli = execFileSync(join(ROOT, 'temporal-dev.sh'), ['ensure-cli'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  const tport = await freePort();
  const args = ['server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(tport), '--log-level', 'error'];
  for (const sa of SEARCH_ATTRIBUTES) args.push('--search-attribute', sa);
  children.push(spawn(cli, args, { stdio: 'ignore' }));
  const address = `127.0.0.1:${tport}`;
  let connection: Connection | undefined;
  for (let i = 0; i < 120 && !connection; i++) {
    try {
      connection = await Connection.connect({ address, connectTimeout: 1000 });
    } catch {
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  if (!connection) throw new Error('Temporal did not start');
  const keys = `bench:${randomBytes(32).toString('base64')}`;
  const sandboxPort = await freePort();
  const gatewayPort = await freePort();
  const seed = benchSeed(3 + N + 1 + 90 + LOAD + 10);
  const env = {
    TEMPORAL_ADDRESS: address,
    TEMPORAL_TASK_QUEUE: 'bench',
    PAYLOAD_KEYS: keys,
    SANDBOX_PORT: String(sandboxPort),
    SANDBOX_SEED: seed,
    ROLLER_API_BASE_URL: `http://127.0.0.1:${sandboxPort}`,
    GATEWAY_PORT: String(gatewayPort),
    LLM_PROVIDER: 'offline',
    PLANNER_NOW: '2026-12-01T09:00:00+11:00',
    RATE_LIMIT_PER_MINUTE: '1000000',
    CLIENT_RATE_LIMIT_PER_MINUTE: '1000000',
  };
  spawnEntry('sandbox/main.ts', env);
  const worker = spawnEntry('worker/main.ts', env);
  const gateway = spawnEntry('api/main.ts', env);
  const gw = `http://127.0.0.1:${gatewayPort}`;
  await waitHttp(`http://127.0.0.1:${sandboxPort}/__sandbox/journal`);
  await waitHttp(`${gw}/readyz`);
  const client = new Client({ connection, dataConverter: dataConverter(parsePayloadKeys(keys)) });
  const H = { authorization: 'Bearer tok-staff-venue1', 'content-type': 'application/json' };
  const post = async (path: string, body: unknown) => {
    const r = await fetch(`${gw}${path}`, { method: 'POST', headers: H, body: JSON.stringify(body) });
    return { status: r.status, json: (await r.json()) as { sessionId: string; phase: string; version: number; plan?: { hash: string }; outcome?: { message: string } } };
  };
  let next = 0;
  const session = async (i: number) => {
    const s = await post('/v1/sessions?wait=25', { bookingId: `bb-${i}`, message: chainFor(i) });
    if (s.json.phase !== 'awaiting_confirmation') throw new Error(`session ${i}: ${s.json.phase ?? JSON.stringify(s.json)} ${s.json.outcome?.message ?? ''}`);
    return s.json;
  };

  // warm-up (bundles, JIT, connections)
  for (let i = 0; i < 3; i++) {
    const s = await session(next++);
    await post(`/v1/sessions/${s.sessionId}/confirm?wait=25`, { planHash: s.plan!.hash });
    await client.workflow.execute('floorOneActivity', { taskQueue: 'bench', workflowId: `floor-warm-${i}` });
  }

  const floorA: number[] = [];
  const serviceStart: number[] = [];
  const floorB: number[] = [];
  const serviceConfirm: number[] = [];
  for (let i = 0; i < N; i++) {
    floorA.push(await time(async () => {
      const h = await client.workflow.start('floorOneActivity', { taskQueue: 'bench', workflowId: `floorA-${i}-${randomBytes(4).toString('hex')}` });
      await h.result();
      await h.query(floorQuery);
    }));
    let s!: Awaited<ReturnType<typeof session>>;
    const idx = next++;
    serviceStart.push(await time(async () => (s = await session(idx))));
    floorB.push(await time(() => client.workflow.execute('floorThreeActivities', { taskQueue: 'bench', workflowId: `floorB-${i}-${randomBytes(4).toString('hex')}` })));
    serviceConfirm.push(await time(async () => {
      const r = await post(`/v1/sessions/${s.sessionId}/confirm?wait=25`, { planHash: s.plan!.hash });
      if (r.json.phase !== 'completed') throw new Error(`confirm ${i}: ${r.json.phase}`);
    }));
  }

  const warm = await session(next++);
  const getPlain: number[] = [];
  const get304: number[] = [];
  for (let i = 0; i < N * 3; i++) {
    getPlain.push(await time(async () => void (await (await fetch(`${gw}/v1/sessions/${warm.sessionId}`, { headers: H })).arrayBuffer())));
    get304.push(await time(async () => void (await (await fetch(`${gw}/v1/sessions/${warm.sessionId}`, { headers: { ...H, 'if-none-match': `"v${warm.version}"` } })).arrayBuffer())));
  }

  const throughput: Array<{ concurrency: number; sessions: number; seconds: number; perSecond: number; errors: number }> = [];
  const runMany = async (count: number, concurrency: number) => {
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
            const s = await session(id);
            const r = await post(`/v1/sessions/${s.sessionId}/confirm?wait=25`, { planHash: s.plan!.hash });
            if (r.json.phase === 'completed') done++;
            else fail(`confirm ended ${r.json.phase ?? (r.json as { code?: string }).code}`);
          } catch (e) {
            fail((e as Error).message.replace(/session \d+/, 'session'));
          }
        }
      }),
    );
    if (reasons.size) console.error(`errors at concurrency ${concurrency}:`, Object.fromEntries(reasons));
    return { done, errors, seconds: (performance.now() - t) / 1000 };
  };
  for (const c of [1, 10, 50]) {
    const count = c === 1 ? 10 : c === 10 ? 30 : 50;
    const r = await runMany(count, c);
    throughput.push({ concurrency: c, sessions: r.done, seconds: +r.seconds.toFixed(2), perSecond: +(r.done / r.seconds).toFixed(2), errors: r.errors });
  }
  const load = await runMany(LOAD, LOAD);
  const journal = (await (await fetch(`http://127.0.0.1:${sandboxPort}/__sandbox/journal`)).json()) as { entries: Array<{ wrote: boolean; idempotencyKey?: string }> };
  const writes = journal.entries.filter((e) => e.wrote);
  const duplicates = writes.length - new Set(writes.map((w) => w.idempotencyKey)).size;

  const report = {
    at: new Date().toISOString(),
    iterations: N,
    floorA_bareRoundTrip_ms: stats(floorA),
    service_startToPlan_ms: stats(serviceStart),
    floorB_bare3Activities_ms: stats(floorB),
    service_confirmToCompleted_ms: stats(serviceConfirm),
    get_warm_ms: stats(getPlain),
    get_304_ms: stats(get304),
    ratio_start_vs_floorA_p50: +(pct(serviceStart, 50) / pct(floorA, 50)).toFixed(2),
    ratio_confirm_vs_floorB_p50: +(pct(serviceConfirm, 50) / pct(floorB, 50)).toFixed(2),
    throughput,
    load: { sessions: LOAD, completed: load.done, errors: load.errors, lost: LOAD - load.done - load.errors, seconds: +load.seconds.toFixed(2), duplicateWrites: duplicates },
    rss_mb: { worker: +rssMb(worker.pid!).toFixed(0), gateway: +rssMb(gateway.pid!).toFixed(0) },
  };
  const row = (name: string, s: { p50: number; p95: number }) => `  ${name.padEnd(44)} p50 ${String(s.p50).padStart(8)} ms   p95 ${String(s.p95).padStart(8)} ms`;
  console.log(`\nBenchmark (${N} iterations each, offline planner, local Temporal dev server)\n`);
  console.log(row('1. floor A: start + 1 no-op activity + query', report.floorA_bareRoundTrip_ms));
  console.log(row('2. POST /v1/sessions → confirmable plan', report.service_startToPlan_ms));
  console.log(row('3. floor B: 3 no-op activities', report.floorB_bare3Activities_ms));
  console.log(row('4. confirm → completed (3-step chain)', report.service_confirmToCompleted_ms));
  console.log(row('5a. GET warm session', report.get_warm_ms));
  console.log(row('5b. GET warm session, If-None-Match → 304', report.get_304_ms));
  console.log(`  ratio 2/1 (p50): ${report.ratio_start_vs_floorA_p50}    ratio 4/3 (p50): ${report.ratio_confirm_vs_floorB_p50}`);
  for (const t of throughput) console.log(`  6. concurrency ${String(t.concurrency).padStart(2)}: ${t.perSecond} sessions/s (${t.sessions} in ${t.seconds}s, ${t.errors} errors)`);
  console.log(`  7. load: ${LOAD} concurrent sessions → ${load.done} completed, ${load.errors} errors, ${report.load.lost} lost, ${report.load.duplicateWrites} duplicate writes, in ${report.load.seconds}s`);
  console.log(`  RSS at the end: worker ${report.rss_mb.worker} MB, gateway ${report.rss_mb.gateway} MB\n`);
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench', 'results', 'latest.json'), JSON.stringify(report, null, 2));
  await connection.close();
  stopAll();
  process.exit(load.errors || report.load.lost ? 1 : 0);
}

main().catch((e) => {
  console.error(`bench failed: ${(e as Error).message}`);
  stopAll();
  process.exit(1);
});
