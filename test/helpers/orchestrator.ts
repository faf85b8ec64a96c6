// A small LangGraph.js orchestrator, as the iQ orchestrator would plug this service in: it loads the
// tools from /mcp with the LangChain MCP adapters, calls update_booking, turns a question or a plan
// into interrupt(), is resumed with the person's answer (Command({ resume })), and ends with the
// outcome. Nothing here is specific to the tests but the checkpointer's persistence.
import { Annotation, END, MemorySaver, START, StateGraph, interrupt } from '@langchain/langgraph';
import { MultiServerMCPClient } from '@langchain/mcp-adapters';
import type { StructuredToolInterface } from '@langchain/core/tools';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the session JSON as the gateway returns it, read by path in assertions
type Session = any;

/** What the person said: an answer to a question, or a decision on a plan. */
export type Resume = { answer: string } | { accept: boolean };

const State = Annotation.Root({
  bookingId: Annotation<string>(),
  request: Annotation<string>(),
  session: Annotation<Session>(),
  resume: Annotation<Resume | undefined>(),
});

/** The structured content of a tool's answer (the adapters hand it over with the text). */
async function run(tools: Record<string, StructuredToolInterface>, name: string, args: Record<string, unknown>): Promise<Session> {
  const out = (await tools[name]!.invoke(args)) as { structuredContent?: Session } | string;
  if (typeof out === 'string' || !out.structuredContent) throw new Error(`${name} answered without structured content: ${JSON.stringify(out)}`);
  return out.structuredContent;
}

export async function orchestrator(mcpUrl: string, token: string, checkpointer: MemorySaver) {
  const client = new MultiServerMCPClient({ mcpServers: { bookings: { url: mcpUrl, headers: { Authorization: `Bearer ${token}` } } } });
  const tools = Object.fromEntries((await client.getTools()).map((t) => [t.name, t]));

  const graph = new StateGraph(State)
    .addNode('start', async (s) => ({ session: await run(tools, 'update_booking', { bookingId: s.bookingId, message: s.request }) }))
    // only the interrupt lives here: a resumed node runs again from its beginning
    .addNode('ask', (s) => {
      const q = s.session.phase === 'awaiting_clarification' ? { kind: 'question', question: s.session.question } : { kind: 'plan', plan: s.session.plan };
      return { resume: interrupt(q) as Resume };
    })
    .addNode('act', async (s) => {
      const id = s.session.sessionId;
      const r = s.resume!;
      if ('answer' in r) return { session: await run(tools, 'reply_to_booking_update', { sessionId: id, message: r.answer }), resume: undefined };
      if (!r.accept) return { session: await run(tools, 'decline_booking_update', { sessionId: id }), resume: undefined };
      return { session: await run(tools, 'confirm_booking_update', { sessionId: id, planHash: s.session.plan.hash }), resume: undefined };
    })
    .addNode('poll', async (s) => ({ session: await run(tools, 'get_booking_update', { sessionId: s.session.sessionId, waitSeconds: 5 }) }))
    .addEdge(START, 'start')
    .addEdge('ask', 'act');
  const route = (s: typeof State.State) => {
    const next = s.session.next as string[];
    if (!next.length) return END;
    return s.session.phase.startsWith('awaiting_') ? 'ask' : 'poll';
  };
  for (const from of ['start', 'act', 'poll'] as const) graph.addConditionalEdges(from, route, ['ask', 'poll', END]);
  return { graph: graph.compile({ checkpointer }), close: () => client.close() };
}

/** The checkpointer's content as it would be written to a store, and a new saver read from it. */
export function persist(saver: MemorySaver): string {
  return JSON.stringify({ storage: saver.storage, writes: saver.writes }, (_k, v) => (v instanceof Uint8Array ? { b64: Buffer.from(v).toString('base64') } : v));
}

export function restore(saved: string): MemorySaver {
  const data = JSON.parse(saved, (_k, v) => (v && typeof v === 'object' && typeof v.b64 === 'string' ? new Uint8Array(Buffer.from(v.b64, 'base64')) : v));
  const saver = new MemorySaver();
  saver.storage = data.storage;
  saver.writes = data.writes;
  return saver;
}
