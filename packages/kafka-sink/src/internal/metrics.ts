import type { KafkaSinkMetrics } from '../kafka-sink';
import type { SinkContext } from './context';

/** The counters behind {@link KafkaSinkMetrics}, in records. */
export interface SinkCounters {
  sent: number;
  retried: number;
  failed: number;
  spooled: number;
  replayed: number;
  acknowledgedLate: number;
}

/** Counters at zero. */
export function createCounters(): SinkCounters {
  return { sent: 0, retried: 0, failed: 0, spooled: 0, replayed: 0, acknowledgedLate: 0 };
}

/** A snapshot of the counters and the sink's state. */
export function snapshotMetrics(ctx: SinkContext): KafkaSinkMetrics {
  return {
    ...ctx.counters,
    buffered: ctx.buffer.count + ctx.inFlight.length,
    spoolBytes: ctx.spool?.bytes ?? 0,
    state: ctx.state,
    failingSince: ctx.failingSince,
    spoolingSince: ctx.spoolingSince,
    sendLatency: ctx.latency.summary(),
  };
}
