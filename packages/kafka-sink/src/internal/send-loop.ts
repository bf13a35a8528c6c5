import type { SinkContext } from './context';
import { deliver } from './delivery';
import { replay } from './replay';
import type { Sender } from './sender';
import { delay } from './signal';

/**
 * The one sender: replays the spool while spooling, otherwise sends full batches, or partial
 * ones after `lingerMs` or for a flush; returns once the sink stops.
 */
export async function runSendLoop(ctx: SinkContext, sender: Sender): Promise<void> {
  const { buffer, settings } = ctx;
  for (;;) {
    if (ctx.state === 'spooling') {
      // While closing, the spool is still drained as long as the broker takes it.
      if (!(await replay(ctx, sender))) return;
      continue;
    }
    if (ctx.stopping) return;
    if (buffer.count === 0) {
      await ctx.wakeSender.wait();
      continue;
    }
    if (buffer.count < settings.batchSize && ctx.flushTarget <= ctx.settled) {
      const wait = buffer.firstBufferedAt + settings.lingerMs - performance.now();
      if (wait > 0) {
        await Promise.race([ctx.wakeSender.wait(), delay(wait)]);
        continue;
      }
    }
    const batch = buffer.take(settings.batchSize, settings.batchBytes);
    // Room is free as soon as records leave the buffer: writers encode the next batch while this one is sent.
    ctx.roomFreed.notify();
    await deliver(ctx, sender, batch);
  }
}
