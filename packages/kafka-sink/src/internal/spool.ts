import {
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  writeFile,
  type FileHandle,
} from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from './crc32';

/** A record ready for Kafka: what the sink buffers, sends, spools and replays. */
export interface EncodedRecord {
  readonly key: Buffer | null;
  readonly value: Buffer;
  /** Milliseconds since the epoch, as the decimal string kafkajs takes. */
  readonly timestamp: string;
}

/** A run of spooled records to replay; `commit` marks them delivered. */
export interface SpoolChunk {
  readonly records: EncodedRecord[];
  commit(): Promise<void>;
}

const SEGMENT = /^segment-(\d{16})\.spool$/;
const FRAME_HEADER = 8;
const CHECKPOINT = 'checkpoint.json';

/**
 * An append-only, fsynced log of records on local disk, in segments:
 * `segment-<n>.spool` holds frames `[u32 length][u32 crc32][i32 key length or -1][key][f64 timestamp][value]`.
 * Appends are group-committed (one write and one fsync for every append waiting). Replay reads
 * closed segments oldest first; `checkpoint.json` remembers how far a segment was delivered, so a
 * restart resends at most one chunk, and a fully delivered segment is deleted. A torn frame at the
 * end of a segment (a crash during an append that was never acknowledged) ends that segment.
 */
export class Spool {
  private readonly directory: string;
  private readonly segmentBytes: number;
  /** Closed segments, oldest first, by sequence number. */
  private readonly closed: number[] = [];
  private nextSequence = 0;
  private active: { sequence: number; handle: FileHandle; bytes: number } | null = null;
  private queue: {
    frames: Buffer;
    count: number;
    resolve: () => void;
    reject: (error: unknown) => void;
  }[] = [];
  private writing: Promise<void> | null = null;
  private checkpoint: { sequence: number; offset: number } | null = null;
  /** Records appended and not yet committed as replayed (approximate after a restart until read). */
  private pendingBytes = 0;

  private constructor(directory: string, segmentBytes: number) {
    this.directory = directory;
    this.segmentBytes = segmentBytes;
  }

  /** Opens (creating it if needed) the spool in `directory` and finds what an earlier run left. */
  static async open(directory: string, segmentBytes: number): Promise<Spool> {
    await mkdir(directory, { recursive: true });
    const spool = new Spool(directory, segmentBytes);
    const sequences: number[] = [];
    for (const name of await readdir(directory)) {
      const match = SEGMENT.exec(name);
      if (match?.[1] !== undefined) sequences.push(Number(match[1]));
    }
    sequences.sort((a, b) => a - b);
    spool.closed.push(...sequences);
    spool.nextSequence = (sequences.at(-1) ?? -1) + 1;
    try {
      const parsed = JSON.parse(await readFile(join(directory, CHECKPOINT), 'utf8')) as unknown;
      if (isCheckpoint(parsed) && sequences.includes(parsed.sequence)) spool.checkpoint = parsed;
    } catch {
      // No checkpoint (or a torn one): replay the oldest segment from its start.
    }
    for (const sequence of sequences)
      spool.pendingBytes += (await statSize(spool.path(sequence))) ?? 0;
    spool.pendingBytes -= spool.checkpoint?.offset ?? 0;
    return spool;
  }

  /** True while some appended record has not been committed as replayed. */
  get hasData(): boolean {
    return (
      this.closed.length > 0 ||
      (this.active !== null && this.active.bytes > 0) ||
      this.queue.length > 0 ||
      this.writing !== null
    );
  }

  /** Bytes on disk not yet replayed (including the frame headers). */
  get bytes(): number {
    return this.pendingBytes;
  }

