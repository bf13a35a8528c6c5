import avro from 'avsc';
import { fastStringType } from './fast-string';
import { safeLongType } from './safe-long';

// The Avro object container format (Avro 1.11 specification, "Object Container Files"):
// header = magic "Obj\x01", metadata map<bytes> (avro.schema, avro.codec), 16-byte sync marker;
// then blocks = long record count, long byte size, the (compressed) records, the sync marker.

/** The codecs this sink writes; every Avro implementation reads both. */
export type AvroCodec = 'null' | 'deflate';

export const MAGIC = Uint8Array.of(0x4f, 0x62, 0x6a, 0x01);
export const SYNC_SIZE = 16;

let headerType: avro.Type | undefined;
/** The avsc type of a container header. */
export function getHeaderType(): avro.Type {
  headerType ??= avro.Type.forSchema({
    type: 'record',
    name: 'org.apache.avro.file.Header',
    fields: [
      { name: 'magic', type: { type: 'fixed', name: 'Magic', size: 4 } },
      { name: 'meta', type: { type: 'map', values: 'bytes' } },
      { name: 'sync', type: { type: 'fixed', name: 'Sync', size: 16 } },
    ],
  });
  return headerType;
}

// Gives every `long` the exact long type and every `string` the faster string type (logical
// types on them included; their values are the plain ones either way).
function typeHook(schema: avro.Schema): avro.Type | undefined {
  const name = typeof schema === 'string' ? schema : (schema as { type?: unknown } | null)?.type;
  if (name === 'long') return safeLongType;
  if (name === 'string') return fastStringType;
  return undefined;
}

/** Builds an avsc type for a writer schema, with exact 64-bit longs and faster strings. */
export function createRecordType(schema: unknown): avro.Type {
  return avro.Type.forSchema(schema as avro.Schema, { typeHook });
}

/** Encodes a container header. */
export function encodeHeader(schemaJson: string, codec: AvroCodec, sync: Uint8Array): Buffer {
  return getHeaderType().toBuffer({
    magic: Buffer.from(MAGIC),
    meta: {
      'avro.schema': Buffer.from(schemaJson, 'utf8'),
      'avro.codec': Buffer.from(codec, 'utf8'),
    },
    sync: Buffer.from(sync),
  });
}

/** Appends the zigzag varint of a non-negative safe integer (block counts and sizes). */
export function encodeVarLong(n: number): Buffer {
  const bytes: number[] = [];
  let z = n * 2; // zigzag of a non-negative number; exact below 2^52
  while (z >= 128) {
    bytes.push((z % 128) | 0x80);
    z = Math.floor(z / 128);
  }
  bytes.push(z);
  return Buffer.from(bytes);
}
