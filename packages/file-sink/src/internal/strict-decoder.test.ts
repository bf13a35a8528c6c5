import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AvroRecordSchema } from '@tributary/schema';
import { createRecordType } from './container';
import { createStrictReader, INVALID, readBlockLength, TRUNCATED } from './strict-decoder';
import { allTypesFields, allTypesValues } from '../../test/all-types.ts';

// A schema with every kind of value the checker has a rule for.
const schema: AvroRecordSchema = {
  type: 'record',
  name: 'All',
  fields: [
    ...allTypesFields,
    { name: 'n', type: ['null', 'double'] },
    { name: 'ts', type: { type: 'long', logicalType: 'timestamp-millis' } },
    {
      name: 'tree',
      type: {
        type: 'record',
        name: 'Node',
        fields: [
          { name: 'v', type: 'int' },
          { name: 'kids', type: { type: 'array', items: 'Node' } },
        ],
      },
    },
  ],
};

const node = fc.letrec((tie) => ({
  node: fc.record({
    v: fc.integer(),
    kids: fc.oneof(
      { maxDepth: 3, depthIdentifier: 'tree' },
      fc.constant([]),
      fc.array(tie('node'), { maxLength: 2 }),
    ),
  }),
})).node;
const record = fc.record({
  ...allTypesValues,
  n: fc.option(fc.double(), { nil: null }),
  ts: fc.maxSafeInteger(),
  tree: node,
});

const type = createRecordType(schema);
const strict = createStrictReader(schema);

/** The bytes the sink writes for a value of a one-field record of `fieldType`. */
function one(fieldType: unknown, value: unknown): Buffer {
  return createRecordType({
    type: 'record',
    name: 'One',
    fields: [{ name: 'x', type: fieldType }],
  }).toBuffer({ x: value });
}
/** The zigzag varint of any 64-bit integer, exactly. */
function zigzag(n: bigint): Buffer {
  let z = n >= 0n ? n * 2n : -n * 2n - 1n;
  const bytes: number[] = [];
  while (z >= 128n) {
    bytes.push(Number(z % 128n) | 0x80);
    z /= 128n;
  }
  bytes.push(Number(z));
  return Buffer.from(bytes);
}
const readerOf = (fieldType: unknown) =>
  createStrictReader({ type: 'record', name: 'One', fields: [{ name: 'x', type: fieldType }] });

