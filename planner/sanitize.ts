// Model-written text is never shown to staff raw. A question or a refusal reason passes only when it
// is short plain text with no contact details, links, or requests for credentials; anything else
// is replaced by a generic sentence (the model's words are not repaired, they are dropped).
import { maskText } from '../observability/redact.js';

export const MAX_TEXT = 300;

const URL_LIKE = /\b(?:https?:\/\/|ftp:\/\/|www\.)\S+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|net|org|io|ai|app|dev|co|au|uk|info|biz|link|ly|me|xyz)\b/i;
const CREDENTIALS = /\b(?:pass ?words?|passcodes?|pins?|one[- ]time (?:code|password)|otp|2fa|mfa|verification codes?|security codes?|api[- ]?keys?|tokens?|credentials?|log ?ins?|sign[- ]?in|secrets?|card numbers?|credit cards?|cvv|cvc|bank (?:details|account))\b/i;
const MARKUP = /<[^>]*>|[`*_#>[\]{}|\\]/g;

function clean(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this strips from model text
  const text = raw.replace(/[\u0000-\u001f\u007f\u200b-\u200f\u2028-\u202e]/g, ' ').replace(MARKUP, ' ').replace(/\s+/g, ' ').trim();
  if (!text || text.length > MAX_TEXT) return undefined;
  if (URL_LIKE.test(text) || CREDENTIALS.test(text)) return undefined;
  if (maskText(text) !== text) return undefined; // an email, phone number or bearer token
  return text;
}

export const GENERIC_QUESTION = 'Could you tell me more exactly what should change on this booking?';
export const GENERIC_REFUSAL = 'This request is not something this service can do; nothing was changed.';

/** A question from the model, if it is safe to show; else the generic one. */
export function sanitizeQuestion(raw: unknown): string {
  const text = clean(raw);
  return text && text.includes('?') ? text : GENERIC_QUESTION;
}

/** A refusal reason from the model, if it is safe to show; else the generic one. */
export function sanitizeReason(raw: unknown): string {
  return clean(raw) ?? GENERIC_REFUSAL;
}

/** Names of missing details as short identifiers only. */
export function sanitizeMissing(raw: unknown): string[] {
  if (!Array.isArray(raw)) return [];
  return raw.filter((m): m is string => typeof m === 'string' && /^[A-Za-z][\w. -]{0,63}$/.test(m)).slice(0, 10);
}
