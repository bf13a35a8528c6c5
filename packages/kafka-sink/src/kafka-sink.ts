import kafkajs from 'kafkajs';
import type { Kafka, Producer } from 'kafkajs';
import snappyCodec from 'kafkajs-snappy';
import type {
  AvroRecordSchema,
  Logger,
  RecordDeclaration,
  Sink,
  SinkRecord,
} from '@tributary/schema';
import { createAvroValueCodec, type AvroValueCodec } from './avro-value-codec';
import { KafkaSinkError } from './kafka-sink-error';
import { registerSchema, type FetchLike } from './register-schema';
import { LatencyRecorder, type LatencySummary } from './internal/latency';
import { Spool, type EncodedRecord, type SpoolChunk } from './internal/spool';
import { createSpoolDeadline } from './internal/spool-deadline';
import { resolveOptions, silentLogger } from './internal/options';
import { createSignal, delay } from './internal/signal';
import { describeError, isRetriable } from './internal/errors';

/**
 * The value framing: `naked` Avro (Divolte's default), Confluent framing with a fixed schema id
 * (Divolte's `confluent_id`), or Confluent framing with the id the registry gives when the sink
 * registers the schema on first use.
 */
export type KafkaValueFormat =
  | { readonly type: 'naked' }
  | { readonly type: 'confluent'; readonly schemaId: number }
  | { readonly type: 'confluent'; readonly registry: KafkaSinkRegistryOptions };

/** Where and how to register the value schema. */
export interface KafkaSinkRegistryOptions {
  /** Base URL of the Confluent-compatible API (Apicurio: `http://host:port/apis/ccompat/v7`). */
  readonly url: string;
  /**
   * The subject to register under.
   * @default `${topic}-value` (Confluent's TopicNameStrategy)
   */
  readonly subject?: string;
  /**
   * The HTTP client.
   * @default globalThis.fetch
   */
  readonly fetch?: FetchLike;
}

/** The durable overflow used when the broker stays unreachable. */
export interface KafkaSinkSpoolOptions {
  /** A directory on local disk owned by this sink (created if missing). What an earlier run left there is replayed first. */
  readonly directory: string;
  /**
   * Spool once the oldest unacknowledged batch has gone this long without an acknowledgement,
   * counted from its first send attempt. The sink keeps its own timer: it spools on time even
   * while a kafkajs attempt is still retrying inside the client (an attempt against a dead broker
   * lasts 9-21 s with kafkajs's default `retry`, `connectionTimeout` and `requestTimeout`). The
   * batch goes to the spool with the rest of the buffer; should the attempt kafkajs was still
   * running be acknowledged after all, replay skips those records (see `acknowledgedLate`).
   * @default 10000
   */
  readonly afterMs?: number;
  /**
   * Start a new segment file after this many bytes; delivered segments are deleted.
   * @default 16777216
   */
  readonly segmentBytes?: number;
}

/** Compression codecs: `gzip` is built into kafkajs, `snappy` comes from the `kafkajs-snappy` codec. */
export type KafkaSinkCompression = 'none' | 'gzip' | 'snappy';

