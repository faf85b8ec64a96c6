// One bounded model call: the planning budget left (optionally capped per attempt) and the
// activity's cancellation abort it; heartbeats go out while it is in flight; transient failures (429 after the
// RetryInfo delay, capped; 5xx; timeouts; an unreachable server) are retried with backoff, permanent
// ones (400, 403, 404, a blocked prompt) are not. Failures carry a kind, never the SDK's text.
import type { AIMessage, BaseMessage } from '@langchain/core/messages';

export type ModelFailureKind = 'rate_limited' | 'unavailable' | 'timeout' | 'budget' | 'rejected' | 'not_found' | 'forbidden' | 'unreachable' | 'error';

export class ModelCallFailure extends Error {
  override name = 'ModelCallFailure';
  constructor(
    readonly kind: ModelFailureKind,
    readonly status?: number,
  ) {
    super(`model call failed: ${kind}${status ? ` (${status})` : ''}`);
  }
}

/** The answer of one call: a message, or a turn with no content (why, when the model said). */
export type ModelTurn = { kind: 'message'; message: AIMessage } | { kind: 'no-content'; finishReason?: string; blockReason?: string };

export interface CallOptions {
  callbacks?: unknown;
  /** the activity's cancellation */
  signal?: AbortSignal;
  /**
   * optional cap on one attempt; without it an attempt may use all the budget left. The budget is
   * what bounds a call: a slow but valid answer that arrives inside it is used.
   */
  callTimeoutMs?: number;
  /** epoch ms when the planning budget runs out */
  deadline: number;
  maxAttempts: number;
  retryDelayCapMs: number;
  heartbeat: () => void;
  sleep?: (ms: number) => Promise<void>;
}

interface Classified {
  kind: ModelFailureKind;
  transient: boolean;
  status?: number;
  retryAfterMs?: number;
}

/** google.rpc.Duration as JSON: "12s", "0.5s", "45.837906927s". */
export function parseDuration(d: unknown): number | undefined {
  const m = typeof d === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(d.trim()) : null;
  return m ? Math.round(Number(m[1]) * 1000) : undefined;
}

function retryInfoDelay(details: unknown): number | undefined {
  if (!Array.isArray(details)) return undefined;
  const info = details.find((d) => typeof d?.['@type'] === 'string' && d['@type'].endsWith('google.rpc.RetryInfo'));
  return info ? parseDuration(info.retryDelay) : undefined;
}

export function classifyModelError(e: unknown): Classified {
  const err = e as { status?: unknown; status_code?: unknown; errorDetails?: unknown; name?: string; code?: string; cause?: { code?: string }; blockReason?: string; message?: string };
  const status = typeof err?.status === 'number' ? err.status : typeof err?.status_code === 'number' ? err.status_code : undefined;
  if (status !== undefined) {
    if (status === 429) return { kind: 'rate_limited', transient: true, status, retryAfterMs: retryInfoDelay(err.errorDetails) };
    if (status === 408 || status === 504) return { kind: 'timeout', transient: true, status };
    if (status >= 500) return { kind: 'unavailable', transient: true, status };
    if (status === 404) return { kind: 'not_found', transient: false, status };
    if (status === 401 || status === 403) return { kind: 'forbidden', transient: false, status };
    return { kind: 'rejected', transient: false, status };
  }
  // the fetch never got an answer (connection refused, reset, DNS)
  const code = err?.cause?.code ?? err?.code;
  if (typeof code === 'string' && /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EPIPE|UND_ERR_\w+)$/.test(code)) return { kind: 'unreachable', transient: true };
  if (/fetch failed|ECONNREFUSED|socket hang up/i.test(err?.message ?? '')) return { kind: 'unreachable', transient: true };
  return { kind: 'error', transient: false };
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Backoff for a transient failure without a server-given delay: 0.5 s, 1 s, 2 s … with jitter. */
function backoff(attempt: number): number {
  return Math.round(500 * 2 ** (attempt - 1) * (0.8 + Math.random() * 0.4));
}

