// `npm run dev` prints readable log lines: the children's pino JSON (already redacted by their
// logger) becomes one human line each; other output is untouched; nothing sensitive reappears.
import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { createLogger } from '../observability/logger.js';
import { prettyLogs } from '../scripts/pretty-logs.js';

function jsonLines(write: (log: ReturnType<typeof createLogger>) => void): string[] {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const log = createLogger('debug', 'worker', sink as unknown as Parameters<typeof createLogger>[2]);
  write(log);
  return lines;
}

describe('dev log lines', () => {
  const pretty = prettyLogs(false);

  it('a pino JSON line becomes a readable line with level, message and fields', () => {
    const [line] = jsonLines((log) => log.info({ sessionId: 's-42', step: 1 }, 'step succeeded'));
    expect(() => JSON.parse(line!)).not.toThrow(); // the process itself still writes JSON
    const out = pretty(line!);
    expect(out).toMatch(/^\[\d{2}:\d{2}:\d{2}\.\d{3}\] INFO: step succeeded \{"sessionId":"s-42","step":1\}$/);
      });

  it('tokens, emails and phones stay masked in the readable line', () => {
    const lines = jsonLines((log) => {
      log.warn({ authorization: 'Bearer tok-staff-venue1', guest: { email: 'ann@example.com' } }, 'call ann@example.com on +61 412 345 678');
      log.error(new Error('upstream said Bearer tok-staff-venue1 for jo@example.org'), 'failed');
    });
    const out = lines.map(pretty).join('\n');
    expect(out).toContain('WARN: call [EMAIL] on [PHONE]');
    expect(out).toContain('ERROR: failed');
    for (const secret of ['tok-staff-venue1', 'ann@example.com', 'jo@example.org', '412 345 678']) expect(out).not.toContain(secret);
  });

  it('lines that are not pino records are printed as they came', () => {
    for (const line of ['Temporal dev server started on 127.0.0.1:7233', '{not json', '{"hello":"world"}']) expect(pretty(line)).toBe(line);
  });
});
