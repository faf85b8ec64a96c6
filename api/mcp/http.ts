// /mcp on the gateway: Streamable HTTP, stateless. Mounted behind the same per-address limits,
// authentication and per-identity limit as /v1 (api/app.ts); answers refusals the way MCP clients
// expect over HTTP: 401 and 403 with a `WWW-Authenticate` challenge naming the protected-resource
// metadata, and a JSON-RPC error body carrying the HTTP API's stable code.
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Catalog } from '../../catalog/importer.js';
import type { Identity } from '../identity.js';
import { ApiError } from '../problem.js';
import { mapTemporalError, type SessionService } from '../session-service.js';
import { abilitiesFromSessionId, abilitiesOf, initializeParams, sessionIdFor } from './capabilities.js';
import { PendingReplies, askedBy } from './replies.js';
import { answerElsewhere } from './elicitation.js';
import { serveMcp } from './server.js';
import { WRITE_TOOLS } from './tools.js';
import type { ToolName } from './schemas.js';
import { ElicitResultSchema, JSONRPCMessageSchema, SUPPORTED_PROTOCOL_VERSIONS, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

type Authed = Request & { identity: Identity; token: string };

export interface McpDeps {
  service: SessionService;
  catalog: Catalog;
  writeScope: string;
  maxWaitMs: number;
}

export const MCP_PATH = '/mcp';
export const RESOURCE_METADATA_PATH = `/.well-known/oauth-protected-resource${MCP_PATH}`;

const origin = (req: Request) => `${req.protocol}://${req.get('host') ?? 'localhost'}`;

/** RFC 9728 metadata of /mcp as a protected resource: the ROLLER bearer token, the write scope. */
export function resourceMetadata(writeScope: string) {
  return (req: Request, res: Response) =>
    void res.json({ resource: `${origin(req)}${MCP_PATH}`, resource_name: 'ROLLER iQ Booking Updates (MCP)', bearer_methods_supported: ['header'], scopes_supported: [writeScope] });
}

/**
 * What the transport would refuse, refused first with a stable code (its own answers carry none):
 * the media types, the protocol version, the JSON-RPC shape.
 */
function checkEnvelope(req: Request): void {
  const accept = req.get('accept') ?? '';
  if (!/application\/json|\*\/\*/.test(accept) || !/text\/event-stream|\*\/\*/.test(accept)) {
    throw new ApiError(406, 'NOT_ACCEPTABLE', 'Accept both application/json and text/event-stream (MCP Streamable HTTP).');
  }
  if (!req.is('application/json')) throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json.');
  const version = req.get('mcp-protocol-version');
  if (version !== undefined && !SUPPORTED_PROTOCOL_VERSIONS.includes(version)) {
    throw new ApiError(400, 'VALIDATION', `Unsupported MCP protocol version ${JSON.stringify(version.slice(0, 40))}; supported: ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')}`, { errors: [{ field: 'Mcp-Protocol-Version', message: 'is not supported' }] });
  }
  const messages = Array.isArray(req.body) ? req.body : [req.body];
  if (!messages.length || !messages.every((m) => JSONRPCMessageSchema.safeParse(m).success)) {
    throw new ApiError(400, 'VALIDATION', 'The body is not a JSON-RPC message (or a batch of them).', { errors: [{ field: '(body)', message: 'is not a JSON-RPC message' }] });
  }
}

/** The tool a tools/call body names (a batch is judged by its write tools). */
function toolsCalled(body: unknown): string[] {
  return (Array.isArray(body) ? body : [body]).filter((m) => m?.method === 'tools/call').map((m) => String(m.params?.name));
}

/** An answer whose call is not open here: acted on when its id says what it is for; else dropped. */
async function actOn(m: JSONRPCMessage, ctx: Parameters<typeof answerElsewhere>[0], mayWrite: boolean): Promise<void> {
  const id = (m as { id?: unknown }).id;
  const tag = askedBy(id);
  const result = ElicitResultSchema.safeParse((m as { result?: unknown }).result);
  if (!tag || !result.success) return;
  // a confirmation needs the write scope, whichever way it comes
  if (tag.expect === 'confirm' && !mayWrite && result.data.action === 'accept') return;
  // the session may have moved on meanwhile (expired, answered another way): nothing to do then
  await answerElsewhere(ctx, tag, String(id), result.data).catch(() => undefined);
}

export function mcpRouter(deps: McpDeps): Router {
  const replies = new PendingReplies();
  const router = express.Router();
  router.post('/', async (req, res) => {
    const { identity, token } = req as Authed;
    const owner = `${identity.venueId}\u0000${identity.userId}`;
    checkEnvelope(req);
    // an answer to an elicitation: handed to the open call that asked (only if this caller was asked)
    if (PendingReplies.isAnswers(req.body)) {
      for (const m of replies.deliver(req.body, owner)) await actOn(m, { service: deps.service, identity, token }, identity.scopes.includes(deps.writeScope));
      return void res.status(202).end();
    }
    if (toolsCalled(req.body).some((t) => WRITE_TOOLS.includes(t as ToolName)) && !identity.scopes.includes(deps.writeScope)) {
      throw new ApiError(403, 'INSUFFICIENT_SCOPE', `This sign-in may read bookings but not change them (the ${deps.writeScope} scope is needed).`);
    }
    const init = initializeParams(req.body);
    if (init) res.setHeader('Mcp-Session-Id', sessionIdFor(abilitiesOf(init.capabilities)));
    const client = abilitiesFromSessionId(req.get('mcp-session-id'));
    await serveMcp({ service: deps.service, catalog: deps.catalog, identity, token, writeScope: deps.writeScope, maxWaitMs: deps.maxWaitMs, client }, replies, owner, req, res);
  });
  router.all('/', () => {
    throw new ApiError(405, 'METHOD_NOT_ALLOWED', 'This MCP endpoint is stateless: POST JSON-RPC messages to it (there is no stream to GET and no session to DELETE).', {}, { Allow: 'POST' });
  });
  return router;
}

/** The same answers as the /v1 error handler (api/app.ts) gives the same failures. */
function asApiError(err: unknown): ApiError {
  const e = err as { type?: string; status?: number };
  if (err instanceof ApiError) return err;
  if (e?.type === 'entity.parse.failed') return new ApiError(400, 'BAD_JSON', 'The body is not valid JSON.');
  if (e?.type === 'entity.too.large') return new ApiError(413, 'TOO_LARGE', 'The body is too large.');
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') return new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the body as UTF-8 JSON.');
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) return new ApiError(400, 'BAD_REQUEST', 'The request could not be read.');
  return mapTemporalError(err);
}

