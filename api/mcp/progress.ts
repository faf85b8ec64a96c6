// Following a session until a condition holds or a bound runs out, through the gateway's shared
// long-poll (api/state-watch.ts: no history event, no worker). While a confirmed plan runs, every
// step that finishes becomes a progress notification when the caller sent a progress token.
import type { SessionState } from '../../contracts/types.js';
import { isTerminal, type SessionService } from '../session-service.js';

export type Report = (progress: number, total: number, message: string) => Promise<void>;

const SETTLED = new Set(['succeeded', 'failed', 'compensated', 'compensation_failed', 'skipped']);

/** Steps that have finished one way or another: it only grows while a plan runs. */
function settled(s: SessionState): number {
  return s.steps.filter((st) => SETTLED.has(st.status)).length;
}

/** What the notification says: the step that just finished, or the undo under way. */
function describe(s: SessionState): string {
  const titleOf = (i: number) => s.plan?.steps.find((p) => p.index === i)?.title ?? `step ${i + 1}`;
  if (s.phase === 'compensating') {
    const undoing = s.steps.find((st) => st.status === 'compensating');
    return `Undoing: ${undoing ? titleOf(undoing.index) : 'rolling back'}`;
  }
  const last = [...s.steps].reverse().find((st) => SETTLED.has(st.status));
  const head = last ? `Step ${last.index + 1}/${s.steps.length} ${last.status}: ${titleOf(last.index)}` : `Session ${s.phase}`;
  return isTerminal(s) ? `${head} (session ${s.phase})` : head;
}

/**
 * Waits until `done(state)` (or the session ends, or `waitMs` passes, or the caller goes away) and
 * answers with the latest state. `report`, when given, hears of every step that finished.
 */
export async function follow(service: SessionService, start: SessionState, waitMs: number, done: (s: SessionState) => boolean, report?: Report, signal?: AbortSignal): Promise<SessionState> {
  const deadline = Date.now() + waitMs;
  let s = start;
  let reported = 0;
  const tell = async () => {
    const n = settled(s);
    // progress must grow with each notification: only a newly finished step is reported
    if (!report || !s.plan || n <= reported) return;
    reported = n;
    await report(n, s.plan.steps.length, describe(s)).catch(() => undefined);
  };
  await tell();
  while (!done(s) && !isTerminal(s) && Date.now() < deadline && !signal?.aborted) {
    const next = await service.waitForChange(s, deadline - Date.now());
    if (next.version === s.version && next.phase === s.phase) break;
    s = next;
    await tell();
  }
  return s;
}
