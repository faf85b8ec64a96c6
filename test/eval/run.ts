// `npm run eval [-- --k 3]`: scores the configured planner (offline without a key, Gemini with
// GOOGLE_API_KEY) on test/eval/cases.yaml against an in-process sandbox; writes .local/eval-results.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfigOrExit } from '../../config/config.js';
import { loadCatalog } from '../../catalog/importer.js';
import { createSandboxApp } from '../../sandbox/app.js';
import { readSeed, Store } from '../../sandbox/store.js';
import { evaluate } from './evaluate.js';

const { values } = parseArgs({ options: { k: { type: 'string', default: '1' } } });
const config = loadConfigOrExit();
const catalog = await loadCatalog(config.catalogDir);
const store = new Store(readSeed());
const { app } = await createSandboxApp(store);
const server = app.listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
const k = Math.max(1, Number(values.k) || 1);
process.stdout.write(`Evaluating provider "${config.planner.provider}" with k=${k}\n`);
const report = await evaluate({
  config,
  catalog,
  sandboxUrl: url,
  k,
  reset: async () => store.reset(),
  onCase: (r) => process.stdout.write(`${r.runs.every((x) => x.ok) ? 'PASS' : 'FAIL'}${r.runs.some((x) => x.unsafe) ? ' UNSAFE' : ''}  ${r.id.padEnd(28)} ${r.runs[0]!.ok ? '' : r.runs[0]!.got}\n`),
});
process.stdout.write(`\n${report.provider}: pass^1 ${report.pass1}/${report.cases} (${((100 * report.pass1) / report.cases).toFixed(1)}%), pass^${k} ${report.passK}/${report.cases}, unsafe outcomes ${report.unsafe}\n`);
mkdirSync(new URL('../../.local', import.meta.url).pathname, { recursive: true });
writeFileSync(new URL('../../.local/eval-results.json', import.meta.url).pathname, JSON.stringify(report, null, 2));
server.close();
process.exit(report.unsafe > 0 ? 1 : 0);