/** Options of {@link createKafkaSink}. */
export interface KafkaSinkOptions<TRecord> {
  /** A kafkajs client (`new Kafka({ brokers, clientId })`); the sink creates its producer from it. */
  readonly kafka: Kafka;
  /** The topic records go to. Create it beforehand: auto-creation makes the first sends fail and retry. */
  readonly topic: string;
  /** The record declaration (`divolteEventRecord`, `defineRecord(…)`) or a plain Avro record schema. */
  readonly schema: RecordDeclaration<TRecord> | AvroRecordSchema;
  /**
   * How values are framed.
   * @default { type: 'naked' }
   */
  readonly format?: KafkaValueFormat;
  /**
   * Compression of record batches.
   * @default 'none'
   */
  readonly compression?: KafkaSinkCompression;
  /**
   * Acknowledgements: -1 (all in-sync replicas), 1 (the leader) or 0 (none). An idempotent producer needs -1.
   * @default -1
   */
  readonly acks?: -1 | 0 | 1;
  /**
   * Use Kafka's idempotent producer: the broker drops duplicates of a retried batch.
   * @default true
   */
  readonly idempotent?: boolean;
  /**
   * The most records in one produce request. kafkajs groups a request's messages with a copy per
   * message (quadratic in the messages per partition), so much larger batches get slower.
   * @default 1000
   */
  readonly batchSize?: number;
  /**
   * The most uncompressed value and key bytes in one produce request; keep it below the broker's
   * `message.max.bytes` (1 MiB by default), which bounds one partition's record batch.
   * @default 900000
   */
  readonly batchBytes?: number;
  /**
   * How long a partial batch waits for more records before it is sent.
   * @default 5
   */
  readonly lingerMs?: number;
  /**
   * The bounded buffer, in records: `write` waits (backpressure) while it is full. A small
   * multiple of `batchSize` keeps one batch in flight and the next one ready; larger buffers only
   * add garbage-collection work.
   * @default 5000
   */
  readonly maxBufferedRecords?: number;
  /**
   * The bounded buffer, in key and value bytes.
   * @default 16777216
   */
  readonly maxBufferedBytes?: number;
  /**
   * The largest accepted record (key plus value bytes); larger ones make `write` reject.
   * @default 1000000
   */
  readonly maxRecordBytes?: number;
  /**
   * Backoff between attempts at a failed batch: doubles from `initialMs` up to `maxMs`. kafkajs
   * itself retries each send `kafkaRetries` times before the sink's own retry takes over.
   * @default { initialMs: 100, maxMs: 5000, kafkaRetries: 2 }
   */
  readonly retry?: {
    readonly initialMs?: number;
    readonly maxMs?: number;
    readonly kafkaRetries?: number;
  };
  /**
   * The durable spool. Without it, records wait in the bounded buffer (and `write` blocks) for as
   * long as the broker is unreachable, and `flush`/`close` wait for the broker.
   */
  readonly spool?: KafkaSinkSpoolOptions;
  /**
   * Broker-side acknowledgement timeout of one produce request, in ms.
   * @default 30000
   */
  readonly requestTimeoutMs?: number;
  /**
   * Receives failures and state changes.
   * @default no logging
   */
  readonly logger?: Logger;
}

/** Where the sink is. */
export type KafkaSinkState = 'online' | 'spooling' | 'closed';

/** Counters since the sink was created. */
export interface KafkaSinkMetrics {
  /** Records acknowledged by the broker on their first attempt or a retry (not replays). */
  readonly sent: number;
  /** Records sent again after a failed attempt. */
  readonly retried: number;
  /** Records in send attempts that failed (each failed attempt counts its records). */
  readonly failed: number;
  /** Records written to the disk spool. */
  readonly spooled: number;
  /** Records read back from the spool and acknowledged by the broker. */
  readonly replayed: number;
  /** Records waiting in the in-memory buffer or in flight. */
  readonly buffered: number;
  /**
   * Records spooled at the deadline whose send kafkajs was still running and that the broker then
   * acknowledged after all: replay skips them. Every spooled record ends up replayed or here.
   */
  readonly acknowledgedLate: number;
  /** Bytes in the spool not yet replayed. */
  readonly spoolBytes: number;
  readonly state: KafkaSinkState;
  /**
   * When (epoch ms) the first send attempt of the failing batch began, the instant `spool.afterMs`
   * counts from; set once an attempt fails or outlives the deadline, `null` again after an
   * acknowledgement.
   */
  readonly failingSince: number | null;
  /** When (epoch ms) the sink began spooling; `null` while online. */
  readonly spoolingSince: number | null;
  /** Duration of successful produce requests. */
  readonly sendLatency: LatencySummary;
}

/** A {@link Sink} that produces to Kafka, with metrics. */
export interface KafkaSink<TRecord> extends Sink<TRecord> {
  /**
   * Opens the spool, registers the schema and connects the producer now rather than on the first
   * `write`; rejects only for the spool or the registry (the broker may come later).
   */
  start(): Promise<void>;
  /** A snapshot of the counters. */
  metrics(): KafkaSinkMetrics;
}

