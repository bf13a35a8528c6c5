import type { SinkContext } from './context';
import { describeError } from './errors';
import type { Sender } from './sender';
import type { SpoolChunk } from './spool';

/**
 * Replays the spool in order. Returns true when it is empty (back online); false when a send
 * failed while the sink is closing (what is left stays on disk for the next run).
 */
export async function replay(ctx: SinkContext, sender: Sender): Promise<boolean> {
  const { counters, logger, settings } = ctx;
  // A function, so checks after an await are not narrowed away by the compiler.
  const isClosing = () => ctx.closing;
  while (ctx.state === 'spooling') {
    if (ctx.abandoned !== null) {
      // One producer, one send at a time: the attempt kafkajs still runs goes first.
      if (await ctx.abandoned) ctx.skipAtHead = ctx.abandonedAtHead;
      ctx.abandoned = null;
      ctx.abandonedAtHead = 0;
    }
    let chunk: SpoolChunk | null;
    try {
      chunk = await ctx.spool!.next(
        ctx.skipAtHead > 0 ? Math.min(ctx.skipAtHead, settings.batchSize) : settings.batchSize,
      );
    } catch (error) {
      // A disk error while reading: the data stays where it is; try again after a pause.
      logger.error('kafka-sink: reading the spool failed', { error: describeError(error) });
      if (isClosing()) return false;
      await sender.backoff();
      continue;
    }
    // An append may have started while `next` finished; its records must go out before new ones.
    if (chunk === null && ctx.spool!.hasData) continue;
    if (chunk === null) {
      ctx.state = 'online';
      ctx.spoolingSince = null;
      ctx.skipAtHead = 0;
      logger.info('kafka-sink: spool replayed; back online');
      ctx.roomFreed.notify();
      return true;
    }
    if (ctx.skipAtHead > 0) {
      // Delivered by the attempt given up at the deadline: mark them, do not send them again.
      ctx.skipAtHead -= chunk.records.length;
      counters.acknowledgedLate += chunk.records.length;
    } else {
      for (;;) {
        const attemptAt = Date.now();
        try {
          await sender.send(chunk.records);
          ctx.consecutiveFailures = 0;
          ctx.failingSince = null;
          break;
        } catch (error) {
          ctx.failingSince ??= attemptAt;
          await sender.onFailure(error, chunk.records.length, 'replay');
          if (isClosing()) return false;
          await sender.backoff();
          if (isClosing()) return false;
        }
      }
      counters.replayed += chunk.records.length;
    }
    try {
      await chunk.commit();
    } catch (error) {
      // Delivered but not marked: a later read sends the chunk again (at least once, never lost).
      logger.error('kafka-sink: recording replay progress failed', {
        error: describeError(error),
      });
    }
    ctx.progress.notify();
  }
  return true;
}
