import { LONE_SURROGATE } from '../internal/utf8';

const NON_ASCII = /[^\0-\x7f]/;

function scramble(k: number): number {
  return Math.imul(((k = Math.imul(k, 0xcc9e2d51)) << 15) | (k >>> 17), 0x1b873593);
}

/**
 * MurmurHash3 x86_32 of a string's UTF-8 bytes, as a signed 32-bit integer: the
 * value Guava's `Hashing.murmur3_32(seed).hashString(s, UTF_8).asInt()` gives, which Divolte uses
 * for the request checksum (seed 0) and for party affinity (seed 42). Lone surrogates hash as `?`,
 * as Java encodes them.
 */
export function murmur3x86_32(input: string, seed = 0): number {
  // ASCII is its own UTF-8. Otherwise the native encoder gives one char per byte; it cannot throw
  // once lone surrogates are gone.
  const data = NON_ASCII.test(input)
    ? // eslint-disable-next-line @typescript-eslint/no-deprecated -- the smallest UTF-8 encoder there is
      unescape(encodeURIComponent(input.replace(LONE_SURROGATE, '?')))
    : input;
  const length = data.length;
  let h = seed;
  let k = 0;
  // Little-endian 4-byte blocks; the tail block is scrambled too (a zero one changes nothing).
  for (let i = 0; i < length;) {
    k |= data.charCodeAt(i) << ((i & 3) << 3);
    if (!(++i & 3)) {
      h ^= scramble(k);
      h = Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64;
      k = 0;
    }
  }
  h ^= scramble(k);
  h ^= length;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}