  /** Appends records durably: resolves after they are written and fsynced, in call order. */
  append(records: readonly EncodedRecord[]): Promise<void> {
    const frames = encodeFrames(records);
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ frames, count: records.length, resolve, reject });
      this.writing ??= this.drain();
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const items = this.queue;
        this.queue = [];
        try {
          const buffer =
            items.length === 1 ? items[0]!.frames : Buffer.concat(items.map((item) => item.frames));
          const active = await this.activeSegment();
          let written = 0;
          while (written < buffer.length) {
            const { bytesWritten } = await active.handle.write(buffer, written);
            written += bytesWritten;
          }
          await active.handle.sync();
          active.bytes += buffer.length;
          this.pendingBytes += buffer.length;
          if (active.bytes >= this.segmentBytes) await this.closeActive();
          for (const item of items) item.resolve();
        } catch (error) {
          for (const item of items) item.reject(error);
        }
      }
    } finally {
      this.writing = null;
    }
  }

  private async activeSegment(): Promise<{ sequence: number; handle: FileHandle; bytes: number }> {
    if (this.active !== null) return this.active;
    const sequence = this.nextSequence++;
    const handle = await open(this.path(sequence), 'a');
    // The new file's directory entry must be durable too, or a crash could lose a synced segment.
    await syncDirectory(this.directory);
    this.active = { sequence, handle, bytes: 0 };
    return this.active;
  }

  private async closeActive(): Promise<void> {
    const active = this.active;
    if (active === null) return;
    this.active = null;
    await active.handle.close();
    if (active.bytes > 0) this.closed.push(active.sequence);
    else await rm(this.path(active.sequence), { force: true });
  }

  /**
   * The next records to replay, at most `maxRecords` of them, or null when the spool holds none.
   * Waits for appends in progress and closes the active segment so it can be read.
   */
  async next(maxRecords: number): Promise<SpoolChunk | null> {
    for (;;) {
      if (this.closed.length === 0) {
        while (this.writing !== null) await this.writing;
        if (this.active === null || this.active.bytes === 0) return null;
        await this.closeActive();
      }
      const sequence = this.closed[0]!;
      const start = this.checkpoint?.sequence === sequence ? this.checkpoint.offset : 0;
      const content = await readFile(this.path(sequence));
      const { records, end } = decodeFrames(content, start, maxRecords);
      if (records.length === 0) {
        // Fully replayed (or only a torn tail is left): the segment is done.
        await this.finishSegment(sequence, content.length);
        continue;
      }
      return {
        records,
        commit: async () => {
          this.pendingBytes = Math.max(0, this.pendingBytes - (end - start));
          if (end >= content.length || decodeFrames(content, end, 1).records.length === 0) {
            await this.finishSegment(sequence, content.length - end);
          } else {
            this.checkpoint = { sequence, offset: end };
            const temporary = join(this.directory, `${CHECKPOINT}.tmp`);
            await writeFile(temporary, JSON.stringify(this.checkpoint));
            await rename(temporary, join(this.directory, CHECKPOINT));
          }
        },
      };
    }
  }

  private async finishSegment(sequence: number, unreadBytes: number): Promise<void> {
    this.pendingBytes = Math.max(0, this.pendingBytes - unreadBytes);
    this.closed.shift();
    this.checkpoint = null;
    await rm(join(this.directory, CHECKPOINT), { force: true });
    await rm(this.path(sequence), { force: true });
  }

  /** Waits for appends in progress and closes the file; the data stays for the next run. */
  async close(): Promise<void> {
    while (this.writing !== null) await this.writing;
    await this.closeActive();
  }

  private path(sequence: number): string {
    return join(this.directory, `segment-${String(sequence).padStart(16, '0')}.spool`);
  }
}

function isCheckpoint(value: unknown): value is { sequence: number; offset: number } {
  return (
    typeof value === 'object' &&
    value !== null &&
    Number.isSafeInteger((value as { sequence?: unknown }).sequence) &&
    Number.isSafeInteger((value as { offset?: unknown }).offset)
  );
}

async function statSize(path: string): Promise<number | undefined> {
  try {
    const handle = await open(path, 'r');
    try {
      return (await handle.stat()).size;
    } finally {
      await handle.close();
    }
  } catch {
    return undefined;
  }
}

async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Frames records for the spool; exported for tests. */
export function encodeFrames(records: readonly EncodedRecord[]): Buffer {
  let size = 0;
  for (const record of records)
    size += FRAME_HEADER + 4 + (record.key?.length ?? 0) + 8 + record.value.length;
  const buffer = Buffer.allocUnsafe(size);
  let offset = 0;
  for (const record of records) {
    const payloadStart = offset + FRAME_HEADER;
    let cursor = payloadStart;
    if (record.key === null) {
      buffer.writeInt32BE(-1, cursor);
      cursor += 4;
    } else {
      buffer.writeInt32BE(record.key.length, cursor);
      cursor += 4;
      cursor += record.key.copy(buffer, cursor);
    }
    buffer.writeDoubleBE(Number(record.timestamp), cursor);
    cursor += 8;
    cursor += record.value.copy(buffer, cursor);
    const payload = buffer.subarray(payloadStart, cursor);
    buffer.writeUInt32BE(payload.length, offset);
    buffer.writeUInt32BE(crc32(payload), offset + 4);
    offset = cursor;
  }
  return buffer;
}

/**
 * Reads up to `maxRecords` whole, intact frames from `start`; stops at the end or at the first torn
 * or corrupt frame. `end` is the offset after the last frame read. Exported for tests.
 */
export function decodeFrames(
  content: Buffer,
  start: number,
  maxRecords: number,
): { records: EncodedRecord[]; end: number } {
  const records: EncodedRecord[] = [];
  let offset = start;
  while (records.length < maxRecords && offset + FRAME_HEADER <= content.length) {
    const length = content.readUInt32BE(offset);
    const payloadStart = offset + FRAME_HEADER;
    const payloadEnd = payloadStart + length;
    if (length < 12 || payloadEnd > content.length) break;
    const payload = content.subarray(payloadStart, payloadEnd);
    if (crc32(payload) !== content.readUInt32BE(offset + 4)) break;
    const keyLength = payload.readInt32BE(0);
    if (keyLength < -1 || 4 + Math.max(keyLength, 0) + 8 > length) break;
    const keyEnd = 4 + Math.max(keyLength, 0);
    records.push({
      key: keyLength < 0 ? null : Buffer.from(payload.subarray(4, keyEnd)),
      timestamp: String(payload.readDoubleBE(keyEnd)),
      value: Buffer.from(payload.subarray(keyEnd + 8)),
    });
    offset = payloadEnd;
  }
  return { records, end: offset };
}
