import { avro, defineRecord, type InferRecord, type SinkRecord } from '@tributary/schema';

/** A record with what Divolte records carry: longs (one beyond avsc's safe default), strings, nullables, a map. */
export const testRecord = defineRecord({
  name: 'SinkTestRecord',
  namespace: 'io.tributary.test',
  fields: {
    sequence: avro.long(),
    timestamp: avro.timestampMillis(),
    partyId: avro.string(),
    farLong: avro.long(),
    location: avro.nullable(avro.string()),
    firstInSession: avro.boolean(),
    parameters: avro.map(avro.string()),
    padding: avro.string(),
  },
});
export type TestRecord = InferRecord<typeof testRecord>;

/**
 * When this test process started: record timestamps count from it. A fixed date goes stale, and
 * the broker's 7-day retention then deletes a topic's segments (30 s after a start, then every
 * 5 min), which emptied the crash test's topic after its broker restart.
 */
export const recordEpoch = Date.now();

/** The `index`-th record of a run: 400 bytes of Avro (within a few), keyed by one of `parties` party ids. */
export function makeRecord(index: number, parties = 50, at = recordEpoch): SinkRecord<TestRecord> {
  const partyId = `0:party${index % parties}:${(index % parties).toString(36)}`;
  const timestamp = at + index;
  return {
    key: partyId,
    timestamp,
    value: {
      sequence: index,
      timestamp,
      partyId,
      // Below -2^52, where avsc's default long corrupts values.
      farLong: -(2 ** 52) - 1 - index,
      location: index % 3 === 0 ? null : `https://shop.example/p/${index}?utm=test`,
      firstInSession: index % 7 === 0,
      parameters: { sku: `sku-${index % 1000}`, q: 'ä€😀' },
      padding: 'x'.repeat(312),
    },
  };
}

export function makeRecords(
  from: number,
  count: number,
  parties?: number,
): SinkRecord<TestRecord>[] {
  return Array.from({ length: count }, (_, i) => makeRecord(from + i, parties));
}
