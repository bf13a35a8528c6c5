// A minimal MaxMind DB (.mmdb) writer: an IPv6 search tree with 24-bit records (IPv4 networks
// live under ::/96, as in GeoIP2 databases), a data section and the metadata, written from the
// MaxMind DB format specification 2.0. Enough for small City/ASN databases that real readers
// (mmdb-lib, maxmind, libmaxminddb) open; tests and demos use it, production uses MaxMind's files.
import { isIPv4, isIPv6 } from 'node:net';
import { MappingError } from './mapping-error';

/**
 * A value of the data section: integers in [0, 2^32) become uint32, negative 32-bit integers
 * int32, other numbers doubles; arrays and objects nest.
 */
export type MmdbValue =
  string | number | boolean | readonly MmdbValue[] | { readonly [key: string]: MmdbValue };

/** One network (CIDR, IPv4 or IPv6) and the record a lookup of an address in it returns. */
export interface MmdbNetwork {
  /** The network in CIDR notation, e.g. `'198.18.1.0/24'` or `'2001:db8::/32'`. */
  readonly network: string;
  /** The record, shaped as MaxMind's (e.g. `{ country: { iso_code: 'NL' } }` for a City database). */
  readonly data: MmdbValue;
}

/** Options of {@link writeMmdb}. */
export interface WriteMmdbOptions {
  /**
   * The metadata's `database_type`.
   * @default 'GeoIP2-City'
   */
  readonly databaseType?: string;
  /**
   * The metadata's `build_epoch`, seconds since the epoch.
   * @default 1_700_000_000
   */
  readonly buildEpoch?: number;
  /**
   * The metadata's English description.
   * @default 'Tributary test database'
   */
  readonly description?: string;
}

const EMPTY = -1;

function ipBits(address: string): number[] {
  const bits: number[] = [];
  if (isIPv4(address)) {
    for (let i = 0; i < 96; i++) bits.push(0);
    for (const part of address.split('.')) {
      const byte = Number(part);
      for (let b = 7; b >= 0; b--) bits.push((byte >> b) & 1);
    }
    return bits;
  }
  if (!isIPv6(address)) {
    throw new MappingError('invalid_mapping', `writeMmdb: not an IP address: ${address}`);
  }
  const [head = '', tail = ''] = address.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = address.includes('::') ? (tail === '' ? [] : tail.split(':')) : [];
  const groups = address.includes('::')
    ? [
        ...headGroups,
        ...Array<string>(8 - headGroups.length - tailGroups.length).fill('0'),
        ...tailGroups,
      ]
    : headGroups;
  for (const group of groups) {
    const word = parseInt(group, 16);
    for (let b = 15; b >= 0; b--) bits.push((word >> b) & 1);
  }
  return bits;
}

function control(type: number, size: number): number[] {
  const out: number[] = [];
  const first = type <= 7 ? type << 5 : 0;
  const extension = type <= 7 ? [] : [type - 7];
  if (size < 29) out.push(first | size, ...extension);
  else if (size < 29 + 256) out.push(first | 29, ...extension, size - 29);
  else if (size < 285 + 65536)
    out.push(first | 30, ...extension, (size - 285) >> 8, (size - 285) & 0xff);
  else {
    const rest = size - 65821;
    out.push(first | 31, ...extension, (rest >> 16) & 0xff, (rest >> 8) & 0xff, rest & 0xff);
  }
  return out;
}

function unsigned(value: number | bigint): number[] {
  const bytes: number[] = [];
  let rest = BigInt(value);
  while (rest > 0n) {
    bytes.unshift(Number(rest & 0xffn));
    rest >>= 8n;
  }
  return bytes;
}

