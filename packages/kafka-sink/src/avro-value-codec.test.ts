import avro from 'avsc';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAvroValueCodec } from './avro-value-codec';
import { KafkaSinkError } from './kafka-sink-error';
import { makeRecord, testRecord, type TestRecord } from '../test/fixtures';

/** Avro's long encoding, computed with BigInt as the reference: zig-zag, then base-128 varint. */
function referenceLong(value: number): number[] {
  let zigzag = BigInt.asUintN(64, (BigInt(value) << 1n) ^ (BigInt(value) >> 63n));
  const bytes: number[] = [];
  while (zigzag >= 0x80n) {
    bytes.push(Number((zigzag & 0x7fn) | 0x80n));
    zigzag >>= 7n;
  }
  bytes.push(Number(zigzag));
  return bytes;
}

const longCodec = createAvroValueCodec<{ value: number }>({
  schema: { type: 'record', name: 'L', fields: [{ name: 'value', type: 'long' }] },
});

describe('createAvroValueCodec', () => {
  it('encodes every safe integer long exactly as Avro specifies, where avsc’s default long fails', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (value) => {
        const encoded = longCodec.encode({ value });
        expect([...encoded]).toEqual(referenceLong(value));
        expect(longCodec.decode(encoded)).toEqual({ value });
      }),
      { numRuns: 2000 },
    );
    const edge = -(2 ** 52) - 3;
    expect([...longCodec.encode({ value: edge })]).toEqual(referenceLong(edge));
    expect([...avro.Type.forSchema('long').toBuffer(edge)]).not.toEqual(referenceLong(edge));
  });

  it('refuses longs it cannot carry exactly instead of corrupting them', () => {
    expect(() => longCodec.encode({ value: 2 ** 53 })).toThrow(KafkaSinkError);
    expect(() => longCodec.encode({ value: 1.5 })).toThrow(KafkaSinkError);
    // The varint of zig-zag 2^62, i.e. the long 2^61.
    const beyond = Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40]);
    expect(() => longCodec.decode(beyond)).toThrow(
      expect.objectContaining({ code: 'unsafe_long' }),
    );
  });

  it('round-trips records (naked and Confluent) and reads what plain avsc reads', () => {
    const naked = createAvroValueCodec<TestRecord>({ schema: testRecord.schema });
    const confluent = createAvroValueCodec<TestRecord>({
      schema: testRecord.schema,
      wireFormat: { type: 'confluent', schemaId: 0x1defaced },
    });
    const plain = avro.Type.forSchema({
      type: 'record',
      name: 'S',
      fields: [
        { name: 'sequence', type: 'long' },
        { name: 'timestamp', type: 'long' },
        { name: 'partyId', type: 'string' },
      ],
    });
    fc.assert(
      fc.property(fc.nat(1_000_000), (index) => {
        const record = makeRecord(index).value;
        const bytes = naked.encode(record);
        expect(naked.decode(bytes)).toEqual(record);
        const framed = confluent.encode(record);
        expect([...framed.subarray(0, 5)]).toEqual([0x00, 0x1d, 0xef, 0xac, 0xed]);
        expect(framed.subarray(5)).toEqual(bytes);
        expect(confluent.decode(framed)).toEqual(record);
        // A reader with a prefix of the schema sees the same leading fields.
        expect(plain.decode(bytes, 0).value).toMatchObject({
          sequence: index,
          partyId: record.partyId,
        });
      }),
      { numRuns: 300 },
    );
  });

  it('fails with unencodable_record, naming the field, for records that do not fit', () => {
    const codec = createAvroValueCodec<TestRecord>({ schema: testRecord.schema });
    const bad = { ...makeRecord(1).value, partyId: 42 } as unknown as TestRecord;
    expect(() => codec.encode(bad)).toThrow(
      expect.objectContaining({
        code: 'unencodable_record',
        message: expect.stringContaining('partyId'),
      }),
    );
  });

  it('never throws anything but KafkaSinkError on arbitrary bytes', () => {
    const naked = createAvroValueCodec<TestRecord>({ schema: testRecord.schema });
    const confluent = createAvroValueCodec<TestRecord>({
      schema: testRecord.schema,
      wireFormat: { type: 'confluent', schemaId: 7 },
    });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        for (const codec of [naked, confluent]) {
          try {
            codec.decode(bytes);
          } catch (error) {
            expect(error).toBeInstanceOf(KafkaSinkError);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('rejects unusable schemas and schema ids', () => {
    expect(() =>
      createAvroValueCodec({
        schema: { type: 'record', name: 'X', fields: [{ name: 'a', type: 'nope' }] },
      }),
    ).toThrow(expect.objectContaining({ code: 'invalid_options' }));
    expect(() =>
      createAvroValueCodec({
        schema: 'long',
        wireFormat: { type: 'confluent', schemaId: 2 ** 40 },
      }),
    ).toThrow(expect.objectContaining({ code: 'invalid_options' }));
  });
});
