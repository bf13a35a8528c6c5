import type { GeoIpDatabase } from '../geo-ip';
import type { UserAgentParser } from './user-agent-parser';
import type { Producer } from '../value';

/**
 * The state of one mapping while it is built and while it runs: the compiled closure of every
 * value (shared by description, so `userAgent()` is parsed once however many parts are mapped) and
 * the per-event memo. The memo is stamped with an event generation instead of being cleared, so
 * mapping an event allocates nothing for it.
 */
export class CompileContext {
  readonly geoIpDatabase: GeoIpDatabase | undefined;
  readonly userAgentParser: UserAgentParser;
  private generation = 0;
  private readonly stamps: number[] = [];
  private readonly memo: unknown[] = [];
  private readonly producers = new Map<string, Producer<unknown>>();

  constructor(geoIpDatabase: GeoIpDatabase | undefined, userAgentParser: UserAgentParser) {
    this.geoIpDatabase = geoIpDatabase;
    this.userAgentParser = userAgentParser;
  }

  /** Starts a new event: every memoised value is computed afresh. */
  nextEvent(): void {
    this.generation = this.generation >= 0x3fffffff ? 1 : this.generation + 1;
    if (this.generation === 1) this.stamps.fill(0);
  }

  /** The closure for a value description, made once. */
  producer<T>(description: string, memoize: boolean, create: () => Producer<T>): Producer<T> {
    const key = memoize ? `memo:${description}` : description;
    const existing = this.producers.get(key);
    if (existing !== undefined) return existing as Producer<T>;
    const inner = create();
    const compiled = memoize ? this.memoize(inner) : inner;
    this.producers.set(key, compiled);
    return compiled;
  }

  private memoize<T>(inner: Producer<T>): Producer<T> {
    const slot = this.stamps.length;
    this.stamps.push(0);
    this.memo.push(undefined);
    const stamps = this.stamps;
    const memo = this.memo;
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    return (event) => {
      if (stamps[slot] === self.generation) return memo[slot] as T | undefined;
      const value = inner(event);
      stamps[slot] = self.generation;
      memo[slot] = value;
      return value;
    };
  }
}
