import type { SinkContext } from './context';
import type { Sender } from './sender';
import type { EncodedRecord } from './spool';
import { createSpoolDeadline } from './spool-deadline';
import { spill } from './spooling';

/**
 * Sends one batch until it is acknowledged, or spools it (and the buffer) once it has gone
 * `spool.afterMs` without an acknowledgement, whether or not kafkajs's attempt has returned.
 */
export async function deliver(
  ctx: SinkContext,
  sender: Sender,
  batch: EncodedRecord[],
): Promise<void> {
  const { counters, logger } = ctx;
  ctx.inFlight = batch;
  const firstAttemptAt = Date.now();
  const deadline = createSpoolDeadline(ctx.spool === null ? Infinity : ctx.settings.spoolAfterMs);
  let attempt = 0;
  try {
    for (;;) {
      const outcome = await deadline.settle(sender.send(batch));
      if (outcome.type === 'acknowledged') {
        counters.sent += batch.length;
        if (attempt > 0)
          logger.info('kafka-sink: delivering again', {
            records: batch.length,
            attempts: attempt + 1,
          });
        ctx.consecutiveFailures = 0;
        ctx.failingSince = null;
        break;
      }
      ctx.failingSince ??= firstAttemptAt;
      if (outcome.type === 'failed') await sender.onFailure(outcome.error, batch.length, 'send');
      else abandon(ctx, sender, outcome.attempt, batch.length);
      if (!deadline.expired) {
        await deadline.sleep(sender.backoff());
        // The deadline cut the backoff short: its timer has nothing left to wake.
        sender.cancelBackoff();
      }
      if (deadline.expired) {
        const atHead = await spill(ctx, batch);
        if (outcome.type === 'overdue') ctx.abandonedAtHead = atHead ? batch.length : 0;
        return;
      }
      attempt += 1;
      counters.retried += batch.length;
    }
  } finally {
    deadline.cancel();
  }
  ctx.inFlight = [];
  ctx.settled += batch.length;
  ctx.roomFreed.notify();
  ctx.progress.notify();
}

/** Lets an attempt that outlived the deadline finish in the background, and records how. */
function abandon(ctx: SinkContext, sender: Sender, attempt: Promise<void>, records: number): void {
  ctx.abandoned = attempt.then(
    () => {
      ctx.logger.info(
        'kafka-sink: a send given up at the spool deadline was acknowledged after all',
        {
          records,
        },
      );
      return true;
    },
    async (error: unknown) => {
      await sender.onFailure(error, records, 'send given up at the spool deadline');
      return false;
    },
  );
}
