import { encodeUtf8 } from '../internal/utf8';

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

function mixBlock(h: number, block: number): number {
  let k = Math.imul(block, C1);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, C2);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finish(h: number, tail: number, tailLength: number, length: number): number {
  if (tailLength > 0) {
    let k = Math.imul(tail, C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, C2);
    h ^= k;
  }
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/**
 * MurmurHash3 x86_32 of a string's UTF-8 bytes (or of raw bytes), as a signed 32-bit integer: the
 * value Guava's `Hashing.murmur3_32(seed).hashString(s, UTF_8).asInt()` gives, which Divolte uses
 * for the request checksum (seed 0) and for party affinity (seed 42). Lone surrogates hash as `?`,
 * as Java encodes them.
 */
export function murmur3x86_32(input: string | Uint8Array, seed = 0): number {
  if (typeof input === 'string') {
    // ASCII (nearly every query) is its own UTF-8: hash the code units without a byte buffer.
    for (let i = 0; i < input.length; i++) {
      if (input.charCodeAt(i) >= 0x80) return hashBytes(encodeUtf8(input), seed);
    }
    return hashAscii(input, seed);
  }
  return hashBytes(input, seed);
}

function hashAscii(text: string, seed: number): number {
  const length = text.length;
  const blocks = length & ~3;
  let h = seed | 0;
  for (let i = 0; i < blocks; i += 4) {
    h = mixBlock(
      h,
      text.charCodeAt(i) |
        (text.charCodeAt(i + 1) << 8) |
        (text.charCodeAt(i + 2) << 16) |
        (text.charCodeAt(i + 3) << 24),
    );
  }
  let tail = 0;
  for (let i = length - 1; i >= blocks; i--) tail = (tail << 8) | text.charCodeAt(i);
  return finish(h, tail, length & 3, length);
}

function hashBytes(data: Uint8Array, seed: number): number {
  const length = data.length;
  const blocks = length & ~3;
  let h = seed | 0;
  for (let i = 0; i < blocks; i += 4) {
    h = mixBlock(h, data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24));
  }
  let tail = 0;
  for (let i = length - 1; i >= blocks; i--) tail = (tail << 8) | data[i]!;
  return finish(h, tail, length & 3, length);
}
