import kafkajs from 'kafkajs';
import type { Kafka, Producer } from 'kafkajs';
import type { SinkContext } from './context';
import { describeError, isRetriable } from './errors';
import type { EncodedRecord } from './spool';

/** The producer: sends one batch at a time, counts failures, and paces retries. */
export interface Sender {
  /** Sends one batch (connecting first when needed); records its latency when acknowledged. */
  send(batch: EncodedRecord[]): Promise<void>;
  /** Counts and logs a failed attempt; drops the producer every third failure or a fatal one. */
  onFailure(error: unknown, records: number, phase: string): Promise<void>;
  /** Waits before the next attempt: doubles from `retry.initialMs` up to `retry.maxMs`. */
  backoff(): Promise<void>;
  /** Ends the current backoff now. */
  cancelBackoff(): void;
  /** A fresh producer after repeated failures, in case the old one's idempotence state is stuck. */
  dropProducer(): Promise<void>;
}

/** Creates the {@link Sender} producing with `kafka`. */
export function createSender(ctx: SinkContext, kafka: Kafka): Sender {
  const { settings, logger } = ctx;
  let producer: Producer | null = null;
  let producerConnected = false;
  let backoffTimer: { cancel(): void } | null = null;

  async function ensureProducer(): Promise<Producer> {
    if (producer !== null && producerConnected) return producer;
    producer ??= kafka.producer({
      idempotent: settings.idempotent,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: true,
      createPartitioner: kafkajs.Partitioners.DefaultPartitioner,
      retry: {
        retries: settings.kafkaRetries,
        initialRetryTime: settings.retryInitialMs,
        maxRetryTime: settings.retryMaxMs,
      },
    });
    await producer.connect();
    producerConnected = true;
    return producer;
  }

  async function dropProducer(): Promise<void> {
    const old = producer;
    producer = null;
    producerConnected = false;
    if (old !== null) await old.disconnect().catch(() => undefined);
  }

  async function send(batch: EncodedRecord[]): Promise<void> {
    const p = await ensureProducer();
    const began = performance.now();
    await p.send({
      topic: ctx.topic,
      messages: batch,
      acks: settings.acks,
      compression: settings.compression,
      timeout: settings.requestTimeoutMs,
    });
    ctx.latency.record(performance.now() - began);
  }

  async function onFailure(error: unknown, records: number, phase: string): Promise<void> {
    ctx.counters.failed += records;
    ctx.consecutiveFailures += 1;
    logger.warn(`kafka-sink: ${phase} failed`, {
      error: describeError(error),
      records,
      consecutiveFailures: ctx.consecutiveFailures,
    });
    if (ctx.consecutiveFailures % 3 === 0 || !isRetriable(error)) await dropProducer();
  }

  function backoff(): Promise<void> {
    const ms = Math.min(
      settings.retryMaxMs,
      settings.retryInitialMs * 2 ** Math.min(ctx.consecutiveFailures - 1, 20),
    );
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      backoffTimer = {
        cancel() {
          clearTimeout(timer);
          resolve();
        },
      };
    }).finally(() => {
      backoffTimer = null;
    });
  }

  function cancelBackoff(): void {
    backoffTimer?.cancel();
  }

  return { send, onFailure, backoff, cancelBackoff, dropProducer };
}
