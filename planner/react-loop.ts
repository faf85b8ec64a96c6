// The planning activity's ReAct loop (docs/design.md §6): context first, then model turns; read tools run
// live (output is data), write tools are validated proposals, terminal tools end the run; the guard
// turns any unfounded plan into a question. Bounded in model calls and wall-clock time; each
// iteration heartbeats its state so a retried attempt resumes instead of starting over.
import { DateTime } from 'luxon';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsImport from 'ajv-formats';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import {
  AIMessage,
  HumanMessage,
  SystemMessage,
  ToolMessage,
  mapChatMessagesToStoredMessages,
  mapStoredMessagesToChatMessages,
  type BaseMessage,
  type StoredMessage,
} from '@langchain/core/messages';
import { disabledTracer, type TraceRun, type Tracer } from '../observability/langfuse.js';
import type { AtomicAction, BookingSummary, PlanningInput, PlanningResult, SessionState } from '../contracts/types.js';
import type { Catalog } from '../catalog/importer.js';
import type { ActionRunner } from '../activities/action-runner.js';
import { ActionFailure } from '../activities/action-errors.js';
import { summarizeBooking, type RollerBooking } from '../activities/booking.js';
import type { Planner, PlannerRuntime } from './planner.js';
import { isTerminal, readTools, toolDeclarations, writeTools } from './tools.js';
import { guardPlan, readSafely, requestWordsOf, toE164, type DraftStep } from './guard.js';
import { expectationsOf } from './reading/index.js';
import { sessionProblem } from './feasibility.js';
import { assemblePlan } from './assemble.js';
import { contextMessage, systemPrompt } from './prompt.js';
import { findBooking } from './find-booking.js';
import { readSessionBooking } from '../activities/booking-source.js';
import { callModel, failureMessage, ModelCallFailure, type ModelTurn } from './model-call.js';
import { bookingView, modelView } from './model-views.js';
import { sanitizeMissing, sanitizeQuestion, sanitizeReason } from './sanitize.js';
import { TEXT_SIGNATURES_KEY } from './models/google.js';

const addFormats = addFormatsImport as unknown as (ajv: Ajv) => Ajv;

export interface ModelRunContext {
  input: PlanningInput;
  booking?: RollerBooking;
  timezone: string;
  now: DateTime;
  /** model calls already made by an earlier attempt (scripted models resume from there) */
  startAt: number;
}

export interface ModelProvider {
  name: string;
  degraded: boolean;
  /** how tool declarations are passed to bindTools: Gemini functionDeclarations (default) or OpenAI-style */
  toolFormat?: 'gemini' | 'openai';
  create(ctx: ModelRunContext): BaseChatModel;
}

export interface LoopLimits {
  maxModelCalls: number;
  budgetMs: number;
  maxCorrections: number;
  /** optional cap on one model call attempt; without it each attempt may use the budget left */
  callTimeoutMs?: number;
  /** attempts per model call when failures are transient */
  maxAttempts?: number;
  /** longest wait a 429's RetryInfo may impose before a retry */
  retryDelayCapMs?: number;
  /** steps per plan */
  maxSteps?: number;
}

export const MAX_STEPS = 10;
/** tool calls handled per model turn (more get a short error each): keeps history and checkpoint bounded */
export const MAX_CALLS_PER_TURN = 12;
/** model-written text kept in the history */
export const MAX_HISTORY_TEXT = 1000;
/** a checkpoint bigger than this has every long string cut (Temporal's limit for heartbeat details is 2 MiB) */
export const CHECKPOINT_SOFT_LIMIT = 128 * 1024;

interface LoopState {
  messages: StoredMessage[];
  drafts: DraftStep[];
  modelCalls: number;
  corrections: number;
  startedAt: number;
  /** re-prompts after an empty or malformed turn */
  nudges?: number;
}

