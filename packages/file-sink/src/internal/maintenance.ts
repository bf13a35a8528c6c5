import type { Clock, Logger } from '@tributary/schema';
import type { FileSinkScheduler } from '../file-sink';
import type { RecordBuffer } from './record-buffer';
import type { Recovery } from './recovery';
import type { Roller } from './roller';

/** Options of {@link createMaintenance}. */
export interface MaintenanceOptions {
  readonly buffer: RecordBuffer<unknown>;
  readonly roller: Roller;
  readonly recovery: Pick<Recovery, 'hasAbandoned'>;
  readonly clock: Clock;
  readonly schedule: FileSinkScheduler;
  readonly logger: Logger | undefined;
  readonly counters: { errors: number };
  readonly syncEveryRecords: number;
  readonly syncEveryMs: number;
  readonly maxBufferedBytes: number;
  readonly retryDelayMs: number;
}

/**
 * When file work runs: one operation at a time, in order (open, syncs, rolls, flushes, close);
 * syncs and rolls when they are due, by count, size or time; retries after failures with
 * exponential backoff.
 */
export interface Maintenance {
  /** Runs `op` after every operation queued before it. */
  enqueue<T>(op: () => Promise<T>): Promise<T>;
  /**
   * Runs `op` on the queue for a caller who waits for it (flush, roll, close): a failure is
   * counted, logged, retried in the background, and rejects.
   */
  run(op: () => Promise<void>, what: string): Promise<void>;
  /** Called after records were buffered: syncs now if enough are, else makes sure a timer will. */
  buffered(): void;
  /** Stops the timers for good (the sink is closed). */
  stop(): void;
}

const MAX_RETRY_DELAY_MS = 30_000;

/** Creates the maintenance of one sink. */
export function createMaintenance(options: MaintenanceOptions): Maintenance {
  const { buffer, roller, recovery, clock, schedule, logger, counters } = options;
  const { syncEveryRecords, syncEveryMs, maxBufferedBytes, retryDelayMs } = options;
  let chain: Promise<unknown> = Promise.resolve();
  let syncQueued = false;
  let failures = 0;
  let retryAt = 0;
  let timer: { dueAt: number; cancel: () => void } | undefined;
  let stopped = false;

  function enqueue<T>(op: () => Promise<T>): Promise<T> {
    const result = chain.then(op);
    chain = result.catch(() => undefined);
    return result;
  }

  function succeeded(): void {
    failures = 0;
    retryAt = 0;
  }

  function failed(error: unknown, what: string): void {
    counters.errors += 1;
    failures += 1;
    const delay = Math.min(MAX_RETRY_DELAY_MS, retryDelayMs * 2 ** (failures - 1));
    retryAt = clock() + delay;
    logger?.warn(`file-sink: ${what} failed; retrying in ${delay} ms`, {
      error: error instanceof Error ? error.message : String(error),
      bufferedRecords: buffer.count,
    });
  }

  // Runs whatever is due: a sync, a time roll, a retry. Never rejects; failures are retried.
  async function maintain(): Promise<void> {
    syncQueued = false;
    const now = clock();
    const syncDue =
      buffer.count > 0 &&
      (buffer.count >= syncEveryRecords ||
        buffer.bytes >= maxBufferedBytes ||
        now >= buffer.firstAt + syncEveryMs);
    const rollAt = roller.rollAt;
    const rollDue = rollAt !== undefined && now >= rollAt;
    // While failing, only the backoff timer retries, however many writes arrive meanwhile.
    const waiting = failures > 0 && now < retryAt;
    if (!waiting && (syncDue || rollDue || failures > 0 || recovery.hasAbandoned())) {
      try {
        if (rollDue) await roller.roll();
        else await roller.sync();
        succeeded();
      } catch (error) {
        failed(error, rollDue ? 'roll' : 'sync');
      }
    }
    arm();
  }

  function arm(): void {
    if (stopped) return;
    let dueAt = Infinity;
    if (failures > 0) dueAt = retryAt;
    else {
      if (buffer.count > 0) dueAt = buffer.firstAt + syncEveryMs;
      dueAt = Math.min(dueAt, roller.rollAt ?? Infinity);
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

  return {
    enqueue,
    run: (op, what) =>
      enqueue(async () => {
        try {
          await op();
          succeeded();
        } catch (error) {
          failed(error, what);
          throw error;
        } finally {
          arm();
        }
      }),
    buffered() {
      if (buffer.count >= syncEveryRecords || buffer.bytes >= maxBufferedBytes) {
        if (syncQueued) return;
        syncQueued = true;
        void enqueue(maintain);
      } else arm();
    },
    stop() {
      stopped = true;
      timer?.cancel();
      timer = undefined;
    },
  };
}
