// MurmurHash3 x64_128 (Austin Appleby's reference, as Guava's `Hashing.murmur3_128`) on 32-bit
// halves: V8 has no fast 64-bit integer type, and BigInt is an order of magnitude slower.

const C1_HI = 0x87c37b91 | 0;
const C1_LO = 0x114253d5 | 0;
const C2_HI = 0x4cf5ad43 | 0;
const C2_LO = 0x2745937f | 0;
const C1_LO_U = 0x114253d5;
const C2_LO_U = 0x2745937f;

// The result of the 64-bit helpers, to keep the hot loop free of allocations.
let rHi = 0;
let rLo = 0;

/** The high 32 bits of the unsigned 64-bit product of two unsigned 32-bit numbers. */
function mulHigh32(a: number, b: number): number {
  const a1 = a >>> 16;
  const a0 = a & 0xffff;
  const b1 = b >>> 16;
  const b0 = b & 0xffff;
  const low = a0 * b0;
  const mid1 = a1 * b0 + (low >>> 16);
  const mid2 = a0 * b1 + (mid1 & 0xffff);
  return (a1 * b1 + (mid1 >>> 16) + (mid2 >>> 16)) | 0;
}

function mul64(aHi: number, aLo: number, bHi: number, bLo: number): void {
  rHi = (Math.imul(aHi, bLo) + Math.imul(aLo, bHi) + mulHigh32(aLo >>> 0, bLo >>> 0)) | 0;
  rLo = Math.imul(aLo, bLo);
}

function add64(aHi: number, aLo: number, bHi: number, bLo: number): void {
  const lo = (aLo >>> 0) + (bLo >>> 0);
  rHi = (aHi + bHi + (lo > 0xffffffff ? 1 : 0)) | 0;
  rLo = lo | 0;
}

/** Rotates left by `n` bits, 0 < n < 32. */
function rotl64(hi: number, lo: number, n: number): void {
  rHi = (hi << n) | (lo >>> (32 - n));
  rLo = (lo << n) | (hi >>> (32 - n));
}

/** k1 · c1, rotated left by 31, · c2. */
function mixK1(hi: number, lo: number): void {
  mul64(hi, lo, C1_HI, C1_LO);
  rotl64(rHi, rLo, 31);
  mul64(rHi, rLo, C2_HI, C2_LO);
}

/** k2 · c2, rotated left by 33 (a swap of the halves and a rotation by 1), · c1. */
function mixK2(hi: number, lo: number): void {
  mul64(hi, lo, C2_HI, C2_LO);
  rotl64(rLo, rHi, 1);
  mul64(rHi, rLo, C1_HI, C1_LO);
}

function fmix64(hi: number, lo: number): void {
  lo ^= hi >>> 1;
  mul64(hi, lo, 0xff51afd7 | 0, 0xed558ccd | 0);
  hi = rHi;
  lo = rLo ^ (rHi >>> 1);
  mul64(hi, lo, 0xc4ceb9fe | 0, 0x1a85ec53 | 0);
  rLo = rLo ^ (rHi >>> 1);
}

function word(data: Uint8Array, at: number): number {
  return data[at]! | (data[at + 1]! << 8) | (data[at + 2]! << 16) | (data[at + 3]! << 24);
}

/**
 * Hashes the first `length` bytes of `data` and writes the 128-bit result into `out` as four
 * 32-bit words: h1 low, h1 high, h2 low, h2 high (Guava's `asBytes()` is h1 then h2, each
 * little-endian). `words`, a view of the same buffer, lets a little-endian platform read whole
 * blocks instead of bytes; `data` must then start at offset 0 of that buffer.
 */
