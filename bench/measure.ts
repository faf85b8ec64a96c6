// What the benchmark reads about processes and histories: CPU time and RSS from /proc, and the
// Temporal shape of a session (what the same-shape floor repeats) from its history.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import proto, { type temporal as TemporalTypes } from '@temporalio/proto';
import type { SessionShape } from '../workflows/floor.js';

const { EventType } = proto.temporal.api.enums.v1;
const TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** pid → [ppid, CPU seconds of the process itself and of its children it has reaped] */
function procStat(pid: number): [number, number] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name is in parentheses and may hold spaces: the fields start after the last ')'
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const [utime, stime, cutime, cstime] = [f[11], f[12], f[13], f[14]].map(Number) as [number, number, number, number];
    return [Number(f[1]), (utime + stime + cutime + cstime) / TICKS];
  } catch {
    return undefined; // exited
  }
}

/** CPU seconds used so far by a process and every descendant (live or reaped). */
export function treeCpuSeconds(pid: number): number {
  const children = new Map<number, number[]>();
  let total = 0;
  const own = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const st = procStat(Number(name));
    if (!st) continue;
    own.set(Number(name), st[1]);
    children.set(st[0], [...(children.get(st[0]) ?? []), Number(name)]);
  }
  const queue = [pid];
  while (queue.length) {
    const p = queue.pop()!;
    total += own.get(p) ?? 0;
    queue.push(...(children.get(p) ?? []));
  }
  return total;
}

export function rssMb(pid: number): number {
  try {
    return +(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024).toFixed(0);
  } catch {
    return NaN;
  }
}

/** CPU seconds of each named process tree, and of this process (the load generator) as `client`. */
export function cpuSnapshot(pids: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, pid] of Object.entries(pids)) out[name] = treeCpuSeconds(pid);
  const self = process.cpuUsage();
  out.client = (self.user + self.system) / 1e6;
  return out;
}

/** CPU seconds per completed session, per process, between two snapshots (and their total). */
export function cpuPerSession(before: Record<string, number>, after: Record<string, number>, sessions: number): Record<string, number> {
  const out: Record<string, number> = {};
  let total = 0;
  for (const name of Object.keys(after)) {
    const used = after[name]! - (before[name] ?? 0);
    total += used;
    out[name] = +(used / Math.max(1, sessions)).toFixed(4);
  }
  out.total = +(total / Math.max(1, sessions)).toFixed(4);
  return out;
}

type HistoryEvent = TemporalTypes.api.history.v1.IHistoryEvent;

/** The counts a same-shape floor must match, read from a completed session's history. */
export function shapeOf(events: HistoryEvent[]): SessionShape & { events: number; workflowTasks: number; timers: number } {
  const is = (e: HistoryEvent, t: number) => e.eventType === t;
  const firstUpdate = events.findIndex((e) => is(e, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED));
  const split = firstUpdate < 0 ? events.length : firstUpdate;
  const activities = (xs: HistoryEvent[]) => xs.filter((e) => is(e, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)).length;
  const memos = events.flatMap((e) => (e.workflowPropertiesModifiedEventAttributes ? [e.workflowPropertiesModifiedEventAttributes] : []));
  const memoSizes = memos.map((m) => Object.values(m.upsertedMemo?.fields ?? {}).reduce((n, p) => n + (p.data?.length ?? 0), 0));
  return {
    activitiesBeforeUpdate: activities(events.slice(0, split)),
    activitiesAfterUpdate: activities(events.slice(split)),
    localActivities: events.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity').length,
    updates: events.filter((e) => is(e, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)).length,
    memoUpserts: memos.length,
    searchAttributeUpserts: events.filter((e) => is(e, EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES)).length,
    memoBytes: memoSizes.length ? Math.round(memoSizes.reduce((a, b) => a + b, 0) / memoSizes.length) : 0,
    // not matched by the floor, shown next to it: what the shape costs Temporal besides the above
    events: events.length,
    workflowTasks: events.filter((e) => is(e, EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)).length,
    timers: events.filter((e) => is(e, EventType.EVENT_TYPE_TIMER_STARTED)).length,
  };
}
