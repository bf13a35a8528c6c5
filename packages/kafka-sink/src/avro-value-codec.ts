import avro from 'avsc';
import type { AvroSchema } from '@tributary/schema';
import { KafkaSinkError } from './kafka-sink-error';
import { safeLongTypeHook } from './internal/safe-long';

/**
 * How a record value looks on the topic:
 * - `naked`: the bare Avro binary datum, Divolte's default; consumers must know the writer schema.
 * - `confluent`: byte `0x00`, the schema id as a 4-byte big-endian signed integer, then the datum
 *   (the Confluent Schema Registry wire format, as Divolte's `confluent` mode writes it).
 */
export type WireFormat =
  { readonly type: 'naked' } | { readonly type: 'confluent'; readonly schemaId: number };

/** Options of {@link createAvroValueCodec}. */
export interface AvroValueCodecOptions {
  /** The record's Avro schema (JSON), e.g. `divolteEventRecord.schema`. */
  readonly schema: AvroSchema;
  /**
   * The framing of each value.
   * @default { type: 'naked' }
   */
  readonly wireFormat?: WireFormat;
}

/** Encodes records to Kafka values and back, with avsc and a `long` that is exact over the safe integers. */
export interface AvroValueCodec<TRecord> {
  /** The value bytes of one record; throws {@link KafkaSinkError} `unencodable_record` when it does not fit the schema. */
  encode(record: TRecord): Buffer;
  /** The record of one value; throws {@link KafkaSinkError} `unencodable_record` for bytes that are not such a value. */
  decode(value: Uint8Array): TRecord;
}

/** The first byte of a Confluent-framed value. */
export const CONFLUENT_MAGIC_BYTE = 0;

/**
 * Creates the Avro codec the sink uses for values; consumers and tests use it to read them back.
 *
 * @example
 * ```ts
 * const codec = createAvroValueCodec({ schema: divolteEventRecord.schema, wireFormat: { type: 'confluent', schemaId: 0x1defaced } });
 * codec.encode(record).subarray(0, 5); // <00 1d ef ac ed>
 * ```
 */
export function createAvroValueCodec<TRecord>(
  options: AvroValueCodecOptions,
): AvroValueCodec<TRecord> {
  let type: avro.Type;
  try {
    type = avro.Type.forSchema(options.schema as avro.Schema, { typeHook: safeLongTypeHook });
  } catch (cause) {
    throw new KafkaSinkError('invalid_options', `Not a usable Avro schema: ${String(cause)}`, {
      cause,
    });
  }
  const wire = options.wireFormat ?? { type: 'naked' };
  if (wire.type === 'naked') {
    return {
      encode: (record) => encodeWith(type, record),
      decode: (value) =>
        decodeWith(type, Buffer.from(value.buffer, value.byteOffset, value.byteLength)) as TRecord,
    };
  }
  if (!Number.isInteger(wire.schemaId) || wire.schemaId < -(2 ** 31) || wire.schemaId >= 2 ** 32) {
    throw new KafkaSinkError(
      'invalid_options',
      `schemaId must be a 32-bit integer, got ${wire.schemaId}`,
    );
  }
  const header = Buffer.alloc(5);
  header[0] = CONFLUENT_MAGIC_BYTE;
  // Ids written as unsigned (0x1DEFACED) or signed are the same four bytes.
  header.writeInt32BE(wire.schemaId | 0, 1);
  return {
    encode(record) {
      const datum = encodeWith(type, record);
      const value = Buffer.allocUnsafe(5 + datum.length);
      header.copy(value, 0);
      datum.copy(value, 5);
      return value;
    },
    decode(value) {
      const buffer = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
      if (
        buffer.length < 5 ||
        buffer[0] !== CONFLUENT_MAGIC_BYTE ||
        !buffer.subarray(1, 5).equals(header.subarray(1, 5))
      ) {
        throw new KafkaSinkError(
          'unencodable_record',
          'Not a Confluent-framed value with the expected schema id',
        );
      }
      return decodeWith(type, buffer.subarray(5)) as TRecord;
    },
  };
}

function encodeWith(type: avro.Type, record: unknown): Buffer {
  try {
    return type.toBuffer(record);
  } catch (cause) {
    if (cause instanceof KafkaSinkError) throw cause;
    throw new KafkaSinkError(
      'unencodable_record',
      `The record does not fit the schema: ${describe(type, record)}`,
      {
        cause,
      },
    );
  }
}

function decodeWith(type: avro.Type, buffer: Buffer): unknown {
  try {
    return type.fromBuffer(buffer) as unknown;
  } catch (cause) {
    if (cause instanceof KafkaSinkError) throw cause;
    throw new KafkaSinkError(
      'unencodable_record',
      `Not an Avro datum of the schema: ${String(cause)}`,
      { cause },
    );
  }
}

/** Names the first field paths that do not fit, which avsc's own error does not. */
function describe(type: avro.Type, record: unknown): string {
  const paths: string[] = [];
  type.isValid(record, {
    errorHook: (path: string[]) => {
      if (paths.length < 3) paths.push(path.join('.') || '(the record)');
    },
  });
  return paths.length > 0 ? `invalid at ${paths.join(', ')}` : 'invalid value';
}
