import { randomBytes } from 'node:crypto';
import { hostname as osHostname } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { deflateRaw } from 'node:zlib';
import type avro from 'avsc';
import type {
  AvroRecordSchema,
  Clock,
  Logger,
  RecordDeclaration,
  Sink,
  SinkRecord,
} from '@tributary/schema';
import { FileSinkError } from './file-sink-error';
import { nodeFileSystem, type FileSinkFileHandle, type FileSinkFileSystem } from './file-system';
import {
  createRecordType,
  encodeHeader,
  encodeVarLong,
  SYNC_SIZE,
  type AvroCodec,
} from './internal/container';
import {
  formatFileName,
  isSafeNamePart,
  ownPartialPattern,
  PARTIAL_SUFFIX,
  type SubdirectoryLayout,
} from './internal/file-names';
import { createPublisher } from './internal/publisher';
import { createStrictReader } from './internal/strict-decoder';
import { createRecovery } from './internal/recovery';

/** Runs `callback` once after `delayMs`; returns a function that cancels it. */
export type FileSinkScheduler = (callback: () => void, delayMs: number) => () => void;

/** Options of {@link createFileSink}. */
export interface FileSinkOptions<TRecord> {
  /** The record schema: a `defineRecord` declaration or Avro JSON of a record. */
  schema: RecordDeclaration<TRecord> | AvroRecordSchema;
  /** Where open files are written, as `<name>.partial`. Created if missing. */
  workingDirectory: string;
  /** Where finished files are renamed to. Created if missing; use the working directory's file system. */
  publishDirectory: string;
  /**
   * The block codec.
   * @default 'null'
   */
  codec?: AvroCodec;
  /**
   * zlib level for the `deflate` codec (1 fastest … 9 smallest).
   * @default 6
   */
  deflateLevel?: number;
  /**
   * Roll (publish) files on boundaries of this interval, counted from the epoch in UTC, so hourly
   * files line up with hours.
   * @default 3_600_000 (one hour)
   */
  rollEveryMs?: number;
  /**
   * Roll before a file would grow past this many bytes (a single record larger than it gets a file
   * of its own). With `deflate` the limit applies to uncompressed blocks, so files stay smaller.
   * @default Infinity
   */
  maxFileBytes?: number;
  /**
   * Roll once a file holds this many records.
   * @default Infinity
   */
  maxFileRecords?: number;
  /**
   * Write a block and fsync once this many records are buffered.
   * @default 1000
   */
  syncEveryRecords?: number;
  /**
   * Write a block and fsync at the latest this long after a record was accepted.
   * @default 30_000
   */
  syncEveryMs?: number;
  /**
   * Encoded bytes held in memory before a sync: reaching it syncs at once, and `write` waits while
   * the buffer is this full (backpressure).
   * @default 8_388_608 (8 MiB)
   */
  maxBufferedBytes?: number;
  /**
   * Sub-directories of the publish directory, by the file's open time in UTC: `date` makes
   * `yyyy-MM-dd/`, `hour` makes `yyyy-MM-dd/HH/`.
   * @default 'none'
   */
  subdirectories?: SubdirectoryLayout;
  /**
   * The name part after the stamp: files are `yyyyMMddHHmmss-<prefix>-<hostname>-<n>.avro`.
   * Two live sinks must not share a working directory, prefix and hostname.
   * @default 'tributary'
   */
  prefix?: string;
  /**
   * The host name in file names.
   * @default os.hostname()
   */
  hostname?: string;
  /**
   * First delay before retrying a failed sync in the background; doubles up to 30 s.
   * @default 100
   */
  retryDelayMs?: number;
  /** @default Node's fs/promises ({@link nodeFileSystem}) */
  fileSystem?: FileSinkFileSystem;
  /** @default Date.now */
  clock?: Clock;
  /** @default setTimeout, unref'd so an idle sink does not keep the process alive */
  scheduler?: FileSinkScheduler;
  /** @default none: the sink is silent; failures still show in {@link FileSink.metrics}. */
  logger?: Logger;
  /**
   * The 16-byte sync marker of each new file.
   * @default crypto.randomBytes(16)
   */
  createSyncMarker?: () => Uint8Array;
}

