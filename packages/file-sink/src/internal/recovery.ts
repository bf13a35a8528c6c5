import { basename, join } from 'node:path';
import type { Clock, Logger } from '@tributary/schema';
import type { FileSinkFileHandle, FileSinkFileSystem } from '../file-system';
import { SYNC_SIZE } from './container';
import { scanContainer } from './container-scan';
import { parseStamp, PARTIAL_SUFFIX } from './file-names';
import type { Publisher } from './publisher';

/** The counters recovery adds to (the sink's metrics). */
export interface RecoveryCounters {
  filesRecovered: number;
  recordsRecovered: number;
  filesDiscarded: number;
  filesSetAside: number;
}

/** Options of {@link createRecovery}. */
export interface RecoveryOptions {
  readonly fs: FileSinkFileSystem;
  readonly workingDirectory: string;
  readonly publisher: Publisher;
  /** Matches this sink's own partial files and captures their stamp. */
  readonly ownPartial: RegExp;
  readonly clock: Clock;
  readonly logger: Logger | undefined;
  readonly counters: RecoveryCounters;
  /**
   * The header this sink writes, up to its sync marker: a partial file that is a prefix of it
   * (and of its marker) is a first write a crash cut short, not a damaged header.
   */
  readonly headerPrefix: Buffer;
}

/** Publishes what partial files hold: those an earlier run left, and those this run gave up on. */
export interface Recovery {
  /** Recovers every partial file of this sink in the working directory (at open). */
  recoverWorkingDirectory(): Promise<void>;
  /** Takes a partial file this run abandoned after an I/O error, for {@link recoverAbandoned}. */
  adopt(partialPath: string): void;
  /** Whether abandoned files wait. */
  hasAbandoned(): boolean;
  /** Recovers the abandoned files, oldest first; a failure leaves the rest for the next call. */
  recoverAbandoned(): Promise<void>;
}

// Damaged bytes are never deleted: they are renamed or copied next to the partial file under a
// name recovery does not match again, so a person can look at them.
const SET_ASIDE_SUFFIX = '.corrupt';
const COPY_CHUNK = 1024 * 1024;

function errorCode(error: unknown): string | undefined {
  return (error as { code?: unknown } | null)?.code as string | undefined;
}

/**
 * Creates the recovery of one sink. A partial file is scanned strictly (see `scanContainer`) and
 * then, by what ends its valid prefix:
 * - a torn end (a crash mid-write; zeros or garbage after a power loss; no sync marker after it):
 *   it is cut off and the file published; a file without a whole block, or with only this sink's
 *   header cut short, is removed (it never completed a sync);
 * - damage (a block that does not read with sync markers after it, or a header that is not one):
 *   the rest from the damage on is copied to `<partial>.corrupt-at-<offset>` in the working
 *   directory, then the file is cut and published; without a whole block the whole file is
 *   renamed to `<partial>.corrupt`. Strict readers could not read past the damage either, and
 *   nothing that may hold synced records is deleted.
 */
