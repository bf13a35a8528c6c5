import { isUtf8 } from 'node:buffer';
import avro from 'avsc';

// Recovery must never publish bytes that a strict reader rejects, and avsc's decoder is lenient:
// it reads invalid UTF-8 as U+FFFD, an enum index out of range as `undefined`, a boolean byte 7 as
// true, and ints or longs of any width. fastavro (Python) rejects invalid UTF-8 and out-of-range
// indexes; Java's reader rejects over-long varints. A crash or a bad disk leaves bytes no writer
// produced, so this checker accepts exactly what this sink's writer can produce and nothing else:
// booleans 0 or 1, ints in 32 bits, longs that are safe integers, varints in their shortest form,
// well-formed UTF-8, indexes in range, positive array and map block counts (avsc writes no
// negative ones), lengths that stay inside the block. It builds no values, so it is also cheaper
// than decoding.

/**
 * Checks one value at `pos` of `buf` and returns the position after it, {@link INVALID} when the
 * bytes are not a value the sink's writer could have written there, or {@link TRUNCATED} when
 * they were one so far but `buf` ends first.
 */
export type StrictReader = (buf: Uint8Array, pos: number) => number;

/** A {@link StrictReader}'s answer for bytes no writer produces. */
export const INVALID = -1;
/** A {@link StrictReader}'s answer for a value cut off by the end of the buffer. */
export const TRUNCATED = -2;

const TWO_53 = 9007199254740992;

// The varint's zigzag value split as the sign bit and the magnitude, so that longs of 53 bits
// stay exact. A varint longer than `maxBytes` or not in its shortest form (a last byte of 0
// after others) is invalid: no writer emits one.
let varintMagnitude = 0;
let varintNegative = false;
function readVarint(buf: Uint8Array, pos: number, maxBytes: number): number {
  const end = Math.min(buf.length, pos + maxBytes);
  if (pos >= buf.length) return TRUNCATED;
  let byte = buf[pos]!;
  varintNegative = (byte & 1) === 1;
  let m = (byte & 0x7f) >> 1;
  let scale = 64;
  let i = pos + 1;
  while (byte & 0x80) {
    if (i >= end) return i >= pos + maxBytes ? INVALID : TRUNCATED;
    byte = buf[i++]!;
    m += (byte & 0x7f) * scale;
    scale *= 128;
  }
  if (byte === 0 && i - pos > 1) return INVALID;
  varintMagnitude = m;
  return i;
}

// A non-negative count or length that is a safe integer. Its value is left in `lengthValue`.
let lengthValue = 0;
function readLength(buf: Uint8Array, pos: number): number {
  const next = readVarint(buf, pos, 10);
  if (next < 0) return next;
  if (varintNegative || varintMagnitude >= TWO_53) return INVALID;
  lengthValue = varintMagnitude;
  return next;
}

const readNull: StrictReader = (_buf, pos) => pos;
const readBoolean: StrictReader = (buf, pos) =>
  pos >= buf.length ? TRUNCATED : buf[pos]! <= 1 ? pos + 1 : INVALID;
const readInt: StrictReader = (buf, pos) => {
  const next = readVarint(buf, pos, 5);
  // zigzag: magnitude m is n (n >= 0) or -n - 1 (n < 0); both at most 2^31 - 1 in 32 bits.
  return next < 0 || varintMagnitude <= 0x7fffffff ? next : INVALID;
};
const readLong: StrictReader = (buf, pos) => {
  const next = readVarint(buf, pos, 10);
  // The sink writes safe integers only: |n| <= 2^53 - 1, so m <= 2^53 - 1 (n >= 0) or 2^53 - 2.
  if (next < 0) return next;
  return varintMagnitude > (varintNegative ? TWO_53 - 2 : TWO_53 - 1) ? INVALID : next;
};
const fixedSize =
  (size: number): StrictReader =>
  (buf, pos) =>
    pos + size <= buf.length ? pos + size : TRUNCATED;
