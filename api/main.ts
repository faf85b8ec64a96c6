// Gateway entry point.
import { Client, Connection } from '@temporalio/client';
import { loadConfigOrExit } from '../config/config.js';
import { createLogger } from '../observability/logger.js';
import { connectionOptions, dataConverter, resolvePayloadKeys } from '../temporal/connection.js';
import { AesGcmCodec } from '../codec/aes-gcm-codec.js';
import { loadCatalogOrThrow } from '../worker/create-worker.js';
import { createGatewayApp } from './app.js';
import { IdentityResolver } from './identity.js';
import { SessionService } from './session-service.js';
import { createMetrics } from './metrics.js';
import { identityPath } from './identity-path.js';

const config = loadConfigOrExit();
const log = createLogger(config.logLevel, 'gateway');

try {
  const keys = resolvePayloadKeys(config, (m) => log.warn(m));
  const catalog = await loadCatalogOrThrow(config.catalogDir);
  // lazy: the gateway starts (and /readyz says 503) even while Temporal is down
  const connection = Connection.lazy(connectionOptions(config.temporal));
  const client = new Client({ connection, namespace: config.temporal.namespace, dataConverter: dataConverter(keys) });
  const service = new SessionService(client, connection, config.temporal.taskQueue, config.session.idleTimeoutMs, config.gateway.maxWaitMs, new AesGcmCodec(keys));
  const identity = new IdentityResolver(config.roller.baseUrl, identityPath(catalog.specs.map((s) => s.document)), config.gateway.identityCacheMs, config.roller.timeoutMs);
  const app = createGatewayApp({
    service,
    identity,
    catalog,
    codec: new AesGcmCodec(keys),
    metrics: createMetrics(client, config.temporal.namespace),
    log,
    options: { maxWaitMs: config.gateway.maxWaitMs, rateLimitPerMinute: config.gateway.rateLimitPerMinute, codecOperatorToken: config.gateway.codecOperatorToken, codecCorsOrigin: config.gateway.codecCorsOrigin },
  });
  const server = app.listen(config.gateway.port, config.gateway.host, () => log.info({ url: `http://${config.gateway.host}:${config.gateway.port}` }, 'gateway listening'));
  server.on('error', (e) => {
    log.error({ err: e.message }, 'gateway could not listen');
    process.exit(1);
  });
  const stop = () => server.close(() => void connection.close().finally(() => process.exit(0)));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (e) {
  log.error({ err: (e as Error).message }, 'gateway failed to start');
  process.exit(1);
}
