// Against the real broker (infra/kafka/kafka.sh start) and the real registry (infra/registry/registry.sh start).
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import {
  createAvroValueCodec,
  createKafkaSink,
  type KafkaSink,
  type KafkaSinkCompression,
  type KafkaSinkMetrics,
} from './index';
import { makeRecord, makeRecords, testRecord, type TestRecord } from '../test/fixtures';
import {
  consumeWithKafkajs,
  consumeWithKcat,
  createKafka,
  createTopic,
  kafkaManaged,
  kafkaSh,
  kafkaService,
  crashKafkaSh,
  signalCrashBroker,
  crashPort,
  registryService,
  registryUrl,
  type Consumed,
} from '../test/kafka-env';
import { describeWithServices } from '../../../test/services';

// Bounded, but a loaded 2-core machine needs room: consumer groups join, the broker restarts.
vi.setConfig({ testTimeout: 90_000, hookTimeout: 60_000 });

const naked = createAvroValueCodec<TestRecord>({ schema: testRecord.schema });
let kafka: Kafka;
let spoolRoot: string;

beforeAll(async () => {
  kafka = createKafka('kafka-sink-test');
  spoolRoot = await mkdtemp(join(tmpdir(), 'kafka-sink-spool-'));
});
afterAll(async () => {
  await rm(spoolRoot, { recursive: true, force: true });
});

/** Decodes consumed records and checks them against the records written, in order per key. */
function expectDelivered(
  consumed: Consumed[],
  written: number[],
  decode = (v: Buffer) => naked.decode(v),
  { ordered = true } = {},
) {
  const seen = new Map<number, number>();
  const lastPerKey = new Map<string, number>();
  for (const record of consumed) {
    const value = decode(record.value);
    const expected = makeRecord(value.sequence);
    expect(value).toEqual(expected.value);
    expect(record.key?.toString('utf8')).toBe(expected.key);
    expect(record.timestamp).toBe(expected.timestamp);
    seen.set(value.sequence, (seen.get(value.sequence) ?? 0) + 1);
    // Per key, first deliveries keep the write order; duplicates may repeat older ones.
    const key = expected.key!;
    if (ordered && (seen.get(value.sequence) ?? 0) === 1) {
      expect(value.sequence).toBeGreaterThan(lastPerKey.get(key) ?? -1);
      lastPerKey.set(key, value.sequence);
    }
  }
  const missing = written.filter((sequence) => !seen.has(sequence));
  expect(missing).toEqual([]);
  let duplicates = 0;
  for (const count of seen.values()) duplicates += count - 1;
  return { duplicates };
}