/** Finish reasons that mean the model's safety or policy filters stopped the answer. */
const REFUSED = new Set(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY', 'LANGUAGE']);
const MALFORMED_NUDGE = 'Your last function call could not be parsed. Call one of the offered tools again, with arguments that match its declared parameters.';
const EMPTY_NUDGE = 'Your last answer was empty. Reply with tool calls only: propose steps, then submit_plan, or ask_user, or decline_request.';
const PROSE_NUDGE = 'Reply with tool calls only: propose steps, then submit_plan, or ask_user, or decline_request.';
const CUT_OFF_NUDGE = 'Your last answer was prose and was cut off at the output limit. Do not write text: reply with tool calls only (propose steps, then submit_plan, or ask_user, or decline_request).';
const unusableFailure = (label: string, api: string) => `The AI planner (${label}) did not give a usable answer; nothing was changed. Try rephrasing the request, or make the change in ${api} directly.`;
const cutOffFailure = (label: string, api: string) => `The AI planner (${label}) wrote a long text instead of a plan and was cut off at its output limit; nothing was changed. Try again with a shorter request, or make the change in ${api} directly.`;

/** How staff know the planner: "Gemini", "Ollama", or the provider's name. */
function plannerLabel(provider: string): string {
  if (provider.startsWith('google')) return 'Gemini';
  if (provider.startsWith('ollama')) return 'Ollama';
  return provider;
}

function finishReasonOf(ai: AIMessage): string | undefined {
  const r = (ai.additional_kwargs as { finishReason?: unknown })?.finishReason ?? (ai.response_metadata as { finishReason?: unknown; done_reason?: unknown })?.finishReason;
  return typeof r === 'string' ? r : undefined;
}

/** The answer stopped at the output limit (Gemini MAX_TOKENS, Ollama done_reason "length"). */
function cutOffAtLimit(ai: AIMessage): boolean {
  const ollama = (ai.response_metadata as { done_reason?: unknown })?.done_reason;
  return finishReasonOf(ai) === 'MAX_TOKENS' || ollama === 'length';
}

function hasText(ai: AIMessage): boolean {
  if (typeof ai.content === 'string') return ai.content.trim().length > 0;
  return ai.content.some((b) => (b as { type?: string }).type === 'text' && String((b as { text?: unknown }).text ?? '').trim().length > 0);
}

type Verdict = 'ok' | 'refused' | 'malformed' | 'empty';

/** What a turn is, before anything of it enters the history. */
function inspect(turn: ModelTurn): Verdict {
  if (turn.kind === 'no-content') {
    if (turn.blockReason || (turn.finishReason && REFUSED.has(turn.finishReason))) return 'refused';
    return turn.finishReason === 'MALFORMED_FUNCTION_CALL' ? 'malformed' : 'empty';
  }
  const reason = finishReasonOf(turn.message);
  if (reason && REFUSED.has(reason)) return 'refused';
  if (reason === 'MALFORMED_FUNCTION_CALL') return 'malformed';
  if (!(turn.message.tool_calls ?? []).length && !hasText(turn.message)) return 'empty';
  return 'ok';
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}… [cut]` : text;
}

/** The model's turn as it is kept: its calls (and signatures) whole, its prose bounded. */
function forHistory(ai: AIMessage): AIMessage {
  const content = typeof ai.content === 'string'
    ? cut(ai.content, MAX_HISTORY_TEXT)
    : ai.content.map((b) => {
        const block = b as { type?: string; text?: unknown; thinking?: unknown };
        if (block.type === 'text' && typeof block.text === 'string') return { ...b, text: cut(block.text, MAX_HISTORY_TEXT) };
        if (block.type === 'thinking' && typeof block.thinking === 'string') return { ...b, thinking: cut(block.thinking, MAX_HISTORY_TEXT) };
        return b;
      });
  return new AIMessage({ content: content as AIMessage['content'], tool_calls: ai.tool_calls, additional_kwargs: ai.additional_kwargs, response_metadata: ai.response_metadata, id: ai.id });
}

const SIGNATURE_KEYS = new Set(['__gemini_function_call_thought_signatures__', TEXT_SIGNATURES_KEY, 'signature', 'thoughtSignature']);

function cutStrings(v: unknown, max: number): unknown {
  if (typeof v === 'string') return cut(v, max);
  if (Array.isArray(v)) return v.map((x) => cutStrings(x, max));
  // thought signatures must go back to Gemini unchanged
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, SIGNATURE_KEYS.has(k) ? x : cutStrings(x, max)]));
  return v;
}

function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, (x as Record<string, unknown>)[k]])) : x));
}

function planSummary(reference: string, steps: Array<{ title: string }>): string {
  return `${reference}: ${steps.map((s) => s.title).join('; ')}.`;
}

function userWords(input: PlanningInput): string {
  return input.conversation.filter((t) => t.role === 'user').map((t) => t.text).join('\n');
}

export class ReactPlanner implements Planner {
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly writeActions: Map<string, AtomicAction>;
  private readonly readActions: Map<string, AtomicAction>;

  constructor(
    private readonly catalog: Catalog,
    private readonly runner: ActionRunner,
    private readonly provider: ModelProvider,
    private readonly limits: LoopLimits,
    private readonly tracer: Tracer = disabledTracer,
    private readonly clock: () => DateTime = () => DateTime.now(),
    private readonly sleep?: (ms: number) => Promise<void>,
  ) {
    const ajv = new Ajv({ allErrors: true, strict: false, coerceTypes: true });
    addFormats(ajv);
    this.writeActions = new Map(writeTools(catalog).map((a) => [a.id, a]));
    this.readActions = new Map(readTools(catalog).map((a) => [a.id, a]));
    for (const a of [...this.writeActions.values(), ...this.readActions.values()]) this.validators.set(a.id, ajv.compile(a.paramsSchema));
  }

  async plan(original: PlanningInput, runtime: PlannerRuntime): Promise<PlanningResult> {
    let input = original;
    const { token } = input;
    const plannerInfo = (calls: number): SessionState['planner'] => ({ provider: this.provider.name, degraded: this.provider.degraded, modelCalls: calls });

    // No booking id: find the one the user named, or ask.
    const search = this.catalog.searchSource();
    if (!input.context.bookingId && search?.searchParam && this.readActions.has(search.id)) {
      const userWords = input.conversation.filter((t) => t.role === 'user').map((t) => t.text).join('\n');
      let found;
      try {
        found = await findBooking(this.runner, input.context, token, userWords, { action: search.id, param: search.searchParam });
      } catch (e) {
        if (e instanceof ActionFailure && !e.error.retryable) return { kind: 'failed', reason: `Bookings could not be searched: ${e.error.message}`, planner: plannerInfo(0) };
        throw e;
      }
      if (found.kind !== 'found') return { kind: 'clarify', clarification: { question: found.question, missing: ['booking'] }, planner: plannerInfo(0) };
      input = { ...input, context: { ...input.context, bookingId: found.booking.bookingId } };
    }
    const { context } = input;

    // Context before the first model call: the booking, its timezone and "now" there.
    let booking: RollerBooking | undefined;
    if (context.bookingId) {
      try {
        booking = await readSessionBooking(this.catalog, this.runner, context, token);
      } catch (e) {
        if (e instanceof ActionFailure && !e.error.retryable) {
          return { kind: 'failed', reason: `The booking could not be read: ${e.error.message}`, planner: plannerInfo(0) };
        }
        throw e;
      }
    }
    const timezone = booking?.timezone ?? context.timezone ?? 'UTC';
    const now = this.clock().setZone(timezone);

    const resumed = runtime.resumeFrom as LoopState | undefined;
    const state: LoopState = resumed && Array.isArray(resumed.messages)
      ? resumed
      : {
          messages: mapChatMessagesToStoredMessages([
            new SystemMessage(systemPrompt()),
            new HumanMessage(contextMessage(booking, timezone, now, userWords(input))),
            ...input.conversation.map((t) => (t.role === 'user' ? new HumanMessage(t.text) : new AIMessage(t.text))),
          ]),
          drafts: [],
          modelCalls: 0,
          corrections: 0,
          startedAt: Date.now(),
        };
    const messages: BaseMessage[] = mapStoredMessagesToChatMessages(state.messages);
    const model = this.provider.create({ input, booking, timezone, now, startAt: state.modelCalls });
    const decls = toolDeclarations(this.catalog);
    const tools =
      this.provider.toolFormat === 'openai'
        ? decls.map((d) => ({ type: 'function', function: { name: d.name, description: d.description, parameters: d.parameters ?? { type: 'object', properties: {} } } }))
        : [{ functionDeclarations: decls }];
    // Gemini: function calling mode ANY, restricted to the offered tools, so the model cannot answer in prose
    const toolChoice = this.provider.toolFormat === 'openai' ? undefined : { tool_choice: 'any', allowedFunctionNames: decls.map((d) => d.name) };
    const bound = (model as BaseChatModel & { bindTools?: (t: unknown, k?: unknown) => BaseChatModel }).bindTools?.(tools, toolChoice) ?? model;
    const userText = userWords(input);
    const deadline = state.startedAt + this.limits.budgetMs;

    const result = await this.tracer.run('booking-update-plan', { sessionId: context.sessionId, userId: context.userId, input: { conversation: input.conversation, provider: this.provider.name } }, async (run) => {
      const out = await this.loop(run, input, runtime, state, messages, bound, booking, timezone, now, userText, deadline, plannerInfo);
      // a question keeps a record of what it asked for (from the service's own reading, never the model's
      // words), so the answer is read against the record rather than by re-reading the sentence
      if (out.kind === 'clarify') {
        const asked = expectationsOf(readSafely({ conversation: input.conversation, booking, timezone, now, requestWords: requestWordsOf(this.writeActions.values()) }).asks);
        if (asked.length) out.clarification.asked = asked;
      }
      run.output(out.kind === 'plan' ? { kind: 'plan', steps: out.plan.steps.map((s) => s.actionId), risk: out.plan.risk } : out);
      return out;
    });
    await this.tracer.flush().catch(() => undefined);
    return result;
  }

  private async loop(
    run: TraceRun,
    input: PlanningInput,
    runtime: PlannerRuntime,
    state: LoopState,
    messages: BaseMessage[],
    bound: { invoke: (m: BaseMessage[], o: Record<string, unknown>) => Promise<unknown> },
    booking: RollerBooking | undefined,
    timezone: string,
    now: DateTime,
    userText: string,
    deadline: number,
    plannerInfo: (calls: number) => SessionState['planner'],
  ): Promise<PlanningResult> {
    const summary = booking ? summarizeBooking(booking) : undefined;
    const label = plannerLabel(this.provider.name);
    // where staff can make the change by hand: the booking API, by its overlay title
    const api = this.catalog.bookingSource()?.api?.title ?? 'the booking system';
    const failed = (reason: string): PlanningResult => ({ kind: 'failed', reason, booking: summary, planner: plannerInfo(state.modelCalls), api });
    while (state.modelCalls < this.limits.maxModelCalls) {
      if (Date.now() > deadline) return failed(failureMessage('budget', label, api));
      let turn: ModelTurn;
      try {
        turn = await callModel(bound, messages, {
          callbacks: run.handlers,
          signal: runtime.signal,
          callTimeoutMs: this.limits.callTimeoutMs,
          deadline,
          maxAttempts: this.limits.maxAttempts ?? 3,
          retryDelayCapMs: this.limits.retryDelayCapMs ?? 10_000,
          heartbeat: () => runtime.heartbeat(state),
          sleep: this.sleep,
        });
      } catch (e) {
        if (e instanceof ModelCallFailure) return failed(failureMessage(e.kind, label, api));
        throw e;
      }
      state.modelCalls += 1;
      // empty, malformed and blocked turns never enter the history
      const verdict = inspect(turn);
      if (verdict === 'refused') {
        return { kind: 'unsupported', reason: `The AI planner (${label}) declined this request under its safety rules; nothing was changed. Rephrase it, or make the change in ${api} directly.`, booking: summary, planner: plannerInfo(state.modelCalls) };
      }
      if (verdict === 'malformed' || verdict === 'empty') {
        state.nudges = (state.nudges ?? 0) + 1;
        if (state.nudges > 1) return failed(unusableFailure(label, api));
        messages.push(new HumanMessage(verdict === 'malformed' ? MALFORMED_NUDGE : EMPTY_NUDGE));
        this.checkpoint(state, messages, runtime);
        continue;
      }
      const ai = (turn as Extract<ModelTurn, { kind: 'message' }>).message;
      const calls = ai.tool_calls ?? [];
      if (calls.length === 0) {
        // prose instead of tool calls: one corrective re-prompt at most (shared with empty and
        // malformed turns), then a clear failure — never the same growing request over and over
        const cutOff = cutOffAtLimit(ai);
        state.nudges = (state.nudges ?? 0) + 1;
        if (state.nudges > 1) return failed(cutOff ? cutOffFailure(label, api) : unusableFailure(label, api));
        // text cut off at the output limit is not sent back: it would only make the next turn longer
        if (!cutOff) messages.push(forHistory(ai));
        messages.push(new HumanMessage(cutOff ? CUT_OFF_NUDGE : PROSE_NUDGE));
        this.checkpoint(state, messages, runtime);
        continue;
      }
      messages.push(forHistory(ai));
      // Proposals and reads first, terminal tools last, so "propose + submit" in one turn works.
      const ordered = [...calls.filter((c) => !isTerminal(c.name)), ...calls.filter((c) => isTerminal(c.name))];
      let hadError = false;
      for (const [n, call] of ordered.entries()) {
        const id = call.id ?? `${call.name}_${state.modelCalls}`;
        if (call.name === 'ask_user') {
          const args = call.args as { question?: unknown; missing?: unknown };
          return { kind: 'clarify', clarification: { question: sanitizeQuestion(args.question), missing: sanitizeMissing(args.missing) }, booking: summary, planner: plannerInfo(state.modelCalls) };
        }
        if (call.name === 'decline_request') {
          return { kind: 'unsupported', reason: sanitizeReason((call.args as { reason?: unknown }).reason), booking: summary, planner: plannerInfo(state.modelCalls) };
        }
        if (call.name === 'submit_plan') {
          if (hadError) {
            messages.push(new ToolMessage({ tool_call_id: id, name: call.name, content: JSON.stringify({ error: 'Not submitted: fix the failed proposals first.' }) }));
            continue;
          }
          return await this.finish(input, state, booking, summary, timezone, now, userText, plannerInfo(state.modelCalls));
        }
        const result = n >= MAX_CALLS_PER_TURN
          ? { error: `At most ${MAX_CALLS_PER_TURN} tool calls are handled per turn; call this one again later.` }
          : await run.tool(call.name, call.args, () => this.runTool(call.name, call.args as Record<string, unknown>, input, timezone, state, userText));
        if (result.error) hadError = true;
        messages.push(new ToolMessage({ tool_call_id: id, name: call.name, content: JSON.stringify(result) }));
      }
      if (hadError && ++state.corrections > this.limits.maxCorrections) {
        return { kind: 'clarify', clarification: { question: 'I could not put that change together reliably. Could you say it again, with the day, time and number of guests?', missing: [] }, booking: summary, planner: plannerInfo(state.modelCalls) };
      }
      this.checkpoint(state, messages, runtime);
    }
    return failed(`Planning stopped after ${this.limits.maxModelCalls} model calls without a plan; nothing was changed.`);
  }

  private checkpoint(state: LoopState, messages: BaseMessage[], runtime: PlannerRuntime) {
    let stored = mapChatMessagesToStoredMessages(messages);
    // far below Temporal's 2 MiB: when the conversation grows big, every long string is cut
    if (JSON.stringify(stored).length > CHECKPOINT_SOFT_LIMIT) stored = cutStrings(stored, 2000) as StoredMessage[];
    state.messages = stored;
    runtime.heartbeat(state);
  }

  private async runTool(name: string, args: Record<string, unknown>, input: PlanningInput, timezone: string, state: LoopState, userText: string): Promise<{ data?: unknown; preview?: string; error?: unknown }> {
    const read = this.readActions.get(name);
    if (read) {
      const params = { ...args };
      if (!this.validators.get(name)!(params)) return { error: this.validators.get(name)!.errors?.map((e) => `${e.instancePath || 'params'} ${e.message}`) };
      // a read that takes search values needs one: an empty search would list everyone's bookings
      const exposed = Object.keys(read.params.properties ?? {});
      if (exposed.length && !exposed.some((k) => typeof params[k] === 'number' || (typeof params[k] === 'string' && (params[k] as string).trim().length >= 2))) {
        return { error: `Give a value for ${exposed.join(' or ')} (for a search: the booking reference or a name the user gave).` };
      }
      try {
        // the session's booking read answers the same view as the first prompt, whatever the API's shape
        if (this.catalog.bookingSource()?.id === name) return { data: bookingView(await readSessionBooking(this.catalog, this.runner, input.context, input.token), timezone, userText) };
        const res = await this.runner.run(name, params, input.context, { token: input.token });
        return { data: modelView(res.body, timezone, userText) };
      } catch (e) {
        if (e instanceof ActionFailure) return { error: e.error.message };
        throw e;
      }
    }
    const write = this.writeActions.get(name);
    if (!write) return { error: `Unknown tool "${name}". Use only the tools offered.` };
    const { evidence, bookingId, ...rest } = args as { evidence?: Record<string, unknown>; bookingId?: unknown } & Record<string, unknown>;
    const params: Record<string, unknown> = { ...rest };
    // Normalise values before validation (never changing what the person said): phone → E.164.
    if (typeof params.phone === 'string') params.phone = toE164(params.phone, timezone) ?? params.phone;
    const validate = this.validators.get(name)!;
    if (!validate(params)) {
      return { error: { message: 'Invalid arguments; correct them and call the tool again.', details: (validate.errors ?? []).map((e) => `${e.instancePath.slice(1) || 'params'} ${e.message}`) } };
    }
    const ev = Object.fromEntries(Object.entries(evidence ?? {}).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
    const key = canonical([name, params, bookingId ?? null]);
    const same = state.drafts.findIndex((d) => canonical([d.actionId, Object.fromEntries(Object.entries(d.params).filter(([k]) => k !== 'bookingId')), d.params.bookingId ?? null]) === key);
    if (same >= 0) return { preview: `Already proposed as step ${same + 1}; not added again.` };
    const maxSteps = this.limits.maxSteps ?? MAX_STEPS;
    if (state.drafts.length >= maxSteps) return { error: `A plan has at most ${maxSteps} steps; submit these, or ask the user to split the request.` };
    state.drafts.push({ actionId: name, params: { ...params, ...(bookingId !== undefined ? { bookingId } : {}) }, evidence: ev });
    return { preview: `Step ${state.drafts.length} proposed: ${name} ${JSON.stringify(params)}` };
  }

  private async finish(input: PlanningInput, state: LoopState, booking: RollerBooking | undefined, summary: BookingSummary | undefined, timezone: string, now: DateTime, userText: string, planner: SessionState['planner']): Promise<PlanningResult> {
    if (!booking) return { kind: 'clarify', clarification: { question: 'Which booking is this about? Please give the booking reference.', missing: ['booking'] }, planner };
    if (state.drafts.length === 0) return { kind: 'clarify', clarification: { question: 'What would you like to change on this booking?', missing: ['change'] }, booking: summary, planner };
    const problems = guardPlan({ steps: state.drafts, actions: this.writeActions, conversation: input.conversation, booking, timezone, now, sessionBookingId: input.context.bookingId });
    if (problems.length) {
      return { kind: 'clarify', clarification: { question: problems.map((p) => p.question).join(' '), missing: problems.map((p) => p.param) }, booking: summary, planner };
    }
    const full = await sessionProblem({ catalog: this.catalog, runner: this.runner, context: input.context, token: input.token, drafts: state.drafts, actions: this.writeActions, booking, timezone });
    if (full) return { kind: 'clarify', clarification: { question: full.question, missing: [full.param] }, booking: summary, planner };
    const drafts = state.drafts.map((d) => {
      const { bookingId: _b, ...params } = d.params;
      return { ...d, params };
    });
    const plan = await assemblePlan({ sessionId: input.context.sessionId, planVersion: input.planVersion, summary: '', drafts, actions: this.writeActions, booking, timezone, now });
    // the summary staff read is composed from the steps, never the model's own sentence
    plan.summary = planSummary(booking.reference, plan.steps);
    return { kind: 'plan', plan, booking: summary!, planner };
  }
}
