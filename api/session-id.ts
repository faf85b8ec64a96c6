// Session ids carry their owner: `sess_<base><tag>`, where the tag is a hash of the owner (venue and
// user) and the base. Whether a caller may read a session is decided from the id alone, before any
// Temporal call, so a session that exists but belongs to someone else and an id that does not exist
// take the same path and the same work (no existence oracle by timing). The tag is no secret: it
// only lets a caller forge ids bound to themselves, which name no one else's session.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Identity } from './identity.js';

const TAG_LENGTH = 16;
const ID = /^sess_[A-Za-z0-9_-]{16,64}$/;

function tag(identity: Identity, base: string): string {
  return createHash('sha256').update(`iq-session-owner\u0000${identity.venueId}\u0000${identity.userId}\u0000${base}`).digest('base64url').slice(0, TAG_LENGTH);
}

/** A new id for this caller: random, or derived from the caller's session key (same key → same id). */
export function sessionIdFor(identity: Identity, sessionKey?: string): string {
  const base = sessionKey
    ? createHash('sha256').update(`${identity.venueId}\u0000${identity.userId}\u0000${sessionKey}`).digest('base64url').slice(0, 32)
    : randomBytes(16).toString('base64url');
  return `sess_${base}${tag(identity, base)}`;
}

/** Whether `id` is a session id bound to this caller. Same work for every id of the right shape. */
export function ownsSessionId(identity: Identity, id: string): boolean {
  const shaped = ID.test(id);
  // an id of the wrong shape still hashes something of the same size: the answer costs the same
  const candidate = shaped ? id.slice(5) : 'x'.repeat(22 + TAG_LENGTH);
  const base = candidate.slice(0, -TAG_LENGTH);
  const expected = Buffer.from(tag(identity, base));
  const given = Buffer.from(candidate.slice(-TAG_LENGTH).padEnd(TAG_LENGTH, '\u0000'));
  return timingSafeEqual(expected, given) && shaped;
}
