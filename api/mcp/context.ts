// What one MCP request's tools work with: the caller (resolved exactly as for /v1), the session
// service every route uses, and what the client can do.
import type { Catalog } from '../../catalog/importer.js';
import type { Identity } from '../identity.js';
import type { SessionService } from '../session-service.js';
import type { ClientAbilities } from './capabilities.js';

export interface McpContext {
  service: SessionService;
  catalog: Catalog;
  identity: Identity;
  /** the staff token, already sealed: it only ever travels sealed */
  token: string;
  /** the scope starting a change and confirming one need */
  writeScope: string;
  /** upper bound of every wait (MAX_WAIT_MS) */
  maxWaitMs: number;
  client: ClientAbilities;
}
