import { parseBase36Integer } from './base36';
import { failure, type Result } from './result';

/** Returns `length` random bytes. Injected so tests and exotic runtimes can supply their own. */
export type RandomBytes = (length: number) => Uint8Array;

/** A parsed Divolte identifier (party and session ids): `0:<timestamp in base 36>:<unique part>`. */
export interface ParsedIdentifier {
  /** The whole identifier, as it was given. */
  readonly value: string;
  /** The format version; always `0`. */
  readonly version: 0;
  /** Milliseconds since the epoch at which the identifier was made. */
  readonly timestamp: number;
  /** The unique part after the second colon. */
  readonly unique: string;
}

interface CryptoLike {
  getRandomValues(array: Uint8Array): Uint8Array;
}

/**
 * 32 characters of `[A-Za-z0-9~_]` from 24 bytes of entropy (192 bits). Without an injected source
 * and without `crypto.getRandomValues`, `Math.random` is used and the text gets a trailing `!`, as
 * divolte.js marks ids made without secure randomness.
 */
export function createUniquePart(randomBytes?: RandomBytes): string {
  const crypto = (globalThis as { crypto?: CryptoLike }).crypto;
  const bytes = randomBytes ? randomBytes(32) : crypto?.getRandomValues(new Uint8Array(32));
  let unique = '';
  // 256 is a multiple of 64, so masking keeps every character equally likely. 0-25 map to A-Z,
  // 26-51 to a-z, 52-61 to 0-9, 62 to ~ and 63 to _.
  for (let i = 0; i < 32; i++) {
    const n = (bytes ? bytes[i]! : Math.random() * 64) & 63;
    unique += String.fromCharCode(n + (n < 26 ? 65 : n < 52 ? 71 : n < 62 ? -4 : n < 63 ? 64 : 32));
  }
  return bytes ? unique : unique + '!';
}

/** Options of {@link createIdentifier}. */
export interface CreateIdentifierOptions {
  /** Milliseconds since the epoch to embed. divolte.js uses the time the script loaded. */
  timestamp: number;
  /**
   * Source of random bytes.
   * @default `crypto.getRandomValues`
   */
  randomBytes?: RandomBytes | undefined;
}

/**
 * Makes a party or session id in Divolte's format, `0:<timestamp in base 36>:<32 characters>`.
 * @example createIdentifier({ timestamp: Date.now() }) // '0:mfx1b2c3:Q2x…'
 */
export function createIdentifier(options: CreateIdentifierOptions): string {
  return `0:${Math.trunc(options.timestamp).toString(36)}:${createUniquePart(options.randomBytes)}`;
}

/** Makes a page-view id as divolte.js does: `0:` and 32 characters, with no timestamp. */
export function createPageViewId(randomBytes?: RandomBytes): string {
  return `0:${createUniquePart(randomBytes)}`;
}

/** The id of the `counter`-th event of a page view: the page-view id followed by the counter in hex. */
export function createEventId(pageViewId: string, counter: number): string {
  return pageViewId + counter.toString(16);
}

/**
 * Parses a party or session id with Divolte's rules: exactly three colon-separated parts, version
 * `0`, and a base-36 timestamp (Java `Long.parseLong`). The unique part is not checked further.
 * Never throws.
 */
export function parseIdentifier(value: string): Result<ParsedIdentifier> {
  if (typeof value !== 'string') {
    return failure('invalid_identifier', 'An identifier must be a string.');
  }
  const first = value.indexOf(':');
  const second = first < 0 ? -1 : value.indexOf(':', first + 1);
  if (second < 0 || value.indexOf(':', second + 1) >= 0) {
    return failure('invalid_identifier', 'An identifier has exactly three parts separated by ":".');
  }
  if (value.slice(0, first) !== '0') {
    return failure('invalid_identifier', 'Only identifier version 0 is known.');
  }
  const timestamp = parseBase36Integer(value.slice(first + 1, second), 'long');
  if (timestamp === undefined) {
    return failure('invalid_identifier', 'The identifier timestamp is not a base-36 number.');
  }
  return { ok: true, value: { value, version: 0, timestamp, unique: value.slice(second + 1) } };
}

function isBase36Digit(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 97 && code <= 122) || (code >= 65 && code <= 90);
}

/**
 * Whether `value` parses as a Divolte identifier: `parseIdentifier(value).ok` without building the
 * parsed identifier (`0:`, a base-36 timestamp with an optional sign, `:`, and no further colon),
 * for hot paths. Timestamps of more than ten digits, which may overflow, go to `parseIdentifier`.
 */
export function isIdentifier(value: string): boolean {
  if (value.charCodeAt(0) !== 48 || value.charCodeAt(1) !== 58) {
    return value.indexOf(':') >= 0 && parseIdentifier(value).ok;
  }
  const second = value.indexOf(':', 2);
  if (second < 0 || value.indexOf(':', second + 1) >= 0) return false;
  let i = 2;
  const sign = value.charCodeAt(2);
  if (sign === 43 || sign === 45) i++;
  const digits = second - i;
  if (digits === 0) return false;
  if (digits > 10) return parseIdentifier(value).ok;
  for (; i < second; i++) if (!isBase36Digit(value.charCodeAt(i))) return false;
  return true;
}

/**
 * {@link isIdentifier} of the ASCII text in `bytes[from..to)`, without a string: `1` or `0`, or
 * `-1` when `isIdentifier` must answer (the text does not start `0:`, or its timestamp has more
 * than ten digits). `view` is a `DataView` over the same buffer.
 */
export function checkIdentifierBytes(
  bytes: Uint8Array,
  view: DataView,
  from: number,
  to: number,
): number {
  if (to - from < 2 || bytes[from] !== 48 || bytes[from + 1] !== 58) return -1;
  let i = from + 2;
  const sign = i < to ? bytes[i] : 0;
  if (sign === 43 || sign === 45) i++;
  const digits = i;
  while (i < to && isBase36Digit(bytes[i]!)) i++;
  // The timestamp ends at the second colon: anything else before it, or no second colon, fails.
  if (i >= to || bytes[i] !== 58 || i === digits) return 0;
  if (i - digits > 10) return -1;
  // No third colon: four bytes at a time (a byte of `word ^ 0x3a3a3a3a` is zero where one is).
  for (i++; i + 4 <= to; i += 4) {
    const word = view.getInt32(i, true) ^ 0x3a3a3a3a;
    if (((word - 0x01010101) & ~word & 0x80808080) !== 0) return 0;
  }
  for (; i < to; i++) if (bytes[i] === 58) return 0;
  return 1;
}
