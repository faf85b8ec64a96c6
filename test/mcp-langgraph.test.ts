// A LangGraph.js orchestrator (@langchain/langgraph + @langchain/mcp-adapters) driving a booking
// update through /mcp against the real stack: the question and the plan become interrupts, resumed
// with the person's answers; once the orchestrator's process is "restarted" — its checkpointer
// persisted, the graph, MCP client and tools rebuilt from it — while the session waits in Temporal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Command, MemorySaver } from '@langchain/langgraph';
import { journal, sandboxBooking, startStack, STAFF, type Stack } from './helpers/stack.js';
import { orchestrator, persist, restore } from './helpers/orchestrator.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ env: { RATE_LIMIT_PER_MINUTE: '100000' } });
});
afterAll(async () => {
  await stack?.close();
});

const writes = async () => (await journal(stack.sandboxUrl)).filter((e) => e.wrote);
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- LangGraph's run output is untyped; only __interrupt__ is read
const interruptOf = (out: any) => out.__interrupt__?.[0]?.value;

describe('LangGraph orchestrator over /mcp', () => {
  it('question → interrupt → resume → plan → interrupt → (restart from the checkpoint) → resume → completed', async () => {
    const before = (await writes()).length;
    const thread = { configurable: { thread_id: 'iq-thread-1' } };
    const saver = new MemorySaver();
    const first = await orchestrator(`${stack.gatewayUrl}/mcp`, STAFF, saver);
    let out = await first.graph.invoke({ bookingId: 'bk-1001', request: 'Move the Nguyen party to Saturday 12 December and add two kids' }, thread);
    const question = interruptOf(out);
    expect(question).toMatchObject({ kind: 'question', question: { missing: ['newStart'] } });

    out = await first.graph.invoke(new Command({ resume: { answer: '3pm' } }), thread);
    const plan = interruptOf(out);
    expect(plan.kind).toBe('plan');
    expect(plan.plan.steps.map((s: { title: string }) => s.title)).toEqual([expect.stringContaining('Sat 12 Dec 15:00'), expect.stringContaining('6 → 8')]);
    const sessionId = (await first.graph.getState(thread)).values.session.sessionId;
    // the orchestrator's process ends here: its checkpoint is all that is left of it
    const saved = persist(saver);
    await first.close();
    expect((await writes()).length).toBe(before);

    // the booking session still waits in Temporal for the confirmation
    const waiting = await fetch(`${stack.gatewayUrl}/v1/sessions/${sessionId}`, { headers: { authorization: `Bearer ${STAFF}` } });
    expect((await waiting.json()).phase).toBe('awaiting_confirmation');

    const second = await orchestrator(`${stack.gatewayUrl}/mcp`, STAFF, restore(saved));
    try {
      expect((await second.graph.getState(thread)).next).toEqual(['ask']);
      out = await second.graph.invoke(new Command({ resume: { accept: true } }), thread);
      expect(interruptOf(out)).toBeUndefined();
      expect(out.session.phase).toBe('completed');
      expect(out.session.outcome).toMatchObject({ status: 'completed', recovery: [] });
    } finally {
      await second.close();
    }
    const w = (await writes()).slice(before);
    expect(w.map((e) => e.operationId)).toEqual(['rescheduleBooking', 'updateGuestCount']);
    expect((await sandboxBooking(stack.sandboxUrl, 'bk-1001')).items[0].sessionStart).toBe('2026-12-12T04:00:00Z');
  });

  it('a declined plan ends the graph with a declined session and nothing written', async () => {
    const before = (await writes()).length;
    const thread = { configurable: { thread_id: 'iq-thread-2' } };
    const o = await orchestrator(`${stack.gatewayUrl}/mcp`, STAFF, new MemorySaver());
    try {
      let out = await o.graph.invoke({ bookingId: 'bk-1002', request: 'add 2 adults' }, thread);
      expect(interruptOf(out).kind).toBe('plan');
      out = await o.graph.invoke(new Command({ resume: { accept: false } }), thread);
      expect(out.session.phase).toBe('declined');
    } finally {
      await o.close();
    }
    expect((await writes()).length).toBe(before);
  });
});
