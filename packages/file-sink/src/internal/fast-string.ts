import avro from 'avsc';

// avsc 5.7 writes short strings by asking Node for their UTF-8 length and then copying them one
// code unit at a time; most clickstream strings are short ASCII, which this type copies in one
// pass with a one-byte length, falling back to Node's UTF-8 encoder for anything else.

interface Tap {
  buf: Buffer;
  pos: number;
  writeLong(n: number): void;
}

type StringTypeConstructor = new () => avro.Type;

const BaseStringType = (avro.types as unknown as { StringType: StringTypeConstructor }).StringType;

class FastStringType extends BaseStringType {
  _write(tap: Tap, value: unknown): void {
    if (typeof value !== 'string') {
      throw new Error(`invalid "string": ${String(value)}`);
    }
    const buf = tap.buf;
    const start = tap.pos;
    const n = value.length;
    if (n < 64 && start + 1 + n <= buf.length) {
      let pos = start + 1;
      let i = 0;
      for (; i < n; i++) {
        const c = value.charCodeAt(i);
        if (c >= 0x80) break;
        buf[pos++] = c;
      }
      if (i === n) {
        buf[start] = n * 2; // the zigzag varint of a length below 64 is one byte
        tap.pos = pos;
        return;
      }
    }
    const length = Buffer.byteLength(value);
    tap.writeLong(length);
    const at = tap.pos;
    tap.pos += length;
    if (tap.pos <= buf.length) buf.write(value, at, length, 'utf8');
  }
}

/** One shared instance: avsc types are immutable once built. */
export const fastStringType: avro.Type = new FastStringType();
