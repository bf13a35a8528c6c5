import { isUtf8 } from 'node:buffer';
import { inflateRawSync } from 'node:zlib';
import type { FileSinkFileHandle } from '../file-system';
import { getHeaderType, MAGIC, SYNC_SIZE } from './container';
import {
  createStrictReader,
  readBlockLength,
  TRUNCATED,
  type StrictReader,
} from './strict-decoder';

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

/**
 * What follows the valid prefix of a container:
 * - `end`: nothing; the file is whole.
 * - `torn`: what a crash leaves: a last block cut off by the end of the file, or bytes that were
 *   never synced (zeros after a power loss, garbage), with no sync marker after them. An empty
 *   or all-zero file has a torn header.
 * - `damaged`: bytes that do not read although the sync marker shows up after them (so synced
 *   blocks follow), a whole block of valid records with another marker, or a header that is not
 *   a valid one.
 */
export type ScanEnd = 'end' | 'torn' | 'damaged';

/** What a scan of a possibly torn or damaged container found. */
export interface ContainerScan {
  /** Whether the header is complete and valid. */
  readonly header: boolean;
  /** What ends the valid prefix. */
  readonly end: ScanEnd;
  /** Byte length of the valid prefix: the header and every block before the first bad one. */
  readonly validLength: number;
  /** Complete, valid blocks in that prefix. */
  readonly blocks: number;
  /** Records in those blocks. */
  readonly records: number;
}

const noHeader = (end: ScanEnd): ContainerScan => ({
  header: false,
  end,
  validLength: 0,
  blocks: 0,
  records: 0,
});
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
// valid UTF-8, a schema that is valid UTF-8 JSON that avsc accepts with every named type named
// (as Java and fastavro require), a codec the sink writes. Otherwise whether it is torn (a prefix
// of a header: the file ends first) or damaged.
async function readHeader(handle: ReadableHandle, size: number): Promise<Header | ScanEnd> {
  strictHeader ??= createStrictReader(getHeaderType().schema());
  let buf = await readAt(handle, 0, Math.min(size, 64 * 1024));
  let end = strictHeader(buf, 0);
  while (end === TRUNCATED && buf.length < size && buf.length < MAX_HEADER_BYTES) {
    buf = await readAt(handle, 0, Math.min(size, buf.length * 4, MAX_HEADER_BYTES));
    end = strictHeader(buf, 0);
  }
  // Empty, or zeros where the file was extended and its data never reached the disk. A header
  // cut short cannot be told from one whose length bytes are damaged: the caller decides.
  if (buf.length === size && isZeros(buf)) return 'torn';
  if (end < 0 || !buf.subarray(0, MAGIC.length).equals(MAGIC)) return 'damaged';
  const { meta, sync } = getHeaderType().decode(buf, 0).value as {
    meta: Record<string, Buffer>;
    sync: Buffer;
  };
  const schema = meta['avro.schema'];
  const codec = meta['avro.codec']?.toString('latin1') ?? 'null';
  if (schema === undefined || !isUtf8(schema) || (codec !== 'null' && codec !== 'deflate')) {
    return 'damaged';
  }
  try {
    return {
      length: end,
      codec,
      sync: Buffer.from(sync),
      records: createStrictReader(JSON.parse(schema.toString('utf8'))),
    };
  } catch {
    return 'damaged';
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
  if (typeof header === 'string') return noHeader(header);
  let position = header.length;
  let blocks = 0;
  let records = 0;
  const scanned = (end: ScanEnd): ContainerScan => ({
    header: true,
    end,
    validLength: position,
    blocks,
    records,
  });
  // A block that does not read ends the valid prefix. A crash leaves nothing synced after it,
  // so no sync marker follows; damage in the middle of a file has later blocks' markers after it.
  // When the header's own marker is the damaged part, later blocks end with the marker the
  // failing block ends with: that counts too.
  const stopped = async (blockMarker?: Buffer, blockEnd = size): Promise<ContainerScan> => {
    const after =
      (await findMarker(handle, header.sync, position, size)) ||
      // (Zeros are no marker: they are where a torn write left nothing.)
      (blockMarker !== undefined &&
        !isZeros(blockMarker) &&
        (await findMarker(handle, blockMarker, blockEnd, size)));
    return scanned(after ? 'damaged' : 'torn');
  };
  for (;;) {
    if (position === size) return scanned('end');
    const head = await readAt(handle, position, Math.min(20, size - position));
    const count = readBlockLength(head, 0);
    const length = typeof count === 'number' ? count : readBlockLength(head, count.next);
    if (typeof count === 'number' || typeof length === 'number' || count.value === 0) {
      return stopped();
    }
    const dataStart = position + length.next;
    const blockEnd = dataStart + length.value + SYNC_SIZE;
    if (blockEnd > size) return stopped();
    const body = await readAt(handle, dataStart, length.value + SYNC_SIZE);
    const marker = body.subarray(length.value);
    if (!marker.equals(header.sync)) return stopped(Buffer.from(marker), blockEnd);
    const data = blockData(body.subarray(0, length.value), header.codec);
    if (!data || !holdsExactly(header.records, data, count.value)) return stopped();
    position = blockEnd;
    blocks += 1;
    records += count.value;
  }
}

// Whether the 16-byte marker occurs in bytes [from, size), read a megabyte at a time.
async function findMarker(handle: ReadableHandle, marker: Buffer, from: number, size: number) {
  const chunk = 1024 * 1024;
  for (let at = from; at < size; at += chunk) {
    const bytes = await readAt(handle, at, Math.min(chunk + SYNC_SIZE - 1, size - at));
    if (bytes.indexOf(marker) >= 0) return true;
  }
  return false;
}

const isZeros = (bytes: Uint8Array): boolean => bytes.every((b) => b === 0);

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
