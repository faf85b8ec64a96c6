// Failed sign-ins per client address: counted when an answer is a 401, checked before
// authentication. Only failures count — many concurrent requests from one busy client (the iQ
// orchestrator, long-polls) are never mistaken for an attack.
import type { NextFunction, Request, Response } from 'express';
import { ApiError } from './problem.js';

const WINDOW_MS = 60_000;
const MAX_ADDRESSES = 100_000;

export function signInThrottle(limitPerMinute: number, now: () => number = Date.now) {
  const failures = new Map<string, { count: number; resetAt: number }>();
  return (req: Request, res: Response, next: NextFunction) => {
    const key = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const entry = failures.get(key);
    if (entry && entry.resetAt <= now()) failures.delete(key);
    const current = failures.get(key);
    if (current && current.count >= limitPerMinute) {
      const seconds = Math.max(1, Math.ceil((current.resetAt - now()) / 1000));
      return next(new ApiError(429, 'SIGN_IN_THROTTLED', 'Too many failed sign-ins from this address; wait a minute before trying again.', {}, { 'Retry-After': String(seconds) }));
    }
    res.on('finish', () => {
      if (res.statusCode !== 401) return;
      const e = failures.get(key);
      if (e && e.resetAt > now()) e.count += 1;
      else {
        failures.set(key, { count: 1, resetAt: now() + WINDOW_MS });
        // bounded memory: the oldest addresses are forgotten first
        while (failures.size > MAX_ADDRESSES) failures.delete(failures.keys().next().value!);
      }
    });
    next();
  };
}
