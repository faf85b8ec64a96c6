// RFC 9457 problem+json answers with a stable `code`.
import type { Response } from 'express';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

export function sendProblem(res: Response, err: ApiError): void {
  for (const [k, v] of Object.entries(err.headers)) res.set(k, v);
  res
    .status(err.status)
    .type('application/problem+json')
    .json({ type: `https://roller.app/problems/iq-booking-updates/${err.code.toLowerCase().replace(/_/g, '-')}`, title: TITLES[err.status] ?? 'Error', status: err.status, detail: err.detail, code: err.code, ...err.extra });
}