export async function callModel(model: { invoke: (m: BaseMessage[], o: Record<string, unknown>) => Promise<unknown> }, messages: BaseMessage[], o: CallOptions): Promise<ModelTurn> {
  const sleep = o.sleep ?? realSleep;
  for (let attempt = 1; ; attempt++) {
    const remaining = o.deadline - Date.now();
    if (remaining <= 0) throw new ModelCallFailure('budget');
    const cap = o.callTimeoutMs ?? Number.POSITIVE_INFINITY;
    // the budget left decides when the attempt is given up, unless a smaller cap is configured
    const budgetBound = remaining <= cap;
    const controller = new AbortController();
    let why: 'timeout' | 'cancelled' | undefined;
    const timer = setTimeout(() => {
      why = 'timeout';
      controller.abort(new Error('model call timed out'));
    }, Math.min(cap, remaining));
    const onCancel = () => {
      why = 'cancelled';
      controller.abort(o.signal?.reason);
    };
    o.signal?.addEventListener('abort', onCancel, { once: true });
    if (o.signal?.aborted) onCancel();
    const beat = setInterval(() => o.heartbeat(), 1000);
    // a model client that ignores the signal still cannot hold the loop past the abort
    const aborted = new Promise<never>((_, reject) => controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true }));
    aborted.catch(() => undefined);
    try {
      const message = (await Promise.race([model.invoke(messages, { callbacks: o.callbacks, signal: controller.signal, runName: 'planner-model' }), aborted])) as AIMessage;
      return { kind: 'message', message };
    } catch (e) {
      if (why === 'cancelled') throw e;
      const empty = e as { name?: string; finishReason?: string; blockReason?: string };
      if (empty?.name === 'EmptyContentError') return { kind: 'no-content', finishReason: empty.finishReason, blockReason: empty.blockReason };
      // the scripted model's own failures are the LLM_SCRIPT contract's clear messages
      if ((e as Error)?.name === 'ScriptError') throw e;
      const c: Classified = why === 'timeout' ? (budgetBound ? { kind: 'budget', transient: false } : { kind: 'timeout', transient: true }) : classifyModelError(e);
      if (!c.transient || attempt >= o.maxAttempts) throw new ModelCallFailure(c.kind, c.status);
      const delay = c.retryAfterMs !== undefined ? Math.min(c.retryAfterMs, o.retryDelayCapMs) : backoff(attempt);
      // waiting past the budget would only end in a timeout: say what happened instead
      if (Date.now() + delay >= o.deadline) throw new ModelCallFailure(c.kind, c.status);
      o.heartbeat();
      await sleep(delay);
    } finally {
      clearTimeout(timer);
      clearInterval(beat);
      o.signal?.removeEventListener('abort', onCancel);
    }
  }
}

/** What staff read when the model could not be used: names the planner, never SDK text or URLs;
 * `api` is the booking API's overlay title, where the change can be made by hand. */
export function failureMessage(kind: ModelFailureKind, planner: string, api = 'the booking system'): string {
  const p = `The AI planner (${planner})`;
  switch (kind) {
    case 'rate_limited':
      return `${p} is over its request limit right now; nothing was changed. Try again in a minute, or make the change in ${api} directly.`;
    case 'unavailable':
    case 'unreachable':
      return `${p} is unavailable right now; nothing was changed. Try again shortly, or make the change in ${api} directly.`;
    case 'timeout':
    case 'budget':
      // the model did not answer in time: say so (never a question the person did not cause)
      return `The AI planner was too slow; try again. Nothing was changed (${planner} did not answer in time).`;
    case 'not_found':
    case 'forbidden':
    case 'rejected':
      return `${p} refused the request: its setup needs attention (model, key or tool definitions); nothing was changed. Please report this, and make the change in ${api} directly meanwhile.`;
    default:
      return `${p} failed unexpectedly; nothing was changed. Try again, or make the change in ${api} directly.`;
  }
}
