import { inflateRawSync } from 'node:zlib';
import avro from 'avsc';
import type { FileSinkFileHandle } from '../file-system';
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
function getHeaderType(): avro.Type {
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

/** Reads a zigzag varint; undefined when `buf` ends first or it is not a small non-negative long. */
function decodeVarLong(buf: Uint8Array, pos: number): { value: number; next: number } | undefined {
  let z = 0;
  let scale = 1;
  for (let i = pos; i < buf.length && i < pos + 10; i++) {
    const byte = buf[i]!;
    z += (byte & 0x7f) * scale;
    scale *= 128;
    if ((byte & 0x80) === 0) {
      if (z % 2 === 1 || z > 2 ** 52) return undefined; // negative, or absurd
      return { value: z / 2, next: i + 1 };
    }
  }
  return undefined;
}

/** The subset of a file handle that scanning needs. */
export type ReadableHandle = Pick<FileSinkFileHandle, 'read'>;

async function readAt(handle: ReadableHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

/** What a scan of a possibly torn container found. */
export interface ContainerScan {
  /** Whether the header is complete and valid. */
  readonly header: boolean;
  /** Byte length of the valid prefix: the header and every complete, decodable block. */
  readonly validLength: number;
  /** Complete blocks in that prefix. */
  readonly blocks: number;
  /** Records in those blocks. */
  readonly records: number;
}

const NO_HEADER: ContainerScan = { header: false, validLength: 0, blocks: 0, records: 0 };

/**
 * Scans a container file that a crash may have cut anywhere, and finds the longest prefix that
 * is itself a valid container: the header and each following block whose sync marker matches
 * and whose records all decode with the file's own schema. Reads one block at a time.
 */
export async function scanContainer(handle: ReadableHandle, size: number): Promise<ContainerScan> {
  // The header: read more until it decodes or the file ends.
  let headerBuf = await readAt(handle, 0, Math.min(size, 64 * 1024));
  let decoded: { value: unknown; offset: number } | undefined;
  for (;;) {
    if (headerBuf.length < MAGIC.length || !headerBuf.subarray(0, 4).equals(MAGIC))
      return NO_HEADER;
    try {
      decoded = getHeaderType().decode(headerBuf, 0);
    } catch {
      return NO_HEADER;
    }
    if (decoded.offset >= 0) break;
    if (headerBuf.length >= size) return NO_HEADER;
    headerBuf = await readAt(handle, 0, Math.min(size, headerBuf.length * 4));
  }
  const header = decoded.value as { meta: Record<string, Buffer>; sync: Buffer };
  const schemaBytes = header.meta['avro.schema'];
  const codec = header.meta['avro.codec']?.toString('utf8') ?? 'null';
  if (schemaBytes === undefined || (codec !== 'null' && codec !== 'deflate')) return NO_HEADER;
  let type: avro.Type;
  try {
    type = createRecordType(JSON.parse(schemaBytes.toString('utf8')));
  } catch {
    return NO_HEADER;
  }
  const sync = header.sync;

  let position = decoded.offset;
  let blocks = 0;
  let records = 0;
  for (;;) {
    const head = await readAt(handle, position, Math.min(20, size - position));
    const count = decodeVarLong(head, 0);
    const length = count && decodeVarLong(head, count.next);
    if (!count || !length || count.value === 0) break;
    const dataStart = position + length.next;
    const blockEnd = dataStart + length.value + SYNC_SIZE;
    if (blockEnd > size) break;
    const body = await readAt(handle, dataStart, length.value + SYNC_SIZE);
    if (!body.subarray(length.value).equals(sync)) break;
    if (!decodesExactly(type, body.subarray(0, length.value), codec, count.value)) break;
    position = blockEnd;
    blocks += 1;
    records += count.value;
  }
  return { header: true, validLength: position, blocks, records };
}

function decodesExactly(type: avro.Type, data: Buffer, codec: string, count: number): boolean {
  try {
    const raw = codec === 'deflate' ? inflateRawSync(data) : data;
    let offset = 0;
    for (let i = 0; i < count; i++) {
      offset = type.decode(raw, offset).offset;
      if (offset < 0) return false;
    }
    return offset === raw.length;
  } catch {
    return false;
  }
}
