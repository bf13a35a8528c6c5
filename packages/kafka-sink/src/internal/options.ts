import kafkajs from 'kafkajs';
import type { CompressionTypes } from 'kafkajs';
import type { Logger } from '@tributary/schema';
import type { KafkaSinkCompression, KafkaSinkOptions, KafkaValueFormat } from '../kafka-sink';
import { KafkaSinkError } from '../kafka-sink-error';

/** The options with their defaults applied and checked. */
export interface ResolvedOptions {
  readonly format: KafkaValueFormat;
  readonly compression: CompressionTypes;
  readonly acks: -1 | 0 | 1;
  readonly idempotent: boolean;
  readonly batchSize: number;
  readonly batchBytes: number;
  readonly lingerMs: number;
  readonly maxBufferedRecords: number;
  readonly maxBufferedBytes: number;
  readonly maxRecordBytes: number;
  readonly retryInitialMs: number;
  readonly retryMaxMs: number;
  readonly kafkaRetries: number;
  readonly spoolAfterMs: number;
  readonly segmentBytes: number;
  readonly requestTimeoutMs: number;
}

/** The logger used when none is given. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** Applies the defaults of {@link KafkaSinkOptions}; throws `invalid_options` for unusable values. */
export function resolveOptions<TRecord>(options: KafkaSinkOptions<TRecord>): ResolvedOptions {
  const positive = (name: string, value: number | undefined, fallback: number): number => {
    const resolved = value ?? fallback;
    if (!Number.isFinite(resolved) || resolved <= 0) {
      throw new KafkaSinkError(
        'invalid_options',
        `${name} must be a positive number, got ${String(value)}`,
      );
    }
    return resolved;
  };
  const acks = options.acks ?? -1;
  const idempotent = options.idempotent ?? true;
  if (idempotent && acks !== -1) {
    throw new KafkaSinkError(
      'invalid_options',
      'An idempotent producer needs acks = -1; pass idempotent: false',
    );
  }
  if (typeof options.topic !== 'string' || options.topic.length === 0) {
    throw new KafkaSinkError('invalid_options', 'topic must be a non-empty string');
  }
  const compressionName = options.compression ?? 'none';
  const codecs: Record<KafkaSinkCompression, CompressionTypes> = {
    none: kafkajs.CompressionTypes.None,
    gzip: kafkajs.CompressionTypes.GZIP,
    snappy: kafkajs.CompressionTypes.Snappy,
  };
  if (!Object.hasOwn(codecs, compressionName)) {
    throw new KafkaSinkError(
      'invalid_options',
      `Unknown compression ${JSON.stringify(compressionName)}`,
    );
  }
  const compression = codecs[compressionName];
  const format = options.format ?? { type: 'naked' };
  if (
    format.type === 'confluent' &&
    'registry' in format &&
    !/^https?:\/\//.test(format.registry.url)
  ) {
    throw new KafkaSinkError(
      'invalid_options',
      `The registry url must be http(s), got ${format.registry.url}`,
    );
  }
  return {
    format,
    compression,
    acks,
    idempotent,
    batchSize: positive('batchSize', options.batchSize, 1000),
    batchBytes: positive('batchBytes', options.batchBytes, 900_000),
    lingerMs: options.lingerMs ?? 5,
    maxBufferedRecords: positive('maxBufferedRecords', options.maxBufferedRecords, 5000),
    maxBufferedBytes: positive('maxBufferedBytes', options.maxBufferedBytes, 16 * 1024 * 1024),
    maxRecordBytes: positive('maxRecordBytes', options.maxRecordBytes, 1_000_000),
    retryInitialMs: positive('retry.initialMs', options.retry?.initialMs, 100),
    retryMaxMs: positive('retry.maxMs', options.retry?.maxMs, 5000),
    kafkaRetries: positive('retry.kafkaRetries', options.retry?.kafkaRetries, 2),
    spoolAfterMs: positive('spool.afterMs', options.spool?.afterMs, 10_000),
    segmentBytes: positive('spool.segmentBytes', options.spool?.segmentBytes, 16 * 1024 * 1024),
    requestTimeoutMs: positive('requestTimeoutMs', options.requestTimeoutMs, 30_000),
  };
}
