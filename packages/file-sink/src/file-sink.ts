import { randomBytes } from 'node:crypto';
import { hostname as osHostname } from 'node:os';
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
import { nodeFileSystem, type FileSinkFileSystem } from './file-system';
import { createRecordType, encodeHeader, SYNC_SIZE, type AvroCodec } from './internal/container';
import { isSafeNamePart, ownPartialPattern, type SubdirectoryLayout } from './internal/file-names';
import { createFileWriter } from './internal/file-writer';
import { createMaintenance } from './internal/maintenance';
import { createPublisher } from './internal/publisher';
import { createRecordBuffer } from './internal/record-buffer';
import { createRecovery } from './internal/recovery';
import { createRoller } from './internal/roller';
import { createStrictReader } from './internal/strict-decoder';

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

/**
 * Creates a sink that writes records to Avro object container files. Each file is written as
 * `<name>.partial` in the working directory, synced (block + fdatasync) every `syncEveryRecords`
 * records or `syncEveryMs`, and renamed atomically into the publish directory when it rolls (by
 * time, size or count) or the sink closes. After a crash, every synced record is in a partial
 * file; the next {@link FileSink.open} cuts off a torn last block and publishes the rest, checked
 * block by block so that strict readers (fastavro, Java) read it completely; damaged bytes are
 * kept aside in the working directory, never published or deleted.
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

  // The parts, each in a module of its own: the encoding buffer, publishing, recovery of partial
  // files, syncing blocks into files, rolling files, and the schedule that runs them.
  const buffer = createRecordBuffer<TRecord>({
    type,
    schemaName: recordSchema.name,
    maxBufferedBytes,
  });
  const publisher = createPublisher({ fs, publishDirectory: publishDir, layout });
  const recovery = createRecovery({
    fs,
    workingDirectory: workDir,
    publisher,
    ownPartial: ownPartialPattern(prefix, host),
    clock,
    logger,
    counters: m,
    headerPrefix: encodeHeader(schemaJson, codec, new Uint8Array(SYNC_SIZE)).subarray(
      0,
      -SYNC_SIZE,
    ),
  });
  const writer = createFileWriter({
    fs,
    workingDirectory: workDir,
    publisher,
    recovery,
    schemaJson,
    codec,
    deflateLevel,
    rollEveryMs,
    prefix,
    hostname: host,
    createSyncMarker,
    logger,
    counters: m,
  });
  let drainWaiters: (() => void)[] = [];
  const wakeWriters = (): void => {
    if (buffer.isFull()) return;
    const waiters = drainWaiters;
    drainWaiters = [];
    for (const wake of waiters) wake();
  };
  const roller = createRoller({
    buffer: buffer,
    writer,
    recovery,
    clock,
    maxFileRecords,
    maxFileBytes,
    onBufferFreed: wakeWriters,
  });
  const maintenance = createMaintenance({
    buffer: buffer,
    roller,
    recovery,
    clock,
    schedule,
    logger,
    counters: m,
    syncEveryRecords,
    syncEveryMs,
    maxBufferedBytes,
    retryDelayMs,
  });

  let opening: Promise<void> | undefined;
  let closing = false;
  let closed: Promise<void> | undefined;

  function open(): Promise<void> {
    return (opening ??= maintenance.enqueue(async () => {
      try {
        await fs.mkdir(workDir, { recursive: true });
        await fs.mkdir(publishDir, { recursive: true });
        await recovery.recoverWorkingDirectory();
      } catch (cause) {
        opening = undefined;
        throw new FileSinkError('io', `Cannot open the file sink: ${String(cause)}`, { cause });
      }
    }));
  }

  function assertOpen(): void {
    if (closing) throw new FileSinkError('closed', 'The file sink is closed.');
  }

  async function write(records: readonly SinkRecord<TRecord>[]): Promise<void> {
    assertOpen();
    await open();
    while (!closing && buffer.isFull()) {
      await new Promise<void>((resolve) => drainWaiters.push(resolve));
    }
    // Checked again after every await: records encoded once close() has synced would be lost.
    assertOpen();
    if (records.length === 0) return;
    buffer.encode(records, clock());
    m.recordsWritten += records.length;
    maintenance.buffered();
  }

  async function runForeground(op: () => Promise<void>, what: string): Promise<void> {
    await open();
    try {
      await maintenance.run(op, what);
    } catch (cause) {
      if (cause instanceof FileSinkError) throw cause;
      throw new FileSinkError(
        'io',
        `The file sink could not ${what}: ${String(cause)}; ${buffer.count} records stay buffered and are retried.`,
        { cause },
      );
    }
  }

  function close(): Promise<void> {
    closing = true;
    closed ??= runForeground(() => roller.roll(), 'close').then(
      () => {
        maintenance.stop();
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
    flush: () => runForeground(() => roller.sync(), 'flush'),
    roll: () => runForeground(() => roller.roll(), 'roll'),
    close,
    metrics: () => ({ ...m, bufferedRecords: buffer.count, bufferedBytes: buffer.bytes }),
  };
}
