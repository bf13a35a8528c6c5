import { murmur3x86_32 } from './murmur3';

/**
 * The canonical string Divolte hashes to check a request: every parameter except `x`, keys sorted,
 * each as `key=` then every value followed by `,`, then `;`.
 */
export function canonicalChecksumString(parameters: Iterable<readonly [string, string]>): string {
  const kept: (readonly [string, string])[] = [];
  for (const pair of parameters) if (pair[0] !== 'x') kept.push(pair);
  // A stable sort keeps the values of a key in request order. Java's String order and this
  // comparison both compare UTF-16 code units.
  kept.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  let canonical = '';
  let previous: string | undefined;
  for (const [key, value] of kept) {
    if (key !== previous) {
      canonical += previous === undefined ? key + '=' : ';' + key + '=';
      previous = key;
    }
    canonical += value + ',';
  }
  return previous === undefined ? canonical : canonical + ';';
}

/**
 * The request checksum: MurmurHash3 x86_32 (seed 0) of the canonical string's UTF-8 bytes, as a
 * signed 32-bit integer. The query carries it in base 36 as `x`.
 */
export function computeChecksum(parameters: Iterable<readonly [string, string]>): number {
  return murmur3x86_32(canonicalChecksumString(parameters), 0);
}