export function murmur3x64_128Into(
  data: Uint8Array,
  length: number,
  seed: number,
  out: Int32Array,
  words?: Int32Array,
): void {
  let h1Hi = 0;
  let h1Lo = seed | 0;
  let h2Hi = 0;
  let h2Lo = seed | 0;
  let k1Hi: number;
  let k1Lo: number;
  let k2Hi: number;
  let k2Lo: number;
  const blocks = length - (length & 15);
  for (let i = 0; i < blocks; i += 16) {
    if (words === undefined) {
      k1Lo = word(data, i);
      k1Hi = word(data, i + 4);
      k2Lo = word(data, i + 8);
      k2Hi = word(data, i + 12);
    } else {
      const at = i >> 2;
      k1Lo = words[at]!;
      k1Hi = words[at + 1]!;
      k2Lo = words[at + 2]!;
      k2Hi = words[at + 3]!;
    }

    // The helpers' steps written out on locals: their module-level results would cost a memory
    // round trip per step in this loop, which runs once per 16 bytes.
    // k1 · c1, rotated left by 31, · c2, into h1.
    let lo = Math.imul(k1Lo, C1_LO);
    let hi = (Math.imul(k1Hi, C1_LO) + Math.imul(k1Lo, C1_HI) + mulHigh32(k1Lo >>> 0, C1_LO_U)) | 0;
    let rh = (hi << 31) | (lo >>> 1);
    let rl = (lo << 31) | (hi >>> 1);
    lo = Math.imul(rl, C2_LO);
    hi = (Math.imul(rh, C2_LO) + Math.imul(rl, C2_HI) + mulHigh32(rl >>> 0, C2_LO_U)) | 0;
    h1Hi ^= hi;
    h1Lo ^= lo;
    // h1 = rotl(h1, 27) + h2, then h1 · 5 + 0x52dce729.
    rh = (h1Hi << 27) | (h1Lo >>> 5);
    rl = (h1Lo << 27) | (h1Hi >>> 5);
    let sum = (rl >>> 0) + (h2Lo >>> 0);
    rh = (rh + h2Hi + (sum > 0xffffffff ? 1 : 0)) | 0;
    rl = sum | 0;
    sum = (rl >>> 0) + ((rl << 2) >>> 0) + 0x52dce729;
    h1Hi = (rh + ((rh << 2) | (rl >>> 30)) + Math.floor(sum / 0x100000000)) | 0;
    h1Lo = sum | 0;

    // k2 · c2, rotated left by 33, · c1, into h2.
    lo = Math.imul(k2Lo, C2_LO);
    hi = (Math.imul(k2Hi, C2_LO) + Math.imul(k2Lo, C2_HI) + mulHigh32(k2Lo >>> 0, C2_LO_U)) | 0;
    rh = (lo << 1) | (hi >>> 31);
    rl = (hi << 1) | (lo >>> 31);
    lo = Math.imul(rl, C1_LO);
    hi = (Math.imul(rh, C1_LO) + Math.imul(rl, C1_HI) + mulHigh32(rl >>> 0, C1_LO_U)) | 0;
    h2Hi ^= hi;
    h2Lo ^= lo;
    // h2 = rotl(h2, 31) + h1, then h2 · 5 + 0x38495ab5.
    rh = (h2Hi << 31) | (h2Lo >>> 1);
    rl = (h2Lo << 31) | (h2Hi >>> 1);
    sum = (rl >>> 0) + (h1Lo >>> 0);
    rh = (rh + h1Hi + (sum > 0xffffffff ? 1 : 0)) | 0;
    rl = sum | 0;
    sum = (rl >>> 0) + ((rl << 2) >>> 0) + 0x38495ab5;
    h2Hi = (rh + ((rh << 2) | (rl >>> 30)) + Math.floor(sum / 0x100000000)) | 0;
    h2Lo = sum | 0;
  }

  const tail = length & 15;
  if (tail > 8) {
    k2Lo = 0;
    k2Hi = 0;
    for (let j = tail - 1; j >= 8; j--) {
      const byte = data[blocks + j]!;
      if (j >= 12) k2Hi |= byte << ((j - 12) * 8);
      else k2Lo |= byte << ((j - 8) * 8);
    }
    mixK2(k2Hi, k2Lo);
    h2Hi ^= rHi;
    h2Lo ^= rLo;
  }
  if (tail > 0) {
    k1Lo = 0;
    k1Hi = 0;
    for (let j = Math.min(tail, 8) - 1; j >= 0; j--) {
      const byte = data[blocks + j]!;
      if (j >= 4) k1Hi |= byte << ((j - 4) * 8);
      else k1Lo |= byte << (j * 8);
    }
    mixK1(k1Hi, k1Lo);
    h1Hi ^= rHi;
    h1Lo ^= rLo;
  }

  // The length is a 64-bit number; inputs here stay far below 2^32 bytes.
  h1Lo ^= length;
  h2Lo ^= length;
  add64(h1Hi, h1Lo, h2Hi, h2Lo);
  h1Hi = rHi;
  h1Lo = rLo;
  add64(h2Hi, h2Lo, h1Hi, h1Lo);
  h2Hi = rHi;
  h2Lo = rLo;
  fmix64(h1Hi, h1Lo);
  h1Hi = rHi;
  h1Lo = rLo;
  fmix64(h2Hi, h2Lo);
  h2Hi = rHi;
  h2Lo = rLo;
  add64(h1Hi, h1Lo, h2Hi, h2Lo);
  h1Hi = rHi;
  h1Lo = rLo;
  add64(h2Hi, h2Lo, h1Hi, h1Lo);
  out[0] = h1Lo;
  out[1] = h1Hi;
  out[2] = rLo;
  out[3] = rHi;
}

/**
 * MurmurHash3 x64_128 of `data`: the 16 bytes Guava's `murmur3_128(seed).hashBytes(data).asBytes()`
 * returns.
 */
export function murmur3x64_128(data: Uint8Array, seed = 0): Uint8Array {
  const words = new Int32Array(4);
  murmur3x64_128Into(data, data.length, seed, words);
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 16; i++) bytes[i] = (words[i >> 2]! >>> ((i & 3) * 8)) & 0xff;
  return bytes;
}
