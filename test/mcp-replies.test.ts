// Routing a client's answer (an elicitation result) to the open tool call that asked: under a
// process-unique id, only for the caller who was asked, only while the call is open.
import { describe, expect, it } from 'vitest';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { ASKED_META, PendingReplies, askedBy } from '../api/mcp/replies.js';

function transport() {
  const sent: JSONRPCMessage[] = [];
  const received: JSONRPCMessage[] = [];
  const t = {
    start: async () => {},
    close: async () => {},
    send: async (m: JSONRPCMessage) => void sent.push(m),
    onmessage: (m: JSONRPCMessage) => void received.push(m),
  } as unknown as Transport;
  return { t, sent, received };
}

describe('PendingReplies', () => {
  it("sends the server's requests under unique ids and hands the answer back under the original one, to its caller only", async () => {
    const replies = new PendingReplies();
    const a = transport();
    const b = transport();
    replies.route(a.t, 'venue-1\u0000u1');
    replies.route(b.t, 'venue-2\u0000u9');
    await a.t.send({ jsonrpc: '2.0', id: 0, method: 'elicitation/create', params: {} });
    await b.t.send({ jsonrpc: '2.0', id: 0, method: 'elicitation/create', params: {} });
    await a.t.send({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 1, progress: 1 } });
    const [ida, idb] = [(a.sent[0] as { id: string }).id, (b.sent[0] as { id: string }).id];
    expect(ida).not.toBe(idb);
    expect(a.sent[1]).toEqual({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 1, progress: 1 } });

    const answer = { jsonrpc: '2.0' as const, id: ida, result: { action: 'accept', content: { answer: '3pm' } } };
    expect(PendingReplies.isAnswers(answer)).toBe(true);
    expect(PendingReplies.isAnswers({ jsonrpc: '2.0', id: 1, method: 'tools/list' })).toBe(false);
    // another caller cannot answer it
    expect(replies.deliver(answer, 'venue-2\u0000u9')).toEqual([answer]);
    expect(a.received).toEqual([]);
    expect(replies.deliver(answer, 'venue-1\u0000u1')).toEqual([]);
    expect(a.received).toEqual([{ ...answer, id: 0 }]);
    // answered once only
    expect(replies.deliver(answer, 'venue-1\u0000u1')).toEqual([answer]);
  });

  it('forgets the requests of a call that ended', async () => {
    const replies = new PendingReplies();
    const a = transport();
    const forget = replies.route(a.t, 'o');
    await a.t.send({ jsonrpc: '2.0', id: 3, method: 'elicitation/create', params: {} });
    forget();
    expect(replies.deliver({ jsonrpc: '2.0', id: (a.sent[0] as { id: string }).id, result: {} }, 'o')).toHaveLength(1);
    expect(a.received).toEqual([]);
  });

  it('an elicitation goes out under an id that says what its answer is for', async () => {
    const replies = new PendingReplies();
    const a = transport();
    replies.route(a.t, 'o');
    const tag = { sessionId: 'sess_AAAAAAAAAAAAAAAAAAAAAA', expect: 'confirm', planHash: 'ab'.repeat(16) };
    await a.t.send({ jsonrpc: '2.0', id: 5, method: 'elicitation/create', params: { _meta: { [ASKED_META]: tag } } });
    const id = (a.sent[0] as { id: string }).id;
    expect(id).toMatch(/^asked\.confirm\.sess_A{22}\.(ab){16}\./);
    expect(askedBy(id)).toEqual(tag);
    expect(askedBy('srv_x')).toBeUndefined();
    expect(askedBy('asked.confirm.not-a-session.-.AAAAAAAAAAAAAAAA')).toBeUndefined();
  });
});
