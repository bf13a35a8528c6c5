import type avro from 'avsc';
import type { SinkRecord } from '@tributary/schema';
import { FileSinkError } from '../file-sink-error';

/** Encoded records: their bytes back to back and where each one ends. */
export interface Batch {
  readonly buf: Buffer;
  readonly ends: number[];
  /** When the oldest of them was accepted (0 when there are none). */
  readonly firstAt: number;
}

/**
 * The records accepted and not yet synced, encoded. A sync takes them out as a {@link Batch};
 * what it could not write goes back in front of what was written since.
 */
export interface RecordBuffer<TRecord> {
  /**
   * Encodes every record of the batch, or none of them.
   * @throws {FileSinkError} `unencodable_record` when one does not fit the schema.
   */
  encode(records: readonly SinkRecord<TRecord>[], now: number): void;
  /** Records buffered (not counting a sync under way). */
  readonly count: number;
  /** Their encoded size. */
  readonly bytes: number;
  /** When the oldest of them was accepted (0 when there are none). */
  readonly firstAt: number;
  /** Whether buffered bytes and those of a sync under way reach `maxBufferedBytes`. */
  isFull(): boolean;
  /** Takes every buffered record out for a sync. */
  take(): Batch;
  /** Puts back the records of `batch` from record `from` on, ahead of those written since. */
  restore(batch: Batch, from: number): void;
  /** Ends the sync of the last taken batch: its buffer is reused for a later one. */
  release(): void;
}

/** Options of {@link createRecordBuffer}. */
export interface RecordBufferOptions {
  /** The avsc type records are encoded with. */
  readonly type: avro.Type;
  /** The record schema's name, for messages. */
  readonly schemaName: string;
  readonly maxBufferedBytes: number;
}

const INITIAL_BUFFER_BYTES = 256 * 1024;

/** Creates the encoding buffer of one sink. */
export function createRecordBuffer<TRecord>({
  type,
  schemaName,
  maxBufferedBytes,
}: RecordBufferOptions): RecordBuffer<TRecord> {
  let pending: { buf: Buffer; ends: number[]; firstAt: number } = {
    buf: Buffer.allocUnsafe(INITIAL_BUFFER_BYTES),
    ends: [],
    firstAt: 0,
  };
  let pendingLength = 0;
  // The buffer of the last synced batch, reused for the next one: no large allocation per sync.
  let spare: Buffer | undefined;
  let inFlightBuffer: Buffer | undefined;
  // Bytes taken out by the sync under way: still memory, still counted.
  let inFlightBytes = 0;

  // Grows the buffer to at least `needed` bytes, keeping what it holds.
  function grow(needed: number): void {
    let size = pending.buf.length * 2;
    while (size < needed) size *= 2;
    const next = Buffer.allocUnsafe(size);
    pending.buf.copy(next, 0, 0, pendingLength);
    pending.buf = next;
  }

  return {
    encode(records, now) {
      const startLength = pendingLength;
      const startCount = pending.ends.length;
      try {
        for (const record of records) {
          for (;;) {
            const end = type.encode(record.value, pending.buf, pendingLength);
            if (end >= 0) {
              pendingLength = end;
              pending.ends.push(end);
              break;
            }
            // avsc returns minus the bytes missing past the end of the buffer.
            grow(pending.buf.length - end);
          }
        }
      } catch (cause) {
        pendingLength = startLength;
        pending.ends.length = startCount;
        throw new FileSinkError(
          'unencodable_record',
          `A record does not fit the schema ${schemaName}; the batch was not accepted: ${cause instanceof Error ? cause.message : String(cause)}`,
          { cause },
        );
      }
      if (pending.firstAt === 0 && records.length > 0) pending.firstAt = now;
    },
    get count() {
      return pending.ends.length;
    },
    get bytes() {
      return pendingLength;
    },
    get firstAt() {
      return pending.firstAt;
    },
    isFull: () => pendingLength + inFlightBytes >= maxBufferedBytes,
    take() {
      const batch: Batch = {
        buf: pending.buf.subarray(0, pendingLength),
        ends: pending.ends,
        firstAt: pending.firstAt,
      };
      inFlightBuffer = pending.buf;
      const size = Math.max(INITIAL_BUFFER_BYTES, Math.min(pendingLength, maxBufferedBytes));
      pending = {
        buf: spare && spare.length >= size ? spare : Buffer.allocUnsafe(size),
        ends: [],
        firstAt: 0,
      };
      spare = undefined;
      pendingLength = 0;
      inFlightBytes = batch.buf.length;
      return batch;
    },
    restore(batch, from) {
      if (from >= batch.ends.length) return;
      const start = from === 0 ? 0 : batch.ends[from - 1]!;
      const head = batch.buf.subarray(start);
      const tail = pending.buf.subarray(0, pendingLength);
      const buf = Buffer.allocUnsafe(
        Math.max(INITIAL_BUFFER_BYTES, (head.length + tail.length) * 2),
      );
      head.copy(buf, 0);
      tail.copy(buf, head.length);
      const ends = batch.ends.slice(from).map((e) => e - start);
      for (const e of pending.ends) ends.push(e + head.length);
      pending = { buf, ends, firstAt: batch.firstAt };
      pendingLength = head.length + tail.length;
    },
    release() {
      inFlightBytes = 0;
      // Its bytes are written or copied back into `pending`: the buffer is free again.
      spare = inFlightBuffer;
      inFlightBuffer = undefined;
    },
  };
}
