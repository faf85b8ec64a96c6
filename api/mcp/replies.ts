// Routes a client's answer to a server request (an elicitation) to the tool call that asked it.
// Every MCP request is served by a fresh server and transport (stateless: nothing is kept between
// calls), so the answer — a separate POST — would reach a server that never asked. The request a
// tool call sends goes out under an id unique in this process (the SDK numbers each server's requests
// from 0); the answer is handed back to that call's transport under the id it used. What is kept is
// only the open call itself, for as long as it is open: when it ends, so does its entry.
import { randomBytes } from 'node:crypto';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

interface Pending {
  owner: string;
  id: string | number;
  transport: Transport;
}

const MAX_PENDING = 10_000;

export class PendingReplies {
  private readonly pending = new Map<string, Pending>();

  /** Sends the transport's own requests under unique ids, answered through `deliver` by `owner` only. */
  route(transport: Transport, owner: string): () => void {
    const mine = new Set<string>();
    const send = transport.send.bind(transport);
    transport.send = (message, options) => {
      if ('method' in message && 'id' in message) {
        const id = `srv_${randomBytes(12).toString('base64url')}`;
        this.pending.set(id, { owner, id: message.id, transport });
        mine.add(id);
        if (this.pending.size > MAX_PENDING) this.pending.delete(this.pending.keys().next().value!);
        return send({ ...message, id }, options);
      }
      return send(message, options);
    };
    return () => mine.forEach((id) => this.pending.delete(id));
  }

  /** Whether every message is an answer to one of our requests (else it is an ordinary MCP request). */
  static isAnswers(body: unknown): body is JSONRPCMessage[] | JSONRPCMessage {
    const all = Array.isArray(body) ? body : [body];
    return all.length > 0 && all.every((m) => m && typeof m === 'object' && !('method' in m) && 'id' in m && ('result' in m || 'error' in m));
  }

  /**
   * Hands each answer to the call that asked, when it is still open and was asked of this caller.
   * Returns how many were delivered: an answer for a call that ended (or another gateway process)
   * is dropped — the session is untouched and still waits in Temporal for the tools to move it on.
   */
  deliver(body: JSONRPCMessage[] | JSONRPCMessage, owner: string): number {
    let delivered = 0;
    for (const m of Array.isArray(body) ? body : [body]) {
      const key = String((m as { id: unknown }).id);
      const p = this.pending.get(key);
      if (!p || p.owner !== owner) continue;
      this.pending.delete(key);
      p.transport.onmessage?.({ ...m, id: p.id } as JSONRPCMessage);
      delivered += 1;
    }
    return delivered;
  }
}
