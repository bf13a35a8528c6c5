// Counts the records in Avro object container files without decoding them: the header, then each
// block's record count, skipping its bytes. Independent of both servers' writers, so the count
// checks the file sink and Divolte's HDFS writer alike. A `.partial` file still being written may
// end in a block that is not all there yet: only blocks followed by the file's sync marker count.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

const MAGIC = [0x4f, 0x62, 0x6a, 0x01]; // "Obj" 1

/** Records in the whole blocks of one container file's bytes; 0 when the header is incomplete. */
export function countContainerRecords(bytes: Uint8Array): number {
  let offset = 0;
  const readLong = (): number | undefined => {
    let value = 0;
    let factor = 1;
    for (;;) {
      if (offset >= bytes.length) return undefined;
      const byte = bytes[offset++]!;
      value += (byte & 0x7f) * factor;
      if ((byte & 0x80) === 0) break;
      factor *= 128;
    }
    // Zig-zag: without bit operators, which would cut the value to 32 bits.
    return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
  };
  if (bytes.length < 4 || MAGIC.some((byte, i) => bytes[i] !== byte)) return 0;
  offset = 4;
  // The metadata map: blocks of (key, value) pairs, a negative count followed by its byte size.
  for (;;) {
    const count = readLong();
    if (count === undefined) return 0;
    if (count === 0) break;
    if (count < 0 && readLong() === undefined) return 0;
    for (let pair = 0; pair < Math.abs(count); pair++) {
      for (let part = 0; part < 2; part++) {
        const length = readLong();
        // A negative length would move backwards: not a container file.
        if (length === undefined || length < 0) return 0;
        offset += length;
      }
    }
  }
  const sync = bytes.subarray(offset, offset + 16);
  if (sync.length < 16) return 0;
  offset += 16;
  let records = 0;
  while (offset < bytes.length) {
    const count = readLong();
    const size = readLong();
    if (count === undefined || size === undefined || count < 0 || size < 0) break;
    const end = offset + size;
    if (end + 16 > bytes.length) break;
    for (let i = 0; i < 16; i++) {
      if (bytes[end + i] !== sync[i]) return records;
    }
    records += count;
    offset = end + 16;
  }
  return records;
}

/** Records and files under `directory` (recursively) whose names end in one of `suffixes`. */
export async function countRecordsIn(
  directory: string,
  suffixes: readonly string[] = ['.avro', '.partial'],
): Promise<{ records: number; files: number }> {
  let entries;
  try {
    entries = await readdir(directory, { recursive: true, withFileTypes: true });
  } catch {
    return { records: 0, files: 0 };
  }
  let records = 0;
  let files = 0;
  for (const entry of entries) {
    if (!entry.isFile() || !suffixes.some((suffix) => entry.name.endsWith(suffix))) continue;
    // A file may be renamed from working to published while we look: it is counted where it lands.
    const bytes = await readFile(join(entry.parentPath, entry.name)).catch(() => undefined);
    if (bytes === undefined) continue;
    records += countContainerRecords(bytes);
    files++;
  }
  return { records, files };
}