/** Counters of a {@link FileSink}, since it was created. */
export interface FileSinkMetrics {
  /** Records accepted by `write`. */
  readonly recordsWritten: number;
  /** Records written in a block and fsynced. */
  readonly recordsSynced: number;
  /** Bytes fsynced to files, headers included. */
  readonly bytesSynced: number;
  /** Blocks written and fsynced. */
  readonly syncs: number;
  /** Files renamed into the publish directory by rolling or closing. */
  readonly filesPublished: number;
  /** Partial files of an earlier run published at start (torn tails truncated). */
  readonly filesRecovered: number;
  /** Records in those recovered files. */
  readonly recordsRecovered: number;
  /** Partial files removed because they held no complete block (nothing was ever synced). */
  readonly filesDiscarded: number;
  /**
   * Damaged bytes recovery found and kept in the working directory as `*.partial.corrupt*` files
   * (a damaged header, or damage after the last valid block), never published or deleted.
   */
  readonly filesSetAside: number;
  /** Records accepted but not yet synced. */
  readonly bufferedRecords: number;
  /** Their encoded size. */
  readonly bufferedBytes: number;
  /** File system failures (each is retried). */
  readonly errors: number;
}

/** A {@link Sink} writing Avro object container files; also publishes on demand and reports metrics. */
export interface FileSink<TRecord> extends Sink<TRecord> {
  /**
   * Creates the directories and recovers partial files a crash left behind. Every other method
   * calls it first; call it yourself to fail fast at start-up.
   */
  open(): Promise<void>;
  /** Syncs what is buffered, then closes the current file and publishes it. */
  roll(): Promise<void>;
  /** A snapshot of the counters. */
  metrics(): FileSinkMetrics;
}

interface OpenFile {
  readonly handle: FileSinkFileHandle;
  readonly name: string;
  readonly partialPath: string;
  readonly openedAt: number;
  readonly rollAt: number;
  readonly header: Buffer;
  readonly sync: Buffer;
  bytes: number;
  records: number;
}

/** Encoded records: their bytes back to back and where each one ends. */
interface Batch {
  buf: Buffer;
  ends: number[];
  /** When the oldest of them was accepted (0 when there are none). */
  firstAt: number;
}

const MAX_RETRY_DELAY_MS = 30_000;
const INITIAL_BUFFER_BYTES = 256 * 1024;
// zlib's thread pool: deflating a block overlaps with encoding the next records.
const deflateRawAsync = promisify(deflateRaw);
const defaultScheduler: FileSinkScheduler = (callback, delayMs) => {
  const timer = setTimeout(callback, delayMs);
  timer.unref();
  return () => {
    clearTimeout(timer);
  };
};

function positive(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!(v > 0)) throw new FileSinkError('invalid_options', `${name} must be positive, got ${v}.`);
  return v;
}

function errorCode(error: unknown): string | undefined {
  return (error as { code?: unknown } | null)?.code as string | undefined;
}

/**
 * Creates a sink that writes records to Avro object container files. Each file is written as
 * `<name>.partial` in the working directory, synced (block + fdatasync) every `syncEveryRecords`
 * records or `syncEveryMs`, and renamed atomically into the publish directory when it rolls (by
 * time, size or count) or the sink closes. After a crash, every synced record is in a partial
 * file; the next {@link FileSink.open} truncates a torn last block and publishes it.
 * @throws {FileSinkError} `invalid_options` for an unusable schema or option.
 * @example
 * const sink = createFileSink({
 *   schema: divolteEventRecord,
 *   workingDirectory: '/var/lib/tributary/work',
 *   publishDirectory: '/var/lib/tributary/published',
 *   subdirectories: 'hour',
 * });
 * await sink.open(); // recovers what a crash left behind
 * await sink.write([{ key: partyId, timestamp: Date.now(), value: record }]);
 * await sink.close(); // syncs and publishes
 */
