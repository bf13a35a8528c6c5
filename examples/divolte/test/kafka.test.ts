// The seed article's Kafka variant (conf/article-kafka) against a real broker (infra/kafka): each
// pixel becomes one naked Avro message of the javadoc schema, keyed by party id; and a sink in
// confluent mode frames the record with the mapping's confluent_id.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import avro from 'avsc';
import { Kafka, logLevel } from 'kafkajs';
import { expect, it } from 'vitest';
import { describeWithServices, type ServiceNeed } from '../../../test/services';
import { freePort, get, pixelQueries, repoRoot, startCli, writeConfig } from './harness';

const brokers = process.env.KAFKA_BOOTSTRAP_SERVERS ?? '127.0.0.1:9092';

async function kafkaNeed(): Promise<ServiceNeed> {
  const admin = new Kafka({
    brokers: [brokers],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2000,
    retry: { retries: 0 },
  }).admin();
  let available = false;
  try {
    await admin.connect();
    await admin.listTopics();
    available = true;
  } catch {
    available = false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  return { name: `Kafka at ${brokers}`, available, start: 'infra/kafka/kafka.sh start' };
}

const kafka = new Kafka({ brokers: [brokers], logLevel: logLevel.NOTHING });
const javadoc = avro.Type.forSchema(
  JSON.parse(
    readFileSync(join(repoRoot, 'examples/divolte/conf/article/javadoc.avsc'), 'utf8'),
  ) as avro.Schema,
);

/** Creates a fresh topic and reads `count` messages from it, from the start. */
async function freshTopic(name: string) {
  const topic = `${name}-${Date.now()}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
  await admin.disconnect();
  return {
    topic,
    read: async (count: number): Promise<{ key: string; value: Buffer }[]> => {
      const consumer = kafka.consumer({ groupId: `${topic}-reader` });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const messages: { key: string; value: Buffer }[] = [];
      await new Promise<void>((resolve) => {
        void consumer.run({
          eachMessage: ({ message }) => {
            messages.push({
              key: message.key?.toString() ?? '',
              value: message.value ?? Buffer.alloc(0),
            });
            if (messages.length >= count) resolve();
            return Promise.resolve();
          },
        });
      });
      await consumer.disconnect();
      return messages;
    },
  };
}

describeWithServices([await kafkaNeed()], 'kafka sinks against a real broker', () => {
  it("send the seed article's records as naked Avro keyed by party id (conf/article-kafka)", async () => {
    const fresh = await freshTopic('divolte-article');
    const { topic } = fresh;
    const cli = await startCli(
      'examples/divolte/conf/article-kafka/divolte-collector.conf',
      ['--workers', '1'],
      {
        DIVOLTE_PORT: String(await freePort()),
        DIVOLTE_KAFKA_BROKER_LIST: brokers,
        DIVOLTE_KAFKA_TOPIC: topic,
      },
    );
    const queries = pixelQueries(3, (i) => `https://www.example.com/docs/${i}.html`);
    for (const query of queries)
      expect((await get(`${cli.url}/csc-event${query}`)).status).toBe(200);
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    const messages = await fresh.read(3);
    const records = messages.map(
      (message) => javadoc.fromBuffer(message.value) as Record<string, unknown>,
    );
    expect(records.map((record) => record.path).sort()).toEqual([
      '/docs/0.html',
      '/docs/1.html',
      '/docs/2.html',
    ]);
    const party = decodeURIComponent(/[?&]p=([^&]+)/.exec(queries[0]!)![1]!);
    expect(new Set(messages.map((message) => message.key))).toEqual(new Set([party]));
  });

  it('frame records in confluent mode with the mapping confluent_id', async () => {
    const fresh = await freshTopic('divolte-confluent');
    const { topic } = fresh;
    const { file } = writeConfig(`
      divolte.global.server { host = 127.0.0.1, port = \${DIVOLTE_PORT} }
      divolte.global.kafka { enabled = true, producer.bootstrap.servers = "${brokers}", producer.acks = all }
      divolte.sinks.kafka { type = kafka, topic = ${topic}, mode = confluent }
      divolte.mappings.default { sources = [browser], sinks = [kafka], confluent_id = 4711 }
    `);
    const cli = await startCli(file, ['--workers', '1'], {
      DIVOLTE_PORT: String(await freePort()),
    });
    const [query] = pixelQueries(1);
    expect((await get(`${cli.url}/csc-event${query}`)).status).toBe(200);
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    const [message] = await fresh.read(1);
    // Confluent's wire format: magic byte 0, then the schema id as a big-endian int32.
    expect(message!.value[0]).toBe(0);
    expect(message!.value.readInt32BE(1)).toBe(4711);
  });
});
