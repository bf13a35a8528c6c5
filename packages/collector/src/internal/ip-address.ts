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
 * The IPv4 address an IPv6 address carries, as 4 bytes, in the forms that hold a client's IPv4
 * address: IPv4-mapped `::ffff:a.b.c.d` (what a dual-stack socket reports for an IPv4 peer),
 * IPv4-compatible `::a.b.c.d` (not `::` or `::1`), NAT64 `64:ff9b::a.b.c.d` (RFC 6052), 6to4
 * `2002:AABB:CCDD::/48` (RFC 3056: bits 16–47) and Teredo `2001:0::/32` (RFC 4380: the client's
 * address is the last 32 bits, inverted).
 */
export function embeddedIpv4(groups: readonly number[]): number[] | undefined {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = groups;
  let high: number;
  let low: number;
  if (g0 === 0x2002) {
    high = g1;
    low = g2;
  } else if (g0 === 0x2001 && g1 === 0) {
    high = g6 ^ 0xffff;
    low = g7 ^ 0xffff;
  } else if (
    g2 === 0 &&
    g3 === 0 &&
    g4 === 0 &&
    ((g0 === 0x64 && g1 === 0xff9b && g5 === 0) ||
      (g0 === 0 && g1 === 0 && (g5 === 0xffff || (g5 === 0 && g6 !== 0))))
  ) {
    high = g6;
    low = g7;
  } else {
    return undefined;
  }
  return [high >>> 8, high & 0xff, low >>> 8, low & 0xff];
}

/** Whether `text` from `start` on is a dotted-quad IPv4 address (no leading zeros), by its bytes. */
function isDottedQuad(text: string, start: number): boolean {
  let dots = 0;
  let digits = 0;
  let value = 0;
  for (let i = start; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 46 /* . */) {
      if (digits === 0 || ++dots > 3) return false;
      digits = 0;
      value = 0;
    } else if (code >= 48 && code <= 57) {
      // A leading zero only as the whole part.
      if (digits === 1 && value === 0) return false;
      value = value * 10 + code - 48;
      if (++digits > 3 || value > 255) return false;
    } else {
      return false;
    }
  }
  return dots === 3 && digits > 0;
}

/**
 * An address as the consumer gets it: an IPv4-mapped IPv6 address (`::ffff:127.0.0.1` or
 * `::ffff:7f00:1`, what a dual-stack listener reports for an IPv4 client) as the plain IPv4
 * address (`127.0.0.1`), as Divolte records it and as geo databases look it up; anything else
 * as it is.
 */
export function normaliseIpAddress(text: string): string {
  // Only text starting `:` or `0` with a colon can be IPv4-mapped: one comparison for the rest.
  const first = text.charCodeAt(0);
  if ((first !== 58 && first !== 48) || !text.includes(':')) return text;
  // What node reports for every IPv4 client of a dual-stack listener, read without parsing.
  if (text.startsWith('::ffff:') && isDottedQuad(text, 7)) return text.slice(7);
  const v6 = parseIpv6(text);
  if (
    v6?.[5] !== 0xffff ||
    v6[0] !== 0 ||
    v6[1] !== 0 ||
    v6[2] !== 0 ||
    v6[3] !== 0 ||
    v6[4] !== 0
  ) {
    return text;
  }
  return `${v6[6]! >>> 8}.${v6[6]! & 0xff}.${v6[7]! >>> 8}.${v6[7]! & 0xff}`;
}

/**
 * Truncates an address before it leaves the collector: IPv4 to its /24 (`198.51.100.0`), IPv6 to
 * its /48 (`2001:db8:1::`). An IPv6 address that carries an IPv4 address (see
 * {@link embeddedIpv4}: mapped, compatible, NAT64, 6to4, Teredo) becomes that IPv4 address's /24,
 * since its /48 would still hold it (6to4) or say nothing useful about where the client is.
 * Anything that is not an address becomes `undefined`.
 */
export function anonymiseIpAddress(text: string): string | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return `${v4[0]}.${v4[1]}.${v4[2]}.0`;
  const v6 = parseIpv6(text);
  if (v6 === undefined) return undefined;
  const embedded = embeddedIpv4(v6);
  if (embedded !== undefined) return `${embedded[0]}.${embedded[1]}.${embedded[2]}.0`;
  return formatIpv6([v6[0]!, v6[1]!, v6[2]!, 0, 0, 0, 0, 0]);
}

// Runs of text that may hold an address: hex digits, colons and dots with a colon or a dot.
const CANDIDATE = /[0-9A-Fa-f:.]*[:.][0-9A-Fa-f:.]*/g;
// Dotted quads inside a run, leading zeros allowed (some parsers read them, so they are cut too),
// also when glued to more digits (`1203.0.113.77`): cutting too much is the safe side.
const DOTTED_QUAD = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})/g;

function cutRun(run: string): string {
  // Two colons at least: maybe IPv6, as it is or before punctuation (`…::1.` ending a sentence).
  if (run.indexOf(':') !== run.lastIndexOf(':')) {
    const whole = anonymiseIpAddress(run);
    if (whole !== undefined) return whole;
    const end = run.search(/[:.]+$/);
    const trimmed = end > 0 ? anonymiseIpAddress(run.slice(0, end)) : undefined;
    if (trimmed !== undefined) return trimmed + run.slice(end);
    // Glued to hex letters before it (`cafe2001:db8::1`): its first group is its last 4 digits.
    const colon = run.indexOf(':');
    if (colon > 4) {
      const glued = anonymiseIpAddress(run.slice(colon - 4));
      if (glued !== undefined) return run.slice(0, colon - 4) + glued;
    }
  }
  return run.replace(DOTTED_QUAD, (quad, a: string, b: string, c: string, d: string) =>
    Number(a) > 255 || Number(b) > 255 || Number(c) > 255 || Number(d) > 255
      ? quad
      : `${a}.${b}.${c}.0`,
  );
}

/**
 * Every IPv4 or IPv6 address in a header value, truncated as {@link anonymiseIpAddress} does,
 * whatever the header and wherever the address stands in it (`for="[2001:db8::1]:443"`,
 * `203.0.113.7:5555`, a list). The rest of the value is kept.
 */
export function cutAddresses(value: string): string {
  return value.replace(CANDIDATE, cutRun);
}
