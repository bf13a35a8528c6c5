import avro from 'avsc';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fastStringType } from './fast-string';

const avscString = avro.Type.forSchema('string');

describe('the fast string type', () => {
  it('writes exactly what avsc writes for any well-formed string', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 100 }),
          fc.string({ unit: 'grapheme-ascii', maxLength: 100 }),
          fc.string({ maxLength: 200 }),
        ),
        (s) => {
          const ours = fastStringType.toBuffer(s);
          expect(ours).toEqual(avscString.toBuffer(s));
          expect(fastStringType.fromBuffer(ours)).toBe(s);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('writes valid UTF-8 for any string, lone surrogates included', () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
          maxLength: 80,
        }),
        (s) => {
          const ours = fastStringType.toBuffer(s);
          const text = Buffer.from(s, 'utf8');
          // The length prefix, then Node's UTF-8 (a lone surrogate becomes U+FFFD).
          expect(ours.subarray(ours.length - text.length)).toEqual(text);
          expect(fastStringType.fromBuffer(ours)).toBe(text.toString('utf8'));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('grows the buffer like avsc when a string does not fit', () => {
    const buf = Buffer.alloc(4);
    expect(fastStringType.encode('abcdef', buf, 0)).toBeLessThan(0);
    expect(fastStringType.encode('é'.repeat(40), buf, 0)).toBeLessThan(0);
    expect(() => fastStringType.toBuffer(42)).toThrow(/string/);
  });
});
