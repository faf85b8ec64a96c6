// A map that holds at most `max` entries: reading an entry makes it the most recent, and adding one
// past the limit drops the least recently used (a Map keeps insertion order, so that is its first key).
export class Lru<K, V> {
  private readonly map = new Map<K, V>();

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`an LRU holds at least one entry, got ${max}`);
  }

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    const value = this.map.get(key);
    if (value === undefined) return undefined;
    this.map.delete(key);
    this.map.set(key, value);
    return value;
  }

  /** The entry, without making it the most recent. */
  peek(key: K): V | undefined {
    return this.map.get(key);
  }

  /** Adds or replaces; returns the entries dropped to stay within `max` (oldest first). */
  set(key: K, value: V): Array<[K, V]> {
    this.map.delete(key);
    this.map.set(key, value);
    const dropped: Array<[K, V]> = [];
    while (this.map.size > this.max) {
      const oldest = this.map.entries().next().value as [K, V];
      this.map.delete(oldest[0]);
      dropped.push(oldest);
    }
    return dropped;
  }

  delete(key: K): boolean {
    return this.map.delete(key);
  }

  values(): IterableIterator<V> {
    return this.map.values();
  }
}
