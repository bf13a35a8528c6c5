// The sink's contract (acceptance, backpressure, errors, spooling, order) against an in-memory
// producer whose failures the test controls; the real-broker proof is kafka-sink.broker.test.ts.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompressionTypes, type Kafka, type Message, type ProducerRecord } from 'kafkajs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createAvroValueCodec,
  createKafkaSink,
  KafkaSinkError,
  type KafkaSinkOptions,
} from './index';
import { makeRecord, makeRecords, testRecord, type TestRecord } from '../test/fixtures';

/** A kafkajs stand-in: records what is sent; `down` makes connects and sends fail; `hold` parks sends. */
function fakeKafka() {
  const delivered: Message[] = [];
  const state = {
    down: false,
    hold: null as Promise<void> | null,
    sends: 0,
    producers: 0,
    requests: [] as ProducerRecord[],
  };
  const kafka = {
    producer: () => {
      state.producers += 1;
      return {
        connect: () =>
          state.down
            ? Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { retriable: true }))
            : Promise.resolve(),
        disconnect: async () => {},
        send: async (request: ProducerRecord) => {
          state.sends += 1;
          state.requests.push(request);
          if (state.hold !== null) await state.hold;
          if (state.down) throw Object.assign(new Error('Connection error'), { retriable: true });
          delivered.push(...request.messages);
          return [];
        },
      };
    },
  } as unknown as Kafka;
  return { kafka, delivered, state };
}

const codec = createAvroValueCodec<TestRecord>({ schema: testRecord.schema });
const sequences = (messages: Message[]) =>
  messages.map((m) => codec.decode(m.value as Buffer).sequence);
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'kafka-sink-unit-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

function sink(kafka: Kafka, options: Partial<KafkaSinkOptions<TestRecord>> = {}) {
  return createKafkaSink<TestRecord>({
    kafka,
    topic: 't',
    schema: testRecord,
    lingerMs: 1,
    retry: { initialMs: 5, maxMs: 20 },
    ...options,
  });
}

