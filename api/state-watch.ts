// Long-polls served by the gateway alone: one upstream wait per session per gateway process, shared
// by every poller of that session. The wait is a history long-poll (GetWorkflowExecutionHistory with
// waitNewEvent, from the last position seen); the session's state comes from the memo it publishes
// (its start memo and every WorkflowPropertiesModified event carry it). Reading history writes
// nothing to it and involves no worker, so pollers cost the session nothing (Temporal limits updates
// per execution; a poll is no longer one).
import type { Client, Connection } from '@temporalio/client';
// CommonJS package: a default import works under Node's ESM loader (named exports do not)
import proto, { type temporal as TemporalTypes } from '@temporalio/proto';
import { status as grpcStatus } from '@grpc/grpc-js';
import type { SessionState } from '../contracts/types.js';
import { Lru } from './lru.js';

const { temporal } = proto;

/** longer than the server's own long-poll interval (history.longPollExpirationInterval, 20 s) */
const LONG_POLL_MS = 30_000;
const PAGE_SIZE = 1000;
const MAX_BACKOFF_MS = 2000;
/**
 * A watch goes on this long after it last served a poller: a client that polls again after a change
 * (the usual rhythm: plan → confirm → poll) finds it current, instead of a new watch reading the
 * session's whole history again.
 */
export const LINGER_MS = 10_000;
/**
 * Sessions watched at once per process. Past this many, the least recently polled watch ends early
 * and its pollers get the latest state known (they poll again).
 */
export const MAX_WATCHES = 5000;

export type Payload = TemporalTypes.api.common.v1.IPayload;

interface Waiter {
  since: number;
  resolve: (s: SessionState | undefined) => void;
  timer: NodeJS.Timeout;
}

interface Watch {
  state?: SessionState;
  /** the history is read to its end at least once (the state is current) */
  caughtUp: boolean;
  closed: boolean;
  waiters: Set<Waiter>;
  /** when a poller last came or was answered (the watch lingers LINGER_MS after) */
  servedAt: number;
  /** ends this watch's upstream wait (eviction or shutdown) */
  abort: AbortController;
}

const CLOSE_EVENTS = [
  'workflowExecutionCompletedEventAttributes',
  'workflowExecutionFailedEventAttributes',
  'workflowExecutionTimedOutEventAttributes',
  'workflowExecutionCanceledEventAttributes',
  'workflowExecutionTerminatedEventAttributes',
  'workflowExecutionContinuedAsNewEventAttributes',
] as const;

export class StateWatch {
  private readonly watches: Lru<string, Watch>;
  private closing = false;

  constructor(
    private readonly client: Client,
    private readonly connection: Connection,
    /** the session's state from the memo payload it published */
    private readonly fromMemo: (id: string, payload: Payload) => Promise<SessionState>,
    /** reads the state of a session that publishes no memo (started before the memo existed) */
    private readonly legacyState: (id: string) => Promise<SessionState>,
    maxWatches = MAX_WATCHES,
  ) {
    this.watches = new Lru(maxWatches);
  }

  /** Sessions with a running upstream wait in this process (for tests and metrics). */
  get active(): number {
    return this.watches.size;
  }

  /** The state this process holds for a session it is watching, when current. */
  current(id: string): SessionState | undefined {
    const w = this.watches.peek(id);
    return w?.caughtUp ? w.state : undefined;
  }

  /**
   * Resolves with the session's state as soon as its version is past `since` (or the session
   * closed), else after `ms` with the latest state known (undefined when none could be read).
   */
  waitForChange(id: string, since: number, ms: number): Promise<SessionState | undefined> {
    let w = this.watches.get(id);
    if (w) w.servedAt = Date.now();
    if (w?.caughtUp && w.state && (w.state.version > since || w.closed)) return Promise.resolve(w.state);
    return new Promise((resolve) => {
      const fresh = !w;
      if (!w) {
        w = { caughtUp: false, closed: false, waiters: new Set(), servedAt: Date.now(), abort: new AbortController() };
        for (const [, old] of this.watches.set(id, w)) this.end(old);
      }
      const watch = w;
      const waiter: Waiter = {
        since,
        resolve,
        timer: setTimeout(() => {
          watch.waiters.delete(waiter);
          watch.servedAt = Date.now();
          resolve(watch.state);
        }, Math.max(0, ms)),
      };
      watch.waiters.add(waiter);
      if (fresh) void this.run(id, watch);
    });
  }

  /** Ends every upstream wait (gateway shutdown); pending pollers get the latest state. */
  close(): void {
    this.closing = true;
    for (const w of this.watches.values()) this.end(w);
  }

