import { join } from 'node:path';
import { promisify } from 'node:util';
import { deflateRaw } from 'node:zlib';
import type { Logger } from '@tributary/schema';
import { FileSinkError } from '../file-sink-error';
import type { FileSinkFileHandle, FileSinkFileSystem } from '../file-system';
import { encodeHeader, encodeVarLong, SYNC_SIZE, type AvroCodec } from './container';
import { formatFileName, PARTIAL_SUFFIX } from './file-names';
import type { Publisher } from './publisher';
import type { Batch } from './record-buffer';
import type { Recovery } from './recovery';

/** The file being written: `<name>.partial` in the working directory. */
export interface OpenFile {
  readonly handle: FileSinkFileHandle;
  readonly name: string;
  readonly partialPath: string;
  readonly openedAt: number;
  /** When it rolls by time: the next multiple of `rollEveryMs` after it was opened. */
  readonly rollAt: number;
  readonly header: Buffer;
  readonly sync: Buffer;
  /** Bytes synced into it, header included. */
  bytes: number;
  /** Records synced into it. */
  records: number;
}

/** The counters the file writer adds to (the sink's metrics). */
export interface FileWriterCounters {
  bytesSynced: number;
  recordsSynced: number;
  syncs: number;
  filesPublished: number;
  filesDiscarded: number;
}

/** Options of {@link createFileWriter}. */
export interface FileWriterOptions {
  readonly fs: FileSinkFileSystem;
  readonly workingDirectory: string;
  readonly publisher: Publisher;
  /** Takes files this writer gives up on after an I/O error, to publish them later. */
  readonly recovery: Pick<Recovery, 'adopt'>;
  readonly schemaJson: string;
  readonly codec: AvroCodec;
  readonly deflateLevel: number;
  readonly rollEveryMs: number;
  readonly prefix: string;
  readonly hostname: string;
  readonly createSyncMarker: () => Uint8Array;
  readonly logger: Logger | undefined;
  readonly counters: FileWriterCounters;
}

/**
 * Writes blocks into one open file at a time and publishes it: syncing (block + fdatasync) and
 * the end of a file's life. Which records go into which file is the roller's business.
 */
export interface FileWriter {
  /** The open file, if any. */
  readonly current: OpenFile | undefined;
  /** The open file, or a new one named by `now` (created exclusively, in the working directory). */
  openFile(now: number): Promise<OpenFile>;
  /**
   * Writes records [from, to) of `batch` as one block (the header first in a new file) and
   * fsyncs. On failure the file is cut back to its last synced length so it stays a valid
   * container; if even that fails it is abandoned to recovery. Rejects with the failure.
   */
  appendBlock(target: OpenFile, batch: Batch, from: number, to: number): Promise<void>;
  /** Closes the file and renames it into the publish directory (removes it if it is empty). */
  publish(target: OpenFile): Promise<void>;
}

// zlib's thread pool: deflating a block overlaps with encoding the next records.
const deflateRawAsync = promisify(deflateRaw);

function errorCode(error: unknown): string | undefined {
  return (error as { code?: unknown } | null)?.code as string | undefined;
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

/** Creates the file writer of one sink. */
export function createFileWriter(options: FileWriterOptions): FileWriter {
  const { fs, publisher, recovery, codec, deflateLevel, logger, counters: m } = options;
  const workDir = options.workingDirectory;
  let file: OpenFile | undefined;
  let sequence = 0;

  async function openFile(now: number): Promise<OpenFile> {
    if (file) return file;
    for (;;) {
      const name = formatFileName({
        openedAt: now,
        prefix: options.prefix,
        hostname: options.hostname,
        sequence: sequence++,
      });
      if (await fs.exists(publisher.pathOf(name, now).path)) continue;
      const partialPath = join(workDir, name + PARTIAL_SUFFIX);
      let handle: FileSinkFileHandle;
      try {
        handle = await fs.open(partialPath, 'wx');
      } catch (error) {
        if (errorCode(error) === 'EEXIST') continue;
        throw error;
      }
      const sync = Buffer.from(options.createSyncMarker());
      if (sync.length !== SYNC_SIZE) {
        await handle.close();
        throw new FileSinkError('invalid_options', 'createSyncMarker must return 16 bytes.');
      }
      file = {
        handle,
        name,
        partialPath,
        openedAt: now,
        rollAt: (Math.floor(now / options.rollEveryMs) + 1) * options.rollEveryMs,
        header: encodeHeader(options.schemaJson, codec, sync),
        sync,
        bytes: 0,
        records: 0,
      };
      return file;
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
      // The new file's directory entry must survive a power loss too.
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

  async function publish(target: OpenFile): Promise<void> {
    if (file === target) file = undefined;
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

  return {
    get current() {
      return file;
    },
    openFile,
    appendBlock,
    publish,
  };
}
