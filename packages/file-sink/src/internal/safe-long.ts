import avro from 'avsc';

// avsc 5.7's `long` computes the zigzag code in floating point, which rounds for values below
// -2^52 (the code exceeds 2^53), so such values are written and read wrongly without an error.
// This type writes the zigzag varint from the value's magnitude split at 2^6, which is exact for
// every safe integer, and keeps avsc's own fast path where avsc is exact.
const TWO_52 = 4503599627370496;

interface Tap {
  buf: Uint8Array;
  pos: number;
  writeLong(n: number): void;
  readLong(): number;
}

type LongTypeConstructor = new () => avro.Type;

const BaseLongType = (avro.types as unknown as { LongType: LongTypeConstructor }).LongType;

function invalidLong(value: unknown): never {
  throw new Error(`invalid "long": ${String(value)} is not a safe integer`);
}

class SafeLongType extends BaseLongType {
  _check(value: unknown, _flags: unknown, hook?: (value: unknown, type: avro.Type) => void) {
    const ok = Number.isSafeInteger(value);
    if (!ok && hook) hook(value, this);
    return ok;
  }

  _write(tap: Tap, value: unknown): void {
    if (!Number.isSafeInteger(value)) invalidLong(value);
    const n = value as number;
    if (n >= -TWO_52) {
      tap.writeLong(n);
      return;
    }
    // zigzag(n) = 2m + 1 with m = -n - 1: its low 7 bits come from m's low 6 bits and the sign,
    // the rest is m / 64, all exact.
    const m = -n - 1;
    const buf = tap.buf;
    buf[tap.pos++] = ((m % 64) * 2) | 1 | 0x80;
    let rest = Math.floor(m / 64);
    while (rest >= 128) {
      buf[tap.pos++] = (rest % 128) | 0x80;
      rest = Math.floor(rest / 128);
    }
    buf[tap.pos++] = rest;
  }

  _read(tap: Tap): number {
    const start = tap.pos;
    const n = tap.readLong();
    if (n > -TWO_52 && n < TWO_52) return n;
    // Large magnitudes: decode exactly from the first byte's sign bit and the rest.
    tap.pos = start;
    const buf = tap.buf;
    let byte = buf[tap.pos++] ?? 0;
    const negative = byte & 1;
    let m = (byte & 0x7f) >> 1;
    let scale = 64;
    while (byte & 0x80) {
      byte = buf[tap.pos++] ?? 0;
      m += (byte & 0x7f) * scale;
      scale *= 128;
    }
    const value = negative ? -m - 1 : m;
    if (!Number.isSafeInteger(value)) throw new Error('potential precision loss');
    return value;
  }
}

/** One shared instance: avsc types are immutable once built. */
export const safeLongType: avro.Type = new SafeLongType();
