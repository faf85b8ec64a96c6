// `npm run eval [-- --k 3]`: scores the configured planner (offline without a key, Gemini with
// GOOGLE_API_KEY) on test/eval/cases.yaml and test/eval/independent.yaml (reported per split) against an
// in-process sandbox; writes .local/eval-results.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfigOrExit } from '../../config/config.js';
import { loadCatalog } from '../../catalog/importer.js';
import { createSandboxApp } from '../../sandbox/app.js';
import { readSeed, Store } from '../../sandbox/store.js';
import { evaluate, formatReport } from './evaluate.js';

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
  onCase: (r) => {
    const worst = r.runs.find((x) => x.verdict === 'unsafe') ?? r.runs.find((x) => !x.ok);
    const label = !worst ? 'PASS' : worst.verdict.toUpperCase();
    process.stdout.write(`${label.padEnd(8)} ${r.category.padEnd(13)} ${r.id.padEnd(30)} ${worst ? `${worst.why ?? ''} | got ${worst.got}` : ''}\n`);
  },
});
process.stdout.write(`\n${formatReport(report)}\n`);
mkdirSync(new URL('../../.local', import.meta.url).pathname, { recursive: true });
writeFileSync(new URL('../../.local/eval-results.json', import.meta.url).pathname, JSON.stringify(report, null, 2));
server.close();
process.exit(report.unsafe > 0 ? 1 : 0);
