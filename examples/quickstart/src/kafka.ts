// Publishes the quickstart's records to Kafka too, when KAFKA_BROKERS is set. Loaded only then.
import { resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { createKafkaSink } from '@tributary/kafka-sink';
import { tributaryEventRecord, type Sink, type TributaryEventRecord } from '@tributary/schema';

/** Builds a Kafka sink from `KAFKA_BROKERS`, `KAFKA_TOPIC` and `DATA_DIR` (for the spool). */
export async function createKafkaSinkFromEnv(
  env: NodeJS.ProcessEnv,
): Promise<Sink<TributaryEventRecord>> {
  const brokers = (env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
  const topic = env.KAFKA_TOPIC ?? 'tributary';
  const kafka = new Kafka({ clientId: 'tributary-quickstart', brokers, logLevel: logLevel.WARN });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
  return createKafkaSink({
    kafka,
    topic,
    schema: tributaryEventRecord,
    spool: { directory: resolve(env.DATA_DIR ?? 'data', 'kafka-spool') },
  });
}
