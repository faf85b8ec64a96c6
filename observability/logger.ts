// Structured logs (pino) with redaction built in: whatever a caller passes, tokens, emails and
// phone numbers are masked before the line is written.
import { pino, type Logger, type DestinationStream } from 'pino';
import { maskDeep, maskText } from './redact.js';

export type { Logger };

export function createLogger(level: string, name: string, destination?: DestinationStream): Logger {
  return pino(
    {
      name,
      level,
      formatters: {
        log: (obj) => maskDeep(obj) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          const masked = args.map((a) => (typeof a === 'string' ? maskText(a) : a)) as Parameters<typeof method>;
          return method.apply(this, masked);
        },
      },
    },
    destination,
  );
}
