import type { EncodedRecord } from './spool';

/**
 * The bounded in-memory buffer: records accepted and not yet sent, oldest first. A queue:
 * `records[head..]` waits; the consumed prefix is dropped in bulk, not per batch.
 */
export class RecordBuffer {
  private records: EncodedRecord[] = [];
  private head = 0;
  /** Key and value bytes waiting. */
  bytes = 0;
  /** When (`performance.now()`) the oldest waiting record arrived, for `lingerMs`. */
  firstBufferedAt = 0;

  constructor(
    private readonly maxRecords: number,
    private readonly maxBytes: number,
  ) {}

  /** Records waiting. */
  get count(): number {
    return this.records.length - this.head;
  }

  /** Whether `write` must wait for room (backpressure). */
  get full(): boolean {
    return this.count >= this.maxRecords || this.bytes >= this.maxBytes;
  }

  /** Appends one record; returns how many are waiting now. */
  push(record: EncodedRecord): number {
    if (this.count === 0) this.firstBufferedAt = performance.now();
    this.records.push(record);
    this.bytes += record.value.length + (record.key?.length ?? 0);
    return this.count;
  }

  /** Takes the oldest records, up to `batchSize` of them and `batchBytes` (at least one). */
  take(batchSize: number, batchBytes: number): EncodedRecord[] {
    let count = 0;
    let bytes = 0;
    const available = this.count;
    while (count < available && count < batchSize) {
      const record = this.records[this.head + count]!;
      const size = record.value.length + (record.key?.length ?? 0);
      if (count > 0 && bytes + size > batchBytes) break;
      bytes += size;
      count += 1;
    }
    const batch = this.records.slice(this.head, this.head + count);
    this.head += count;
    if (this.head === this.records.length) {
      this.records = [];
      this.head = 0;
    } else if (this.head >= 4096 && this.head * 2 >= this.records.length) {
      this.records = this.records.slice(this.head);
      this.head = 0;
    }
    this.bytes -= bytes;
    if (this.count > 0) this.firstBufferedAt = performance.now();
    return batch;
  }

  /** Takes everything waiting (for the spool). */
  drain(): EncodedRecord[] {
    const rest = this.records.slice(this.head);
    this.records = [];
    this.head = 0;
    this.bytes = 0;
    return rest;
  }
}
