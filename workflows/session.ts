// One workflow per session (docs/design.md §5): plan → (clarify ⇄ plan) → confirm once → execute with a
// compensation stack → report. The session's state and rules live in SessionModel
// (workflows/session-model.ts); this function registers its handlers and drives the phases.
// Deterministic: all I/O happens in activities.
import { ApplicationFailure, allHandlersFinished, condition, isCancellation, patched, proxyActivities, setHandler, type ActivityOptions } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { Plan, PlanningResult, SessionInput, SessionState } from '../contracts/types.js';
import { TERMINAL_PHASES } from '../contracts/types.js';
import { execute } from './execution.js';
import { actionErrorOf, apiName } from './failures.js';
import { confirmUpdate, declineUpdate, detailsQuery, messageUpdate, stateQuery, waitForChangeUpdate } from './messages.js';
import { DEFAULT_EXECUTION } from './rollback.js';
import { SessionModel, type Pending } from './session-model.js';

const PLANNING: ActivityOptions = { startToCloseTimeout: '60s', heartbeatTimeout: '20s', retry: { initialInterval: '1s', maximumAttempts: 3 } };
const planning = proxyActivities<Activities>(PLANNING);

export async function bookingUpdateSession(input: SessionInput): Promise<SessionState> {
  // execution bounds fixed at start (sessions started before they existed use the defaults)
  const settings = { ...DEFAULT_EXECUTION, ...input.execution };
  const session = new SessionModel(input);
  session.announce();
  registerHandlers(session);
  const plan = await converse(session);
  const ended = plan ? await execute(session, plan, settings) : session.state;
  if (!TERMINAL_PHASES.includes(ended.phase)) throw ApplicationFailure.nonRetryable(`session ended in non-terminal phase ${ended.phase}`);
  await condition(allHandlersFinished);
  return ended;
}

function registerHandlers(session: SessionModel): void {
  setHandler(stateQuery, () => session.state);
  setHandler(detailsQuery, () => ({ plan: session.state.plan, booking: session.state.booking }));
  setHandler(messageUpdate, (args) => session.acceptMessage(args), { validator: (args) => session.validateMessage(args) });
  setHandler(confirmUpdate, (args) => session.acceptConfirm(args), { validator: (args) => session.validateConfirm(args) });
  setHandler(declineUpdate, (_args) => session.acceptDecline(), { validator: (_args) => session.validateDecline() });

  // Long-polls are served by the gateway from history and the published memo (api/state-watch.ts),
  // writing nothing here. The update stays only for sessions started before, whose histories hold it.
  // Retire on/after 2026-12-06 (no session started before Worker Versioning left; README, Operators)
  if (!patched('no-wait-update')) {
    setHandler(waitForChangeUpdate, async (args) => {
      const since = args.sinceVersion;
      await condition(() => session.state.version !== since, Math.max(0, Math.min(args.timeoutMs, 60_000)));
      return session.state;
    });
  }
}

/** Plans, asks and re-plans until the person confirms a plan; undefined when the session ended instead. */
async function converse(session: SessionModel): Promise<Plan | undefined> {
  for (let planVersion = 1; ; planVersion++) {
    const result = await askPlanner(session, planVersion);
    if (!result || session.adoptPlanning(result) === 'ended') return undefined;
    // no await between adopting the answer and starting the wait (see workflows/execution.ts)
    const event = await awaitAnswer(session);
    if (!event || event.kind === 'decline') return undefined;
    if (event.kind === 'confirm') return session.state.plan;
    // a message: plan again with it appended
  }
}

async function askPlanner(session: SessionModel, planVersion: number): Promise<PlanningResult | undefined> {
  const { context, conversation, token } = session;
  try {
    return await planning.planSession.executeWithOptions({ ...PLANNING, summary: `Plan v${planVersion}` }, [{ context, conversation, token, planVersion }]);
  } catch (err) {
    if (isCancellation(err)) throw err;
    const e = actionErrorOf(err, 'The AI planner');
    session.finish('failed', { message: `Planning failed: ${e.message}`, recovery: [`Try again, or make the change in ${apiName()} directly.`] });
    return undefined;
  }
}

/** Waits for the person's answer; the idle clock restarts with every accepted message. Undefined: expired. */
async function awaitAnswer(session: SessionModel): Promise<Pending | undefined> {
  session.pending = undefined;
  session.resetIdle();
  for (;;) {
    const waitMs = session.idleLeftMs();
    const arrived = waitMs > 0 && (await condition(() => session.pending !== undefined, waitMs));
    if (arrived) return session.pending;
    if (session.idleLeftMs() <= 0) {
      session.skipSteps(session.state.steps);
      session.finish('expired', { message: 'The session expired before it was confirmed; nothing was changed.', recovery: [] });
      return undefined;
    }
  }
}
