// Where the integration tests find the real services, and how they reach the infra scripts. The
// test files read the environment; the package never does.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Kafka, logLevel, type ITopicConfig } from 'kafkajs';
import type { ServiceNeed } from '../../../test/services';

const run = promisify(execFile);

/** The broker, `TRIBUTARY_KAFKA_BROKERS` or the address `infra/kafka/kafka.sh start` serves. */
export const brokers = (process.env.TRIBUTARY_KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
/** The Confluent-compatible API, `TRIBUTARY_REGISTRY_URL` or what `infra/registry/registry.sh start` serves. */
export const registryUrl =
  process.env.TRIBUTARY_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7';

export const kafkaScript = fileURLToPath(new URL('../../../infra/kafka/kafka.sh', import.meta.url));
// kafka.sh manages one broker per port (and KAFKA_VERSION, when set, picks the release).
const kafkaShEnv = { ...process.env, KAFKA_PORT: new URL(`tcp://${brokers[0]!}`).port };

function reachable(address: string): Promise<boolean> {
  const url = new URL(address.includes('://') ? address : `tcp://${address}`);
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname, port: Number(url.port) });
    const done = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.setTimeout(1500, () => {
      done(false);
    });
    socket.once('connect', () => {
      done(true);
    });
    socket.once('error', () => {
      done(false);
    });
  });
}

export const kafkaUp = await reachable(brokers[0]!);
export const registryUp = await reachable(registryUrl);
/** Whether `infra/kafka/kafka.sh` manages the broker, so a test may kill and restart it. */
export const kafkaManaged =
  kafkaUp &&
  (await run(kafkaScript, ['status'], { env: kafkaShEnv }).then(
    () => true,
    () => false,
  ));

/** The main broker, as `describeWithServices` (test/services.ts at the repo root) takes it. */
export const kafkaService: ServiceNeed = {
  name: `Kafka at ${brokers.join(',')}`,
  available: kafkaUp,
  start: 'infra/kafka/kafka.sh start',
};

/** The Confluent-compatible registry. */
export const registryService: ServiceNeed = {
  name: `a schema registry at ${registryUrl}`,
  available: registryUp,
  start: 'infra/registry/registry.sh start',
};

export function createKafka(clientId: string): Kafka {
  return new Kafka({
    clientId,
    brokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 8, initialRetryTime: 100 },
  });
}

let topicCounter = 0;
/** A fresh topic per test, created up front so the first produce does not race auto-creation. */
export async function createTopic(
  kafka: Kafka,
  prefix: string,
  config: Partial<ITopicConfig> = {},
): Promise<string> {
  const topic = `${prefix}-${process.pid}-${Date.now()}-${topicCounter++}`;
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: [{ topic, numPartitions: 3, ...config }],
      waitForLeaders: true,
    });
  } finally {
    await admin.disconnect();
  }
  return topic;
}

/** One consumed record. */
export interface Consumed {
  readonly key: Buffer | null;
  readonly value: Buffer;
  readonly timestamp: number;
  readonly partition: number;
  readonly offset: number;
}

/**
 * Reads a topic from the beginning with a kafkajs consumer group until `count` records came or
 * `timeoutMs` passed. A group that received nothing is tried once more with a new group id, and
 * that is reported, so a slow group join on a loaded machine is told apart from missing records.
 */
export async function consumeWithKafkajs(
  kafka: Kafka,
  topic: string,
  count: number,
  timeoutMs = 45_000,
): Promise<Consumed[]> {
  const first = await consumeOnce(kafka, topic, count, timeoutMs);
  if (first.length > 0) return first;
  console.warn(
    `kafkajs consumer group received nothing from ${topic} in ${timeoutMs} ms; trying a new group`,
  );
  return consumeOnce(kafka, topic, count, timeoutMs);
}

async function consumeOnce(
  kafka: Kafka,
  topic: string,
  count: number,
  timeoutMs: number,
): Promise<Consumed[]> {
  const consumer = kafka.consumer({
    groupId: `${topic}-reader-${Date.now()}`,
    maxWaitTimeInMs: 200,
  });
  const records: Consumed[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, timeoutMs);
      consumer
        .run({
          // eslint-disable-next-line @typescript-eslint/require-await -- kafkajs wants a promise
          eachBatch: async ({ batch }) => {
            for (const message of batch.messages) {
              records.push({
                key: message.key,
                value: message.value!,
                timestamp: Number(message.timestamp),
                partition: batch.partition,
                offset: Number(message.offset),
              });
            }
            if (records.length >= count) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return records;
}

/**
 * Reads a whole topic with Debian's kcat (librdkafka), framing each record as
 * `<key length>\n<value length>\n<timestamp>\n<partition>\n<offset>\n<key><value>`.
 */
export async function consumeWithKcat(
  topic: string,
  from: readonly string[] = brokers,
): Promise<Consumed[]> {
  const { stdout } = await run(
    'kcat',
    [
      '-b',
      from.join(','),
      '-C',
      '-t',
      topic,
      '-o',
      'beginning',
      '-e',
      '-q',
      '-f',
      '%K\n%S\n%T\n%p\n%o\n%k%s',
    ],
    { encoding: 'buffer', maxBuffer: 512 * 1024 * 1024 },
  );
  const records: Consumed[] = [];
  let at = 0;
  const line = (): number => {
    const end = stdout.indexOf(10, at);
    const value = Number(stdout.subarray(at, end).toString('latin1'));
    at = end + 1;
    return value;
  };
  while (at < stdout.length) {
    const keyLength = line();
    const valueLength = line();
    const timestamp = line();
    const partition = line();
    const offset = line();
    const key = keyLength < 0 ? null : stdout.subarray(at, at + keyLength);
    at += Math.max(keyLength, 0);
    const value = stdout.subarray(at, at + valueLength);
    at += valueLength;
    records.push({ key, value, timestamp, partition, offset });
  }
  return records;
}

/** Runs infra/kafka/kafka.sh with the given arguments; returns its stdout. */
export async function kafkaSh(...args: string[]): Promise<string> {
  const { stdout } = await run(kafkaScript, args, { env: kafkaShEnv, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/**
 * The port of a second broker that only the crash test uses, so killing it never disturbs other
 * suites that share the main broker (`TRIBUTARY_KAFKA_CRASH_PORT`, default 19092; its controller
 * listens on the next port).
 */
export const crashPort = Number(process.env.TRIBUTARY_KAFKA_CRASH_PORT ?? 19092);

/** Runs infra/kafka/kafka.sh for the crash-test broker. */
export async function crashKafkaSh(...args: string[]): Promise<string> {
  const env = {
    ...process.env,
    KAFKA_PORT: String(crashPort),
    KAFKA_CONTROLLER_PORT: String(crashPort + 1),
  };
  const { stdout } = await run(kafkaScript, args, { env, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/**
 * Sends a signal to the crash-test broker's JVM (the pid `kafka.sh start` recorded): `SIGSTOP`
 * freezes it with its connections open, as a long GC pause or a hung host would, and `SIGCONT`
 * resumes it.
 */
export async function signalCrashBroker(signal: 'SIGSTOP' | 'SIGCONT'): Promise<void> {
  const cache =
    process.env.TRIBUTARY_INFRA_CACHE ??
    fileURLToPath(new URL('../../../.infra-cache', import.meta.url));
  const pid = Number((await readFile(`${cache}/run/kafka-${crashPort}.pid`, 'utf8')).trim());
  process.kill(pid, signal);
}