/**
 * Creates a Kafka sink: records keyed by `SinkRecord.key` (the party id), stamped with
 * `SinkRecord.timestamp`, Avro values. Accepted records are sent in order per key, retried, and
 * spooled to disk when the broker stays away; none is dropped.
 *
 * @example
 * ```ts
 * const sink = createKafkaSink({
 *   kafka: new Kafka({ clientId: 'collector', brokers: ['127.0.0.1:9092'] }),
 *   topic: 'divolte',
 *   schema: divolteEventRecord,
 *   spool: { directory: '/var/spool/tributary' },
 * });
 * await sink.write([{ key: partyId, timestamp: Date.now(), value: record }]);
 * await sink.close();
 * ```
 */
export function createKafkaSink<TRecord>(options: KafkaSinkOptions<TRecord>): KafkaSink<TRecord> {
  const settings = resolveOptions(options);
  const schema: AvroRecordSchema =
    'fullName' in options.schema ? options.schema.schema : options.schema;
  const logger = options.logger ?? silentLogger;
  const topic = options.topic;
  // Fails now, not on the first write, when the schema is unusable.
  createAvroValueCodec({ schema });

  let codec: AvroValueCodec<TRecord> | null =
    settings.format.type === 'naked'
      ? createAvroValueCodec<TRecord>({ schema })
      : 'schemaId' in settings.format
        ? createAvroValueCodec<TRecord>({ schema, wireFormat: settings.format })
        : null;

  let state: KafkaSinkState = 'online';
  let spool: Spool | null = null;
  let starting: Promise<void> | null = null;
  let startError: unknown = null;
  let producer: Producer | null = null;
  let producerConnected = false;
  let consecutiveFailures = 0;
  let failingSince: number | null = null;
  let spoolingSince: number | null = null;
  // A send given up at the spool deadline while kafkajs still runs it: resolves to whether the
  // broker acknowledged it after all. Replay waits for it, then skips the `abandonedAtHead` records
  // it delivered (the batch spilled first into an empty spool, so they head it).
  let abandoned: Promise<boolean> | null = null;
  let abandonedAtHead = 0;
  let skipAtHead = 0;
  let closing = false;
  let stopping = false;
  // A function, so checks after an await are not narrowed away by the compiler.
  const isClosing = () => closing;
  let closed: Promise<void> | null = null;

  // The buffer: records accepted and not yet sent; `inFlight` is the batch being sent.
  // A queue: `buffer[head..]` waits; the consumed prefix is dropped in bulk, not per batch.
  let buffer: EncodedRecord[] = [];
  let head = 0;
  const bufferedCount = () => buffer.length - head;
  let bufferedBytes = 0;
  let inFlight: EncodedRecord[] = [];
  let firstBufferedAt = 0;
  let accepted = 0;
  let settled = 0;
  let flushTarget = 0;
  const writesInProgress = new Set<Promise<void>>();

  const counters = {
    sent: 0,
    retried: 0,
    failed: 0,
    spooled: 0,
    replayed: 0,
    acknowledgedLate: 0,
  };
  const latency = new LatencyRecorder();
  const wakeSender = createSignal();
  const roomFreed = createSignal();
  const progress = createSignal();
  let loop: Promise<void> | null = null;
  let backoffTimer: { cancel(): void } | null = null;

  if (settings.compression === kafkajs.CompressionTypes.Snappy) {
    // kafkajs keeps codecs in a global table; registering the same codec again is harmless.
    kafkajs.CompressionCodecs[kafkajs.CompressionTypes.Snappy] = snappyCodec;
  }

  function start(): Promise<void> {
    if (startError === null && starting !== null) return starting;
    startError = null;
    starting = (async () => {
      if (options.spool !== undefined && spool === null) {
        try {
          spool = await Spool.open(options.spool.directory, settings.segmentBytes);
        } catch (cause) {
          throw new KafkaSinkError(
            'spool_failed',
            `Cannot open the spool in ${options.spool.directory}`,
            { cause },
          );
        }
        if (spool.hasData) {
          logger.info('kafka-sink: replaying records spooled by an earlier run', {
            bytes: spool.bytes,
          });
          state = 'spooling';
          spoolingSince = Date.now();
        }
      }
      if (codec === null && settings.format.type === 'confluent' && 'registry' in settings.format) {
        const registry = settings.format.registry;
        const schemaId = await registerSchema({
          url: registry.url,
          subject: registry.subject ?? `${topic}-value`,
          schema,
          ...(registry.fetch === undefined ? {} : { fetch: registry.fetch }),
        });
        codec = createAvroValueCodec<TRecord>({
          schema,
          wireFormat: { type: 'confluent', schemaId },
        });
      }
      loop ??= runLoop().catch((error: unknown) => {
        logger.error('kafka-sink: the sender stopped', { error });
      });
    })().catch((error: unknown) => {
      startError = error;
      throw error;
    });
    return starting;
  }

  function encode(
    records: readonly SinkRecord<TRecord>[],
    encoder: AvroValueCodec<TRecord>,
  ): EncodedRecord[] {
    const encoded = new Array<EncodedRecord>(records.length);
    for (let i = 0; i < records.length; i++) {
      const record = records[i]!;
      const value = encoder.encode(record.value);
      const key = record.key === null ? null : Buffer.from(record.key, 'utf8');
      const size = value.length + (key?.length ?? 0);
      if (size > settings.maxRecordBytes) {
        throw new KafkaSinkError(
          'record_too_large',
          `A record of ${size} bytes exceeds maxRecordBytes (${settings.maxRecordBytes})`,
        );
      }
      if (!Number.isSafeInteger(record.timestamp) || record.timestamp < 0) {
        throw new KafkaSinkError(
          'unencodable_record',
          `Not a timestamp in ms: ${record.timestamp}`,
        );
      }
      encoded[i] = { key, value, timestamp: String(record.timestamp) };
    }
    return encoded;
  }

  async function write(records: readonly SinkRecord<TRecord>[]): Promise<void> {
    if (closing) throw new KafkaSinkError('closed', 'The sink is closed');
    if (records.length === 0) return;
    const task = accept(records);
    writesInProgress.add(task);
    try {
      await task;
    } finally {
      writesInProgress.delete(task);
    }
  }

  async function accept(records: readonly SinkRecord<TRecord>[]): Promise<void> {
    await start();
    const encoded = encode(records, codec!);
    let index = 0;
    while (index < encoded.length) {
      if (state === 'spooling') {
        const rest = index === 0 ? encoded : encoded.slice(index);
        await appendToSpool(rest);
        accepted += rest.length;
        settled += rest.length;
        progress.notify();
        return;
      }
      if (
        bufferedCount() >= settings.maxBufferedRecords ||
        bufferedBytes >= settings.maxBufferedBytes
      ) {
        await roomFreed.wait();
        continue;
      }
      const record = encoded[index++]!;
      if (bufferedCount() === 0) firstBufferedAt = performance.now();
      buffer.push(record);
      bufferedBytes += record.value.length + (record.key?.length ?? 0);
      accepted += 1;
      const waiting = bufferedCount();
      if (waiting === 1 || waiting === settings.batchSize) wakeSender.notify();
    }
  }

  async function appendToSpool(records: EncodedRecord[]): Promise<void> {
    try {
      await spool!.append(records);
    } catch (cause) {
      throw new KafkaSinkError('spool_failed', 'Appending to the spool failed', { cause });
    }
    counters.spooled += records.length;
  }

  function takeBatch(): EncodedRecord[] {
    let count = 0;
    let bytes = 0;
    const available = bufferedCount();
    while (count < available && count < settings.batchSize) {
      const record = buffer[head + count]!;
      const size = record.value.length + (record.key?.length ?? 0);
      if (count > 0 && bytes + size > settings.batchBytes) break;
      bytes += size;
      count += 1;
    }
    const batch = buffer.slice(head, head + count);
    head += count;
    if (head === buffer.length) {
      buffer = [];
      head = 0;
    } else if (head >= 4096 && head * 2 >= buffer.length) {
      buffer = buffer.slice(head);
      head = 0;
    }
    bufferedBytes -= bytes;
    if (bufferedCount() > 0) firstBufferedAt = performance.now();
    // Room is free as soon as records leave the buffer: writers encode the next batch while this one is sent.
    roomFreed.notify();
    return batch;
  }

  async function ensureProducer(): Promise<Producer> {
    if (producer !== null && producerConnected) return producer;
    producer ??= options.kafka.producer({
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

  /** A fresh producer after repeated failures, in case the old one's idempotence state is stuck. */
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
      topic,
      messages: batch,
      acks: settings.acks,
      compression: settings.compression,
      timeout: settings.requestTimeoutMs,
    });
    latency.record(performance.now() - began);
  }

  async function onFailure(error: unknown, records: number, phase: string): Promise<void> {
    counters.failed += records;
    consecutiveFailures += 1;
    logger.warn(`kafka-sink: ${phase} failed`, {
      error: describeError(error),
      records,
      consecutiveFailures,
    });
    if (consecutiveFailures % 3 === 0 || !isRetriable(error)) await dropProducer();
  }

  function backoff(): Promise<void> {
    const ms = Math.min(
      settings.retryMaxMs,
      settings.retryInitialMs * 2 ** Math.min(consecutiveFailures - 1, 20),
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

  /**
   * Sends one batch until it is acknowledged, or spools it (and the buffer) once it has gone
   * `spool.afterMs` without an acknowledgement, whether or not kafkajs's attempt has returned.
   */
  async function deliver(batch: EncodedRecord[]): Promise<void> {
    inFlight = batch;
    const firstAttemptAt = Date.now();
    const deadline = createSpoolDeadline(spool === null ? Infinity : settings.spoolAfterMs);
    let attempt = 0;
    try {
      for (;;) {
        const outcome = await deadline.settle(send(batch));
        if (outcome.type === 'acknowledged') {
          counters.sent += batch.length;
          if (attempt > 0)
            logger.info('kafka-sink: delivering again', {
              records: batch.length,
              attempts: attempt + 1,
            });
          consecutiveFailures = 0;
          failingSince = null;
          break;
        }
        failingSince ??= firstAttemptAt;
        if (outcome.type === 'failed') await onFailure(outcome.error, batch.length, 'send');
        else abandon(outcome.attempt, batch.length);
        if (!deadline.expired) {
          await deadline.sleep(backoff());
          // The deadline cut the backoff short: its timer has nothing left to wake.
          backoffTimer?.cancel();
        }
        if (deadline.expired) {
          const atHead = await spill(batch);
          if (outcome.type === 'overdue') abandonedAtHead = atHead ? batch.length : 0;
          return;
        }
        attempt += 1;
        counters.retried += batch.length;
      }
    } finally {
      deadline.cancel();
    }
    inFlight = [];
    settled += batch.length;
    roomFreed.notify();
    progress.notify();
  }

  /** Lets an attempt that outlived the deadline finish in the background, and records how. */
  function abandon(attempt: Promise<void>, records: number): void {
    abandoned = attempt.then(
      () => {
        logger.info(
          'kafka-sink: a send given up at the spool deadline was acknowledged after all',
          {
            records,
          },
        );
        return true;
      },
      async (error: unknown) => {
        await onFailure(error, records, 'send given up at the spool deadline');
        return false;
      },
    );
  }

  /**
   * Moves the failed batch and everything buffered behind it to the spool, in order. Returns
   * whether they were the spool's first records (its first append succeeded, before any writer's).
   */
  async function spill(batch: EncodedRecord[]): Promise<boolean> {
    state = 'spooling';
    spoolingSince = Date.now();
    const rest = buffer.slice(head);
    buffer = [];
    head = 0;
    bufferedBytes = 0;
    const records = rest.length === 0 ? batch : batch.concat(rest);
    logger.warn('kafka-sink: the broker stays unreachable; spooling to disk', {
      records: records.length,
    });
    let atHead = true;
    for (; ; atHead = false) {
      try {
        await appendToSpool(records);
        break;
      } catch (error) {
        // Nothing is lost while the records stay in memory: keep trying the disk.
        logger.error('kafka-sink: spooling failed; retrying', { error: describeError(error) });
        await new Promise((resolve) => setTimeout(resolve, settings.retryMaxMs));
      }
    }
    inFlight = [];
    settled += records.length;
    // Writers waiting for room now go to the spool.
    roomFreed.notify();
    progress.notify();
    return atHead;
  }

  /**
   * Replays the spool in order. Returns true when it is empty (back online); false when a send
   * failed while the sink is closing (what is left stays on disk for the next run).
   */
  async function replay(): Promise<boolean> {
    while (state === 'spooling') {
      if (abandoned !== null) {
        // One producer, one send at a time: the attempt kafkajs still runs goes first.
        if (await abandoned) skipAtHead = abandonedAtHead;
        abandoned = null;
        abandonedAtHead = 0;
      }
      let chunk: SpoolChunk | null;
      try {
        chunk = await spool!.next(
          skipAtHead > 0 ? Math.min(skipAtHead, settings.batchSize) : settings.batchSize,
        );
      } catch (error) {
        // A disk error while reading: the data stays where it is; try again after a pause.
        logger.error('kafka-sink: reading the spool failed', { error: describeError(error) });
        if (isClosing()) return false;
        await backoff();
        continue;
      }
      // An append may have started while `next` finished; its records must go out before new ones.
      if (chunk === null && spool!.hasData) continue;
      if (chunk === null) {
        state = 'online';
        spoolingSince = null;
        skipAtHead = 0;
        logger.info('kafka-sink: spool replayed; back online');
        roomFreed.notify();
        return true;
      }
      if (skipAtHead > 0) {
        // Delivered by the attempt given up at the deadline: mark them, do not send them again.
        skipAtHead -= chunk.records.length;
        counters.acknowledgedLate += chunk.records.length;
      } else {
        for (;;) {
          const attemptAt = Date.now();
          try {
            await send(chunk.records);
            consecutiveFailures = 0;
            failingSince = null;
            break;
          } catch (error) {
            failingSince ??= attemptAt;
            await onFailure(error, chunk.records.length, 'replay');
            if (isClosing()) return false;
            await backoff();
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
      progress.notify();
    }
    return true;
  }

  async function runLoop(): Promise<void> {
    for (;;) {
      if (state === 'spooling') {
        // While closing, the spool is still drained as long as the broker takes it.
        if (!(await replay())) return;
        continue;
      }
      if (stopping) return;
      if (bufferedCount() === 0) {
        await wakeSender.wait();
        continue;
      }
      if (bufferedCount() < settings.batchSize && flushTarget <= settled) {
        const wait = firstBufferedAt + settings.lingerMs - performance.now();
        if (wait > 0) {
          await Promise.race([wakeSender.wait(), delay(wait)]);
          continue;
        }
      }
      await deliver(takeBatch());
    }
  }

  async function flush(): Promise<void> {
    if (closed !== null && !closing) return;
    if (writesInProgress.size > 0) await Promise.allSettled([...writesInProgress]);
    const target = accepted;
    if (settled >= target) return;
    flushTarget = Math.max(flushTarget, target);
    wakeSender.notify();
    while (settled < target) await progress.wait();
  }

  function close(): Promise<void> {
    closed ??= (async () => {
      closing = true;
      try {
        await flush();
      } finally {
        stopping = true;
        wakeSender.notify();
        backoffTimer?.cancel();
        await loop;
        state = 'closed';
        await dropProducer();
        await spool?.close();
        roomFreed.notify();
      }
    })();
    return closed;
  }

  function metrics(): KafkaSinkMetrics {
    return {
      ...counters,
      buffered: bufferedCount() + inFlight.length,
      spoolBytes: spool?.bytes ?? 0,
      state,
      failingSince,
      spoolingSince,
      sendLatency: latency.summary(),
    };
  }

  return { write, flush, close, start, metrics };
}
