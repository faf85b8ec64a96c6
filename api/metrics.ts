// Prometheus metrics: request counts and latencies by route and status, sessions by phase.
// Session counts come from Temporal visibility: refreshed at most once per `cacheMs` (one refresh in
// flight at a time), each query under a deadline, so a scrape never waits long nor multiplies load;
// while Temporal is down the last known counts stay and the refresh-failure counter rises.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Client } from '@temporalio/client';
import type { Phase } from '../contracts/types.js';

const PHASES: Phase[] = ['planning', 'awaiting_clarification', 'awaiting_confirmation', 'executing', 'compensating', 'completed', 'rolled_back', 'needs_attention', 'declined', 'expired', 'failed', 'unsupported'];

export function createMetrics(client: Client, namespace: string, opts: { cacheMs?: number; deadlineMs?: number } = {}) {
  const cacheMs = opts.cacheMs ?? 15_000;
  const deadlineMs = opts.deadlineMs ?? 2_000;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({ name: 'gateway_http_requests_total', help: 'HTTP requests by route, method and status', labelNames: ['route', 'method', 'status'], registers: [registry] });
  const latency = new Histogram({
    name: 'gateway_http_request_duration_seconds',
    help: 'HTTP request latency by route, method and status',
    labelNames: ['route', 'method', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const refreshes = new Counter({ name: 'booking_sessions_refreshes_total', help: 'Visibility refreshes of the session counts, by result', labelNames: ['result'], registers: [registry] });
  const counts = new Map<Phase, number>();
  let fresh = 0;
  let refreshing: Promise<void> | undefined;
  const refresh = async () => {
    const results = await Promise.all(
      PHASES.map((p) =>
        client.connection
          .withDeadline(Date.now() + deadlineMs, () => client.workflow.count(`WorkflowType = "bookingUpdateSession" AND SessionPhase = "${p}"`))
          .then((r) => r.count, () => undefined),
      ),
    );
    PHASES.forEach((p, i) => {
      if (results[i] !== undefined) counts.set(p, results[i]!);
    });
    refreshes.inc({ result: results.every((r) => r !== undefined) ? 'ok' : 'failed' });
    fresh = Date.now() + cacheMs;
  };
  new Gauge({
    name: 'booking_sessions',
    help: `Sessions by phase (Temporal visibility, namespace ${namespace}; refreshed at most every ${cacheMs / 1000}s)`,
    labelNames: ['phase'],
    registers: [registry],
    async collect() {
      if (Date.now() >= fresh) {
        refreshing ??= refresh().finally(() => (refreshing = undefined));
        // a scrape waits one deadline at most (a slow connect included); late counts serve the next one
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([refreshing, new Promise<void>((r) => (timer = setTimeout(r, deadlineMs)))]);
        clearTimeout(timer);
      }
      for (const [p, n] of counts) this.set({ phase: p }, n);
    },
  });
  return { registry, requests, latency };
}
