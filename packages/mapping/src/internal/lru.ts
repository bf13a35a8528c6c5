/**
 * A least-recently-used cache in the hashlru scheme (as `quick-lru` uses): two maps, the recent
 * one and the previous one. A hit in the recent map costs one lookup; a hit in the previous map
 * promotes the entry; when the recent map holds `capacity` entries it becomes the previous map
 * and the old previous map, holding only entries unused for a whole generation, is dropped. So
 * the `capacity` most recently used entries are always kept, and at most twice that are held.
 */
export class LruCache<TValue> {
  private recent = new Map<string, TValue>();
  private previous = new Map<string, TValue>();

  constructor(private readonly capacity: number) {}

  get(key: string): TValue | undefined {
    const value = this.recent.get(key);
    if (value !== undefined) return value;
    const old = this.previous.get(key);
    if (old !== undefined) {
      this.previous.delete(key);
      this.store(key, old);
    }
    return old;
  }

  set(key: string, value: TValue): void {
    if (this.capacity <= 0) return;
    if (this.recent.has(key)) this.recent.set(key, value);
    else {
      this.previous.delete(key);
      this.store(key, value);
    }
  }

  /** How many entries are held (between the live ones and twice the capacity). */
  get size(): number {
    return this.recent.size + this.previous.size;
  }

  private store(key: string, value: TValue): void {
    this.recent.set(key, value);
    if (this.recent.size >= this.capacity) {
      this.previous = this.recent;
      this.recent = new Map();
    }
  }
}
