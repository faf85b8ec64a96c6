// The official MCP client over Streamable HTTP against the gateway's /mcp.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult, ClientCapabilities } from '@modelcontextprotocol/sdk/types.js';
import { STAFF } from './stack.js';

export async function mcpClient(gatewayUrl: string, token = STAFF, capabilities: ClientCapabilities = {}): Promise<Client> {
  const client = new Client({ name: 'roller-iq-test', version: '1.0.0' }, { capabilities });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${gatewayUrl}/mcp`), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  return client;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary structured tool output by path
export type Structured = any;

/** Calls a tool and returns its result, with structuredContent typed loosely for assertions. */
export async function tool(client: Client, name: string, args: Record<string, unknown>, opts: Parameters<Client['callTool']>[2] = {}): Promise<CallToolResult & { structuredContent?: Structured }> {
  return (await client.callTool({ name, arguments: args }, undefined, { timeout: 120_000, ...opts })) as CallToolResult;
}

/** The stable code of a tool error (its `_meta` problem and the text both carry it). */
export function errorCode(r: CallToolResult): string | undefined {
  return (r._meta?.['roller.app/problem'] as { code?: string } | undefined)?.code;
}
