// Against the real broker (infra/kafka/kafka.sh start) and the real registry (infra/registry/registry.sh start).
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createAvroValueCodec, createKafkaSink, type KafkaSinkCompression } from './index';
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

// On its own broker (started here with infra/kafka/kafka.sh, stopped at the end), so killing it
// does not disturb other suites that use the main broker at the same time.
describeWithServices(
  [
    {
      ...kafkaService,
      name: `${kafkaService.name} (the crash test starts its own on ${crashPort})`,
    },
  ],
  'kafka-sink when the broker crashes',
  () => {
    beforeAll(async () => {
      await crashKafkaSh('start');
    }, 180_000);
    afterAll(async () => {
      await crashKafkaSh('stop');
    }, 60_000);

    it('kill -9 of the broker mid-stream: spooling starts within spool.afterMs (+1 s) of the first failed send, write() never pauses longer, and after a restart every accepted record arrives', async () => {
      const afterMs = 2000;
      const crashBrokers = [`127.0.0.1:${crashPort}`];
      // kafkajs's own defaults (connection timeout 1 s, request timeout 30 s, 5 retries from
      // 300 ms): one kafkajs attempt against a dead broker then lasts 9-21 s, far past afterMs,
      // which is what the sink's deadline must not wait for.
      const crashKafka = new Kafka({
        clientId: 'crash',
        brokers: crashBrokers,
        logLevel: logLevel.NOTHING,
      });
      const topic = await createTopic(crashKafka, 'broker-crash');
      const directory = join(spoolRoot, 'crash');
      const sink = createKafkaSink({
        kafka: crashKafka,
        topic,
        schema: testRecord,
        spool: { directory, afterMs },
      });
      const accepted: number[] = [];
      let next = 0;
      const control = { writing: true, killedAt: Infinity, deadAt: Infinity };
      let longestPause = 0;
      let longestPauseBeforeKill = 0;
      // A steady stream: 100 records every 20 ms, for the whole test; every write() timed.
      const writer = (async () => {
        while (control.writing) {
          const began = Date.now();
          await sink.write(makeRecords(next, 100));
          const ended = Date.now();
          const pause = ended - began;
          // A write that was still pending at the kill counts as paused by it.
          if (ended >= control.killedAt) longestPause = Math.max(longestPause, pause);
          else longestPauseBeforeKill = Math.max(longestPauseBeforeKill, pause);
          for (let i = next; i < next + 100; i++) accepted.push(i);
          next += 100;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      })();
      const until = async (condition: () => boolean, ms: number, every = 50) => {
        const deadline = Date.now() + ms;
        while (!condition() && Date.now() < deadline)
          await new Promise((resolve) => setTimeout(resolve, every));
      };
      let spoolingSeenAt = Infinity;
      let atSpooling: ReturnType<typeof sink.metrics> | undefined;
      try {
        await until(() => sink.metrics().sent >= 3000, 30_000);
        expect(sink.metrics().sent).toBeGreaterThanOrEqual(3000);
        control.killedAt = Date.now();
        await crashKafkaSh('kill');
        // The script has returned: the broker is dead by now (it died somewhere in between).
        control.deadAt = Date.now();
        // Watched every 10 ms by the test itself, not taken from the sink's word.
        await until(
          () => {
            const metrics = sink.metrics();
            if (metrics.state !== 'spooling') return false;
            spoolingSeenAt = Date.now();
            atSpooling = metrics;
            return true;
          },
          60_000,
          10,
        );
        // The broker stays dead a little longer: writes go to the spool meanwhile.
        await new Promise((resolve) => setTimeout(resolve, 1500));
      } finally {
        await crashKafkaSh('start');
      }
      await until(() => sink.metrics().state === 'online', 90_000);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      control.writing = false;
      await writer;
      await sink.close();
      const metrics = sink.metrics();
      const consumed = await consumeWithKcat(topic, crashBrokers);
      const { duplicates } = expectDelivered(consumed, accepted);
      const failingSince = atSpooling?.failingSince ?? NaN;
      console.info(
        `broker crash (afterMs ${afterMs}): spooling seen ${spoolingSeenAt - control.killedAt} ms after the kill began ` +
          `(${spoolingSeenAt - control.deadAt} ms after kill -9 returned), ` +
          `${spoolingSeenAt - failingSince} ms after the first failed send (failingSince is ${failingSince - control.killedAt} ms after the kill); ` +
          `longest write() pause ${longestPause} ms after the kill, ${longestPauseBeforeKill} ms before; ` +
          `${accepted.length} accepted, ${consumed.length} consumed, ${duplicates} duplicates; sent ${metrics.sent}, ` +
          `spooled ${metrics.spooled}, replayed ${metrics.replayed}, acknowledged late ${metrics.acknowledgedLate}, ` +
          `retried ${metrics.retried}, failed ${metrics.failed}`,
      );
      // The deadline: spooling within afterMs + 1 s of the first failure the sink saw,
      // and so of the broker's death, whatever kafkajs is still doing; writers never wait longer.
      expect(atSpooling?.state).toBe('spooling');
      expect(failingSince).toBeGreaterThanOrEqual(control.killedAt - 1000);
      expect(spoolingSeenAt - failingSince).toBeLessThanOrEqual(afterMs + 1000);
      expect(spoolingSeenAt - control.deadAt).toBeLessThanOrEqual(afterMs + 1000);
      // And not before: afterMs is how long the sink keeps trying (timers may round by a few ms).
      expect(atSpooling!.spoolingSince! - failingSince).toBeGreaterThanOrEqual(afterMs - 10);
      expect(longestPause).toBeLessThanOrEqual(afterMs + 1000);
      // None lost: every spooled record was replayed or acknowledged by the abandoned attempt.
      expect(metrics.spooled).toBeGreaterThan(0);
      expect(metrics.replayed + metrics.acknowledgedLate).toBe(metrics.spooled);
      expect(consumed.length).toBe(accepted.length + duplicates);
    }, 180_000);
  },
);