describeWithServices([kafkaService], 'kafka-sink on a real broker', () => {
  it('delivers naked Avro with key = party id and timestamp; kafkajs and kcat read back the same records', async () => {
    const topic = await createTopic(kafka, 'naked');
    const sink = createKafkaSink({ kafka, topic, schema: testRecord });
    const count = 5000;
    for (let i = 0; i < count; i += 250) await sink.write(makeRecords(i, 250));
    await sink.close();
    expect(sink.metrics()).toMatchObject({
      sent: count,
      failed: 0,
      spooled: 0,
      buffered: 0,
      state: 'closed',
    });

    const sequences = Array.from({ length: count }, (_, i) => i);
    const viaKafkajs = await consumeWithKafkajs(kafka, topic, count);
    expect(viaKafkajs).toHaveLength(count);
    expect(expectDelivered(viaKafkajs, sequences).duplicates).toBe(0);
    const viaKcat = await consumeWithKcat(topic);
    expect(viaKcat).toHaveLength(count);
    expect(expectDelivered(viaKcat, sequences).duplicates).toBe(0);
    // Java's default partitioner (murmur2 of the key) placed each party in one partition.
    const partitionOfKey = new Map<string, number>();
    for (const record of viaKcat) {
      const key = record.key!.toString('utf8');
      expect(partitionOfKey.get(key) ?? record.partition).toBe(record.partition);
      partitionOfKey.set(key, record.partition);
    }
    expect(new Set(partitionOfKey.values()).size).toBeGreaterThan(1);
  });

  it('writes the Confluent wire format with a fixed schema id (Divolte confluent_id)', async () => {
    const topic = await createTopic(kafka, 'confluent-fixed', { numPartitions: 1 });
    const sink = createKafkaSink({
      kafka,
      topic,
      schema: testRecord,
      format: { type: 'confluent', schemaId: 0x1defaced },
    });
    await sink.write(makeRecords(0, 500));
    await sink.close();
    const consumed = await consumeWithKcat(topic);
    expect(consumed).toHaveLength(500);
    for (const record of consumed)
      expect([...record.value.subarray(0, 5)]).toEqual([0x00, 0x1d, 0xef, 0xac, 0xed]);
    const codec = createAvroValueCodec<TestRecord>({
      schema: testRecord.schema,
      wireFormat: { type: 'confluent', schemaId: 0x1defaced },
    });
    expectDelivered(consumed, [...Array(500).keys()], (v) => codec.decode(v));
  });

  for (const compression of ['gzip', 'snappy'] as const satisfies readonly KafkaSinkCompression[]) {
    it(`compresses batches with ${compression}; kcat (librdkafka) and kafkajs decompress them`, async () => {
      const topic = await createTopic(kafka, `compressed-${compression}`, { numPartitions: 1 });
      const sink = createKafkaSink({ kafka, topic, schema: testRecord, compression });
      await sink.write(makeRecords(0, 2000));
      await sink.close();
      expectDelivered(await consumeWithKcat(topic), [...Array(2000).keys()]);
      expectDelivered(await consumeWithKafkajs(kafka, topic, 2000), [...Array(2000).keys()]);
      if (kafkaManaged) {
        // The broker's own log tool shows the codec of the stored batches.
        const dir = join((await kafkaSh('data-dir')).trim(), `${topic}-0`);
        const segment = (await readdir(dir)).find((name) => name.endsWith('.log'))!;
        const dump = await kafkaSh('dump-log', join(dir, segment));
        expect(dump.toLowerCase()).toContain(`compresscodec: ${compression}`);
      }
    });
  }

  it('spools to disk while the broker is unreachable and replays in order on the next start', async () => {
    const topic = await createTopic(kafka, 'spool-restart', { numPartitions: 2 });
    const directory = join(spoolRoot, 'restart');
    // A client whose broker never answers: the sink must spool, not lose or block forever.
    const nowhere = new Kafka({
      clientId: 'nowhere',
      brokers: ['127.0.0.1:1'],
      logLevel: logLevel.NOTHING,
      connectionTimeout: 200,
      retry: { retries: 0 },
    });
    const offline = createKafkaSink({
      kafka: nowhere,
      topic,
      schema: testRecord,
      spool: { directory, afterMs: 300 },
      retry: { initialMs: 50, maxMs: 100, kafkaRetries: 1 },
    });
    await offline.write(makeRecords(0, 300));
    await offline.close();
    expect(offline.metrics()).toMatchObject({ sent: 0, spooled: 300 });
    expect(offline.metrics().failed).toBeGreaterThan(0);

    const online = createKafkaSink({ kafka, topic, schema: testRecord, spool: { directory } });
    await online.start();
    await online.write(makeRecords(300, 200));
    await online.close();
    // The old spool goes first; writes made while it replays join its tail, so order holds.
    const after = online.metrics();
    expect(after.replayed).toBe(300 + after.spooled);
    expect(after.sent + after.spooled).toBe(200);
    expect(await readdir(directory)).toEqual([]);
    const { duplicates } = expectDelivered(await consumeWithKafkajs(kafka, topic, 500), [
      ...Array(500).keys(),
    ]);
    expect(duplicates).toBe(0);
  });

  it('close() under load: every write that resolved is delivered, later writes reject', async () => {
    const topic = await createTopic(kafka, 'close-under-load');
    const sink = createKafkaSink({
      kafka,
      topic,
      schema: testRecord,
      maxBufferedRecords: 2000,
      lingerMs: 20,
    });
    const accepted: number[] = [];
    const rejected: string[] = [];
    // Eight writers write until the sink refuses (bounded: 400 batches each).
    const writers = Array.from({ length: 8 }, async (_, writer) => {
      for (let batch = 0; batch < 400; batch++) {
        const from = (writer * 400 + batch) * 50;
        try {
          await sink.write(makeRecords(from, 50));
          for (let i = from; i < from + 50; i++) accepted.push(i);
        } catch (error) {
          rejected.push((error as { code?: string }).code ?? String(error));
          return;
        }
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await sink.close();
    await Promise.all(writers);
    expect(accepted.length).toBeGreaterThan(0);
    expect(rejected).toEqual(Array<string>(8).fill('closed'));
    expect(sink.metrics().sent).toBe(accepted.length);
    // Concurrent writers interleave, so sequence order per key is not write order here.
    expectDelivered(await consumeWithKcat(topic), accepted, undefined, { ordered: false });
  });
});

describeWithServices(
  [kafkaService, registryService],
  'kafka-sink with a Confluent-compatible registry',
  () => {
    it('registers the schema, frames values with the id the registry gave, and the registry serves the schema back', async () => {
      const topic = await createTopic(kafka, 'confluent-registry', { numPartitions: 1 });
      const sink = createKafkaSink({
        kafka,
        topic,
        schema: testRecord,
        format: { type: 'confluent', registry: { url: registryUrl } },
      });
      await sink.write(makeRecords(0, 300));
      await sink.close();
      const consumed = await consumeWithKafkajs(kafka, topic, 300);
      expect(consumed).toHaveLength(300);
      const id = consumed[0]!.value.readInt32BE(1);
      expect(
        consumed.every((record) => record.value[0] === 0 && record.value.readInt32BE(1) === id),
      ).toBe(true);
      const served = (await (await fetch(`${registryUrl}/schemas/ids/${id}`)).json()) as {
        schema: string;
      };
      expect(JSON.parse(served.schema)).toEqual(testRecord.schema);
      const latest = (await (
        await fetch(`${registryUrl}/subjects/${topic}-value/versions/latest`)
      ).json()) as { id: number };
      expect(latest.id).toBe(id);
      const codec = createAvroValueCodec<TestRecord>({
        schema: JSON.parse(served.schema),
        wireFormat: { type: 'confluent', schemaId: id },
      });
      expectDelivered(consumed, [...Array(300).keys()], (v) => codec.decode(v));
    });
  },
);

/** Polls `condition` every `every` ms until it holds or `ms` passed. */
async function until(condition: () => boolean, ms: number, every = 50): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition() && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, every));
}

