// Literal IP addresses without node:net, so the core runs on edge runtimes too.

/** Parses dotted-quad IPv4 (no leading zeros, as WHATWG and Node do) into 4 bytes. */
export function parseIpv4(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const bytes: number[] = [];
  for (const part of parts) {
    if (!/^(?:0|[1-9]\d{0,2})$/.test(part)) return undefined;
    const value = Number(part);
    if (value > 255) return undefined;
    bytes.push(value);
  }
  return bytes;
}

/** Parses an IPv6 literal (with `::`, an embedded IPv4 tail and an optional `%zone`) into 8 groups. */
export function parseIpv6(text: string): number[] | undefined {
  const zone = text.indexOf('%');
  const address = zone < 0 ? text : text.slice(0, zone);
  if (zone >= 0 && !/^%[\w.-]+$/.test(text.slice(zone))) return undefined;
  const halves = address.split('::');
  if (halves.length > 2) return undefined;
  const groups = (half: string, last: boolean): number[] | undefined => {
    if (half === '') return [];
    const out: number[] = [];
    const parts = half.split(':');
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      if (last && i === parts.length - 1 && part.includes('.')) {
        const v4 = parseIpv4(part);
        if (v4 === undefined) return undefined;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(part)) return undefined;
        out.push(parseInt(part, 16));
      }
    }
    return out;
  };
  if (halves.length === 1) {
    const all = groups(address, true);
    return all?.length === 8 ? all : undefined;
  }
  const head = groups(halves[0]!, false);
  const tail = groups(halves[1]!, true);
  if (head === undefined || tail === undefined || head.length + tail.length > 7) return undefined;
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}

/** Whether `text` is an IPv4 or IPv6 literal. */
export function isIpAddress(text: string): boolean {
  return parseIpv4(text) !== undefined || parseIpv6(text) !== undefined;
}

/** RFC 5952 text of 8 groups: lower case, the longest run (≥ 2) of zero groups as `::`. */
function formatIpv6(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart < 0) return hex.join(':');
  return hex.slice(0, bestStart).join(':') + '::' + hex.slice(bestStart + bestLength).join(':');
}

/**
 * Truncates an address before it leaves the collector: IPv4 to its /24 (`198.51.100.0`), IPv6 to
 * its /48 (`2001:db8:1::`), an IPv4-mapped IPv6 address (`::ffff:198.51.100.7`, what a dual-stack
 * Node socket reports) as IPv4. Anything that is not an address becomes `undefined`.
 */
export function anonymiseIpAddress(text: string): string | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return `${v4[0]}.${v4[1]}.${v4[2]}.0`;
  const v6 = parseIpv6(text);
  if (v6 === undefined) return undefined;
  if (v6.slice(0, 5).every((group) => group === 0) && v6[5] === 0xffff) {
    return `::ffff:${v6[6]! >>> 8}.${v6[6]! & 0xff}.${v6[7]! >>> 8}.0`;
  }
  return formatIpv6([v6[0]!, v6[1]!, v6[2]!, 0, 0, 0, 0, 0]);
}