function encode(value: MmdbValue | { uint16: number } | { uint64: bigint }, out: number[]): void {
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    out.push(...control(2, bytes.length), ...bytes);
  } else if (typeof value === 'boolean') {
    out.push(...control(14, value ? 1 : 0));
  } else if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 0 && value < 2 ** 32) {
      const bytes = unsigned(value);
      out.push(...control(6, bytes.length), ...bytes);
    } else if (Number.isInteger(value) && value < 0 && value >= -(2 ** 31)) {
      const buffer = Buffer.alloc(4);
      buffer.writeInt32BE(value);
      out.push(...control(8, 4), ...buffer);
    } else {
      const buffer = Buffer.alloc(8);
      buffer.writeDoubleBE(value);
      out.push(...control(3, 8), ...buffer);
    }
  } else if (Array.isArray(value)) {
    // Array.isArray narrows a readonly array to any[]; the items are MmdbValues.
    const items = value as readonly MmdbValue[];
    out.push(...control(11, items.length));
    for (const item of items) encode(item, out);
  } else if ('uint16' in value && typeof value.uint16 === 'number') {
    const bytes = unsigned(value.uint16);
    out.push(...control(5, bytes.length), ...bytes);
  } else if ('uint64' in value && typeof value.uint64 === 'bigint') {
    const bytes = unsigned(value.uint64);
    out.push(...control(9, bytes.length), ...bytes);
  } else {
    const entries = Object.entries(value as Record<string, MmdbValue>);
    out.push(...control(7, entries.length));
    for (const [key, item] of entries) {
      encode(key, out);
      encode(item, out);
    }
  }
}

/**
 * Writes a MaxMind DB (`.mmdb`) holding the given networks, for tests and demos: what
 * `openGeoIpDatabase` (and any MaxMind reader) opens. Networks must not overlap.
 * @throws {MappingError} `invalid_mapping` for a malformed network or overlapping networks.
 * @example
 * const geo = openGeoIpDatabase(
 *   writeMmdb([{ network: '198.18.1.0/24', data: { country: { iso_code: 'NL' } } }]),
 * );
 */
export function writeMmdb(
  networks: readonly MmdbNetwork[],
  options: WriteMmdbOptions = {},
): Buffer {
  const nodes: [number, number][] = [[EMPTY, EMPTY]];
  const data: number[] = [];
  const dataOffsets: number[] = [];
  networks.forEach((entry, index) => {
    dataOffsets.push(data.length);
    encode(entry.data, data);
    const [address = '', prefixText = ''] = entry.network.split('/');
    const bits = ipBits(address);
    const width = isIPv4(address) ? 32 : 128;
    if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) < 1 || Number(prefixText) > width) {
      throw new MappingError('invalid_mapping', `writeMmdb: not a CIDR network: ${entry.network}`);
    }
    const prefix = Number(prefixText) + 128 - width;
    const overlap = (): MappingError =>
      new MappingError('invalid_mapping', `writeMmdb: ${entry.network} overlaps another network`);
    let node = 0;
    for (let i = 0; i < prefix; i++) {
      const bit = bits[i]!;
      const current = nodes[node]!;
      if (i === prefix - 1) {
        if (current[bit] !== EMPTY) throw overlap();
        current[bit] = -(index + 2);
      } else if (current[bit]! < EMPTY) {
        throw overlap();
      } else if (current[bit]! >= 0) {
        node = current[bit]!;
      } else {
        nodes.push([EMPTY, EMPTY]);
        current[bit] = nodes.length - 1;
        node = nodes.length - 1;
      }
    }
  });
  const nodeCount = nodes.length;
  const tree = Buffer.alloc(nodeCount * 6);
  const record = (value: number): number =>
    value === EMPTY ? nodeCount : value >= 0 ? value : nodeCount + 16 + dataOffsets[-value - 2]!;
  nodes.forEach(([left, right], index) => {
    tree.writeUIntBE(record(left), index * 6, 3);
    tree.writeUIntBE(record(right), index * 6 + 3, 3);
  });
  const metadata: number[] = [];
  encode(
    {
      node_count: nodeCount,
      record_size: { uint16: 24 },
      ip_version: { uint16: 6 },
      database_type: options.databaseType ?? 'GeoIP2-City',
      languages: ['en'],
      binary_format_major_version: { uint16: 2 },
      binary_format_minor_version: { uint16: 0 },
      build_epoch: { uint64: BigInt(options.buildEpoch ?? 1_700_000_000) },
      description: { en: options.description ?? 'Tributary test database' },
    } as unknown as MmdbValue,
    metadata,
  );
  return Buffer.concat([
    tree,
    Buffer.alloc(16),
    Buffer.from(data),
    Buffer.from([0xab, 0xcd, 0xef]),
    Buffer.from('MaxMind.com', 'ascii'),
    Buffer.from(metadata),
  ]);
}
