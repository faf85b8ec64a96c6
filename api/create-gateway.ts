// Wires the gateway from configuration: Temporal client (with the payload codec), session service,
// identity resolver, token seal, metrics; and the HTTP server with its edge limits. Used by the entry
// point and by the tests, so both run the same wiring.
import { createServer, type Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import type { Config } from '../config/config.js';
import type { Catalog } from '../catalog/importer.js';
import type { Logger } from '../observability/logger.js';
import { AesGcmCodec } from '../codec/aes-gcm-codec.js';
import { TokenSeal } from '../codec/token-seal.js';
import { connectionOptions, dataConverter, resolvePayloadKeys, resolveTokenSealKeys } from '../temporal/connection.js';
import { createGatewayApp } from './app.js';
import { IdentityResolver } from './identity.js';
import { identityPath } from './identity-path.js';
import { createMetrics } from './metrics.js';
import { SessionService } from './session-service.js';

export function buildGateway(config: Config, catalog: Catalog, log: Logger, connection?: Connection) {
  const keys = resolvePayloadKeys(config, (m) => log.warn(m));
  const codec = new AesGcmCodec(keys);
  // lazy by default: the gateway starts (and /readyz says 503) even while Temporal is down
  const conn = connection ?? Connection.lazy(connectionOptions(config.temporal));
  const client = new Client({ connection: conn, namespace: config.temporal.namespace, dataConverter: dataConverter(keys) });
  const identity = new IdentityResolver(config.roller.baseUrl, identityPath(catalog.specs.map((s) => s.document)), {
    ttlMs: config.gateway.identityCacheMs,
    timeoutMs: config.roller.timeoutMs,
    negativeTtlMs: config.gateway.identityNegativeCacheMs,
    staleMs: config.gateway.identityStaleMs,
  });
  const service = new SessionService(client, conn, config.temporal.taskQueue, config.session.idleTimeoutMs, config.gateway.maxWaitMs, codec, config.session.execution);
  const app = createGatewayApp({
    service,
    identity,
    catalog,
    codec,
    seal: new TokenSeal(resolveTokenSealKeys(config, (m) => log.warn(m))),
    metrics: createMetrics(client, config.temporal.namespace, { cacheMs: config.gateway.metricsCacheMs }),
    log,
    options: {
      maxWaitMs: config.gateway.maxWaitMs,
      rateLimitPerMinute: config.gateway.rateLimitPerMinute,
      clientRateLimitPerMinute: config.gateway.clientRateLimitPerMinute,
      authFailuresPerMinute: config.gateway.authFailuresPerMinute,
      writeScope: config.roller.writeScope,
      trustProxy: config.gateway.trustProxy,
      codec: config.codec,
    },
  });
  return { app, client, connection: conn, identity, service };
}

/**
 * The HTTP server in front of the app: slow clients are cut off (headers, whole request, idle
 * keep-alive) and the number of open connections is capped; connections past the cap are closed.
 */
export function createGatewayServer(app: ReturnType<typeof buildGateway>['app'], gw: Config['gateway']): Server {
  const server = createServer(
    {
      headersTimeout: gw.headersTimeoutMs,
      requestTimeout: Math.max(gw.requestTimeoutMs, gw.headersTimeoutMs + 1000),
      keepAliveTimeout: gw.keepAliveTimeoutMs,
      // how often the timeouts above are checked (Node's default, 30 s, would let them overrun)
      connectionsCheckingInterval: Math.min(1000, gw.headersTimeoutMs),
    },
    app,
  );
  server.maxConnections = gw.maxConnections;
  return server;
}
