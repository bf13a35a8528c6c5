import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { murmur3x64_128, murmur3x64_128Into } from './murmur3-128';

/** Guava's expectation format: two longs whose little-endian bytes are the hash. */
function hex(hash: Uint8Array): string {
  const view = new DataView(hash.buffer);
  const long = (at: number): string => view.getBigUint64(at, true).toString(16).padStart(16, '0');
  return `${long(0)} ${long(8)}`;
}

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('murmur3x64_128', () => {
  it('reproduces the known values of Guava Murmur3Hash128Test', () => {
    const vectors: [number, string, string][] = [
      [0, '629942693e10f867 92db0b82baeb5347', 'hell'],
      [1, 'a78ddff5adae8d10 128900ef20900135', 'hello'],
      [2, '8a486b23f422e826 f962a2c58947765f', 'hello '],
      [3, '2ea59f466f6bed8c c610990acc428a17', 'hello w'],
      [4, '79f6305a386c572c 46305aed3483b94e', 'hello wo'],
      [5, 'c2219d213ec1f1b5 a1d8e2e0a52785bd', 'hello wor'],
      [0, 'e34bbc7bbc071b6c 7a433ca9c49a9347', 'The quick brown fox jumps over the lazy dog'],
      [0, '658ca970ff85269a 43fee3eaa68e5c3e', 'The quick brown fox jumps over the lazy cog'],
    ];
    for (const [seed, expected, input] of vectors) {
      expect(hex(murmur3x64_128(ascii(input), seed)), input).toBe(expected);
    }
  });

  it('passes SMHasher’s verification test (0x6384BA69 for MurmurHash3_x64_128)', () => {
    // Hash keys {0}, {0,1}, … {0..254} with seed 256 - length, then hash the concatenation.
    const key = new Uint8Array(256);
    const hashes = new Uint8Array(16 * 256);
    for (let i = 0; i < 256; i++) {
      key[i] = i;
      hashes.set(murmur3x64_128(key.subarray(0, i), 256 - i), i * 16);
    }
    const final = murmur3x64_128(hashes, 0);
    const verification =
      (final[0]! | (final[1]! << 8) | (final[2]! << 16) | (final[3]! << 24)) >>> 0;
    expect(verification).toBe(0x6384ba69);
  });

  it('hashes only the first `length` bytes and agrees with the byte-array form', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 80 }),
        fc.uint8Array({ maxLength: 8 }),
        (data, junk) => {
          const padded = new Uint8Array(data.length + junk.length);
          padded.set(data);
          padded.set(junk, data.length);
          const words = new Int32Array(4);
          murmur3x64_128Into(padded, data.length, 0, words);
          const bytes = murmur3x64_128(data);
          expect(new Uint8Array(words.buffer)).toEqual(bytes);
        },
      ),
    );
  });

  it('reads whole words from a view of the same buffer with the same result (little-endian)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.integer(), (data, seed) => {
        const buffer = new ArrayBuffer(data.length + 4 - (data.length % 4));
        const bytes = new Uint8Array(buffer);
        bytes.set(data);
        const byByte = new Int32Array(4);
        const byWord = new Int32Array(4);
        murmur3x64_128Into(bytes, data.length, seed, byByte);
        murmur3x64_128Into(bytes, data.length, seed, byWord, new Int32Array(buffer));
        expect(byWord).toEqual(byByte);
      }),
    );
  });
});
