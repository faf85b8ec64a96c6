// `npm run dev`: the whole local stack — Temporal dev server (temporal-dev.sh), ROLLER sandbox,
// worker, gateway — with the embedded defaults; prints where everything is; Ctrl-C stops it all.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { loadConfigOrExit } from '../config/config.js';
import { prettyLogs } from './pretty-logs.js';

const root = new URL('..', import.meta.url).pathname;
const config = loadConfigOrExit();
const gatewayUrl = `http://${config.gateway.host}:${config.gateway.port}`;
const uiPort = process.env.TEMPORAL_UI_PORT ?? '8233';
const temporalPort = config.temporal.address.split(':').pop() ?? '7233';

// A local operator credential for the codec endpoint, made once (git-ignored).
const tokenFile = join(root, '.local', 'codec-operator.token');
if (!process.env.CODEC_OPERATOR_TOKEN) {
  if (!existsSync(tokenFile)) {
    mkdirSync(join(root, '.local'), { recursive: true });
    writeFileSync(tokenFile, randomBytes(24).toString('base64url'), { mode: 0o600 });
  }
  process.env.CODEC_OPERATOR_TOKEN = readFileSync(tokenFile, 'utf8').trim();
}

// The Temporal UI of the dev server has no login and cannot send a bearer token: it gets a codec
// endpoint whose path carries a secret known only to it and the gateway (made once, git-ignored;
// the gateway answers that path over loopback only and refuses it under NODE_ENV=production).
const devSecretFile = join(root, '.local', 'codec-dev.secret');
if (!process.env.CODEC_DEV_PATH_SECRET && config.production) {
  console.error('npm run dev is a development stack; unset NODE_ENV=production.');
  process.exit(78);
}
if (!process.env.CODEC_DEV_PATH_SECRET) {
  if (!existsSync(devSecretFile)) {
    mkdirSync(join(root, '.local'), { recursive: true });
    writeFileSync(devSecretFile, randomBytes(24).toString('base64url'), { mode: 0o600 });
  }
  process.env.CODEC_DEV_PATH_SECRET = readFileSync(devSecretFile, 'utf8').trim();
}

const env = {
  ...process.env,
  TEMPORAL_PORT: temporalPort,
  TEMPORAL_UI_PORT: uiPort,
  TEMPORAL_UI_CODEC_ENDPOINT: `${gatewayUrl}/codec/dev/${process.env.CODEC_DEV_PATH_SECRET}`,
};
const started = spawnSync(join(root, 'temporal-dev.sh'), ['start'], { stdio: 'inherit', env });
if (started.status !== 0) {
  console.error('Could not start the Temporal dev server (see above).');
  process.exit(1);
}

const children: ChildProcess[] = [];
function run(name: string, entry: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, entry)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  // Line by line (a chunk may end mid-line): the child's JSON log lines, already redacted by its
  // logger, are printed as readable lines; the children themselves keep writing JSON.
  const relay = (from: NodeJS.ReadableStream, to: NodeJS.WriteStream) => {
    const pretty = prettyLogs(Boolean(to.isTTY));
    createInterface({ input: from, crlfDelay: Infinity }).on('line', (l) => {
      if (l) to.write(`[${name}] ${pretty(l)}\n`);
    });
  };
  relay(child.stdout!, process.stdout);
  relay(child.stderr!, process.stderr);
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`[${name}] exited (${signal ?? code}); stopping the stack`);
      void stop(1);
    }
  });
  children.push(child);
}

let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode !== null ? undefined : new Promise((r) => c.once('exit', r)))));
  spawnSync(join(root, 'temporal-dev.sh'), ['stop'], { stdio: 'inherit', env });
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

const sandboxLocal = /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?$/.test(config.roller.baseUrl);
if (sandboxLocal) run('sandbox', 'sandbox/main.ts');
run('worker', 'worker/main.ts');
run('gateway', 'api/main.ts');

for (let i = 0; i < 120 && !stopping; i++) {
  try {
    const r = await fetch(`${gatewayUrl}/readyz`);
    if (r.ok) break;
  } catch {
    /* not up yet */
  }
  await new Promise((r) => setTimeout(r, 500));
}
if (!stopping) {
  console.log(`
  ROLLER iQ Booking Updates is running
    Gateway      ${gatewayUrl}   (API document: ${gatewayUrl}/v1/openapi.json)
    MCP          ${gatewayUrl}/mcp   (Streamable HTTP; Authorization: Bearer <ROLLER token>)
    Temporal UI  http://localhost:${uiPort}
    Temporal     ${config.temporal.address}
    ROLLER API   ${config.roller.baseUrl}${sandboxLocal ? '  (sandbox; try token tok-staff-venue1)' : ''}
    Planner      ${config.planner.provider}${config.planner.provider === 'offline' ? ' (no GOOGLE_API_KEY: rule-based, degraded)' : ''}
    Codec        the UI decodes payloads itself; CLI: ${gatewayUrl}/codec (operator token in .local/codec-operator.token)
  Try: npm run chat -- --booking bk-1001 "move it to Saturday 12 December at 3pm and add two kids"
  Ctrl-C stops everything.
`);
}