export function createFileSink<TRecord>(options: FileSinkOptions<TRecord>): FileSink<TRecord> {
  const recordSchema: AvroRecordSchema =
    'fields' in options.schema ? options.schema : options.schema.schema;
  if (recordSchema.type !== 'record') {
    throw new FileSinkError('invalid_options', 'The schema must be an Avro record.');
  }
  const schemaJson = JSON.stringify(recordSchema);
  let type: avro.Type;
  try {
    type = createRecordType(recordSchema);
    // Recovery reads files back with the strict reader, which needs every named type named, as
    // Java and fastavro do: a schema it rejects would make files no other reader opens.
    createStrictReader(recordSchema);
  } catch (cause) {
    throw new FileSinkError('invalid_options', `The schema is not usable: ${String(cause)}`, {
      cause,
    });
  }
  const codec = options.codec ?? 'null';
  if (!(['null', 'deflate'] as readonly string[]).includes(codec)) {
    throw new FileSinkError('invalid_options', `Unknown codec ${JSON.stringify(codec)}.`);
  }
  const deflateLevel = options.deflateLevel ?? 6;
  if (!Number.isInteger(deflateLevel) || deflateLevel < 1 || deflateLevel > 9) {
    throw new FileSinkError('invalid_options', 'deflateLevel must be an integer from 1 to 9.');
  }
  const rollEveryMs = positive('rollEveryMs', options.rollEveryMs, 3_600_000);
  const maxFileBytes = positive('maxFileBytes', options.maxFileBytes, Infinity);
  const maxFileRecords = positive('maxFileRecords', options.maxFileRecords, Infinity);
  const syncEveryRecords = positive('syncEveryRecords', options.syncEveryRecords, 1000);
  const syncEveryMs = positive('syncEveryMs', options.syncEveryMs, 30_000);
  const maxBufferedBytes = positive('maxBufferedBytes', options.maxBufferedBytes, 8 * 1024 * 1024);
  const retryDelayMs = positive('retryDelayMs', options.retryDelayMs, 100);
  const layout = options.subdirectories ?? 'none';
  if (!(['none', 'date', 'hour'] as readonly string[]).includes(layout)) {
    throw new FileSinkError('invalid_options', `Unknown subdirectories ${JSON.stringify(layout)}.`);
  }
  const prefix = options.prefix ?? 'tributary';
  const host = options.hostname ?? osHostname();
  for (const [name, part] of [
    ['prefix', prefix],
    ['hostname', host],
  ] as const) {
    if (!isSafeNamePart(part)) {
      throw new FileSinkError(
        'invalid_options',
        `${name} ${JSON.stringify(part)} cannot be part of a file name.`,
      );
    }
  }
  const fs = options.fileSystem ?? nodeFileSystem;
  const clock = options.clock ?? Date.now;
  const schedule = options.scheduler ?? defaultScheduler;
  const logger = options.logger;
  const createSyncMarker = options.createSyncMarker ?? (() => randomBytes(SYNC_SIZE));
  const workDir = options.workingDirectory;
  const publishDir = options.publishDirectory;
  const ownPartial = ownPartialPattern(prefix, host);

  const m = {
    recordsWritten: 0,
    recordsSynced: 0,
    bytesSynced: 0,
    syncs: 0,
    filesPublished: 0,
    filesRecovered: 0,
    recordsRecovered: 0,
    filesDiscarded: 0,
    filesSetAside: 0,
    errors: 0,
  };

  // Records accepted and not yet synced.
  let pending: Batch = { buf: Buffer.allocUnsafe(INITIAL_BUFFER_BYTES), ends: [], firstAt: 0 };
  let pendingLength = 0;
  // The buffer of the last synced batch, reused for the next one: no large allocation per sync.
  let spare: Buffer | undefined;
  let inFlightBuffer: Buffer | undefined;
  // Bytes taken out of `pending` by the sync under way: still memory, still counted.
  let inFlightBytes = 0;
  let file: OpenFile | undefined;
  let sequence = 0;
  const publisher = createPublisher({ fs, publishDirectory: publishDir, layout });
  const recovery = createRecovery({
    fs,
    workingDirectory: workDir,
    publisher,
    ownPartial,
    clock,
    logger,
    counters: m,
    headerPrefix: encodeHeader(schemaJson, codec, new Uint8Array(SYNC_SIZE)).subarray(
      0,
      -SYNC_SIZE,
    ),
  });

  let opening: Promise<void> | undefined;
  let closing = false;
  let closed: Promise<void> | undefined;
  let isClosed = false;
  let chain: Promise<unknown> = Promise.resolve();
  let syncQueued = false;
  let failures = 0;
  let retryAt = 0;
  let timer: { dueAt: number; cancel: () => void } | undefined;
  let drainWaiters: (() => void)[] = [];

  function enqueue<T>(op: () => Promise<T>): Promise<T> {
    const result = chain.then(op);
    chain = result.catch(() => undefined);
    return result;
  }

  const isFull = (): boolean => pendingLength + inFlightBytes >= maxBufferedBytes;

  function wakeWriters(): void {
    if (isFull()) return;
    const waiters = drainWaiters;
    drainWaiters = [];
    for (const wake of waiters) wake();
  }

  // --- encoding -------------------------------------------------------------------------------

  // Grows the buffer to at least `needed` bytes, keeping what it holds.
  function grow(needed: number): void {
    let size = pending.buf.length * 2;
    while (size < needed) size *= 2;
    const next = Buffer.allocUnsafe(size);
    pending.buf.copy(next, 0, 0, pendingLength);
    pending.buf = next;
  }

  function encodeAll(records: readonly SinkRecord<TRecord>[]): void {
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
        `A record does not fit the schema ${recordSchema.name}; the batch was not accepted: ${cause instanceof Error ? cause.message : String(cause)}`,
        { cause },
      );
    }
  }

  function takePending(): Batch {
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
  }

  // Puts back the records of `batch` from record `from` on, ahead of those written since.
  function restorePending(batch: Batch, from: number): void {
    if (from >= batch.ends.length) return;
    const start = from === 0 ? 0 : batch.ends[from - 1]!;
    const head = batch.buf.subarray(start);
    const tail = pending.buf.subarray(0, pendingLength);
    const buf = Buffer.allocUnsafe(Math.max(INITIAL_BUFFER_BYTES, (head.length + tail.length) * 2));
    head.copy(buf, 0);
    tail.copy(buf, head.length);
    const ends = batch.ends.slice(from).map((e) => e - start);
    for (const e of pending.ends) ends.push(e + head.length);
    pending = { buf, ends, firstAt: batch.firstAt };
    pendingLength = head.length + tail.length;
  }

  // --- files ----------------------------------------------------------------------------------

  async function createFile(now: number): Promise<OpenFile> {
    for (;;) {
      const name = formatFileName({ openedAt: now, prefix, hostname: host, sequence: sequence++ });
      if (await fs.exists(publisher.pathOf(name, now).path)) continue;
      const partialPath = join(workDir, name + PARTIAL_SUFFIX);
      let handle: FileSinkFileHandle;
      try {
        handle = await fs.open(partialPath, 'wx');
      } catch (error) {
        if (errorCode(error) === 'EEXIST') continue;
        throw error;
      }
      const sync = Buffer.from(createSyncMarker());
      if (sync.length !== SYNC_SIZE) {
        await handle.close();
        throw new FileSinkError('invalid_options', 'createSyncMarker must return 16 bytes.');
      }
      return {
        handle,
        name,
        partialPath,
        openedAt: now,
        rollAt: (Math.floor(now / rollEveryMs) + 1) * rollEveryMs,
        header: encodeHeader(schemaJson, codec, sync),
        sync,
        bytes: 0,
        records: 0,
      };
    }
  }

  async function writeFully(handle: FileSinkFileHandle, buffers: Buffer[], position: number) {
    let total = 0;
    for (const b of buffers) total += b.length;
    let written = 0;
    while (written < total) {
      let rest = buffers;
      if (written > 0) {
        // Skip what is already written.
        let skip = written;
        rest = [];
        for (const b of buffers) {
          if (skip >= b.length) skip -= b.length;
          else {
            rest.push(skip > 0 ? b.subarray(skip) : b);
            skip = 0;
          }
        }
      }
      const { bytesWritten } = await handle.writev(rest, position + written);
      if (bytesWritten <= 0) throw new Error('writev wrote nothing');
      written += bytesWritten;
    }
    return total;
  }

  // Writes records [from, to) of `batch` as one block and fsyncs. On failure the file is cut back
  // to its last synced length so it stays a valid container; if even that fails it is abandoned.
  async function appendBlock(target: OpenFile, batch: Batch, from: number, to: number) {
    const start = from === 0 ? 0 : batch.ends[from - 1]!;
    const raw = batch.buf.subarray(start, batch.ends[to - 1]);
    const data = codec === 'deflate' ? await deflateRawAsync(raw, { level: deflateLevel }) : raw;
    const buffers = [encodeVarLong(to - from), encodeVarLong(data.length), data, target.sync];
    const isFirst = target.bytes === 0;
    if (isFirst) buffers.unshift(target.header);
    try {
      const written = await writeFully(target.handle, buffers, target.bytes);
      await target.handle.datasync();
      if (isFirst) await fs.syncDirectory(workDir);
      target.bytes += written;
      target.records += to - from;
      m.bytesSynced += written;
      m.recordsSynced += to - from;
      m.syncs += 1;
    } catch (error) {
      try {
        await target.handle.truncate(target.bytes);
        await target.handle.datasync();
      } catch {
        await abandon(target);
      }
      throw error;
    }
  }

  async function abandon(target: OpenFile): Promise<void> {
    if (file === target) file = undefined;
    try {
      await target.handle.close();
    } catch {
      // The descriptor is gone either way.
    }
    if (target.records > 0) recovery.adopt(target.partialPath);
    else
      await fs.unlink(target.partialPath).catch(() => {
        recovery.adopt(target.partialPath);
      });
  }

  async function publish(target: OpenFile): Promise<void> {
    file = undefined;
    try {
      await target.handle.close();
    } catch (error) {
      recovery.adopt(target.partialPath);
      throw error;
    }
    if (target.records === 0) {
      // Nothing was ever synced into it (an empty file); records are never dropped here.
      await fs.unlink(target.partialPath);
      m.filesDiscarded += 1;
      return;
    }
    let path: string;
    try {
      path = await publisher.publish(target.partialPath, target.name, target.openedAt);
    } catch (error) {
      recovery.adopt(target.partialPath);
      throw error;
    }
    m.filesPublished += 1;
    logger?.debug('file-sink: published', { path, records: target.records, bytes: target.bytes });
  }

  // --- syncing and rolling --------------------------------------------------------------------

  async function syncNow(): Promise<void> {
    await syncPending();
    // After the new records, so a file that cannot be published never holds them back.
    await recovery.recoverAbandoned();
  }

  async function syncPending(): Promise<void> {
    if (pending.ends.length === 0) return;
    const batch = takePending();
    let done = 0;
    try {
      const count = batch.ends.length;
      while (done < count) {
        const now = clock();
        file ??= await createFile(now);
        const current = file;
        // As many records as the file may still take, at least one in an empty file.
        const start = done === 0 ? 0 : batch.ends[done - 1]!;
        let to = Math.min(count, done + (maxFileRecords - current.records));
        if (maxFileBytes !== Infinity) {
          const room =
            maxFileBytes - current.bytes - (current.bytes === 0 ? current.header.length : 0) - 40;
          let k = done;
          while (k < to && batch.ends[k]! - start <= room) k++;
          to = k;
        }
        if (to <= done) {
          if (current.records === 0) to = done + 1;
          else {
            await publish(current);
            continue;
          }
        }
        await appendBlock(current, batch, done, to);
        done = to;
        if (
          current.records >= maxFileRecords ||
          current.bytes >= maxFileBytes ||
          clock() >= current.rollAt
        ) {
          await publish(current);
        }
      }
    } catch (error) {
      restorePending(batch, done);
      throw error;
    } finally {
      inFlightBytes = 0;
      // Its bytes are written or copied back into `pending`: the buffer is free again.
      spare = inFlightBuffer;
      inFlightBuffer = undefined;
      wakeWriters();
    }
  }

  async function rollNow(): Promise<void> {
    await syncNow();
    if (file) await publish(file);
  }

  function succeeded(): void {
    failures = 0;
    retryAt = 0;
  }

  function failed(error: unknown, what: string): void {
    m.errors += 1;
    failures += 1;
    const delay = Math.min(MAX_RETRY_DELAY_MS, retryDelayMs * 2 ** (failures - 1));
    retryAt = clock() + delay;
    logger?.warn(`file-sink: ${what} failed; retrying in ${delay} ms`, {
      error: error instanceof Error ? error.message : String(error),
      bufferedRecords: pending.ends.length,
    });
  }

  // Runs whatever is due: a sync, a time roll, a retry. Never rejects; failures are retried.
  async function maintain(): Promise<void> {
    syncQueued = false;
    const now = clock();
    const syncDue =
      pending.ends.length > 0 &&
      (pending.ends.length >= syncEveryRecords ||
        pendingLength >= maxBufferedBytes ||
        now >= pending.firstAt + syncEveryMs);
    const rollDue = file !== undefined && now >= file.rollAt;
    // While failing, only the backoff timer retries, however many writes arrive meanwhile.
    const waiting = failures > 0 && now < retryAt;
    if (!waiting && (syncDue || rollDue || failures > 0 || recovery.hasAbandoned())) {
      try {
        if (rollDue) await rollNow();
        else await syncNow();
        succeeded();
      } catch (error) {
        failed(error, rollDue ? 'roll' : 'sync');
      }
    }
    arm();
  }

  function arm(): void {
    if (isClosed) return;
    let dueAt = Infinity;
    if (failures > 0) dueAt = retryAt;
    else {
      if (pending.ends.length > 0) dueAt = pending.firstAt + syncEveryMs;
      if (file) dueAt = Math.min(dueAt, file.rollAt);
      if (recovery.hasAbandoned()) dueAt = clock();
    }
    if (timer && timer.dueAt <= dueAt) return;
    timer?.cancel();
    timer = undefined;
    if (dueAt === Infinity) return;
    const entry = {
      dueAt,
      cancel: schedule(
        () => {
          if (timer === entry) timer = undefined;
          void enqueue(maintain);
        },
        Math.max(0, dueAt - clock()),
      ),
    };
    timer = entry;
  }

  function requestSync(): void {
    if (syncQueued) return;
    syncQueued = true;
    void enqueue(maintain);
  }

  // --- the port -------------------------------------------------------------------------------

  function open(): Promise<void> {
    opening ??= enqueue(async () => {
      try {
        await fs.mkdir(workDir, { recursive: true });
        await fs.mkdir(publishDir, { recursive: true });
        await recovery.recoverWorkingDirectory();
      } catch (cause) {
        opening = undefined;
        throw new FileSinkError('io', `Cannot open the file sink: ${String(cause)}`, { cause });
      }
    });
    return opening;
  }

  function assertOpen(): void {
    if (closing) throw new FileSinkError('closed', 'The file sink is closed.');
  }

  async function write(records: readonly SinkRecord<TRecord>[]): Promise<void> {
    assertOpen();
    await open();
    while (!closing && isFull()) {
      await new Promise<void>((resolve) => drainWaiters.push(resolve));
    }
    // Checked again after every await: records encoded once close() has synced would be lost.
    assertOpen();
    if (records.length === 0) return;
    encodeAll(records);
    m.recordsWritten += records.length;
    if (pending.firstAt === 0) pending.firstAt = clock();
    if (pending.ends.length >= syncEveryRecords || pendingLength >= maxBufferedBytes) requestSync();
    else arm();
  }

  async function runForeground(op: () => Promise<void>, what: string): Promise<void> {
    await open();
    try {
      await enqueue(async () => {
        try {
          await op();
          succeeded();
        } catch (error) {
          failed(error, what);
          throw error;
        } finally {
          arm();
        }
      });
    } catch (cause) {
      if (cause instanceof FileSinkError) throw cause;
      throw new FileSinkError(
        'io',
        `The file sink could not ${what}: ${String(cause)}; ${pending.ends.length} records stay buffered and are retried.`,
        { cause },
      );
    }
  }

  function close(): Promise<void> {
    closing = true;
    closed ??= runForeground(rollNow, 'close').then(
      () => {
        isClosed = true;
        timer?.cancel();
        timer = undefined;
        // Writers still waiting for room are told the sink is closed.
        const waiters = drainWaiters;
        drainWaiters = [];
        for (const wake of waiters) wake();
      },
      (error: unknown) => {
        closed = undefined; // let a later close() try again
        throw error;
      },
    );
    return closed;
  }

  return {
    open,
    write,
    flush: () => runForeground(syncNow, 'flush'),
    roll: () => runForeground(rollNow, 'roll'),
    close,
    metrics: () => ({
      ...m,
      bufferedRecords: pending.ends.length,
      bufferedBytes: pendingLength,
    }),
  };
}
