// Wires the gateway from configuration: Temporal client (with the payload codec), session service,
// identity resolver, metrics. Used by the entry point and by the tests, so both run the same wiring.
import { Client, Connection } from '@temporalio/client';
import type { Config } from '../config/config.js';
import type { Catalog } from '../catalog/importer.js';
import type { Logger } from '../observability/logger.js';
import { AesGcmCodec } from '../codec/aes-gcm-codec.js';
import { connectionOptions, dataConverter, resolvePayloadKeys } from '../temporal/connection.js';
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
  const app = createGatewayApp({
    service: new SessionService(client, conn, config.temporal.taskQueue, config.session.idleTimeoutMs, config.gateway.maxWaitMs, codec),
    identity: new IdentityResolver(config.roller.baseUrl, identityPath(catalog.specs.map((s) => s.document)), config.gateway.identityCacheMs, config.roller.timeoutMs),
    catalog,
    codec,
    metrics: createMetrics(client, config.temporal.namespace),
    log,
    options: {
      maxWaitMs: config.gateway.maxWaitMs,
      rateLimitPerMinute: config.gateway.rateLimitPerMinute,
      codecOperatorToken: config.gateway.codecOperatorToken,
      codecCorsOrigin: config.gateway.codecCorsOrigin,
    },
  });
  return { app, client, connection: conn };
}
