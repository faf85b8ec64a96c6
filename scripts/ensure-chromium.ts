// Finds a Chromium for the browser test, installing Debian's package when it is missing and this
// machine allows it (root + apt-get, as on CI: `npm ci && npm test` on a fresh machine).
// Run by itself: `npx tsx scripts/ensure-chromium.ts` prints the path or why there is none.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/snap/bin/chromium', '/usr/bin/google-chrome'];

function find(): string | undefined {
  if (process.env.CHROMIUM_PATH && existsSync(process.env.CHROMIUM_PATH)) return process.env.CHROMIUM_PATH;
  return CANDIDATES.find((p) => existsSync(p));
}

function apt(args: string[]): boolean {
  const r = spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, timeout: 480_000 });
  return r.status === 0;
}

export function ensureChromium(): { path: string } | { reason: string } {
  const found = find();
  if (found) return { path: found };
  if (process.platform !== 'linux') return { reason: `no Chromium found (${CANDIDATES.join(', ')}, CHROMIUM_PATH) and automatic install is for Debian/Ubuntu only` };
  if (process.getuid?.() !== 0) return { reason: 'no Chromium found and not running as root to `apt-get install chromium` (install it, or set CHROMIUM_PATH)' };
  if (spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status !== 0) return { reason: 'no Chromium found and no apt-get to install it (set CHROMIUM_PATH)' };
  process.stderr.write('Installing Debian chromium for the browser test (once)…\n');
  if (!apt(['install', '-y', '--no-install-recommends', 'chromium'])) {
    apt(['update']);
    if (!apt(['install', '-y', '--no-install-recommends', 'chromium'])) return { reason: '`apt-get install chromium` failed (see above)' };
  }
  const installed = find();
  return installed ? { path: installed } : { reason: 'chromium was installed but its executable was not found' };
}

if (process.argv[1] && new URL(import.meta.url).pathname === process.argv[1]) {
  const r = ensureChromium();
  if ('path' in r) console.log(r.path);
  else {
    console.error(r.reason);
    process.exit(1);
  }
}
