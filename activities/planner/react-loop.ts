// The planning activity's ReAct loop (DESIGN §6): context first, then model turns; read tools run
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
import { disabledTracer, type TraceRun, type Tracer } from '../../observability/langfuse.js';
import type { AtomicAction, BookingSummary, PlanningInput, PlanningResult, SessionState } from '../../contracts/types.js';
import type { Catalog } from '../../catalog/importer.js';
import type { ActionRunner } from '../action-runner.js';
import { ActionFailure } from '../action-errors.js';
import { summarizeBooking, type RollerBooking } from '../booking.js';
import type { Planner, PlannerRuntime } from './planner.js';
import { isTerminal, readTools, toolDeclarations, writeTools } from './tools.js';
import { guardPlan, toE164, type DraftStep } from './guard.js';
import { assemblePlan } from './assemble.js';
import { contextMessage, systemPrompt } from './prompt.js';
import { findBooking } from './find-booking.js';
import { readSessionBooking } from '../booking-source.js';

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
}

interface LoopState {
  messages: StoredMessage[];
  drafts: DraftStep[];
  modelCalls: number;
  corrections: number;
  startedAt: number;
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
    if (!input.context.bookingId && this.readActions.has('search_bookings')) {
      const userWords = input.conversation.filter((t) => t.role === 'user').map((t) => t.text).join('\n');
      let found;
      try {
        found = await findBooking(this.runner, input.context, token, userWords);
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
            new HumanMessage(contextMessage(booking, timezone, now)),
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
    const bound = (model as BaseChatModel & { bindTools?: (t: unknown) => BaseChatModel }).bindTools?.(tools) ?? model;
    const userText = input.conversation.filter((t) => t.role === 'user').map((t) => t.text).join('\n');
    const deadline = state.startedAt + this.limits.budgetMs;

    const result = await this.tracer.run('booking-update-plan', { sessionId: context.sessionId, userId: context.userId, input: { conversation: input.conversation, provider: this.provider.name } }, async (run) => {
      const out = await this.loop(run, input, runtime, state, messages, bound, booking, timezone, now, userText, deadline, plannerInfo);
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
    {
      while (state.modelCalls < this.limits.maxModelCalls) {
        if (Date.now() > deadline) return { kind: 'failed', reason: `Planning took longer than ${Math.round(this.limits.budgetMs / 1000)}s and was stopped; nothing was changed.`, booking: summary, planner: plannerInfo(state.modelCalls) };
        const ai = (await bound.invoke(messages, { callbacks: run.handlers, signal: runtime.signal, runName: 'planner-model' })) as AIMessage;
        state.modelCalls += 1;
        messages.push(ai);
        const calls = ai.tool_calls ?? [];
        if (calls.length === 0) {
          messages.push(new HumanMessage('Reply with tool calls only: propose steps, then submit_plan, or ask_user, or decline_request.'));
          this.checkpoint(state, messages, runtime);
          continue;
        }
        // Proposals and reads first, terminal tools last, so "propose + submit" in one turn works.
        const ordered = [...calls.filter((c) => !isTerminal(c.name)), ...calls.filter((c) => isTerminal(c.name))];
        let hadError = false;
        for (const call of ordered) {
          const id = call.id ?? `${call.name}_${state.modelCalls}`;
          if (call.name === 'ask_user') {
            const args = call.args as { question?: unknown; missing?: unknown };
            return { kind: 'clarify', clarification: { question: String(args.question ?? 'Could you tell me more?'), missing: Array.isArray(args.missing) ? args.missing.map(String) : [] }, booking: summary, planner: plannerInfo(state.modelCalls) };
          }
          if (call.name === 'decline_request') {
            return { kind: 'unsupported', reason: String((call.args as { reason?: unknown }).reason ?? 'This request is not supported.'), booking: summary, planner: plannerInfo(state.modelCalls) };
          }
          if (call.name === 'submit_plan') {
            if (hadError) {
              messages.push(new ToolMessage({ tool_call_id: id, name: call.name, content: JSON.stringify({ error: 'Not submitted: fix the failed proposals first.' }) }));
              continue;
            }
            return await this.finish(input, state, String((call.args as { summary?: unknown }).summary ?? ''), booking, summary, timezone, now, userText, plannerInfo(state.modelCalls));
          }
          const result = await run.tool(call.name, call.args, () => this.runTool(call.name, call.args as Record<string, unknown>, input, timezone, state));
          if (result.error) hadError = true;
          messages.push(new ToolMessage({ tool_call_id: id, name: call.name, content: JSON.stringify(result) }));
        }
        if (hadError && ++state.corrections > this.limits.maxCorrections) {
          return { kind: 'clarify', clarification: { question: 'I could not put that change together reliably. Could you say it again, with the day, time and number of guests?', missing: [] }, booking: summary, planner: plannerInfo(state.modelCalls) };
        }
        this.checkpoint(state, messages, runtime);
      }
      return { kind: 'failed', reason: `Planning stopped after ${this.limits.maxModelCalls} model calls without a plan; nothing was changed.`, booking: summary, planner: plannerInfo(state.modelCalls) };
    }
  }

  private checkpoint(state: LoopState, messages: BaseMessage[], runtime: PlannerRuntime) {
    state.messages = mapChatMessagesToStoredMessages(messages);
    runtime.heartbeat(state);
  }

  private async runTool(name: string, args: Record<string, unknown>, input: PlanningInput, timezone: string, state: LoopState): Promise<{ data?: unknown; preview?: string; error?: unknown }> {
    const read = this.readActions.get(name);
    if (read) {
      const params = { ...args };
      if (!this.validators.get(name)!(params)) return { error: this.validators.get(name)!.errors?.map((e) => `${e.instancePath || 'params'} ${e.message}`) };
      try {
        const res = await this.runner.run(name, params, input.context, { token: input.token });
        return { data: res.body };
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
    state.drafts.push({ actionId: name, params: { ...params, ...(bookingId !== undefined ? { bookingId } : {}) }, evidence: ev });
    return { preview: `Step ${state.drafts.length} proposed: ${name} ${JSON.stringify(params)}` };
  }

  private async finish(input: PlanningInput, state: LoopState, summaryText: string, booking: RollerBooking | undefined, summary: BookingSummary | undefined, timezone: string, now: DateTime, userText: string, planner: SessionState['planner']): Promise<PlanningResult> {
    if (!booking) return { kind: 'clarify', clarification: { question: 'Which booking is this about? Please give the booking reference.', missing: ['booking'] }, planner };
    if (state.drafts.length === 0) return { kind: 'clarify', clarification: { question: 'What would you like to change on this booking?', missing: ['change'] }, booking: summary, planner };
    const problems = guardPlan({ steps: state.drafts, actions: this.writeActions, conversation: input.conversation, booking, timezone, now, sessionBookingId: input.context.bookingId });
    if (problems.length) {
      return { kind: 'clarify', clarification: { question: problems.map((p) => p.question).join(' '), missing: problems.map((p) => p.param) }, booking: summary, planner };
    }
    const drafts = state.drafts.map((d) => {
      const { bookingId: _b, ...params } = d.params;
      return { ...d, params };
    });
    const plan = await assemblePlan({ sessionId: input.context.sessionId, planVersion: input.planVersion, summary: summaryText || 'Update the booking.', drafts, actions: this.writeActions, booking, timezone, now });
    return { kind: 'plan', plan, booking: summary!, planner };
  }
}
