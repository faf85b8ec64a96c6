// One MCP server per HTTP request (stateless Streamable HTTP): built for the caller the gateway
// has already authenticated, connected to a transport that keeps no session, closed with the
// response. Any gateway process can serve any call; the booking session lives in Temporal.
import type { Request, Response } from 'express';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { McpContext } from './context.js';
import type { PendingReplies } from './replies.js';
import { registerTools } from './tools.js';

export const MCP_SERVER_INFO = { name: 'roller-iq-booking-updates', version: '1.0.0' };

const INSTRUCTIONS =
  'Booking updates for ROLLER venues. Call update_booking with the booking id and the staff member\'s words. ' +
  'Ask the person any question it returns (reply_to_booking_update), show the whole plan it returns and confirm it ' +
  'only when they accept (confirm_booking_update with plan.hash), otherwise decline_booking_update. ' +
  'Nothing is written before the confirmation.';

export async function serveMcp(ctx: McpContext, replies: PendingReplies, owner: string, req: Request, res: Response): Promise<void> {
  const server = new McpServer(MCP_SERVER_INFO, { capabilities: { tools: {} }, instructions: INSTRUCTIONS });
  registerTools(server, ctx);
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
  await server.connect(transport);
  // the server's own requests (elicitations) go out under ids their answers can be routed by
  const forget = replies.route(transport, owner);
  res.on('close', () => {
    forget();
    void transport.close();
    void server.close();
  });
  await transport.handleRequest(req, res, req.body);
}
