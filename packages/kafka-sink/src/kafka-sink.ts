import kafkajs from 'kafkajs';
import type { Kafka } from 'kafkajs';
import snappyCodec from 'kafkajs-snappy';
import type {
  AvroRecordSchema,
  Logger,
  RecordDeclaration,
  Sink,
  SinkRecord,
} from '@tributary/schema';
import { createAvroValueCodec } from './avro-value-codec';
import { KafkaSinkError } from './kafka-sink-error';
import type { FetchLike } from './register-schema';
import type { LatencySummary } from './internal/latency';
import { createSinkContext } from './internal/context';
import { acceptRecords, encodeRecords } from './internal/intake';
import { snapshotMetrics } from './internal/metrics';
import { resolveOptions, silentLogger } from './internal/options';
import { createSender } from './internal/sender';
import { runSendLoop } from './internal/send-loop';
import { Spool } from './internal/spool';
import { createFixedValueCodec, createRegisteredValueCodec } from './internal/value-codec';

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
  let codec = createFixedValueCodec<TRecord>(schema, settings.format);

  const ctx = createSinkContext(settings, logger, topic);
  const sender = createSender(ctx, options.kafka);
  let starting: Promise<void> | null = null;
  let startError: unknown = null;
  let closed: Promise<void> | null = null;
  let loop: Promise<void> | null = null;
  const writesInProgress = new Set<Promise<void>>();

  if (settings.compression === kafkajs.CompressionTypes.Snappy) {
    // kafkajs keeps codecs in a global table; registering the same codec again is harmless.
    kafkajs.CompressionCodecs[kafkajs.CompressionTypes.Snappy] = snappyCodec;
  }

  function start(): Promise<void> {
    if (startError === null && starting !== null) return starting;
    startError = null;
    starting = (async () => {
      if (options.spool !== undefined && ctx.spool === null) {
        let spool: Spool;
        try {
          spool = await Spool.open(options.spool.directory, settings.segmentBytes);
        } catch (cause) {
          throw new KafkaSinkError(
            'spool_failed',
            `Cannot open the spool in ${options.spool.directory}`,
            { cause },
          );
        }
        ctx.spool = spool;
        if (spool.hasData) {
          logger.info('kafka-sink: replaying records spooled by an earlier run', {
            bytes: spool.bytes,
          });
          ctx.state = 'spooling';
          ctx.spoolingSince = Date.now();
        }
      }
      if (codec === null && settings.format.type === 'confluent' && 'registry' in settings.format) {
        codec = await createRegisteredValueCodec<TRecord>(schema, settings.format, topic);
      }
      loop ??= runSendLoop(ctx, sender).catch((error: unknown) => {
        logger.error('kafka-sink: the sender stopped', { error });
      });
    })().catch((error: unknown) => {
      startError = error;
      throw error;
    });
    return starting;
  }

  async function write(records: readonly SinkRecord<TRecord>[]): Promise<void> {
    if (ctx.closing) throw new KafkaSinkError('closed', 'The sink is closed');
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
    await acceptRecords(ctx, encodeRecords(records, codec!, settings.maxRecordBytes));
  }

  async function flush(): Promise<void> {
    if (closed !== null && !ctx.closing) return;
    if (writesInProgress.size > 0) await Promise.allSettled([...writesInProgress]);
    const target = ctx.accepted;
    if (ctx.settled >= target) return;
    ctx.flushTarget = Math.max(ctx.flushTarget, target);
    ctx.wakeSender.notify();
    while (ctx.settled < target) await ctx.progress.wait();
  }

  function close(): Promise<void> {
    closed ??= (async () => {
      ctx.closing = true;
      try {
        await flush();
      } finally {
        ctx.stopping = true;
        ctx.wakeSender.notify();
        sender.cancelBackoff();
        await loop;
        ctx.state = 'closed';
        await sender.dropProducer();
        await ctx.spool?.close();
        ctx.roomFreed.notify();
      }
    })();
    return closed;
  }

  return { write, flush, close, start, metrics: () => snapshotMetrics(ctx) };
}
