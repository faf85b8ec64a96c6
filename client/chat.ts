// `npm run chat`: a terminal stand-in for the mobile app. Type a request for a booking; it shows the
// question or the plan (before → after, high-risk steps marked), asks once to confirm, shows progress
// and the outcome. Non-interactive use: --yes/--no, --answer "…" (repeatable), or answers on stdin.
//   npm run chat -- --booking bk-1001 [--token tok] [--url http://127.0.0.1:8080] [--yes] "move it to Saturday 3pm"
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { stdin, stdout, stderr } from 'node:process';
import { TERMINAL_PHASES } from '../contracts/types.js';

const { values, positionals } = parseArgs({
  options: {
    url: { type: 'string', default: process.env.IQ_GATEWAY_URL ?? 'http://127.0.0.1:8080' },
    token: { type: 'string', default: process.env.ROLLER_TOKEN ?? 'tok-staff-venue1' },
    booking: { type: 'string' },
    yes: { type: 'boolean', default: false },
    no: { type: 'boolean', default: false },
    answer: { type: 'string', multiple: true, default: [] },
    help: { type: 'boolean', default: false },
  },
  allowPositionals: true,
});

if (values.help) {
  stdout.write('usage: npm run chat -- --booking <id> [--token <ROLLER token>] [--url <gateway>] [--yes|--no] [--answer "<text>"]... "<request>"\n');
  process.exit(0);
}

const answers = [...(values.answer ?? [])];
const interactive = stdin.isTTY === true;
const rl = createInterface({ input: stdin, output: stdout, terminal: interactive });
const lines = interactive ? undefined : rl[Symbol.asyncIterator]();

async function ask(prompt: string): Promise<string | undefined> {
  if (answers.length) {
    const a = answers.shift()!;
    stdout.write(`${prompt}${a}\n`);
    return a;
  }
  if (interactive) return rl.question(prompt);
  const next = await lines!.next();
  if (next.done) return undefined;
  stdout.write(`${prompt}${next.value}\n`);
  return next.value;
}

type State = {
  sessionId: string;
  phase: string;
  version: number;
  clarification?: { question: string };
  plan?: { hash: string; summary: string; risk: string; steps: Array<{ index: number; title: string; safety: string; reversible: boolean }> };
  steps: Array<{ index: number; status: string; error?: { message: string; hint?: string } }>;
  outcome?: { status: string; message: string; recovery: string[] };
  planner?: { provider: string; degraded: boolean };
};

async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: State & { detail?: string; code?: string } }> {
  let res: Response;
  try {
    res = await fetch(`${values.url}${path}`, { method, headers: { authorization: `Bearer ${values.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers }, body: body !== undefined ? JSON.stringify(body) : undefined });
  } catch {
    stderr.write(`Cannot reach the gateway at ${values.url}. Is the service running (npm run dev)?\n`);
    process.exit(3);
  }
  const text = await res.text();
  const json = text ? JSON.parse(text) : {};
  if (res.status >= 400) {
    stderr.write(`Error ${res.status} ${json.code ?? ''}: ${json.detail ?? text}\n`);
    process.exit(1);
  }
  return { status: res.status, json };
}

const TERMINAL: readonly string[] = TERMINAL_PHASES;
const ICON: Record<string, string> = { pending: '·', running: '…', succeeded: '✓', failed: '✗', compensating: '↺', compensated: '↩', compensation_failed: '!', skipped: '-' };

function showPlan(s: State) {
  const p = s.plan!;
  stdout.write(`\nPlan: ${p.summary}${s.planner?.degraded ? '  (offline planner)' : ''}\n`);
  for (const step of p.steps) {
    stdout.write(`  ${step.index + 1}. ${step.title}${step.safety === 'high_risk' ? '   [HIGH RISK]' : ''}${step.reversible ? '' : '   [cannot be undone]'}\n`);
  }
}

async function main() {
  let request = positionals.join(' ').trim();
  if (!request) request = (await ask('What should change? ')) ?? '';
  if (!request) {
    stderr.write('No request given.\n');
    process.exit(2);
  }
  let { json: s } = await api('POST', '/v1/sessions?wait=25', { message: request, ...(values.booking ? { bookingId: values.booking } : {}) });
  for (;;) {
    if (s.phase === 'planning') s = (await api('GET', `/v1/sessions/${s.sessionId}?wait=25`, undefined, { 'if-none-match': `"v${s.version}"` })).json;
    else if (s.phase === 'awaiting_clarification') {
      stdout.write(`\n? ${s.clarification!.question}\n`);
      const a = await ask('> ');
      if (!a) {
        await api('POST', `/v1/sessions/${s.sessionId}/decline`);
        stdout.write('No answer; nothing was changed.\n');
        process.exit(1);
      }
      s = (await api('POST', `/v1/sessions/${s.sessionId}/messages?wait=25`, { message: a })).json;
    } else if (s.phase === 'awaiting_confirmation') {
      showPlan(s);
      const a = values.yes ? 'y' : values.no ? 'n' : await ask('Confirm this plan? [y/N] ');
      if (!a || !/^y(es)?$/i.test(a.trim())) {
        s = (await api('POST', `/v1/sessions/${s.sessionId}/decline`)).json;
        break;
      }
      s = (await api('POST', `/v1/sessions/${s.sessionId}/confirm`, { planHash: s.plan!.hash })).json;
      break;
    } else break;
  }
  let shown = '';
  while (!TERMINAL.includes(s.phase)) {
    const line = s.steps.map((x) => `${ICON[x.status] ?? '?'} ${x.index + 1}`).join('  ');
    if (line !== shown) stdout.write(`  ${s.phase}: ${(shown = line)}\n`);
    const r = await api('GET', `/v1/sessions/${s.sessionId}?wait=10`, undefined, { 'if-none-match': `"v${s.version}"` });
    if (r.status === 200) s = r.json;
  }
  if (s.plan && s.steps.length) for (const x of s.steps) stdout.write(`  ${ICON[x.status] ?? '?'} ${x.index + 1}. ${s.plan.steps[x.index]?.title ?? ''}${x.error ? ` — ${x.error.message}` : ''}\n`);
  stdout.write(`\n${s.phase.toUpperCase()}: ${s.outcome?.message ?? ''}\n`);
  for (const r of s.outcome?.recovery ?? []) stdout.write(`  → ${r}\n`);
  rl.close();
  process.exit(s.phase === 'completed' ? 0 : 1);
}

void main();
