import { isUtf8 } from 'node:buffer';
import { inflateRawSync } from 'node:zlib';
import type { FileSinkFileHandle } from '../file-system';
import { getHeaderType, MAGIC, SYNC_SIZE } from './container';
import { createStrictReader, readBlockLength, type StrictReader } from './strict-decoder';

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

/** What a scan of a possibly torn or damaged container found. */
export interface ContainerScan {
  /** Whether the header is complete and valid. */
  readonly header: boolean;
  /** Byte length of the valid prefix: the header and every block before the first bad one. */
  readonly validLength: number;
  /** Complete, valid blocks in that prefix. */
  readonly blocks: number;
  /** Records in those blocks. */
  readonly records: number;
}

const NO_HEADER: ContainerScan = { header: false, validLength: 0, blocks: 0, records: 0 };
// Schemas are small; a "header" longer than this is damage, not a schema.
const MAX_HEADER_BYTES = 64 * 1024 * 1024;

let strictHeader: StrictReader | undefined;

interface Header {
  readonly length: number;
  readonly codec: 'null' | 'deflate';
  readonly sync: Buffer;
  readonly records: StrictReader;
}

// The header, if it is one this sink could have written: magic, a metadata map whose keys are
// valid UTF-8, a schema that is valid UTF-8 JSON avsc accepts, a codec the sink writes.
async function readHeader(handle: ReadableHandle, size: number): Promise<Header | undefined> {
  strictHeader ??= createStrictReader(getHeaderType().schema());
  let buf = await readAt(handle, 0, Math.min(size, 64 * 1024));
  let end = strictHeader(buf, 0);
  while (end < 0 && buf.length < size && buf.length < MAX_HEADER_BYTES) {
    buf = await readAt(handle, 0, Math.min(size, buf.length * 4, MAX_HEADER_BYTES));
    end = strictHeader(buf, 0);
  }
  if (end < 0 || !buf.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const { meta, sync } = getHeaderType().decode(buf, 0).value as {
    meta: Record<string, Buffer>;
    sync: Buffer;
  };
  const schema = meta['avro.schema'];
  const codec = meta['avro.codec']?.toString('latin1') ?? 'null';
  if (schema === undefined || !isUtf8(schema) || (codec !== 'null' && codec !== 'deflate')) {
    return undefined;
  }
  try {
    return {
      length: end,
      codec,
      sync: Buffer.from(sync),
      records: createStrictReader(JSON.parse(schema.toString('utf8'))),
    };
  } catch {
    return undefined;
  }
}

/**
 * Scans a container file that a crash may have cut anywhere (or a bad disk damaged), and finds
 * the longest prefix that strict readers read completely: the header, then each block whose
 * record count and byte size are shortest-form varints, whose 16-byte sync marker matches the
 * header's, whose data inflates exactly (deflate: the stream ends where the block ends), and
 * whose bytes are exactly `count` records that this sink's writer could have written (see
 * {@link createStrictReader}). Reads one block at a time.
 */
export async function scanContainer(handle: ReadableHandle, size: number): Promise<ContainerScan> {
  const header = await readHeader(handle, size);
  if (!header) return NO_HEADER;
  let position = header.length;
  let blocks = 0;
  let records = 0;
  for (;;) {
    const head = await readAt(handle, position, Math.min(20, size - position));
    const count = readBlockLength(head, 0);
    const length = count && readBlockLength(head, count.next);
    if (!count || !length || count.value === 0) break;
    const dataStart = position + length.next;
    const blockEnd = dataStart + length.value + SYNC_SIZE;
    if (blockEnd > size) break;
    const body = await readAt(handle, dataStart, length.value + SYNC_SIZE);
    if (!body.subarray(length.value).equals(header.sync)) break;
    const data = blockData(body.subarray(0, length.value), header.codec);
    if (!data || !holdsExactly(header.records, data, count.value)) break;
    position = blockEnd;
    blocks += 1;
    records += count.value;
  }
  return { header: true, validLength: position, blocks, records };
}

// The block's uncompressed records, or undefined when a deflate stream is cut short, corrupt, or
// followed by bytes it does not use (zlib stops at the stream's end and ignores the rest).
function blockData(data: Buffer, codec: 'null' | 'deflate'): Buffer | undefined {
  if (codec === 'null') return data;
  try {
    const { buffer, engine } = inflateRawSync(data, { info: true }) as unknown as {
      buffer: Buffer;
      engine: { bytesWritten: number };
    };
    return engine.bytesWritten === data.length ? buffer : undefined;
  } catch {
    return undefined;
  }
}

function holdsExactly(reader: StrictReader, data: Buffer, count: number): boolean {
  let offset = 0;
  for (let i = 0; i < count; i++) {
    offset = reader(data, offset);
    if (offset < 0) return false;
  }
  return offset === data.length;
}
