// Gateway entry point.
import { loadConfigOrExit } from '../config/config.js';
import { createLogger } from '../observability/logger.js';
import { loadCatalogOrThrow } from '../catalog/importer.js';
import { buildGateway, createGatewayServer } from './create-gateway.js';

const config = loadConfigOrExit();
const log = createLogger(config.logLevel, 'gateway');

try {
  const catalog = await loadCatalogOrThrow(config.catalogDir);
  const { app, connection, service } = buildGateway(config, catalog, log);
  const server = createGatewayServer(app, config.gateway);
  server.listen(config.gateway.port, config.gateway.host, () => log.info({ url: `http://${config.gateway.host}:${config.gateway.port}` }, 'gateway listening'));
  server.on('error', (e) => {
    log.error({ err: e.message }, 'gateway could not listen');
    process.exit(1);
  });
  const stop = () => {
    // held long-polls answer at once with the latest state, so the server can close
    service.close();
    server.close(() => void connection.close().finally(() => process.exit(0)));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (e) {
  log.error({ err: (e as Error).message }, 'gateway failed to start');
  process.exit(1);
}
