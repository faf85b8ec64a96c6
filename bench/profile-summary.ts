// Reads a V8 .cpuprofile (node --cpu-prof) and names where the time went: self time by function
// and by package (node_modules package, or the project's folder), largest first.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  endTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** 'pkg' for node_modules/pkg/…, '(project) api' for the project's api/ folder, else the kind. */
function ownerOf(url: string, root: string): string {
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1]!;
  if (url.startsWith(`file://${root}`)) return `(project) ${url.slice(`file://${root}`.length).split('/')[0]}`;
  if (url.startsWith('node:')) return 'node (built-in)';
  return url ? url : '(vm / native / gc)';
}

/** `lastMs`: only the samples of the profile's last milliseconds (the measured run, not start-up). */
export function summarise(file: string, root: string, top = 15, lastMs = Infinity, allFrames = false) {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  // sample i happened at endTime minus the deltas after it: keep those within the window
  let after = 0;
  const inWindow = p.samples.map(() => false);
  for (let i = p.samples.length - 1; i >= 0; i--) {
    inWindow[i] = after <= lastMs * 1000;
    after += p.timeDeltas[i] ?? 0;
  }
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  let idleUs = 0;
  p.samples.forEach((id, i) => {
    if (!inWindow[i]) return;
    // idle time is waiting, not work: left out of the shares
    if (byId.get(id)?.callFrame.functionName === '(idle)') idleUs += p.timeDeltas[i] ?? 0;
    else selfUs.set(id, (selfUs.get(id) ?? 0) + (p.timeDeltas[i] ?? 0));
  });
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const fn = new Map<string, number>();
  const owner = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const name = `${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(`file://${root}`, '')}:${lineNumber + 1}`;
    fn.set(name, (fn.get(name) ?? 0) + us);
    const o = ownerOf(url, root);
    owner.set(o, (owner.get(o) ?? 0) + us);
  }
  // inclusive time of each function (once per sample, however deep it recurses): the call paths
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inclusive = new Map<string, number>();
  p.samples.forEach((leaf, i) => {
    if (!inWindow[i] || byId.get(leaf)?.callFrame.functionName === '(idle)') return;
    const seen = new Set<string>();
    for (let id: number | undefined = leaf; id !== undefined; id = parent.get(id)) {
      const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
      if (!allFrames && (!url.startsWith(`file://${root}`) || url.includes('node_modules'))) continue;
      seen.add(`${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(`file://${root}`, '')}:${lineNumber + 1}`);
    }
    for (const k of seen) inclusive.set(k, (inclusive.get(k) ?? 0) + (p.timeDeltas[i] ?? 0));
  });
  const rank = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, us]) => ({ name: k, ms: Math.round(us / 1000), pct: +((100 * us) / total).toFixed(1) }));
  return { busyMs: Math.round(total / 1000), idleMs: Math.round(idleUs / 1000), byFunction: rank(fn), byOwner: rank(owner), projectInclusive: rank(inclusive) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // usage: profile-summary.ts [--last <ms>] [--all] [--top N] <file.cpuprofile>...
  const root = new URL('..', import.meta.url).pathname;
  const args = process.argv.slice(2);
  const opt = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args.splice(i, name === '--all' ? 1 : 2).slice(1)[0] ?? 'yes' : undefined;
  };
  const lastMs = Number(opt('--last') ?? Infinity);
  const all = opt('--all') !== undefined;
  const top = Number(opt('--top') ?? 15);
  for (const f of args) {
    const s = summarise(f, root, top, lastMs, all);
    console.log(`\n${f}: ${s.busyMs} ms busy, ${s.idleMs} ms idle`);
    console.log('  by package / folder:');
    for (const r of s.byOwner) console.log(`    ${String(r.pct).padStart(5)} %  ${r.name}`);
    console.log('  by function (self time):');
    for (const r of s.byFunction) console.log(`    ${String(r.pct).padStart(5)} %  ${r.name}`);
    console.log('  project functions (inclusive time):');
    for (const r of s.projectInclusive) console.log(`    ${String(r.pct).padStart(5)} %  ${r.name}`);
  }
}
