// zlib.crc32 arrived in Node 20.15; the package supports every Node 20, so the table is here.
const CRC_TABLE = /* @__PURE__ */ Uint32Array.from({ length: 256 }, (_, index) => {
  let value = index;
  for (let bit = 0; bit < 8; bit++) value = value & 1 ? 0xedb88320 ^ (value >>> 1) : value >>> 1;
  return value >>> 0;
});

/** The CRC-32 (IEEE) that zip stores per entry. */
export function crc32(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** One file of a zip archive: its path inside the archive (`/`-separated) and its bytes. */
export interface ZipEntry {
  readonly path: string;
  readonly data: Uint8Array;
}

// DOS date of 1980-01-01 00:00: a fixed stamp keeps the archive a pure function of its entries,
// so the same bundle zips to the same bytes.
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const DOS_TIME = 0;
// Bit 11: names are UTF-8.
const UTF8_FLAG = 0x0800;

/**
 * Writes a zip archive of stored (uncompressed) entries. Superset's importer, Python's zipfile
 * and unzip all read stored entries; the bundles are tens of kilobytes, so deflating buys
 * nothing worth a dependency. No zip64: refuses archives past 4 GiB or 65,535 entries.
 */
export function writeZip(entries: readonly ZipEntry[]): Uint8Array {
  if (entries.length > 0xffff) throw new RangeError('A zip without zip64 holds 65,535 entries.');
  const encoder = new TextEncoder();
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = encoder.encode(entry.path);
    const crc = crc32(entry.data);
    const size = entry.data.length;
    const local = new Uint8Array(30 + name.length);
    const view = new DataView(local.buffer);
    view.setUint32(0, 0x04034b50, true);
    view.setUint16(4, 20, true); // version needed: 2.0
    view.setUint16(6, UTF8_FLAG, true);
    view.setUint16(8, 0, true); // stored
    view.setUint16(10, DOS_TIME, true);
    view.setUint16(12, DOS_DATE, true);
    view.setUint32(14, crc, true);
    view.setUint32(18, size, true);
    view.setUint32(22, size, true);
    view.setUint16(26, name.length, true);
    view.setUint16(28, 0, true);
    local.set(name, 30);

    const central = new Uint8Array(46 + name.length);
    const cview = new DataView(central.buffer);
    cview.setUint32(0, 0x02014b50, true);
    cview.setUint16(4, (3 << 8) | 20, true); // made by: Unix, 2.0
    cview.setUint16(6, 20, true);
    cview.setUint16(8, UTF8_FLAG, true);
    cview.setUint16(10, 0, true);
    cview.setUint16(12, DOS_TIME, true);
    cview.setUint16(14, DOS_DATE, true);
    cview.setUint32(16, crc, true);
    cview.setUint32(20, size, true);
    cview.setUint32(24, size, true);
    cview.setUint16(28, name.length, true);
    // extra, comment, disk, internal attributes stay 0; external: a regular file, rw-r--r--
    cview.setUint32(38, (0o100644 << 16) >>> 0, true);
    cview.setUint32(42, offset, true);
    central.set(name, 46);

    locals.push(local, entry.data);
    centrals.push(central);
    offset += local.length + size;
    if (offset > 0xffffffff) throw new RangeError('A zip without zip64 holds 4 GiB.');
  }
  const centralSize = centrals.reduce((sum, part) => sum + part.length, 0);
  const end = new Uint8Array(22);
  const eview = new DataView(end.buffer);
  eview.setUint32(0, 0x06054b50, true);
  eview.setUint16(8, entries.length, true);
  eview.setUint16(10, entries.length, true);
  eview.setUint32(12, centralSize, true);
  eview.setUint32(16, offset, true);
  const out = new Uint8Array(offset + centralSize + end.length);
  let at = 0;
  for (const part of [...locals, ...centrals, end]) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
