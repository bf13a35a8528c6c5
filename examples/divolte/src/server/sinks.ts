import { resolve } from 'node:path';
import { createFileSink, type FileSink } from '@tributary/file-sink';
import { createKafkaSink, type KafkaSink } from '@tributary/kafka-sink';
import type { AvroRecordSchema, Logger, RecordDeclaration, Sink } from '@tributary/schema';
import { Kafka, logLevel } from 'kafkajs';
import type { KafkaSettings, SinkSettings } from '../config/divolte-settings';
import { DivolteServerError } from './divolte-server-error';

/** A running sink of the configuration, by name. */
export type RunningSink =
  | {
      readonly name: string;
      readonly type: 'hdfs';
      readonly sink: FileSink<Record<string, unknown>>;
    }
  | {
      readonly name: string;
      readonly type: 'kafka';
      readonly sink: KafkaSink<Record<string, unknown>>;
    };

/** What {@link createSinks} needs besides the settings. */
export interface CreateSinksOptions {
  readonly sinks: readonly SinkSettings[];
  readonly kafka: KafkaSettings;
  /** The record schema of each sink (every mapping into one sink has the same). */
  readonly schemaOf: (sink: string) => RecordDeclaration<unknown> | AvroRecordSchema;
  /** The Confluent schema id of each sink in confluent mode. */
  readonly confluentIdOf: (sink: string) => number | undefined;
  /** Part of every file name: two workers never write the same file. */
  readonly workerId: number;
  readonly logger: Logger;
}

/**
 * Starts the configured sinks: `hdfs` sinks as rolling Avro files on the local file system
 * (`<working_dir>/….avro.partial`, moved to `<publish_dir>` on roll and on close, as Divolte's
 * hdfs sink does on file:///), `kafka` sinks on one kafkajs client per worker.
 */
export async function createSinks(options: CreateSinksOptions): Promise<RunningSink[]> {
  const running: RunningSink[] = [];
  let kafka: Kafka | undefined;
  try {
    for (const settings of options.sinks) {
      const schema = options.schemaOf(settings.name) as AvroRecordSchema;
      if (settings.type === 'hdfs') {
        const sink = createFileSink<Record<string, unknown>>({
          schema,
          workingDirectory: resolve(settings.workingDir),
          publishDirectory: resolve(settings.publishDir),
          rollEveryMs: settings.rollEveryMs,
          syncEveryRecords: settings.syncFileAfterRecords,
          syncEveryMs: settings.syncFileAfterMs,
          // Files are <stamp>-divolte-<sink>-w<worker>-<host>-<n>.avro: one writer per name.
          prefix: `divolte-${settings.name}-w${options.workerId}`,
          logger: options.logger,
        });
        try {
          await sink.open();
        } catch (error) {
          const where = settings.origin ? `${settings.origin.file}:${settings.origin.line}: ` : '';
          throw new DivolteServerError(
            'invalid_file',
            `${where}divolte.sinks.${settings.name}.file_strategy: cannot write to ${settings.workingDir} ` +
              `or ${settings.publishDir}: ${error instanceof Error ? error.message : String(error)}`,
            { cause: error },
          );
        }
        running.push({ name: settings.name, type: 'hdfs', sink });
        continue;
      }
      kafka ??= new Kafka({
        brokers: [...options.kafka.brokers],
        clientId: options.kafka.clientId,
        logLevel: logLevel.WARN,
      });
      const confluentId = options.confluentIdOf(settings.name);
      const k = options.kafka;
      const sink = createKafkaSink<Record<string, unknown>>({
        kafka,
        topic: settings.topic,
        schema,
        format:
          settings.mode === 'confluent' && confluentId !== undefined
            ? { type: 'confluent', schemaId: confluentId }
            : { type: 'naked' },
        compression: k.compression,
        acks: k.acks,
        idempotent: k.idempotent,
        ...(k.lingerMs === undefined ? {} : { lingerMs: k.lingerMs }),
        ...(k.batchBytes === undefined ? {} : { batchBytes: k.batchBytes }),
        ...(k.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: k.requestTimeoutMs }),
        ...(k.retries === undefined ? {} : { retry: { kafkaRetries: k.retries } }),
        logger: options.logger,
      });
      running.push({ name: settings.name, type: 'kafka', sink });
    }
  } catch (error) {
    await closeSinks(running);
    throw error;
  }
  return running;
}

/** Closes every sink (each flushes and, for files, publishes), even when one fails. */
export async function closeSinks(
  sinks: readonly { readonly sink: Sink<unknown> }[],
): Promise<void> {
  const results = await Promise.allSettled(sinks.map(({ sink }) => sink.close()));
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
}