/**
 * A steady stream into the sink, 100 records every 20 ms, every `write()` timed: the longest
 * pause of the writes that ended after `mark()`, and of those before.
 */
function startSteadyWriter(sink: KafkaSink<TestRecord>) {
  const accepted: number[] = [];
  let next = 0;
  const control = { writing: true };
  let markedAt = Infinity;
  const pauses = { before: 0, after: 0 };
  const done = (async () => {
    while (control.writing) {
      const began = Date.now();
      await sink.write(makeRecords(next, 100));
      const ended = Date.now();
      // A write still pending at the mark counts as paused by what happened there.
      if (ended >= markedAt) pauses.after = Math.max(pauses.after, ended - began);
      else pauses.before = Math.max(pauses.before, ended - began);
      for (let i = next; i < next + 100; i++) accepted.push(i);
      next += 100;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return {
    accepted,
    pauses,
    mark() {
      markedAt = Date.now();
      return markedAt;
    },
    async stop() {
      control.writing = false;
      await done;
    },
  };
}

/** Waits until the sink spools, as the test sees it every 10 ms (not the sink's own timestamp). */
async function spoolingSeen(
  sink: KafkaSink<TestRecord>,
): Promise<{ at: number; metrics: KafkaSinkMetrics }> {
  // A box, so the compiler does not narrow what the callback assigns.
  const box: { seen?: { at: number; metrics: KafkaSinkMetrics } } = {};
  await until(
    () => {
      const metrics = sink.metrics();
      if (metrics.state === 'spooling') box.seen = { at: Date.now(), metrics };
      return box.seen !== undefined;
    },
    60_000,
    10,
  );
  if (box.seen === undefined) throw new Error('the sink did not spool within 60 s');
  return box.seen;
}

// On its own broker (started here with infra/kafka/kafka.sh, stopped at the end), so killing or
// freezing it does not disturb other suites that use the main broker at the same time.
describeWithServices(
  [
    {
      ...kafkaService,
      name: `${kafkaService.name} (the crash test starts its own on ${crashPort})`,
    },
  ],
  'kafka-sink when the broker crashes',
  () => {
    const crashBrokers = [`127.0.0.1:${crashPort}`];
    // kafkajs's own defaults (connection timeout 1 s, request timeout 30 s, 5 retries from
    // 300 ms): one kafkajs attempt against a dead broker then lasts 9-21 s, far past afterMs,
    // which is what the sink's deadline must not wait for.
    let crashKafka: Kafka;
    beforeAll(async () => {
      await crashKafkaSh('start');
      crashKafka = new Kafka({
        clientId: 'crash',
        brokers: crashBrokers,
        logLevel: logLevel.NOTHING,
      });
    }, 180_000);
    afterAll(async () => {
      await crashKafkaSh('stop');
    }, 60_000);

    it('kill -9 of the broker mid-stream: spooling starts within spool.afterMs (+1 s) of the first failed send, write() never pauses longer, and after a restart every accepted record arrives', async () => {
      const afterMs = 2000;
      const topic = await createTopic(crashKafka, 'broker-crash');
      const sink = createKafkaSink({
        kafka: crashKafka,
        topic,
        schema: testRecord,
        spool: { directory: join(spoolRoot, 'crash'), afterMs },
      });
      const writer = startSteadyWriter(sink);
      let killedAt = Infinity;
      let deadAt = Infinity;
      let spooling: Awaited<ReturnType<typeof spoolingSeen>>;
      try {
        await until(() => sink.metrics().sent >= 3000, 30_000);
        expect(sink.metrics().sent).toBeGreaterThanOrEqual(3000);
        killedAt = writer.mark();
        await crashKafkaSh('kill');
        // The script has returned: the broker is dead by now (it died somewhere in between).
        deadAt = Date.now();
        spooling = await spoolingSeen(sink);
        // The broker stays dead a little longer: writes go to the spool meanwhile.
        await new Promise((resolve) => setTimeout(resolve, 1500));
      } finally {
        await crashKafkaSh('start');
      }
      await until(() => sink.metrics().state === 'online', 90_000);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await writer.stop();
      await sink.close();
      const metrics = sink.metrics();
      const consumed = await consumeWithKcat(topic, crashBrokers);
      const { duplicates } = expectDelivered(consumed, writer.accepted);
      const failingSince = spooling.metrics.failingSince ?? NaN;
      console.info(
        `broker crash (afterMs ${afterMs}): spooling seen ${spooling.at - killedAt} ms after the kill began ` +
          `(${spooling.at - deadAt} ms after kill -9 returned), ${spooling.at - failingSince} ms after the first ` +
          `failed send (failingSince is ${failingSince - killedAt} ms after the kill); longest write() pause ` +
          `${writer.pauses.after} ms after the kill, ${writer.pauses.before} ms before; ` +
          `${writer.accepted.length} accepted, ${consumed.length} consumed, ${duplicates} duplicates; sent ${metrics.sent}, ` +
          `spooled ${metrics.spooled}, replayed ${metrics.replayed}, acknowledged late ${metrics.acknowledgedLate}, ` +
          `retried ${metrics.retried}, failed ${metrics.failed}`,
      );
      // The deadline: spooling within afterMs + 1 s of the first failure the sink saw,
      // and so of the broker's death, whatever kafkajs is still doing; writers never wait longer.
      expect(failingSince).toBeGreaterThanOrEqual(killedAt - 1000);
      expect(spooling.at - failingSince).toBeLessThanOrEqual(afterMs + 1000);
      expect(spooling.at - deadAt).toBeLessThanOrEqual(afterMs + 1000);
      // And not before: afterMs is how long the sink keeps trying (timers may round by a few ms).
      expect(spooling.metrics.spoolingSince! - failingSince).toBeGreaterThanOrEqual(afterMs - 10);
      expect(writer.pauses.after).toBeLessThanOrEqual(afterMs + 1000);
      // None lost: every spooled record was replayed or acknowledged by the abandoned attempt.
      expect(metrics.spooled).toBeGreaterThan(0);
      expect(metrics.replayed + metrics.acknowledgedLate).toBe(metrics.spooled);
      expect(consumed.length).toBe(writer.accepted.length + duplicates);
    }, 180_000);

    it('a frozen broker (SIGSTOP): the sink spools at spool.afterMs while kafkajs still waits for its answer; after SIGCONT the broker acknowledges that batch and replay does not send it again', async () => {
      const afterMs = 1500;
      const topic = await createTopic(crashKafka, 'broker-frozen');
      const sink = createKafkaSink({
        kafka: crashKafka,
        topic,
        schema: testRecord,
        spool: { directory: join(spoolRoot, 'frozen'), afterMs },
      });
      const writer = startSteadyWriter(sink);
      let frozenAt = Infinity;
      let spooling: Awaited<ReturnType<typeof spoolingSeen>>;
      try {
        await until(() => sink.metrics().sent >= 3000, 30_000);
        expect(sink.metrics().sent).toBeGreaterThanOrEqual(3000);
        frozenAt = writer.mark();
        await signalCrashBroker('SIGSTOP');
        spooling = await spoolingSeen(sink);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      } finally {
        // Well within kafkajs's 30 s request timeout: the request it sent is still waiting.
        await signalCrashBroker('SIGCONT');
      }
      await until(() => sink.metrics().state === 'online', 90_000);
      await new Promise((resolve) => setTimeout(resolve, 500));
      await writer.stop();
      await sink.close();
      const metrics = sink.metrics();
      const consumed = await consumeWithKcat(topic, crashBrokers);
      const { duplicates } = expectDelivered(consumed, writer.accepted);
      const failingSince = spooling.metrics.failingSince ?? NaN;
      console.info(
        `frozen broker (afterMs ${afterMs}): spooling seen ${spooling.at - frozenAt} ms after SIGSTOP, ` +
          `${spooling.at - failingSince} ms after the unacknowledged send began; longest write() pause ` +
          `${writer.pauses.after} ms after SIGSTOP, ${writer.pauses.before} ms before; ${writer.accepted.length} accepted, ` +
          `${consumed.length} consumed, ${duplicates} duplicates; sent ${metrics.sent}, spooled ${metrics.spooled}, ` +
          `replayed ${metrics.replayed}, acknowledged late ${metrics.acknowledgedLate}, failed ${metrics.failed}`,
      );
      expect(spooling.at - failingSince).toBeLessThanOrEqual(afterMs + 1000);
      expect(spooling.at - frozenAt).toBeLessThanOrEqual(afterMs + 1000);
      expect(writer.pauses.after).toBeLessThanOrEqual(afterMs + 1000);
      // The batch kafkajs had sent was acknowledged after all: counted, skipped, not duplicated.
      expect(metrics.acknowledgedLate).toBeGreaterThan(0);
      expect(metrics.replayed + metrics.acknowledgedLate).toBe(metrics.spooled);
      expect(duplicates).toBe(0);
      expect(consumed.length).toBe(writer.accepted.length);
    }, 180_000);
  },
);
