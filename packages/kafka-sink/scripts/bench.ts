// `pnpm --filter @tributary/kafka-sink bench`: records/s of the sink on the real broker against
// Kafka's own ProducerPerformance (the Java producer, from the same Kafka jars) on the same broker,
// in the same run. Writes tmp/bench/kafka-sink.json at the repo root in Vitest's bench JSON shape.
//
// Environment: TRIBUTARY_KAFKA_BROKERS (default 127.0.0.1:9092), BENCH_RECORDS (default 200000),
// BENCH_RUNS (default 3). Starts the broker with infra/kafka/kafka.sh when it is not running and
// stops it again afterwards.
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { createAvroValueCodec, createKafkaSink } from '../src/index.ts';
import { makeRecord, makeRecords, testRecord, type TestRecord } from '../test/fixtures.ts';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../../../', import.meta.url));
const kafkaScript = `${repo}infra/kafka/kafka.sh`;
const brokers = (process.env.TRIBUTARY_KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const records = Number(process.env.BENCH_RECORDS ?? 200_000);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const writeBatch = 500;

const kafka = new Kafka({ clientId: 'kafka-sink-bench', brokers, logLevel: logLevel.NOTHING });
const codec = createAvroValueCodec<TestRecord>({ schema: testRecord.schema });
const valueBytes = codec.encode(makeRecord(1).value).length;
const keyBytes = Buffer.byteLength(makeRecord(1).key!);

async function kafkaSh(...args: string[]): Promise<string> {
  const { stdout } = await run(kafkaScript, args, { maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

async function createTopic(prefix: string): Promise<string> {
  const topic = `bench-${prefix}-${Date.now()}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  await admin.disconnect();
  return topic;
}

/** One ProducerPerformance run, with the settings the sink uses: acks=all, idempotent, linger 5 ms. */
async function javaProducer(count: number): Promise<number> {
  const topic = await createTopic('java');
  const stdout = await kafkaSh(
    'run-class',
    'org.apache.kafka.tools.ProducerPerformance',
    '--topic',
    topic,
    '--num-records',
    String(count),
    '--record-size',
    String(valueBytes),
    '--throughput',
    '-1',
    '--producer-props',
    `bootstrap.servers=${brokers.join(',')}`,
    'acks=all',
    'enable.idempotence=true',
    'linger.ms=5',
    'batch.size=262144',
    'compression.type=none',
  );
  const match = /(\d+) records sent, ([\d.]+) records\/sec/.exec(
    stdout.trim().split('\n').at(-1) ?? '',
  );
  if (match?.[2] === undefined) throw new Error(`Unexpected ProducerPerformance output: ${stdout}`);
  return Number(match[2]);
}

/** The sink as the collector drives it: batches of 500 records, each write awaited. */
async function sinkProducer(count: number, compression: 'none' | 'gzip' = 'none'): Promise<number> {
  const topic = await createTopic('sink');
  const sink = createKafkaSink({ kafka, topic, schema: testRecord, compression });
  await sink.start();
  const batches = Array.from({ length: count / writeBatch }, (_, i) =>
    makeRecords(i * writeBatch, writeBatch),
  );
  const began = performance.now();
  for (const batch of batches) await sink.write(batch);
  await sink.flush();
  const elapsed = performance.now() - began;
  await sink.close();
  if (sink.metrics().sent !== count) throw new Error(`sent ${sink.metrics().sent} of ${count}`);
  return (count / elapsed) * 1000;
}

/** kafkajs alone on pre-encoded messages: the client's own ceiling, for context. */
async function rawKafkajs(count: number): Promise<number> {
  const topic = await createTopic('kafkajs');
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const messages = makeRecords(0, 2000).map((r) => ({
    key: Buffer.from(r.key!),
    value: codec.encode(r.value),
    timestamp: String(r.timestamp),
  }));
  const began = performance.now();
  for (let sent = 0; sent < count; sent += messages.length) {
    await producer.send({ topic, messages, acks: -1 });
  }
  const elapsed = performance.now() - began;
  await producer.disconnect();
  return (count / elapsed) * 1000;
}

interface Measured {
  name: string;
  hz: number;
  rme: number;
  samples: number[];
}

async function measure(name: string, once: (count: number) => Promise<number>): Promise<Measured> {
  await once(Math.min(records, 50_000)); // warm-up: JIT, connections, JVM class loading
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) samples.push(await once(records));
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  const sd = Math.sqrt(
    samples.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, samples.length - 1),
  );
  const t = [12.71, 4.3, 3.18, 2.78, 2.57][samples.length - 2] ?? 2;
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const result = {
    name,
    hz: median,
    rme: samples.length > 1 ? ((t * sd) / Math.sqrt(samples.length) / mean) * 100 : 0,
    samples,
  };
  console.log(
    `${name}: ${Math.round(median).toLocaleString('en-US')} records/s (runs: ${samples.map(Math.round).join(', ')})`,
  );
  return result;
}

const startedBroker = await run(kafkaScript, ['status']).then(
  () => false,
  async () => {
    await kafkaSh('start');
    return true;
  },
);
try {
  const baseline = await measure(
    'baseline: Kafka ProducerPerformance (Java producer)',
    javaProducer,
  );
  const sink = await measure('kafka-sink (Avro encode + kafkajs), writes of 500', (n) =>
    sinkProducer(n),
  );
  const raw = await measure('kafkajs producer.send alone, pre-encoded batches of 2000', rawKafkajs);
  const gzip = await measure('kafka-sink with gzip', (n) => sinkProducer(n, 'gzip'));
  const ratio = sink.hz / baseline.hz;
  const report = {
    files: [
      {
        filepath: fileURLToPath(import.meta.url),
        groups: [
          {
            fullName: `kafka-sink > produce ${valueBytes}-byte Avro values, acks=all, idempotent, 1 partition`,
            benchmarks: [baseline, sink, raw, gzip].map(({ name, hz, rme }) => ({ name, hz, rme })),
            notes: [
              `records/s; median of ${runs} runs of ${records.toLocaleString('en-US')} records after a warm-up, on one broker (Kafka 3.9, KRaft, 127.0.0.1), same run.`,
              `kafka-sink reaches ${(ratio * 100).toFixed(0)}% of the Java producer (target ≥ 50%).`,
              `Values are ${valueBytes} bytes of Avro (keys ${keyBytes} bytes, the party id); ProducerPerformance sends ${valueBytes}-byte values without keys.`,
              'kafkajs keeps one produce request in flight per broker for an idempotent producer; the Java producer pipelines up to 5.',
            ],
          },
        ],
      },
    ],
  };
  mkdirSync(`${repo}tmp/bench`, { recursive: true });
  writeFileSync(`${repo}tmp/bench/kafka-sink.json`, `${JSON.stringify(report, null, 2)}\n`);
  console.log(
    `kafka-sink / ProducerPerformance = ${ratio.toFixed(2)}; wrote tmp/bench/kafka-sink.json`,
  );
} finally {
  if (startedBroker) await kafkaSh('stop');
}
