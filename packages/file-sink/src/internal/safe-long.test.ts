import avro from 'avsc';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { safeLongType } from './safe-long';

describe('the exact long type', () => {
  const reference = (n: number): Buffer => {
    let z = BigInt.asUintN(64, (BigInt(n) << 1n) ^ (BigInt(n) >> 63n));
    const out: number[] = [];
    do {
      let byte = Number(z & 0x7fn);
      z >>= 7n;
      if (z !== 0n) byte |= 0x80;
      out.push(byte);
    } while (z !== 0n);
    return Buffer.from(out);
  };

  it('encodes and decodes every safe integer exactly (zigzag varint)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.maxSafeInteger(), fc.integer()), (n) => {
        const encoded = safeLongType.toBuffer(n);
        expect(encoded).toEqual(reference(n));
        expect(safeLongType.fromBuffer(encoded)).toBe(n);
      }),
      { numRuns: 5000 },
    );
    for (const n of [
      Number.MIN_SAFE_INTEGER,
      -(2 ** 52) - 1,
      -(2 ** 52),
      2 ** 52,
      Number.MAX_SAFE_INTEGER,
    ]) {
      expect(safeLongType.fromBuffer(safeLongType.toBuffer(n))).toBe(n);
      expect(safeLongType.toBuffer(n)).toEqual(reference(n));
    }
  });

  it('is needed: avsc 5.7’s own long writes values below -2^52 wrongly', () => {
    const n = Number.MIN_SAFE_INTEGER + 1; // -(2^53 - 2)
    expect(avro.Type.forSchema('long').toBuffer(n)).not.toEqual(reference(n));
  });

  it('rejects unsafe or fractional values and decodes larger longs as an error', () => {
    expect(() => safeLongType.toBuffer(2 ** 53)).toThrow();
    expect(() => safeLongType.toBuffer(1.5)).toThrow();
    expect(safeLongType.isValid(2 ** 53)).toBe(false);
    const beyondSafe = Buffer.from([0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]);
    expect(() => {
      safeLongType.fromBuffer(beyondSafe);
    }).toThrow(/precision/);
  });
});