const readBytes: StrictReader = (buf, pos) => {
  const start = readLength(buf, pos);
  if (start < 0) return start;
  const end = start + lengthValue;
  return end <= buf.length ? end : TRUNCATED;
};
const readString: StrictReader = (buf, pos) => {
  const start = readLength(buf, pos);
  if (start < 0) return start;
  const end = start + lengthValue;
  if (end > buf.length) return TRUNCATED;
  // Short ASCII strings are most of clickstream data: check them without a call into C++.
  let i = start;
  while (i < end && buf[i]! < 0x80) i++;
  if (i === end) return end;
  return isUtf8(buf.subarray(i, end)) ? end : INVALID;
};
const indexIn =
  (count: number): StrictReader =>
  (buf, pos) => {
    const next = readVarint(buf, pos, 5);
    return next < 0 || (!varintNegative && varintMagnitude < count) ? next : INVALID;
  };

// Array and map blocks: a positive count of items, then the items; a zero count ends them.
function blocksOf(item: StrictReader): StrictReader {
  return (buf, pos) => {
    let p = pos;
    for (;;) {
      p = readLength(buf, p);
      if (p < 0) return p;
      const count = lengthValue;
      if (count === 0) return p;
      for (let k = 0; k < count; k++) {
        p = item(buf, p);
        if (p < 0) return p;
      }
    }
  };
}

// The parts of avsc's parsed types the checker reads (avsc 5.7's documented properties).
interface TypeShape {
  readonly typeName: string;
  readonly size?: number;
  readonly symbols?: readonly string[];
  readonly itemsType?: TypeShape;
  readonly valuesType?: TypeShape;
  readonly fields?: readonly { readonly type: TypeShape }[];
  readonly types?: readonly TypeShape[];
  readonly underlyingType?: TypeShape;
}

function compile(type: TypeShape, compiled: Map<TypeShape, StrictReader>): StrictReader {
  const known = compiled.get(type);
  if (known) return known;
  const name = type.typeName;
  switch (name) {
    case 'null':
      return readNull;
    case 'boolean':
      return readBoolean;
    case 'int':
      return readInt;
    case 'long':
      return readLong;
    case 'float':
      return fixedSize(4);
    case 'double':
      return fixedSize(8);
    case 'bytes':
      return readBytes;
    case 'string':
      return readString;
    case 'fixed':
      return fixedSize(type.size!);
    case 'enum':
      return indexIn(type.symbols!.length);
    case 'array':
      return blocksOf(compile(type.itemsType!, compiled));
    case 'map': {
      const values = compile(type.valuesType!, compiled);
      return blocksOf((buf, pos) => {
        const p = readString(buf, pos);
        return p < 0 ? p : values(buf, p);
      });
    }
    case 'record':
    case 'error': {
      // Registered before its fields, so a recursive reference finds it.
      let fields: StrictReader[] = [];
      const reader: StrictReader = (buf, pos) => {
        let p = pos;
        for (const field of fields) {
          p = field(buf, p);
          if (p < 0) return p;
        }
        return p;
      };
      compiled.set(type, reader);
      fields = type.fields!.map((f) => compile(f.type, compiled));
      return reader;
    }
    default: {
      if (name.startsWith('union:')) {
        const branches = type.types!.map((t) => compile(t, compiled));
        const index = indexIn(branches.length);
        return (buf, pos) => {
          const p = index(buf, pos);
          return p < 0 ? p : branches[varintMagnitude]!(buf, p);
        };
      }
      if (name.startsWith('logical:')) {
        return compile(type.underlyingType!, compiled);
      }
      throw new Error(`no strict reader for Avro type ${name}`);
    }
  }
}

/**
 * Builds a strict checker for values of an Avro schema (any schema avsc parses; logical types
 * are checked as their underlying type, their values are whatever the writer was given).
 * @throws when avsc rejects the schema.
 */
export function createStrictReader(schema: unknown): StrictReader {
  // Named types without a name parse in avsc only; Java and fastavro reject such a schema.
  const type = avro.Type.forSchema(schema as avro.Schema, { noAnonymousTypes: true });
  return compile(type, new Map());
}

/**
 * Reads a block count or byte length at `pos` (a non-negative long in shortest form) and returns
 * it with the position after it, or {@link INVALID} or {@link TRUNCATED}.
 */
export function readBlockLength(
  buf: Uint8Array,
  pos: number,
): { value: number; next: number } | typeof INVALID | typeof TRUNCATED {
  const next = readLength(buf, pos);
  if (next === TRUNCATED) return TRUNCATED;
  return next < 0 ? INVALID : { value: lengthValue, next };
}