describe('createStrictReader', () => {
  it('accepts exactly the bytes of every record the sink writes, and calls each cut truncated (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 5 }), (records) => {
        const bytes = Buffer.concat(records.map((r) => type.toBuffer(r)));
        let pos = 0;
        for (const r of records) {
          const next = strict(bytes, pos);
          expect(next).toBe(pos + type.toBuffer(r).length);
          pos = next;
        }
        expect(pos).toBe(bytes.length);
        // Cut anywhere inside the last record, the bytes are no longer a record.
        const last = bytes.length - type.toBuffer(records.at(-1)).length;
        for (let cut = last; cut < bytes.length; cut++) {
          expect(strict(bytes.subarray(0, cut), last)).toBe(TRUNCATED);
        }
      }),
      { numRuns: 200 },
    );
  }, 30_000);

  it('never throws on arbitrary bytes and never reads past them', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const end = strict(bytes, 0);
        expect(end).toBeLessThanOrEqual(bytes.length);
        expect(end).toBeGreaterThanOrEqual(TRUNCATED);
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects invalid UTF-8 in strings and map keys (fastavro fails on it; avsc reads U+FFFD)', () => {
    const bytes = one('string', 'café');
    expect(readerOf('string')(bytes, 0)).toBe(bytes.length);
    for (const bad of [
      [0xc3], // cut inside a sequence
      [0xc0, 0xaf], // over-long form
      [0xed, 0xa0, 0x80], // a surrogate
      [0xff],
      [0xf4, 0x90, 0x80, 0x80], // past U+10FFFF
    ]) {
      const s = Buffer.from([bad.length * 2, ...bad]);
      expect(readerOf('string')(s, 0)).toBe(INVALID);
      // The same bytes as a map key: a block of one entry, the key, a null value, the end.
      const map = Buffer.from([2, bad.length * 2, ...bad, 0, 0]);
      expect(readerOf({ type: 'map', values: ['null', 'int'] })(map, 0)).toBe(INVALID);
      // As bytes they are fine.
      expect(readerOf('bytes')(s, 0)).toBe(s.length);
    }
  });

  it('tells a value cut off by the end of the bytes from a negative length', () => {
    const bytes = one('string', 'hello');
    expect(readerOf('string')(bytes.subarray(0, bytes.length - 1), 0)).toBe(TRUNCATED);
    expect(readerOf('bytes')(Buffer.from([0x01]), 0)).toBe(INVALID); // zigzag -1
    expect(readerOf({ type: 'fixed', name: 'F', size: 4 })(Buffer.from([1, 2, 3]), 0)).toBe(
      TRUNCATED,
    );
    expect(readerOf('double')(Buffer.alloc(7), 0)).toBe(TRUNCATED);
    expect(readerOf('float')(Buffer.alloc(3), 0)).toBe(TRUNCATED);
    expect(readerOf('boolean')(Buffer.alloc(0), 0)).toBe(TRUNCATED);
  });

  it('rejects enum and union indexes out of range (avsc reads an enum as undefined)', () => {
    const e = { type: 'enum', name: 'E', symbols: ['A', 'B', 'C'] };
    expect(readerOf(e)(Buffer.from([4]), 0)).toBe(1); // index 2
    expect(readerOf(e)(Buffer.from([6]), 0)).toBe(INVALID); // index 3
    expect(readerOf(e)(Buffer.from([1]), 0)).toBe(INVALID); // index -1
    const u = ['null', 'string'];
    expect(readerOf(u)(Buffer.from([0]), 0)).toBe(1);
    expect(readerOf(u)(Buffer.from([4]), 0)).toBe(INVALID); // branch 2
    expect(readerOf(u)(Buffer.from([3]), 0)).toBe(INVALID); // branch -2
  });

  it('rejects values the writer never writes: booleans other than 0 and 1, ints past 32 bits, longs past 2^53', () => {
    expect(readerOf('boolean')(Buffer.from([1]), 0)).toBe(1);
    expect(readerOf('boolean')(Buffer.from([2]), 0)).toBe(INVALID);
    const intOf = (n: number) => one('long', n);
    expect(readerOf('int')(intOf(2 ** 31 - 1), 0)).toBe(5);
    expect(readerOf('int')(intOf(-(2 ** 31)), 0)).toBe(5);
    expect(readerOf('int')(intOf(2 ** 31), 0)).toBe(INVALID);
    expect(readerOf('int')(intOf(-(2 ** 31) - 1), 0)).toBe(INVALID);
    const max = one('long', Number.MAX_SAFE_INTEGER);
    const min = one('long', Number.MIN_SAFE_INTEGER);
    expect(readerOf('long')(max, 0)).toBe(max.length);
    expect(readerOf('long')(min, 0)).toBe(min.length);
    // 2^53 and -2^53 - 1, which no safe integer writer produces.
    expect(readerOf('long')(zigzag(2n ** 53n), 0)).toBe(INVALID);
    expect(readerOf('long')(zigzag(-(2n ** 53n) - 1n), 0)).toBe(INVALID);
    expect(readerOf('long')(zigzag(2n ** 53n - 1n), 0)).toBe(max.length);
  });

  it('rejects varints that are too long, not in shortest form, or cut off', () => {
    expect(readerOf('int')(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]), 0)).toBe(INVALID);
    expect(readerOf('long')(Buffer.from(Array<number>(10).fill(0x80).concat(1)), 0)).toBe(INVALID);
    expect(readerOf('int')(Buffer.from([0x80, 0x00]), 0)).toBe(INVALID); // 0 in two bytes
    expect(readerOf('long')(Buffer.from([0x80]), 0)).toBe(TRUNCATED);
    expect(readerOf('int')(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80]), 0)).toBe(INVALID);
    expect(readBlockLength(Buffer.from([0x82, 0x00]), 0)).toBe(INVALID);
    expect(readBlockLength(Buffer.from([0x03]), 0)).toBe(INVALID); // negative
    expect(readBlockLength(Buffer.from([0x82]), 0)).toBe(TRUNCATED);
    expect(readBlockLength(Buffer.from([0x82, 0x01]), 0)).toEqual({ value: 65, next: 2 });
  });

  it('rejects negative array and map block counts (avsc never writes them) and items past the end', () => {
    const a = { type: 'array', items: 'int' };
    expect(readerOf(a)(one(a, [1, 2, 3]), 0)).toBe(one(a, [1, 2, 3]).length);
    // count -1, byte size 1, item 1, end: valid Avro, but not what this sink writes.
    expect(readerOf(a)(Buffer.from([0x01, 0x02, 0x02, 0x00]), 0)).toBe(INVALID);
    expect(readerOf(a)(Buffer.from([0x04, 0x02]), 0)).toBe(TRUNCATED); // two items, one there
    expect(readerOf(a)(Buffer.from([0x02, 0x02]), 0)).toBe(TRUNCATED); // no end marker
  });
});
