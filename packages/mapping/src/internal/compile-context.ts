import type { GeoIpDatabase } from '../geo-ip';
import type { UserAgentParser } from './user-agent-parser';
import type { Producer } from '../value';
import { memoizedProducer } from './specialize';

/**
 * The state of one mapping while it is built and while it runs: the compiled closure of every
 * value (shared by description, so `userAgent()` is parsed once however many parts are mapped) and
 * the per-event memo. The memo is stamped with an event generation instead of being cleared, so
 * mapping an event allocates nothing for it.
 */
export class CompileContext {
  readonly geoIpDatabase: GeoIpDatabase | undefined;
  readonly userAgentParser: UserAgentParser;
  private readonly generation = { value: 0 };
  private readonly stamps: number[] = [];
  private readonly memo: unknown[] = [];
  private readonly producers = new Map<string, Producer<unknown>>();

  constructor(geoIpDatabase: GeoIpDatabase | undefined, userAgentParser: UserAgentParser) {
    this.geoIpDatabase = geoIpDatabase;
    this.userAgentParser = userAgentParser;
  }

  /** Starts a new event: every memoised value is computed afresh. */
  nextEvent(): void {
    this.generation.value = this.generation.value >= 0x3fffffff ? 1 : this.generation.value + 1;
    if (this.generation.value === 1) this.stamps.fill(0);
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
    return memoizedProducer(inner, this.stamps, this.memo, slot, this.generation);
  }
}
