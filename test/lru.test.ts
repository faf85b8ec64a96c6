// The gateway's caches are bounded by entries: the least recently used one goes first.
import { describe, expect, it } from 'vitest';
import { Lru } from '../api/lru.js';

describe('Lru', () => {
  it('never holds more than its limit, dropping the least recently used entry', () => {
    const lru = new Lru<string, number>(3);
    for (const [i, k] of ['a', 'b', 'c'].entries()) expect(lru.set(k, i)).toEqual([]);
    expect(lru.get('a')).toBe(0); // 'a' is now the most recent; 'b' the least
    expect(lru.set('d', 3)).toEqual([['b', 1]]);
    expect(lru.size).toBe(3);
    expect(lru.get('b')).toBeUndefined();
    expect([...lru.values()]).toEqual([2, 0, 3]);
  });

  it('peek reads without refreshing; replacing a key keeps one entry for it', () => {
    const lru = new Lru<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    expect(lru.peek('a')).toBe(1);
    expect(lru.set('c', 3)).toEqual([['a', 1]]);
    lru.set('c', 4);
    expect(lru.size).toBe(2);
    expect(lru.get('c')).toBe(4);
    expect(lru.delete('b')).toBe(true);
    expect(lru.size).toBe(1);
  });

  it('a burst of 100 000 keys leaves the limit in memory', () => {
    const lru = new Lru<number, object>(1000);
    for (let i = 0; i < 100_000; i++) lru.set(i, { i });
    expect(lru.size).toBe(1000);
    expect(lru.peek(99_000)).toEqual({ i: 99_000 });
    expect(lru.peek(98_999)).toBeUndefined();
  });

  it('refuses a limit below one', () => {
    expect(() => new Lru(0)).toThrow(RangeError);
  });
});
