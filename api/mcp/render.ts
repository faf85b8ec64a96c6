// A session's state as the MCP tools answer it: structuredContent by phase (outputSchema) and a
// short text for clients that only show text; errors as tool errors carrying the HTTP API's code.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Plan, SessionState } from '../../contracts/types.js';
import { ApiError } from '../problem.js';
import { isTerminal, mapTemporalError } from '../session-service.js';

export interface ToolState {
  sessionId: string;
  phase: SessionState['phase'];
  version: number;
  expiresAt?: string;
  question?: { text: string; missing: string[] };
  plan?: { hash: string; summary: string; risk: Plan['risk']; notes?: string[]; steps: Array<{ index: number; title: string; actionId: string; safety: Plan['risk']; reversible: boolean; changes: Array<{ field: string; before: unknown; after: unknown }> }> };
  progress?: { done: number; total: number; steps: Array<{ index: number; title?: string; status: string; error?: { code: string; message: string } }> };
  outcome?: { status: string; message: string; code?: string; recovery: string[] };
  next: string[];
}

/** What can move the session on from each phase (the tool names are the contract). */
function nextTools(s: SessionState): string[] {
  if (s.phase === 'awaiting_clarification') return ['reply_to_booking_update', 'decline_booking_update'];
  if (s.phase === 'awaiting_confirmation') return ['confirm_booking_update', 'reply_to_booking_update', 'decline_booking_update'];
  if (isTerminal(s)) return [];
  return ['get_booking_update'];
}

export function planView(plan: Plan): NonNullable<ToolState['plan']> {
  return {
    hash: plan.hash,
    summary: plan.summary,
    risk: plan.risk,
    ...(plan.notes?.length ? { notes: plan.notes } : {}),
    steps: plan.steps.map((st) => ({
      index: st.index,
      title: st.title,
      actionId: st.actionId,
      safety: st.safety,
      reversible: st.reversible,
      changes: st.changes.map((c) => ({ field: c.field, before: c.from ?? null, after: c.to ?? null })),
    })),
  };
}

export function toolState(s: SessionState): ToolState {
  const out: ToolState = { sessionId: s.sessionId, phase: s.phase, version: s.version, next: nextTools(s) };
  if (!isTerminal(s) && s.expiresAt && (s.phase === 'awaiting_clarification' || s.phase === 'awaiting_confirmation')) out.expiresAt = s.expiresAt;
  if (s.phase === 'awaiting_clarification' && s.clarification) out.question = { text: s.clarification.question, missing: s.clarification.missing };
  if (s.phase === 'awaiting_confirmation' && s.plan) out.plan = planView(s.plan);
  if (s.plan && s.steps.some((st) => st.status !== 'pending')) {
    const titles = new Map(s.plan.steps.map((st) => [st.index, st.title]));
    out.progress = {
      done: s.steps.filter((st) => st.status === 'succeeded').length,
      total: s.plan.steps.length,
      steps: s.steps.map((st) => ({ index: st.index, title: titles.get(st.index), status: st.status, ...(st.error ? { error: { code: String(st.error.code), message: st.error.message } } : {}) })),
    };
  }
  if (s.outcome) out.outcome = { status: s.outcome.status, message: s.outcome.message, recovery: s.outcome.recovery, ...(s.outcome.code ? { code: s.outcome.code } : {}) };
  return out;
}

const mark = (st: { safety: string; reversible: boolean }) => [st.safety === 'high_risk' ? 'HIGH RISK' : '', st.reversible ? '' : 'cannot be undone'].filter(Boolean).join(', ');

/** The plan as a person reads it before saying yes: every step, its risk, what cannot be undone. */
export function planText(plan: NonNullable<ToolState['plan']>): string {
  const lines = plan.steps.map((st, i) => `${i + 1}. ${st.title}${mark(st) ? `  [${mark(st)}]` : ''}`);
  return [`Plan: ${plan.summary}${plan.risk === 'high_risk' ? ' (contains high-risk steps)' : ''}`, ...lines, ...(plan.notes ?? [])].join('\n');
}

export function stateText(t: ToolState): string {
  const head = `Session ${t.sessionId}: ${t.phase}`;
  if (t.question) return `${head}\nQuestion: ${t.question.text}\nAnswer with reply_to_booking_update.`;
  if (t.plan) return `${head}\n${planText(t.plan)}\nConfirm with confirm_booking_update (planHash ${t.plan.hash}) or decline with decline_booking_update.`;
  const lines = [head];
  if (t.progress) lines.push(`Progress: ${t.progress.done}/${t.progress.total} steps done`);
  if (t.outcome) lines.push(t.outcome.message, ...t.outcome.recovery.map((r, i) => `Recovery ${i + 1}: ${r}`));
  else if (t.next.includes('get_booking_update')) lines.push('Still working; call get_booking_update with waitSeconds to follow it.');
  return lines.join('\n');
}

export function stateResult(s: SessionState): CallToolResult {
  const t = toolState(s);
  return { content: [{ type: 'text', text: stateText(t) }], structuredContent: t as unknown as Record<string, unknown> };
}

/** Key of the problem (code, status, detail) in an error result's `_meta`. */
export const PROBLEM_META = 'roller.app/problem';

/** A failure as an MCP tool error with the HTTP API's stable code (never a stack trace). */
export function errorResult(e: unknown): CallToolResult {
  const err = e instanceof ApiError ? e : mapTemporalError(e);
  return {
    isError: true,
    content: [{ type: 'text', text: `${err.code}: ${err.detail}` }],
    _meta: { [PROBLEM_META]: { code: err.code, status: err.status, detail: err.detail, ...err.extra } },
  };
}
