/**
 * A least-recently-used cache on a Map's insertion order: a hit moves the entry to the back, an
 * insert past the capacity evicts the front.
 */
export class LruCache<TValue> {
  private readonly entries = new Map<string, TValue>();

  constructor(private readonly capacity: number) {}

  get(key: string): TValue | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: TValue): void {
    if (this.capacity <= 0) return;
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    this.entries.set(key, value);
  }

  get size(): number {
    return this.entries.size;
  }
}
