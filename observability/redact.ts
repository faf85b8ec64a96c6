// One place that knows what must never leave the process in clear: bearer tokens, emails, phone
// numbers. Used by the logger, the Langfuse exporter mask and error messages sent to callers.
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
// phone-like runs: optional +, 8-15 digits with common separators (not ISO dates/times)
const PHONE = /(?<![\w:-])\+?\d[\d\s().-]{6,18}\d(?![\w:])/g;
const BEARER = /\b(Bearer)\s+[A-Za-z0-9._~+/=-]+/gi;
const SENSITIVE_KEYS = /^(authorization|token|accessToken|taskToken|apiKey|api_key|password|secret|email|phone|cookie)$/i;

function looksLikeDate(s: string): boolean {
  return /^\d{4}-\d{2}-\d{2}/.test(s.trim());
}

export function maskText(text: string, extraSecrets: readonly string[] = []): string {
  let out = text.replace(BEARER, '$1 [REDACTED]').replace(EMAIL, '[EMAIL]');
  out = out.replace(PHONE, (m) => (looksLikeDate(m) || m.replace(/\D/g, '').length < 8 ? m : '[PHONE]'));
  for (const s of extraSecrets) if (s && s.length >= 4) out = out.split(s).join('[REDACTED]');
  return out;
}

/** Deep copy with sensitive keys blanked and every string masked. */
export function maskDeep(value: unknown, extraSecrets: readonly string[] = [], depth = 0): unknown {
  if (depth > 12) return '[…]';
  if (typeof value === 'string') return maskText(value, extraSecrets);
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, extraSecrets, depth + 1));
  if (value && typeof value === 'object') {
    if (value instanceof Error) return { name: value.name, message: maskText(value.message, extraSecrets) };
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = SENSITIVE_KEYS.test(k) && v != null ? '[REDACTED]' : maskDeep(v, extraSecrets, depth + 1);
    return out;
  }
  return value;
}
