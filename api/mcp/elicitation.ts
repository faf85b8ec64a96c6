// update_booking carrying the conversation itself when the client shows forms (elicitation): a
// question becomes a form with that question, a plan becomes the whole plan with an explicit yes,
// and the tool answers with the outcome. Decline or cancel declines the session (nothing written).
// A question about contact details is never asked through a form — the spec rules forms out for
// sensitive input — it goes back to the caller as a question, to be answered in the person's own
// words. Anything else that stops the conversation (no answer, the client gone) leaves the session
// as it is in Temporal: the step-by-step tools carry on from there.
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import { ElicitResultSchema, type ElicitRequestFormParams, type ElicitResult, type ServerNotification, type ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import type { Catalog } from '../../catalog/importer.js';
import type { SessionState } from '../../contracts/types.js';
import { MAX_MESSAGE_LENGTH } from '../../workflows/messages.js';
import { isTerminal } from '../session-service.js';
import type { McpContext } from './context.js';
import { follow, type Report } from './progress.js';
import { planText, planView } from './render.js';
import { ASKED_META, type AskTag } from './replies.js';

/**
 * Catalog meanings that are a person's contact details (catalog/importer.ts MEANINGS), and the names
 * the planner gives those details in `missing` when no proposed step has a parameter for them.
 */
const CONTACT_MEANINGS = new Set(['holder-name', 'email', 'phone']);
const CONTACT_DETAILS = new Set([...CONTACT_MEANINGS, 'name', 'contact']);
/** questions asked through forms in one call at most (the session itself caps follow-up messages) */
const MAX_TURNS = 10;

type Form = ElicitRequestFormParams['requestedSchema'];
type Ask = (params: { message: string; requestedSchema: Form }, tag: AskTag, timeoutMs: number, signal: AbortSignal) => Promise<ElicitResult>;

export interface Conversation {
  ask: Ask;
  report?: Report;
  signal: AbortSignal;
}

/** Sends one form elicitation on the tool call's own stream. */
export function askThrough(sendRequest: RequestHandlerExtra<ServerRequest, ServerNotification>['sendRequest']): Ask {
  return (params, tag, timeout, signal) => sendRequest({ method: 'elicitation/create', params: { mode: 'form', ...params, _meta: { [ASKED_META]: tag } } }, ElicitResultSchema, { timeout, signal });
}

/** Whether a question is about contact details, by what the catalog says each parameter means. */
export function asksForContact(catalog: Catalog, missing: string[]): boolean {
  if (missing.some((m) => CONTACT_DETAILS.has(m))) return true;
  return catalog.all().some((a) => missing.some((m) => CONTACT_MEANINGS.has(a.meaning?.[m] ?? '') || a.paramsSchema?.properties?.[m]?.format === 'email'));
}

const answerForm = (question: string): Form => ({
  type: 'object',
  properties: { answer: { type: 'string', title: 'Your answer', description: question, minLength: 1, maxLength: MAX_MESSAGE_LENGTH } },
  required: ['answer'],
});

const confirmForm: Form = {
  type: 'object',
  properties: { confirm: { type: 'boolean', title: 'Make these changes', description: 'Tick to make every change above; nothing is written otherwise', default: false } },
  required: ['confirm'],
};

type Turn = { kind: 'answer'; text: string } | { kind: 'confirm' } | { kind: 'decline' } | { kind: 'stop' };

function turnOf(r: ElicitResult, expect: 'answer' | 'confirm'): Turn {
  if (r.action === 'decline' || r.action === 'cancel') return { kind: 'decline' };
  const c = r.content ?? {};
  if (expect === 'confirm') return c.confirm === true ? { kind: 'confirm' } : { kind: 'decline' };
  const text = typeof c.answer === 'string' ? c.answer.trim() : '';
  return text && text.length <= MAX_MESSAGE_LENGTH ? { kind: 'answer', text } : { kind: 'stop' };
}

/** Resolves with the session's state once it moved on by another way (another call, expiry). */
async function movedOn(ctx: McpContext, s: SessionState, signal: AbortSignal): Promise<SessionState> {
  for (;;) {
    const next = await ctx.service.waitForChange(s, ctx.maxWaitMs);
    if (next.version !== s.version || signal.aborted) return next;
  }
}

/** One form: the person's turn, or the session's new state if it moved on meanwhile. */
async function askOnce(ctx: McpContext, conv: Conversation, s: SessionState, message: string, form: Form, expect: AskTag['expect']): Promise<Turn | SessionState> {
  const tag: AskTag = { sessionId: s.sessionId, expect, ...(expect === 'confirm' && s.plan ? { planHash: s.plan.hash } : {}) };
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  conv.signal.addEventListener('abort', onAbort, { once: true });
  const timeout = Math.max(1000, Date.parse(s.expiresAt ?? '') - Date.now() || ctx.maxWaitMs);
  try {
    return await Promise.race([
      conv.ask({ message, requestedSchema: form }, tag, timeout, stop.signal).then((r) => turnOf(r, expect), (): Turn => ({ kind: 'stop' })),
      movedOn(ctx, s, stop.signal),
    ]);
  } finally {
    stop.abort();
    conv.signal.removeEventListener('abort', onAbort);
  }
}

/** The conversation from a started session to its outcome, as far as the person takes it. */
export async function converse(ctx: McpContext, start: SessionState, conv: Conversation): Promise<SessionState> {
  const { service, identity, token } = ctx;
  let s = start;
  for (let turn = 0; turn < MAX_TURNS && !conv.signal.aborted; turn++) {
    s = await follow(service, s, ctx.maxWaitMs, (x) => x.phase !== 'planning', undefined, conv.signal);
    // confirmed meanwhile (the answer reached another gateway process): follow it to the outcome
    if (s.phase === 'executing' || s.phase === 'compensating') return follow(service, s, ctx.maxWaitMs, isTerminal, conv.report, conv.signal);
    const question = s.phase === 'awaiting_clarification' ? s.clarification : undefined;
    const plan = s.phase === 'awaiting_confirmation' ? s.plan : undefined;
    if (question && asksForContact(ctx.catalog, question.missing)) return s;
    if (!question && !plan) return s;
    const got = question
      ? await askOnce(ctx, conv, s, question.question, answerForm(question.question), 'answer')
      : await askOnce(ctx, conv, s, `${planText(planView(plan!))}\n\nNothing is written unless you accept.`, confirmForm, 'confirm');
    if (!('kind' in got)) {
      s = got;
      continue;
    }
    if (got.kind === 'stop') return service.stateFor(identity, s.sessionId, undefined, true);
    if (got.kind === 'decline') return service.decline(identity, s.sessionId);
    if (got.kind === 'answer') {
      s = await service.message(identity, s.sessionId, token, got.text);
      continue;
    }
    s = await service.confirm(identity, s.sessionId, token, plan!.hash);
    return follow(service, s, ctx.maxWaitMs, isTerminal, conv.report, conv.signal);
  }
  return s;
}

/**
 * An answer to a form asked by a call in another gateway process (or one that ended): done here, as
 * the caller's own request — the session service checks that the session is theirs. Its id is the
 * message's idempotency key, so a retried answer is taken once.
 */
export async function answerElsewhere(ctx: Pick<McpContext, 'service' | 'identity' | 'token'>, tag: AskTag, id: string, result: ElicitResult): Promise<void> {
  const turn = turnOf(result, tag.expect);
  if (turn.kind === 'decline') await ctx.service.decline(ctx.identity, tag.sessionId);
  else if (turn.kind === 'answer') await ctx.service.message(ctx.identity, tag.sessionId, ctx.token, turn.text, id);
  else if (turn.kind === 'confirm' && tag.planHash) await ctx.service.confirm(ctx.identity, tag.sessionId, ctx.token, tag.planHash);
}
