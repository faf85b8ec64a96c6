// The Temporal SDK's own logs (worker lifecycle, activity and workflow logs, forwarded Core logs)
// written through our pino logger: one JSON line each, with the same redaction (task tokens,
// bearer tokens, emails, phones masked) as every other line.
import type { Logger as SdkLogger, LogLevel, LogMetadata } from '@temporalio/common';
import type { Logger } from './logger.js';

const LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' };

export function temporalSdkLogger(log: Logger): SdkLogger {
  const sdk = log.child({ source: 'temporal-sdk' });
  const write = (level: LogLevel, message: string, meta?: LogMetadata) => {
    const fn = LEVELS[level] ?? 'info';
    // the SDK sends every TRACE/DEBUG line (each activation, each activity): drop them before any work
    if (!sdk.isLevelEnabled(fn)) return;
    // Core's timestamps are nanosecond bigints, which JSON cannot carry
    const fields = meta ? Object.fromEntries(Object.entries(meta).map(([k, v]) => [k, typeof v === 'bigint' ? v.toString() : v])) : {};
    sdk[fn](fields, message);
  };
  return {
    log: write,
    trace: (m, meta) => write('TRACE', m, meta),
    debug: (m, meta) => write('DEBUG', m, meta),
    info: (m, meta) => write('INFO', m, meta),
    warn: (m, meta) => write('WARN', m, meta),
    error: (m, meta) => write('ERROR', m, meta),
  };
}
