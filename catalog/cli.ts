// `npm run catalog -- list|lint [--dir <catalog folder>] [--json]`
import { loadCatalog, formatProblem } from './importer.js';

process.stdout.on('error', () => process.exit(0)); // e.g. piped into head
const args = process.argv.slice(2);
const cmd = args[0] ?? 'list';
const dirIdx = args.indexOf('--dir');
const dir = dirIdx >= 0 ? args[dirIdx + 1]! : process.env.CATALOG_DIR ?? new URL('.', import.meta.url).pathname;

const catalog = await loadCatalog(dir);
if (cmd === 'lint') {
  for (const w of catalog.warnings) process.stdout.write(`${formatProblem(w)}\n`);
  if (catalog.problems.length) {
    for (const p of catalog.problems) process.stdout.write(`${formatProblem(p)}\n`);
    process.exit(1);
  }
  process.stdout.write(`catalog OK: ${catalog.all().length} actions from ${catalog.specs.length} spec(s)${catalog.warnings.length ? `, ${catalog.warnings.length} warning(s)` : ''}\n`);
} else if (cmd === 'list') {
  if (args.includes('--json')) {
    process.stdout.write(`${JSON.stringify(catalog.views(), null, 2)}\n`);
  } else {
    for (const a of catalog.all()) {
      const flags = [a.kind, a.safety, a.expose === false ? 'compensation only' : '', a.role ? `role ${a.role}` : '', a.reversible ? `reversible via ${a.compensation?.action}` : 'not reversible', a.safety === 'blocked' ? 'never offered' : ''].filter(Boolean).join(', ');
      const params = Object.keys(a.params.properties ?? {}).map((p) => (a.critical.includes(p) ? `${p}*` : p));
      process.stdout.write(`${a.id.padEnd(24)} ${a.method.padEnd(6)} ${a.path}\n  ${a.description}\n  params: ${params.join(', ') || '(none)'}   [${flags}]\n`);
    }
    if (catalog.problems.length) process.stderr.write(`${catalog.problems.length} problem(s); run: npm run catalog -- lint\n`);
  }
} else {
  process.stderr.write('usage: npm run catalog -- list [--json] | lint [--dir <folder>]\n');
  process.exit(2);
}
