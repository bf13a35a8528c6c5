import type { Clock } from '@tributary/schema';
import type { FileWriter } from './file-writer';
import type { RecordBuffer } from './record-buffer';
import type { Recovery } from './recovery';

/** Options of {@link createRoller}. */
export interface RollerOptions {
  readonly buffer: RecordBuffer<unknown>;
  readonly writer: FileWriter;
  readonly recovery: Pick<Recovery, 'recoverAbandoned'>;
  readonly clock: Clock;
  readonly maxFileRecords: number;
  readonly maxFileBytes: number;
  /** Called when a sync ends, done or failed: its buffer space is free again. */
  readonly onBufferFreed: () => void;
}

/** Decides which buffered records go into which file, and when a file rolls. */
export interface Roller {
  /**
   * Writes every buffered record into files, as blocks, rolling a file when it holds
   * `maxFileRecords`, would grow past `maxFileBytes`, or its time is up; then publishes files
   * abandoned after earlier errors. On failure the unwritten records go back to the buffer.
   */
  sync(): Promise<void>;
  /** Syncs, then publishes the open file. */
  roll(): Promise<void>;
  /** When the open file rolls by time, if a file is open. */
  readonly rollAt: number | undefined;
}

// Room kept for a block's count and size varints and its sync marker.
const BLOCK_OVERHEAD = 40;

/** Creates the roller of one sink. */
export function createRoller(options: RollerOptions): Roller {
  const { buffer, writer, recovery, clock, maxFileRecords, maxFileBytes } = options;

  async function syncBuffered(): Promise<void> {
    if (buffer.count === 0) return;
    const batch = buffer.take();
    let done = 0;
    try {
      const count = batch.ends.length;
      while (done < count) {
        const current = await writer.openFile(clock());
        // As many records as the file may still take, at least one in an empty file.
        const start = done === 0 ? 0 : batch.ends[done - 1]!;
        let to = Math.min(count, done + (maxFileRecords - current.records));
        if (maxFileBytes !== Infinity) {
          const header = current.bytes === 0 ? current.header.length : 0;
          const room = maxFileBytes - current.bytes - header - BLOCK_OVERHEAD;
          let k = done;
          while (k < to && batch.ends[k]! - start <= room) k++;
          to = k;
        }
        if (to <= done) {
          if (current.records === 0) to = done + 1;
          else {
            await writer.publish(current);
            continue;
          }
        }
        await writer.appendBlock(current, batch, done, to);
        done = to;
        if (
          current.records >= maxFileRecords ||
          current.bytes >= maxFileBytes ||
          clock() >= current.rollAt
        ) {
          await writer.publish(current);
        }
      }
    } catch (error) {
      buffer.restore(batch, done);
      throw error;
    } finally {
      buffer.release();
      options.onBufferFreed();
    }
  }

  async function sync(): Promise<void> {
    await syncBuffered();
    // After the new records, so a file that cannot be published never holds them back.
    await recovery.recoverAbandoned();
  }

  return {
    sync,
    async roll() {
      await sync();
      const current = writer.current;
      if (current) await writer.publish(current);
    },
    get rollAt() {
      return writer.current?.rollAt;
    },
  };
}