describe('createKafkaSink', () => {
  it('sends key, timestamp and Avro value, in batches no larger than batchSize, compressed as asked', async () => {
    const { kafka, delivered, state } = fakeKafka();
    const s = sink(kafka, { batchSize: 100, compression: 'gzip' });
    await s.write(makeRecords(0, 450));
    await s.flush();
    expect(sequences(delivered)).toEqual(range(0, 450));
    expect(delivered[3]!.key).toEqual(Buffer.from(makeRecord(3).key!));
    expect(delivered[3]!.timestamp).toBe(String(makeRecord(3).timestamp));
    expect(Math.max(...state.requests.map((r) => r.messages.length))).toBeLessThanOrEqual(100);
    expect(
      state.requests.every((r) => r.compression === CompressionTypes.GZIP && r.acks === -1),
    ).toBe(true);
    await s.close();
    expect(s.metrics()).toMatchObject({ sent: 450, failed: 0, buffered: 0, state: 'closed' });
    expect(s.metrics().sendLatency.count).toBe(state.requests.length);
  });

  it('applies backpressure: write stays pending while the bounded buffer is full', async () => {
    const { kafka, delivered, state } = fakeKafka();
    let release!: () => void;
    state.hold = new Promise((resolve) => (release = resolve));
    const s = sink(kafka, { maxBufferedRecords: 50, batchSize: 50 });
    await s.write(makeRecords(0, 50)); // fills the buffer; the sender takes it and parks
    await new Promise((resolve) => setTimeout(resolve, 20));
    await s.write(makeRecords(50, 50)); // fills the buffer again behind the parked batch
    let done = false;
    const pending = s.write(makeRecords(100, 10)).then(() => (done = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(done).toBe(false);
    expect(s.metrics().buffered).toBe(100);
    state.hold = null;
    release();
    await pending;
    await s.close();
    expect(sequences(delivered)).toEqual(range(0, 110));
  });

  it('keeps write order through a long queue drained in small batches', async () => {
    const { kafka, delivered } = fakeKafka();
    const s = sink(kafka, { maxBufferedRecords: 12_000, batchSize: 100 });
    await s.write(makeRecords(0, 12_000));
    await s.write(makeRecords(12_000, 50));
    await s.close();
    expect(sequences(delivered)).toEqual(range(0, 12_050));
  });

  it('rejects a batch with an unencodable or oversized record and accepts none of it', async () => {
    const { kafka, delivered } = fakeKafka();
    const s = sink(kafka, { maxRecordBytes: 1000 });
    const bad = { ...makeRecord(2), value: { ...makeRecord(2).value, sequence: 'two' } } as never;
    await expect(s.write([makeRecord(0), makeRecord(1), bad])).rejects.toMatchObject({
      code: 'unencodable_record',
    });
    const huge = { ...makeRecord(3), value: { ...makeRecord(3).value, padding: 'x'.repeat(2000) } };
    await expect(s.write([makeRecord(0), huge])).rejects.toMatchObject({
      code: 'record_too_large',
    });
    await expect(s.write([{ ...makeRecord(0), timestamp: -1 }])).rejects.toMatchObject({
      code: 'unencodable_record',
    });
    await s.write([makeRecord(5)]);
    await s.close();
    expect(sequences(delivered)).toEqual([5]);
  });

  it('retries transient failures until delivered, counting them', async () => {
    const { kafka, delivered, state } = fakeKafka();
    state.down = true;
    const s = sink(kafka);
    await s.write(makeRecords(0, 20));
    await new Promise((resolve) => setTimeout(resolve, 60));
    state.down = false;
    await s.flush();
    expect(sequences(delivered)).toEqual(range(0, 20));
    expect(s.metrics().failed).toBeGreaterThan(0);
    expect(s.metrics().retried).toBeGreaterThan(0);
    expect(s.metrics().sent).toBe(20);
    await s.close();
  });

  it('spools once the broker stays away past spool.afterMs, then replays in order before newer records', async () => {
    const { kafka, delivered, state } = fakeKafka();
    state.down = true;
    const s = sink(kafka, { spool: { directory, afterMs: 40 } });
    await s.write(makeRecords(0, 30));
    await s.flush(); // resolves once the records are durably spooled
    expect(s.metrics()).toMatchObject({ state: 'spooling', spooled: 30, sent: 0 });
    await s.write(makeRecords(30, 10)); // goes straight to the spool, behind the others
    expect(s.metrics().spooled).toBe(40);
    state.down = false;
    for (let i = 0; i < 100 && s.metrics().state !== 'online'; i++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    await s.write(makeRecords(40, 5));
    await s.close();
    expect(sequences(delivered)).toEqual(range(0, 45));
    expect(s.metrics()).toMatchObject({ replayed: 40, sent: 5 });
    expect(await readdir(directory)).toEqual([]);
  });

  it('spools at spool.afterMs while a send hangs inside the client, releasing blocked writers; a late acknowledgement is not replayed', async () => {
    const { kafka, delivered, state } = fakeKafka();
    let release!: () => void;
    state.hold = new Promise((resolve) => (release = resolve));
    const s = sink(kafka, {
      spool: { directory, afterMs: 40 },
      maxBufferedRecords: 50,
      batchSize: 50,
    });
    const startedAt = Date.now();
    await s.write(makeRecords(0, 50)); // taken by the sender, whose send never returns
    await new Promise((resolve) => setTimeout(resolve, 5));
    await s.write(makeRecords(50, 50)); // fills the buffer
    // Waits for room: only the deadline can free it, since the send is still held.
    await s.write(makeRecords(100, 10));
    await s.flush();
    const spooling = s.metrics();
    expect(spooling).toMatchObject({ state: 'spooling', spooled: 110, sent: 0, buffered: 0 });
    expect(spooling.failingSince).toBeGreaterThanOrEqual(startedAt);
    expect(spooling.spoolingSince! - spooling.failingSince!).toBeGreaterThanOrEqual(40 - 5);
    expect(state.sends).toBe(1);
    // kafkajs's attempt comes back acknowledged: its 50 records head the spool and are skipped.
    state.hold = null;
    release();
    for (let i = 0; i < 200 && s.metrics().state !== 'online'; i++)
      await new Promise((resolve) => setTimeout(resolve, 5));
    await s.write(makeRecords(110, 5));
    await s.close();
    expect(sequences(delivered)).toEqual(range(0, 115));
    expect(s.metrics()).toMatchObject({
      acknowledgedLate: 50,
      replayed: 60,
      sent: 5,
      failingSince: null,
      spoolingSince: null,
    });
  });

  it('replays a batch spooled at the deadline when the attempt kafkajs was still running fails after all', async () => {
    const { kafka, delivered, state } = fakeKafka();
    let release!: () => void;
    state.hold = new Promise((resolve) => (release = resolve));
    const s = sink(kafka, { spool: { directory, afterMs: 30 } });
    await s.write(makeRecords(0, 20));
    await s.flush();
    expect(s.metrics()).toMatchObject({ state: 'spooling', spooled: 20 });
    await s.write(makeRecords(20, 10));
    state.down = true;
    state.hold = null;
    release();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(s.metrics().failed).toBeGreaterThanOrEqual(20);
    state.down = false;
    for (let i = 0; i < 200 && s.metrics().state !== 'online'; i++)
      await new Promise((resolve) => setTimeout(resolve, 5));
    await s.close();
    expect(sequences(delivered)).toEqual(range(0, 30));
    expect(s.metrics()).toMatchObject({ acknowledgedLate: 0, replayed: 30, sent: 0 });
  });

  it('close() with the broker down spools what is left, and a later sink delivers it', async () => {
    const down = fakeKafka();
    down.state.down = true;
    const first = sink(down.kafka, { spool: { directory, afterMs: 30 } });
    await first.write(makeRecords(0, 25));
    await first.close();
    expect(first.metrics()).toMatchObject({ spooled: 25, state: 'closed' });
    await expect(first.write(makeRecords(25, 1))).rejects.toBeInstanceOf(KafkaSinkError);
    await expect(first.write(makeRecords(25, 1))).rejects.toMatchObject({ code: 'closed' });
    await first.close(); // idempotent

    const up = fakeKafka();
    const second = sink(up.kafka, { spool: { directory } });
    await second.write(makeRecords(25, 5));
    await second.close();
    expect(sequences(up.delivered)).toEqual(range(0, 30));
  });

  it('reports an unwritable spool as spool_failed', async () => {
    const { kafka } = fakeKafka();
    const s = sink(kafka, { spool: { directory: '/proc/version/not-a-directory' } });
    await expect(s.write(makeRecords(0, 1))).rejects.toMatchObject({ code: 'spool_failed' });
  });

  it('registers the schema once and frames values with the id (fake registry over fetch)', async () => {
    const { kafka, delivered } = fakeKafka();
    const calls: { url: string; body: string }[] = [];
    const s = sink(kafka, {
      format: {
        type: 'confluent',
        registry: {
          url: 'http://registry.test/apis/ccompat/v7/',
          fetch: (url, init) => {
            calls.push({ url, body: init.body });
            return Promise.resolve({
              ok: true,
              status: 200,
              text: () => Promise.resolve('{"id":4242}'),
            });
          },
        },
      },
    });
    await s.write(makeRecords(0, 3));
    await s.write(makeRecords(3, 3));
    await s.close();
    expect(calls).toHaveLength(1);
    expect(calls[0]!.url).toBe('http://registry.test/apis/ccompat/v7/subjects/t-value/versions');
    expect(JSON.parse((JSON.parse(calls[0]!.body) as { schema: string }).schema)).toEqual(
      testRecord.schema,
    );
    expect(delivered.every((m) => (m.value as Buffer).readInt32BE(1) === 4242)).toBe(true);
  });

  it('validates its options', () => {
    const { kafka } = fakeKafka();
    expect(() => sink(kafka, { acks: 1 })).toThrow(
      expect.objectContaining({ code: 'invalid_options' }),
    );
    expect(() => sink(kafka, { batchSize: 0 })).toThrow(
      expect.objectContaining({ code: 'invalid_options' }),
    );
    expect(() => sink(kafka, { topic: '' })).toThrow(
      expect.objectContaining({ code: 'invalid_options' }),
    );
    expect(() => sink(kafka, { compression: 'brotli' as never })).toThrow(
      expect.objectContaining({ code: 'invalid_options' }),
    );
    expect(() => sink(kafka, { acks: 1, idempotent: false })).not.toThrow();
  });
});
