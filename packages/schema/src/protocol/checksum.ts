import { murmur3x86_32 } from './murmur3';

/**
 * The canonical string Divolte hashes to check a request: every parameter except `x`, keys sorted,
 * each as `key=` then every value followed by `,`, then `;`.
 */
export function canonicalChecksumString(parameters: Iterable<readonly [string, string]>): string {
  const grouped = new Map<string, string[]>();
  for (const [key, value] of parameters) {
    if (key === 'x') continue;
    const values = grouped.get(key);
    if (values === undefined) grouped.set(key, [value]);
    else values.push(value);
  }
  // Java's String order and JavaScript's default sort both compare UTF-16 code units.
  const keys = [...grouped.keys()].sort();
  let canonical = '';
  for (const key of keys) {
    canonical += key + '=';
    for (const value of grouped.get(key)!) canonical += value + ',';
    canonical += ';';
  }
  return canonical;
}

/**
 * The request checksum: MurmurHash3 x86_32 (seed 0) of the canonical string's UTF-8 bytes, as a
 * signed 32-bit integer. The query carries it in base 36 as `x`.
 */
export function computeChecksum(parameters: Iterable<readonly [string, string]>): number {
  return murmur3x86_32(canonicalChecksumString(parameters), 0);
}
