/** Send latency, summarised from log-spaced buckets: constant memory, no sorting. */
export interface LatencySummary {
  /** Sends measured. */
  readonly count: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

// Buckets grow by 10% from 0.1 ms: ~190 buckets reach beyond 10 minutes.
const BASE = 0.1;
const GROWTH = Math.log(1.1);
const BUCKETS = 200;

/** Records durations and answers quantiles within 10%. */
export class LatencyRecorder {
  private readonly counts = new Uint32Array(BUCKETS);
  private count = 0;
  private sum = 0;
  private max = 0;

  record(ms: number): void {
    const index = ms <= BASE ? 0 : Math.min(BUCKETS - 1, Math.ceil(Math.log(ms / BASE) / GROWTH));
    this.counts[index]! += 1;
    this.count += 1;
    this.sum += ms;
    if (ms > this.max) this.max = ms;
  }

  summary(): LatencySummary {
    return {
      count: this.count,
      meanMs: this.count === 0 ? 0 : this.sum / this.count,
      p50Ms: this.quantile(0.5),
      p99Ms: this.quantile(0.99),
      maxMs: this.max,
    };
  }

  private quantile(q: number): number {
    if (this.count === 0) return 0;
    const rank = Math.ceil(q * this.count);
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(this.max, BASE * Math.exp(i * GROWTH));
    }
    return this.max;
  }
}
