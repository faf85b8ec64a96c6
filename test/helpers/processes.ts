// Running the real entry points as child processes.
import { spawn, type ChildProcess } from 'node:child_process';

const ROOT = new URL('../..', import.meta.url).pathname;

export interface Proc {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  waitFor: (re: RegExp, ms?: number) => Promise<void>;
  kill: (sig?: NodeJS.Signals) => Promise<void>;
}

export function runEntry(entry: string, env: Record<string, string | undefined>): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', `${ROOT}${entry}`], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return {
    child,
    output: () => out,
    exited,
    async waitFor(re, ms = 30_000) {
      const deadline = Date.now() + ms;
      while (!re.test(out)) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${re} in:\n${out.slice(-2000)}`);
        if (child.exitCode !== null) throw new Error(`process exited (${child.exitCode}) before ${re}:\n${out.slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async kill(sig = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(sig);
        await exited;
      }
    },
  };
}
