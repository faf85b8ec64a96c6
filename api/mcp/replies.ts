// Routes a client's answer to a server request (an elicitation) to the tool call that asked it.
// Every MCP request is served by a fresh server and transport (stateless: nothing is kept between
// calls), so the answer — a separate POST — would reach a server that never asked. The request a
// tool call sends goes out under an id unique in this process (the SDK numbers each server's requests
// from 0); the answer is handed back to that call's transport under the id it used. What is kept is
// only the open call itself, for as long as it is open: when it ends, so does its entry. An answer
// that reaches another gateway process (a load balancer) is acted on there: its id says what for.
import { randomBytes } from 'node:crypto';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

/** `_meta` key of an elicitation's purpose: what its answer does to which session. */
export const ASKED_META = 'roller.app/asked';

export interface AskTag {
  sessionId: string;
  expect: 'answer' | 'confirm';
  planHash?: string;
}

/** An id that says what its answer is for, so any gateway process can act on the answer. */
function idFor(message: JSONRPCMessage): string {
  const nonce = randomBytes(12).toString('base64url');
  const tag = (message as { params?: { _meta?: Record<string, unknown> } }).params?._meta?.[ASKED_META] as AskTag | undefined;
  return tag ? `asked.${tag.expect}.${tag.sessionId}.${tag.planHash ?? '-'}.${nonce}` : `srv_${nonce}`;
}

export function askedBy(id: unknown): AskTag | undefined {
  const m = /^asked\.(answer|confirm)\.(sess_[A-Za-z0-9_-]{16,64})\.([a-f0-9]{16,64}|-)\.[A-Za-z0-9_-]{16}$/.exec(String(id));
  if (!m) return undefined;
  return { expect: m[1] as AskTag['expect'], sessionId: m[2]!, ...(m[3] !== '-' ? { planHash: m[3] } : {}) };
}

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
        const id = idFor(message);
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
   * Hands each answer to the call that asked, when it is open in this process and was asked of this
   * caller. Returns the answers it could not hand over (the call is in another gateway process, or
   * ended): their ids say what they are for (`askedBy`), so the caller can act on them directly.
   */
  deliver(body: JSONRPCMessage[] | JSONRPCMessage, owner: string): JSONRPCMessage[] {
    const left: JSONRPCMessage[] = [];
    for (const m of Array.isArray(body) ? body : [body]) {
      const key = String((m as { id: unknown }).id);
      const p = this.pending.get(key);
      if (!p || p.owner !== owner) {
        left.push(m);
        continue;
      }
      this.pending.delete(key);
      p.transport.onmessage?.({ ...m, id: p.id } as JSONRPCMessage);
    }
    return left;
  }
}
