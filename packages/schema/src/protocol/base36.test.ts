import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatBase36, parseBase36Integer, parseBase36Number } from './base36';

describe('parseBase36Integer', () => {
  it('reads what Java Long.parseLong(s, 36) reads', () => {
    expect(parseBase36Integer('i1t8q2b6')).toBe(Date.UTC(2014, 9, 28, 12, 38, 28, 146));
    expect(parseBase36Integer('-11')).toBe(-37);
    expect(parseBase36Integer('+z')).toBe(35);
    expect(parseBase36Integer('ZZ')).toBe(1295);
    expect(parseBase36Integer('000000000000001')).toBe(1);
  });

  it.each(['', '-', '+', '1.5', ' 1', '1 ', '1_0', '１'])('rejects %j', (text) => {
    expect(parseBase36Integer(text)).toBeUndefined();
  });

  it('keeps to the int range for int targets, as Integer.parseInt does', () => {
    expect(parseBase36Integer((2 ** 31 - 1).toString(36), 'int')).toBe(2 ** 31 - 1);
    expect(parseBase36Integer((-(2 ** 31)).toString(36), 'int')).toBe(-(2 ** 31));
    expect(parseBase36Integer((2 ** 31).toString(36), 'int')).toBeUndefined();
    expect(parseBase36Integer('0000000000001', 'int')).toBe(1);
    expect(parseBase36Integer('1000000000000', 'int')).toBeUndefined();
  });

  it('round-trips every safe integer and refuses longs it cannot hold exactly', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (n) => {
        expect(parseBase36Integer(formatBase36(n))).toBe(n);
      }),
    );
    expect(parseBase36Integer('1y2p0ij32e8e7')).toBeUndefined(); // 2^63 - 1
  });
});

describe('parseBase36Number', () => {
  it('reads fractional device pixel ratios that Divolte drops', () => {
    expect(parseBase36Number('1.i')).toBe(1.5);
    expect(parseBase36Number('2')).toBe(2);
    expect(parseBase36Number((2.625).toString(36))).toBe(2.625);
    expect(parseBase36Number((1.100000023841858).toString(36))).toBe(1.100000023841858);
    expect(parseBase36Number('1.')).toBeUndefined();
    expect(parseBase36Number('1.#')).toBeUndefined();
  });

  it('gives back exactly the ratios browsers report', () => {
    const ratios = [0.25, 0.5, 0.75, 0.8, 0.9, 1, 1.1, 1.125, 1.25, 1.33, 1.5, 1.75, 2, 2.25, 2.5];
    for (const ratio of [
      ...ratios,
      2.625,
      2.75,
      3,
      3.5,
      4,
      1.100000023841858,
      1.3312500715255737,
    ]) {
      expect(parseBase36Number(formatBase36(ratio))).toBe(ratio);
    }
  });

  it('gives back a double with the same base-36 text, within an ulp or so, for any ratio', () => {
    // V8's toString(36) can write two neighbouring doubles alike, so the text is what must survive.
    fc.assert(
      fc.property(fc.double({ min: 0.01, max: 16, noNaN: true }), (ratio) => {
        const parsed = parseBase36Number(formatBase36(ratio))!;
        expect(formatBase36(parsed)).toBe(formatBase36(ratio));
        expect(Math.abs(parsed - ratio)).toBeLessThanOrEqual(ratio * 1e-14);
      }),
      { numRuns: 5000 },
    );
  });
});