/** The challenge of a refusal, as MCP authorization asks (RFC 6750 §3, RFC 9728 §5.1). */
function challenge(req: Request, err: ApiError, writeScope: string): string | undefined {
  const meta = `resource_metadata="${origin(req)}${RESOURCE_METADATA_PATH}"`;
  if (err.status === 401) return `Bearer realm="roller-iq"${req.get('authorization') ? ', error="invalid_token"' : ''}, ${meta}`;
  if (err.code === 'INSUFFICIENT_SCOPE') return `Bearer error="insufficient_scope", scope="${writeScope}", ${meta}`;
  return undefined;
}

/** Refusals of /mcp as JSON-RPC errors with the stable code; status and headers as over /v1. */
export function mcpErrors(writeScope: string) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const e = asApiError(err);
    const www = challenge(req, e, writeScope);
    for (const [k, v] of Object.entries({ ...e.headers, ...(www ? { 'WWW-Authenticate': www } : {}) })) res.set(k, v);
    const id = !Array.isArray(req.body) && req.body && typeof req.body === 'object' ? ((req.body as { id?: unknown }).id ?? null) : null;
    res.status(e.status).json({ jsonrpc: '2.0', id, error: { code: e.status === 400 ? -32700 : -32000, message: e.detail, data: { code: e.code, status: e.status, ...e.extra } } });
  };
}
