import type { Logger } from '@tributary/schema';
import type { KafkaSinkState } from '../kafka-sink';
import { LatencyRecorder } from './latency';
import { createCounters, type SinkCounters } from './metrics';
import type { ResolvedOptions } from './options';
import { RecordBuffer } from './record-buffer';
import { createSignal, type Signal } from './signal';
import type { EncodedRecord, Spool } from './spool';

/** The state one sink's modules share: the factory creates it, the modules read and move it. */
export interface SinkContext {
  readonly settings: ResolvedOptions;
  readonly logger: Logger;
  readonly topic: string;
  readonly buffer: RecordBuffer;
  readonly counters: SinkCounters;
  readonly latency: LatencyRecorder;
  /** Records arrived, a batch filled, a flush began or the sink is stopping. */
  readonly wakeSender: Signal;
  /** Records left the buffer (or it no longer matters: spooling, closed). */
  readonly roomFreed: Signal;
  /** `settled` grew. */
  readonly progress: Signal;
  state: KafkaSinkState;
  spool: Spool | null;
  consecutiveFailures: number;
  failingSince: number | null;
  spoolingSince: number | null;
  /** The batch being sent. */
  inFlight: EncodedRecord[];
  /** Records taken by `write`. */
  accepted: number;
  /** Records acknowledged or spooled. */
  settled: number;
  /** `flush` wants `settled` to reach this: partial batches go out without lingering. */
  flushTarget: number;
  /**
   * A send given up at the spool deadline while kafkajs still runs it: resolves to whether the
   * broker acknowledged it after all. Replay waits for it, then skips the `abandonedAtHead`
   * records it delivered (the batch spilled first into an empty spool, so they head it).
   */
  abandoned: Promise<boolean> | null;
  abandonedAtHead: number;
  /** Records at the spool's head that replay marks acknowledged late instead of sending. */
  skipAtHead: number;
  closing: boolean;
  stopping: boolean;
}

/** A context for a sink that has not started. */
export function createSinkContext(
  settings: ResolvedOptions,
  logger: Logger,
  topic: string,
): SinkContext {
  return {
    settings,
    logger,
    topic,
    buffer: new RecordBuffer(settings.maxBufferedRecords, settings.maxBufferedBytes),
    counters: createCounters(),
    latency: new LatencyRecorder(),
    wakeSender: createSignal(),
    roomFreed: createSignal(),
    progress: createSignal(),
    state: 'online',
    spool: null,
    consecutiveFailures: 0,
    failingSince: null,
    spoolingSince: null,
    inFlight: [],
    accepted: 0,
    settled: 0,
    flushTarget: 0,
    abandoned: null,
    abandonedAtHead: 0,
    skipAtHead: 0,
    closing: false,
    stopping: false,
  };
}