export function createRecovery(options: RecoveryOptions): Recovery {
  const { fs, publisher, ownPartial, clock, logger, counters } = options;
  const abandoned: string[] = [];

  async function setAside(partialPath: string, why: string): Promise<void> {
    let target = partialPath + SET_ASIDE_SUFFIX;
    for (let k = 1; await fs.exists(target); k++) target = `${partialPath}${SET_ASIDE_SUFFIX}-${k}`;
    await fs.rename(partialPath, target);
    counters.filesSetAside += 1;
    logger?.warn(`file-sink: ${why}; kept as ${target}`, { path: target });
  }

  // Copies bytes [from, size) of `source` to a new file next to it.
  async function copyTail(
    source: FileSinkFileHandle,
    partialPath: string,
    from: number,
    size: number,
  ) {
    const path = `${partialPath}${SET_ASIDE_SUFFIX}-at-${from}`;
    await fs.unlink(path).catch((error: unknown) => {
      // A copy an earlier attempt left half-done; the rest is still in the partial file.
      if (errorCode(error) !== 'ENOENT') throw error;
    });
    const target = await fs.open(path, 'wx');
    try {
      const chunk = Buffer.allocUnsafe(Math.min(COPY_CHUNK, size - from));
      for (let at = from; at < size;) {
        const { bytesRead } = await source.read(chunk, 0, Math.min(chunk.length, size - at), at);
        if (bytesRead === 0) break;
        let written = 0;
        while (written < bytesRead) {
          const { bytesWritten } = await target.writev(
            [chunk.subarray(written, bytesRead)],
            at - from + written,
          );
          written += bytesWritten;
        }
        at += bytesRead;
      }
      await target.datasync();
    } finally {
      await target.close();
    }
    counters.filesSetAside += 1;
    logger?.warn(`file-sink: damaged bytes after the last valid block kept as ${path}`, { path });
  }

  // Whether the file is this sink's header cut short: a crash during the file's first write.
  async function isTornHeader(handle: FileSinkFileHandle, size: number): Promise<boolean> {
    const { headerPrefix } = options;
    if (size >= headerPrefix.length + SYNC_SIZE) return false;
    const bytes = Buffer.alloc(Math.min(size, headerPrefix.length));
    await handle.read(bytes, 0, bytes.length, 0);
    return bytes.equals(headerPrefix.subarray(0, bytes.length));
  }

  async function recoverFile(partialPath: string, openedAt: number): Promise<void> {
    const handle = await fs.open(partialPath, 'r+');
    let scan;
    try {
      const { size } = await handle.stat();
      scan = await scanContainer(handle, size);
      if (!scan.header && scan.end === 'damaged' && (await isTornHeader(handle, size))) {
        scan = { ...scan, end: 'torn' as const };
      }
      if (scan.records > 0 && scan.validLength < size) {
        if (scan.end === 'damaged') await copyTail(handle, partialPath, scan.validLength, size);
        await handle.truncate(scan.validLength);
        await handle.datasync();
      }
    } finally {
      await handle.close();
    }
    if (scan.records === 0) {
      if (scan.end === 'damaged') {
        const what = scan.header ? 'no block strict readers can read' : 'no valid header';
        await setAside(partialPath, `${partialPath} has ${what}`);
      } else {
        // Nothing was ever synced into it: a crash during its first write.
        await fs.unlink(partialPath);
        counters.filesDiscarded += 1;
      }
      return;
    }
    const name = basename(partialPath).slice(0, -PARTIAL_SUFFIX.length);
    const path = await publisher.publish(partialPath, name, openedAt, true);
    counters.filesRecovered += 1;
    counters.recordsRecovered += scan.records;
    logger?.info('file-sink: recovered a partial file', { path, records: scan.records });
  }

  const stampOf = (partialPath: string): number | undefined => {
    const stamp = ownPartial.exec(basename(partialPath))?.[1];
    return stamp === undefined ? undefined : parseStamp(stamp);
  };

  return {
    async recoverWorkingDirectory() {
      const dir = options.workingDirectory;
      for (const name of (await fs.readdir(dir)).sort()) {
        const openedAt = stampOf(name);
        if (openedAt !== undefined) await recoverFile(join(dir, name), openedAt);
      }
    },
    adopt(partialPath) {
      abandoned.push(partialPath);
    },
    hasAbandoned: () => abandoned.length > 0,
    async recoverAbandoned() {
      while (abandoned.length > 0) {
        const path = abandoned[0]!;
        try {
          await recoverFile(path, stampOf(path) ?? clock());
        } catch (error) {
          // Gone already (someone moved it): nothing left to publish. Anything else is retried.
          if (errorCode(error) !== 'ENOENT') throw error;
        }
        abandoned.shift();
      }
    },
  };
}
