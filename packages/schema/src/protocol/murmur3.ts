import { LONE_SURROGATE } from '../internal/utf8';

const NON_ASCII = /[^\0-\x7f]/;

function scramble(k: number): number {
  return Math.imul(((k = Math.imul(k, 0xcc9e2d51)) << 15) | (k >>> 17), 0x1b873593);
}

/**
 * MurmurHash3 x86_32 of a string's UTF-8 bytes, as a signed 32-bit integer, as divolte.js computes
 * the request checksum (seed 0); Divolte also uses it for party affinity (seed 42). Lone surrogates
 * hash as `?`, as Java encodes them. It equals Guava's
 * `Hashing.murmur3_32(seed).hashString(s, UTF_8).asInt()`, which Divolte's server calls, only on
 * text without surrogate pairs: Guava before `murmur3_32_fixed` (31.0) hashes a character outside
 * the BMP differently from its UTF-8 bytes (google/guava#5648), so Divolte marks such events
 * corrupt and Tributary, correctly, does not.
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

/*
 * MurmurHash3 x86_32 fed incrementally, for the request checksum: the decoder streams the
 * canonical string's UTF-8 bytes straight from the query instead of building, sorting and
 * re-encoding it. One hash at a time (the state is module-level, so no allocation); nothing
 * between `murmurStart` and `murmurEnd` may start another.
 */
let streamHash = 0;
let streamWord = 0;
let streamLength = 0;

/** Starts an incremental hash. */
export function murmurStart(seed: number): void {
  streamHash = seed | 0;
  streamWord = 0;
  streamLength = 0;
}

function murmurByte(byte: number): void {
  streamWord |= byte << ((streamLength & 3) << 3);
  if (!(++streamLength & 3)) {
    streamHash ^= scramble(streamWord);
    streamHash = (Math.imul((streamHash << 13) | (streamHash >>> 19), 5) + 0xe6546b64) | 0;
    streamWord = 0;
  }
}

/**
 * Feeds the UTF-8 bytes of `text.slice(from, to)`: ASCII as it is, lone surrogates as `?`, as
 * {@link murmur3x86_32} hashes them.
 */
export function murmurText(text: string, from: number, to: number): void {
  // The state in locals for the loop (module variables live in memory), written back at the end.
  let h = streamHash;
  let k = streamWord;
  let n = streamLength;
  let i = from;
  while (i < to) {
    // Whole little-endian words of ASCII while the stream is at a word boundary.
    if (!(n & 3)) {
      while (i + 4 <= to) {
        const c0 = text.charCodeAt(i);
        const c1 = text.charCodeAt(i + 1);
        const c2 = text.charCodeAt(i + 2);
        const c3 = text.charCodeAt(i + 3);
        if ((c0 | c1 | c2 | c3) >= 0x80) break;
        h ^= scramble(c0 | (c1 << 8) | (c2 << 16) | (c3 << 24));
        h = (Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64) | 0;
        n += 4;
        i += 4;
      }
      if (i >= to) break;
    }
    // One character (up to the next word boundary, at the end, or when it is not ASCII) as its
    // UTF-8 bytes; a lone surrogate as `?`.
    let c = text.charCodeAt(i++);
    let bytes: number;
    let count: number;
    if (c < 0x80) {
      bytes = c;
      count = 1;
    } else if (c < 0x800) {
      bytes = 0xc0 | (c >> 6) | ((0x80 | (c & 0x3f)) << 8);
      count = 2;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const next = i < to ? text.charCodeAt(i) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        bytes =
          0xf0 |
          (c >> 18) |
          ((0x80 | ((c >> 12) & 0x3f)) << 8) |
          ((0x80 | ((c >> 6) & 0x3f)) << 16) |
          ((0x80 | (c & 0x3f)) << 24);
        count = 4;
        i++;
      } else {
        bytes = 63;
        count = 1;
      }
    } else {
      bytes = 0xe0 | (c >> 12) | ((0x80 | ((c >> 6) & 0x3f)) << 8) | ((0x80 | (c & 0x3f)) << 16);
      count = 3;
    }
    for (; count > 0; count--) {
      k |= (bytes & 0xff) << ((n & 3) << 3);
      bytes >>>= 8;
      if (!(++n & 3)) {
        h ^= scramble(k);
        h = (Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64) | 0;
        k = 0;
      }
    }
  }
  streamHash = h;
  streamWord = k;
  streamLength = n;
}

/**
 * MurmurHash3 x86_32 (seed 0) of byte ranges of a buffer taken in turn: for each of the first
 * `count` ranges, the bytes `from[i]` to `to[i]` (exclusive) and then, when `suffix[i]` is not
 * negative, the byte `suffix[i]`. Whole words are read four at a time at any alignment (the bytes
 * left over are carried into the next word), the tail of a range as one masked word: `view` must
 * reach at least three bytes past every `to[i]`. The same value {@link murmur3x86_32} gives for
 * the text those bytes encode.
 */
export function murmurRanges(
  view: DataView,
  from: Int32Array,
  to: Int32Array,
  suffix: Int32Array,
  count: number,
): number {
  let h = 0;
  // The carried bytes, `shift` bits of them, and the length so far.
  let k = 0;
  let shift = 0;
  let length = 0;
  for (let range = 0; range < count; range++) {
    let i = from[range]!;
    const end = to[range]!;
    length += end - i;
    if (shift === 0) {
      for (; i + 4 <= end; i += 4) {
        h ^= scramble(view.getInt32(i, true));
        h = (Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64) | 0;
      }
    } else {
      const back = 32 - shift;
      for (; i + 4 <= end; i += 4) {
        const word = view.getInt32(i, true);
        h ^= scramble(k | (word << shift));
        h = (Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64) | 0;
        k = word >>> back;
      }
    }
    // The last zero to three bytes and the suffix as one word of up to four bytes.
    const rest = (end - i) << 3;
    let tail = rest === 0 ? 0 : view.getInt32(i, true) & ((1 << rest) - 1);
    let bits = rest;
    const extra = suffix[range]!;
    if (extra >= 0) {
      tail |= extra << rest;
      bits += 8;
      length++;
    }
    if (bits === 0) continue;
    k |= tail << shift;
    shift += bits;
    if (shift >= 32) {
      h ^= scramble(k);
      h = (Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64) | 0;
      shift -= 32;
      k = shift === 0 ? 0 : tail >>> (bits - shift);
    }
  }
  h ^= scramble(k);
  h ^= length;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Feeds one ASCII character. */
export function murmurAscii(code: number): void {
  murmurByte(code);
}

/** Finishes the incremental hash: the same signed 32-bit value {@link murmur3x86_32} gives. */
export function murmurEnd(): number {
  let h = streamHash ^ scramble(streamWord);
  h ^= streamLength;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}
