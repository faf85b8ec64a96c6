// Readable log lines for `npm run dev` only. The worker, gateway and sandbox always write pino's
// JSON (production tooling parses it); the dev launcher turns each line they print into one
// human line here. Redaction has already happened inside the child's logger before the line left
// it, so this module only reformats — it never sees a token, email or phone in clear.
import { prettyFactory } from 'pino-pretty';

export type LineFormatter = (line: string) => string;

/** A formatter for one printed line: pino JSON becomes "HH:MM:ss.l LEVEL: msg {fields}", anything else is kept as is. */
export function prettyLogs(colorize: boolean): LineFormatter {
  const pretty = prettyFactory({
    colorize,
    translateTime: 'SYS:HH:MM:ss.l',
    // the launcher prefixes every line with the process name already
    ignore: 'pid,hostname,name',
    singleLine: true,
  });
  return (line) => {
    if (!line.startsWith('{')) return line;
    try {
      const obj: unknown = JSON.parse(line);
      // only pino records (a numeric level and a time) are reformatted; other JSON stays verbatim
      if (!obj || typeof obj !== 'object' || typeof (obj as { level?: unknown }).level !== 'number') return line;
      return pretty(obj).replace(/\n+$/, '');
    } catch {
      return line;
    }
  };
}
