// What the client said it can do, without keeping anything: a stateless server never sees the
// `initialize` request again, so its answer carries an `Mcp-Session-Id` that *is* the client's
// declared capabilities (the client sends it back on every request; any gateway process reads it).
// It grants nothing — it only says whether the client can show a form — so it needs no signature.
// A request may also state them itself in `_meta` (the draft stateless protocol's per-request
// capabilities), which wins.
import { randomBytes } from 'node:crypto';

export interface ClientAbilities {
  /** the client shows form elicitations */
  form: boolean;
}

const PREFIX = 'iq1';
/** the `_meta` key of per-request client capabilities (MCP draft, stateless requests) */
export const CAPABILITIES_META = 'modelcontextprotocol.io/clientCapabilities';

/** Form elicitation is declared as `elicitation.form`, or as an empty `elicitation` (older revisions). */
export function abilitiesOf(capabilities: unknown): ClientAbilities {
  const e = (capabilities as { elicitation?: Record<string, unknown> } | undefined)?.elicitation;
  return { form: !!e && typeof e === 'object' && ('form' in e || !('url' in e)) };
}

export function sessionIdFor(a: ClientAbilities): string {
  return `${PREFIX}.${a.form ? 'f' : '-'}.${randomBytes(12).toString('base64url')}`;
}

export function abilitiesFromSessionId(id: string | undefined): ClientAbilities {
  const m = /^iq1\.([f-])\.[A-Za-z0-9_-]{16}$/.exec(id ?? '');
  return { form: m?.[1] === 'f' };
}

/** The initialize request in a POST body, if it is one. */
export function initializeParams(body: unknown): { capabilities?: unknown } | undefined {
  const m = Array.isArray(body) ? body[0] : body;
  return m && typeof m === 'object' && (m as { method?: unknown }).method === 'initialize' ? ((m as { params?: { capabilities?: unknown } }).params ?? {}) : undefined;
}
