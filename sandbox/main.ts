// Runs the ROLLER sandbox on SANDBOX_HOST:SANDBOX_PORT with SANDBOX_SEED (or the default seed).
import { loadConfigOrExit } from '../config/config.js';
import { createLogger } from '../observability/logger.js';
import { createSandboxApp } from './app.js';
import { DEFAULT_SEED, readSeed, Store } from './store.js';

const config = loadConfigOrExit();
const log = createLogger(config.logLevel, 'sandbox');
const seedFile = config.sandbox.seed ?? DEFAULT_SEED;
let store: Store;
try {
  store = new Store(readSeed(seedFile));
} catch (e) {
  process.stderr.write(`Invalid configuration: SANDBOX_SEED ${seedFile}: ${(e as Error).message}\n`);
  process.exit(78);
}
const { app } = await createSandboxApp(store);
const server = app.listen(config.sandbox.port, config.sandbox.host, () => {
  log.info({ url: `http://${config.sandbox.host}:${config.sandbox.port}`, seed: seedFile }, 'ROLLER sandbox listening');
});
server.on('error', (e) => {
  log.error({ err: e.message }, 'sandbox could not listen');
  process.exit(1);
});
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => server.close(() => process.exit(0)));
