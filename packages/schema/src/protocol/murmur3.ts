import { encodeUtf8 } from '../internal/utf8';

/**
 * MurmurHash3 x86_32 of a string's UTF-8 bytes (or of raw bytes), as a signed 32-bit integer: the
 * value Guava's `Hashing.murmur3_32(seed).hashString(s, UTF_8).asInt()` gives, which Divolte uses
 * for the request checksum (seed 0) and for party affinity (seed 42).
 */
export function murmur3x86_32(input: string | Uint8Array, seed = 0): number {
  const data = typeof input === 'string' ? encodeUtf8(input) : input;
  const length = data.length;
  const blocks = length & ~3;
  let h = seed | 0;
  for (let i = 0; i < blocks; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = length & 3;
  if (tail > 0) {
    let k = data[blocks]!;
    if (tail > 1) k ^= data[blocks + 1]! << 8;
    if (tail > 2) k ^= data[blocks + 2]! << 16;
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
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
