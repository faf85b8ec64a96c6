// Prometheus metrics: request counts and latencies by route and status, sessions by phase.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Client } from '@temporalio/client';
import type { Phase } from '../contracts/types.js';

const PHASES: Phase[] = ['planning', 'awaiting_clarification', 'awaiting_confirmation', 'executing', 'compensating', 'completed', 'rolled_back', 'needs_attention', 'declined', 'expired', 'failed', 'unsupported'];

export function createMetrics(client: Client, namespace: string) {
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
  new Gauge({
    name: 'booking_sessions',
    help: `Sessions by phase (Temporal visibility, namespace ${namespace})`,
    labelNames: ['phase'],
    registers: [registry],
    async collect() {
      const counts = await Promise.all(
        PHASES.map((p) => client.workflow.count(`WorkflowType = "bookingUpdateSession" AND SessionPhase = "${p}"`).then((r) => r.count, () => undefined)),
      );
      PHASES.forEach((p, i) => {
        if (counts[i] !== undefined) this.set({ phase: p }, counts[i]!);
      });
    },
  });
  return { registry, requests, latency };
}
