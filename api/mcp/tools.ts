// The five tools (names, arguments and results are a contract: README "Plugging into an
// orchestrator"). Each is a thin call into the same SessionService the /v1 routes use.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { CallToolResult, ServerNotification, ServerRequest, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import type { SessionState } from '../../contracts/types.js';
import { ApiError } from '../problem.js';
import { isTerminal } from '../session-service.js';
import { validator } from '../validation.js';
import { CAPABILITIES_META, abilitiesOf } from './capabilities.js';
import type { McpContext } from './context.js';
import { askThrough, converse } from './elicitation.js';
import { follow, type Report } from './progress.js';
import { errorResult, stateResult } from './render.js';
import { carrier, inputSchemas, outputSchema, type ToolName } from './schemas.js';

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** Tools that start a change or confirm one: they need the write scope, as over HTTP. */
export const WRITE_TOOLS: readonly ToolName[] = ['update_booking', 'confirm_booking_update'];

interface ToolSpec {
  title: string;
  description: string;
  annotations: ToolAnnotations;
  run(ctx: McpContext, args: Record<string, unknown>, extra: Extra): Promise<SessionState>;
}

const notPlanning = (s: SessionState) => s.phase !== 'planning';

/** Progress notifications to the caller, when it asked for them with a progress token. */
function reporter(extra: Extra): Report | undefined {
  const progressToken = extra._meta?.progressToken;
  if (progressToken === undefined) return undefined;
  return (progress, total, message) => extra.sendNotification({ method: 'notifications/progress', params: { progressToken, progress, total, message } });
}

/** Form elicitation: declared at initialize (carried in the session id) or in this request's `_meta`. */
function canAsk(ctx: McpContext, extra: Extra): boolean {
  const perRequest = extra._meta?.[CAPABILITIES_META];
  return perRequest !== undefined ? abilitiesOf(perRequest).form : ctx.client.form;
}

const str = (v: unknown) => v as string;

const TOOLS: Record<ToolName, ToolSpec> = {
  update_booking: {
    title: 'Update a booking',
    description:
      'Start a booking update from what the staff member asked, in their words. Nothing is written: it answers with a question (reply_to_booking_update), a plan to show in full and confirm (confirm_booking_update) or an outcome. A client that shows forms is asked the question and the plan directly and gets the outcome.',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    async run(ctx, a, extra) {
      const { state } = await ctx.service.start(ctx.identity, ctx.token, { bookingId: str(a.bookingId), message: str(a.message), sessionKey: a.sessionKey as string | undefined });
      if (canAsk(ctx, extra)) return converse(ctx, state, { ask: askThrough(extra.sendRequest), report: reporter(extra), signal: extra.signal });
      return follow(ctx.service, state, ctx.maxWaitMs, notPlanning, undefined, extra.signal);
    },
  },
  reply_to_booking_update: {
    title: 'Answer a booking update',
    description: "Send the person's answer to the question, or a revised request (a new plan replaces the old one). Nothing is written.",
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    async run(ctx, a, extra) {
      const state = await ctx.service.message(ctx.identity, str(a.sessionId), ctx.token, str(a.message));
      return follow(ctx.service, state, ctx.maxWaitMs, notPlanning, undefined, extra.signal);
    },
  },
  confirm_booking_update: {
    title: 'Confirm a booking update plan',
    description:
      'The one confirmation: runs the whole plan the person saw, named by its hash (a plan that changed since answers STALE_PLAN). Confirming the same plan again answers with the first result. Sends progress per step when given a progress token.',
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
    async run(ctx, a, extra) {
      const state = await ctx.service.confirm(ctx.identity, str(a.sessionId), ctx.token, str(a.planHash));
      return follow(ctx.service, state, ctx.maxWaitMs, isTerminal, reporter(extra), extra.signal);
    },
  },
  decline_booking_update: {
    title: 'Decline a booking update',
    description: 'Decline the question or plan: the session ends and nothing is changed.',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    async run(ctx, a) {
      // declining again answers with the declined session, as the idempotent hint promises
      const now = await ctx.service.stateFor(ctx.identity, str(a.sessionId), undefined, true);
      return now.phase === 'declined' ? now : ctx.service.decline(ctx.identity, now.sessionId);
    },
  },
  get_booking_update: {
    title: 'Read a booking update',
    description: 'The current state of a session; with waitSeconds, holds until it changes (e.g. while a confirmed plan runs).',
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    async run(ctx, a, extra) {
      const state = await ctx.service.stateFor(ctx.identity, str(a.sessionId));
      const waitMs = Math.min(Number(a.waitSeconds ?? 0) * 1000, ctx.maxWaitMs);
      if (!waitMs || isTerminal(state)) return state;
      return follow(ctx.service, state, waitMs, (s) => s.version !== state.version, reporter(extra), extra.signal);
    },
  },
};

async function call(ctx: McpContext, name: ToolName, spec: ToolSpec, raw: unknown, extra: Extra): Promise<CallToolResult> {
  try {
    const args = checks[name](raw);
    if (WRITE_TOOLS.includes(name) && !ctx.identity.scopes.includes(ctx.writeScope)) {
      throw new ApiError(403, 'INSUFFICIENT_SCOPE', `This sign-in may read bookings but not change them (the ${ctx.writeScope} scope is needed).`);
    }
    return stateResult(await spec.run(ctx, args, extra));
  } catch (e) {
    return errorResult(e);
  }
}

const checks = Object.fromEntries(Object.entries(inputSchemas).map(([k, s]) => [k, validator<Record<string, unknown>>(s)])) as Record<ToolName, (v: unknown) => Record<string, unknown>>;
const output = carrier(outputSchema);

export function registerTools(server: McpServer, ctx: McpContext): void {
  for (const [name, spec] of Object.entries(TOOLS) as Array<[ToolName, ToolSpec]>) {
    server.registerTool(
      name,
      { title: spec.title, description: spec.description, inputSchema: carrier(inputSchemas[name]), outputSchema: output, annotations: { title: spec.title, ...spec.annotations } },
      (args: unknown, extra: Extra) => call(ctx, name, spec, args, extra),
    );
  }
}
