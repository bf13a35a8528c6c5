import avro from 'avsc';
import { KafkaSinkError } from '../kafka-sink-error';

const TWO_32 = 2 ** 32;
// avsc hands `toBuffer` results straight to its varint packer, so one scratch buffer suffices.
const scratch = Buffer.alloc(8);

/**
 * avsc's built-in `long` packs numbers with float arithmetic that corrupts values below -2^52. This
 * type goes through the 8-byte two's-complement form instead, exact over the whole safe integer
 * range, and refuses values outside it rather than corrupting them.
 */
function createSafeLongType(): avro.Type {
  return avro.types.LongType.__with({
    fromBuffer(buffer: Buffer): number {
      const high = buffer.readInt32LE(4);
      const value = high * TWO_32 + buffer.readUInt32LE(0);
      if (!Number.isSafeInteger(value)) {
        throw new KafkaSinkError(
          'unsafe_long',
          `Avro long outside the safe integer range (${value})`,
        );
      }
      return value;
    },
    toBuffer(value: number): Buffer {
      const high = Math.floor(value / TWO_32);
      scratch.writeInt32LE(high, 4);
      scratch.writeUInt32LE(value - high * TWO_32, 0);
      return scratch;
    },
    fromJSON: (value: unknown) => Number(value),
    toJSON: (value: number) => value,
    isValid: (value: unknown) => typeof value === 'number' && Number.isSafeInteger(value),
    compare: (a: number, b: number) => (a === b ? 0 : a < b ? -1 : 1),
  });
}

/** An avsc `typeHook` that makes every `long` of a schema a safe one. */
export function safeLongTypeHook(schema: avro.Schema): avro.Type | undefined {
  const type = typeof schema === 'string' ? schema : (schema as { type?: unknown }).type;
  return type === 'long' ? createSafeLongType() : undefined;
}
