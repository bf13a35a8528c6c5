import type { SinkContext } from './context';
import { describeError } from './errors';
import type { EncodedRecord } from './spool';
import { KafkaSinkError } from '../kafka-sink-error';

/** Appends records to the open spool and counts them; rejects with `spool_failed`. */
export async function appendToSpool(ctx: SinkContext, records: EncodedRecord[]): Promise<void> {
  try {
    await ctx.spool!.append(records);
  } catch (cause) {
    throw new KafkaSinkError('spool_failed', 'Appending to the spool failed', { cause });
  }
  ctx.counters.spooled += records.length;
}

/**
 * Moves the failed batch and everything buffered behind it to the spool, in order. Returns
 * whether they were the spool's first records (its first append succeeded, before any writer's).
 */
export async function spill(ctx: SinkContext, batch: EncodedRecord[]): Promise<boolean> {
  const { logger } = ctx;
  ctx.state = 'spooling';
  ctx.spoolingSince = Date.now();
  const rest = ctx.buffer.drain();
  const records = rest.length === 0 ? batch : batch.concat(rest);
  logger.warn('kafka-sink: the broker stays unreachable; spooling to disk', {
    records: records.length,
  });
  let atHead = true;
  for (; ; atHead = false) {
    try {
      await appendToSpool(ctx, records);
      break;
    } catch (error) {
      // Nothing is lost while the records stay in memory: keep trying the disk.
      logger.error('kafka-sink: spooling failed; retrying', { error: describeError(error) });
      await new Promise((resolve) => setTimeout(resolve, ctx.settings.retryMaxMs));
    }
  }
  ctx.inFlight = [];
  ctx.settled += records.length;
  // Writers waiting for room now go to the spool.
  ctx.roomFreed.notify();
  ctx.progress.notify();
  return atHead;
}
