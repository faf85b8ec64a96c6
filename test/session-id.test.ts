// Session ids carry their owner, so ownership is decided from the id alone (api/session-id.ts).
import { describe, expect, it } from 'vitest';
import { ownsSessionId, sessionIdFor } from '../api/session-id.js';

const ana = { userId: 'user-ana', venueId: 'venue-1', scopes: [] };
const ben = { userId: 'user-ben', venueId: 'venue-2', scopes: [] };
const anaElsewhere = { userId: 'user-ana', venueId: 'venue-2', scopes: [] };

describe('session ids bound to their owner', () => {
  it('a new id belongs to its caller only; the same session key gives the same id', () => {
    const id = sessionIdFor(ana);
    expect(id).toMatch(/^sess_[A-Za-z0-9_-]{16,64}$/);
    expect(ownsSessionId(ana, id)).toBe(true);
    expect(ownsSessionId(ben, id)).toBe(false);
    expect(ownsSessionId(anaElsewhere, id)).toBe(false);
    expect(sessionIdFor(ana, 'key-12345678')).toBe(sessionIdFor(ana, 'key-12345678'));
    expect(sessionIdFor(ana, 'key-12345678')).not.toBe(sessionIdFor(ben, 'key-12345678'));
    expect(ownsSessionId(ana, sessionIdFor(ana, 'key-12345678'))).toBe(true);
  });

  it('ids of another shape, old-format ids and tampered ids are nobody\'s', () => {
    const id = sessionIdFor(ana);
    const flipped = id.slice(0, -1) + (id.endsWith('A') ? 'B' : 'A');
    for (const bad of [flipped, 'sess_aaaaaaaaaaaaaaaaaaaaaa', 'sess_short', '', 'x'.repeat(300), `${id}/../x`, id.replace('sess_', 'sess-')]) expect(ownsSessionId(ana, bad)).toBe(false);
  });
});