  /** Stops a watch's upstream wait; its pollers answer now with what is known. */
  private end(w: Watch): void {
    w.abort.abort();
    this.settle(w, true);
  }

  private settle(w: Watch, all: boolean) {
    for (const waiter of [...w.waiters]) {
      if (all || (w.state && (w.state.version > waiter.since || w.closed))) {
        clearTimeout(waiter.timer);
        w.waiters.delete(waiter);
        w.servedAt = Date.now();
        waiter.resolve(w.state);
      }
    }
  }

  /**
   * One upstream wait for the events after `token`. The SDK adds an abort listener to the signal of
   * every call and never removes it, so each call gets a signal of its own (dropped with the call),
   * tied to the watch's: a long watch does not pile up listeners and the calls they hold.
   */
  private async historyPage(w: Watch, id: string, token: Uint8Array | undefined) {
    const call = new AbortController();
    const stop = () => call.abort();
    if (w.abort.signal.aborted) call.abort();
    w.abort.signal.addEventListener('abort', stop);
    try {
      return await this.connection.withAbortSignal(call.signal, () =>
        this.connection.withDeadline(Date.now() + LONG_POLL_MS, () =>
          this.client.workflowService.getWorkflowExecutionHistory({
            namespace: this.client.options.namespace,
            execution: { workflowId: id },
            nextPageToken: token,
            waitNewEvent: true,
            maximumPageSize: PAGE_SIZE,
            historyEventFilterType: temporal.api.enums.v1.HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT,
          }),
        ),
      );
    } finally {
      w.abort.signal.removeEventListener('abort', stop);
    }
  }

  private async run(id: string, w: Watch): Promise<void> {
    let token: Uint8Array | undefined;
    let failures = 0;
    let sawMemo = false;
    /** the latest memo read from history but not yet turned into a state (its details may need a retry) */
    let unread: Payload | undefined;
    let retries = 0;
    try {
      while ((w.waiters.size > 0 || Date.now() - w.servedAt < LINGER_MS) && !this.closing && !w.abort.signal.aborted) {
        if (unread) {
          try {
            w.state = await this.fromMemo(id, unread);
            unread = undefined;
            retries = 0;
          } catch {
            // details unreadable right now (worker busy): the memo is kept and read again, never skipped
            w.caughtUp = false;
            retries += 1;
            await new Promise((r) => setTimeout(r, Math.min(MAX_BACKOFF_MS, 100 * 2 ** retries)));
            continue;
          }
          w.caughtUp = true;
          this.settle(w, false);
          if (w.closed) break;
        }
        let res: TemporalTypes.api.workflowservice.v1.IGetWorkflowExecutionHistoryResponse;
        try {
          res = await this.historyPage(w, id, token);
        } catch (e) {
          const code = (e as { code?: number }).code;
          if (code === grpcStatus.DEADLINE_EXCEEDED) continue;
          if (code === grpcStatus.NOT_FOUND || code === grpcStatus.INVALID_ARGUMENT || this.closing || w.abort.signal.aborted) break;
          // Temporal unreachable or overloaded: back off; waiters time out with what is known
          failures += 1;
          await new Promise((r) => setTimeout(r, Math.min(MAX_BACKOFF_MS, 100 * 2 ** failures)));
          continue;
        }
        failures = 0;
        const events = res.history?.events ?? [];
        let latest: Payload | undefined;
        let closed = false;
        for (const ev of events) {
          const memo = ev.workflowExecutionStartedEventAttributes?.memo ?? ev.workflowPropertiesModifiedEventAttributes?.upsertedMemo;
          const field = memo?.fields?.sessionState;
          if (field) latest = field;
          if (CLOSE_EVENTS.some((k) => ev[k])) closed = true;
        }
        token = res.nextPageToken?.length ? res.nextPageToken : undefined;
        if (!token) closed = true;
        const more = events.length >= PAGE_SIZE && !closed;
        w.closed = closed;
        if (latest) {
          sawMemo = true;
          unread = latest;
        } else if (!sawMemo && events.length && !more) {
          w.state = await this.legacyState(id).catch(() => w.state);
        }
        // a full page may have more behind it; an unread memo is read at the top of the loop
        if (more || unread) continue;
        w.caughtUp = true;
        this.settle(w, false);
        if (closed) break;
      }
    } catch {
      // a payload that cannot be decoded: waiters answer with what is known
    } finally {
      // an ended watch may already have been replaced by a new one for the same session
      if (this.watches.peek(id) === w) this.watches.delete(id);
      this.settle(w, true);
    }
  }
}
