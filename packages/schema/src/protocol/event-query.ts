import { decodeComponent } from '../internal/query-string';
import { toWellFormed } from '../internal/utf8';
import { formatBase36, parseBase36Bytes, parseBase36Integer, parseBase36Number } from './base36';
import { checkIdentifierBytes, isIdentifier } from './identifier';
import type { JsonValue } from './json';
import {
  decodeMincodeValue,
  encodeMincode,
  mincodeFailedTooDeep,
  mincodeProblemAt,
} from './mincode';
import {
  murmur3x86_32,
  murmurAscii,
  murmurEnd,
  murmurRanges,
  murmurStart,
  murmurText,
} from './murmur3';
import { tooDeepMessage } from './parameter-depth';
import type { Issue, Result } from './result';

/** One event as the browser tag sends it: the fields of a `/csc-event` request. */
export interface TrackedEvent {
  /** `p`: the party (visitor) id, a Divolte identifier. */
  partyId: string;
  /** `s`: the session id, a Divolte identifier. */
  sessionId: string;
  /** `v`: the page-view id. */
  pageViewId: string;
  /** `e`: the event id, the page-view id followed by a hex counter. Never changes on retry. */
  eventId: string;
  /** `c`: the client's clock, milliseconds since the epoch. */
  clientTimestamp: number;
  /** `n`: whether the page found no party cookie and made a new party id. */
  newParty: boolean;
  /** `f`: whether the page found no session cookie and started a session. */
  firstInSession: boolean;
  /** `l`: `location.href`, fragment included. */
  location?: string;
  /** `r`: `document.referrer`, when not empty. */
  referrer?: string;
  /** `i`: `screen.availWidth`. */
  screenWidth?: number;
  /** `j`: `screen.availHeight`. */
  screenHeight?: number;
  /** `k`: `devicePixelRatio`; fractional ratios survive (Divolte drops them). */
  devicePixelRatio?: number;
  /** `w`: the viewport width. */
  viewportWidth?: number;
  /** `h`: the viewport height. */
  viewportHeight?: number;
  /** `t`: the event type; the automatic one is `pageView`. */
  eventType?: string;
  /** `u`: custom event parameters, any JSON value, sent as mincode. */
  parameters?: JsonValue;
}

/** A decoded `/csc-event` request: the event and whether its checksum failed. */
export interface DecodedEvent extends TrackedEvent {
  /** Whether `x` was missing, unparsable or did not match: the request was truncated or rewritten. */
  corrupt: boolean;
}

/** What {@link decodeEventQuery} returns. */
export type EventQueryResult = Result<DecodedEvent>;

/**
 * The fields of a `/csc-event` request in divolte.js's order (`p s v e c n f l r i j k w h t u`):
 * party, session, page-view and event ids, client time, new-party and first-in-session flags, then
 * the optional location, referrer, screen width and height, pixel ratio, viewport width and
 * height, event type and custom parameters. {@link encodeEventQuery} takes the same as an object.
 */
export type EventQueryFields = readonly [
  partyId: string,
  sessionId: string,
  pageViewId: string,
  eventId: string,
  clientTimestamp: number,
  newParty: boolean,
  firstInSession: boolean,
  location?: string | undefined,
  referrer?: string | undefined,
  screenWidth?: number | undefined,
  screenHeight?: number | undefined,
  devicePixelRatio?: number | undefined,
  viewportWidth?: number | undefined,
  viewportHeight?: number | undefined,
  eventType?: string | undefined,
  parameters?: JsonValue | undefined,
];

/**
 * Encodes an event as the query string of a `/csc-event` request (without the leading `?`), with
 * keys in divolte.js's order and the checksum `x` last: byte for byte what divolte.js sends. A
 * Divolte collector accepts it.
 * @throws {SchemaError} `unencodable_value` when `parameters` holds a BigInt or a cycle.
 * @example encodeEventQuery({ partyId, sessionId, pageViewId, eventId, clientTimestamp: Date.now(),
 *   newParty: false, firstInSession: false, eventType: 'pageView' })
 */
export function encodeEventQuery(event: TrackedEvent): string {
  return encodeEventFields([
    event.partyId,
    event.sessionId,
    event.pageViewId,
    event.eventId,
    event.clientTimestamp,
    event.newParty,
    event.firstInSession,
    event.location,
    event.referrer,
    event.screenWidth,
    event.screenHeight,
    event.devicePixelRatio,
    event.viewportWidth,
    event.viewportHeight,
    event.eventType,
    event.parameters,
  ]);
}

/**
 * {@link encodeEventQuery} for the fields as a tuple, which spares a tag the property names.
 * Absent (`undefined`) optional fields, an empty referrer and non-finite numbers are left out.
 * @throws {SchemaError} `unencodable_value` when `parameters` holds a BigInt or a cycle.
 */
export function encodeEventFields(fields: EventQueryFields): string {
  // Every key occurs once, so sorting the `key=value,;` entries sorts by key: their concatenation
  // is the canonical checksum string.
  const canonical: string[] = [];
  let query = '';
  fields.forEach((field, i) => {
    const raw =
      i > 14
        ? encodeMincode(field)
        : i == 5 || i == 6
          ? field
            ? 't'
            : 'f'
          : typeof field == 'number'
            ? i == 4 || Number.isFinite(field)
              ? formatBase36(field)
              : undefined
            : i == 8
              ? (field as string | undefined) || undefined
              : (field as string | undefined);
    if (raw !== undefined) {
      const key = 'psvecnflrijkwhtu'[i]!;
      // The checksum covers exactly the text the server will decode.
      const value = toWellFormed(raw);
      canonical.push(key + '=' + value + ',;');
      query += '&' + key + '=' + encodeURIComponent(value);
    }
  });
  return query.slice(1) + '&x=' + formatBase36(murmur3x86_32(canonical.sort().join('')));
}

function isPairIterable(input: unknown): input is Iterable<readonly [string, string]> {
  return (
    typeof input === 'object' &&
    input !== null &&
    typeof (input as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function'
  );
}

/** Copies an iterable of pairs into `keys` and `values`; `false` when it holds anything else. */
function collectPairs(input: unknown, keys: string[], values: string[]): boolean {
  if (!isPairIterable(input)) return false;
  for (const pair of input) {
    if (!Array.isArray(pair) || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') {
      return false;
    }
    keys.push(pair[0]);
    values.push(pair[1]);
  }
  return true;
}

/**
 * Splits a query string into decoded keys and values, exactly as `parseQueryString` does (a leading
 * `?` skipped, empty segments skipped, a key without `=` has the empty value, repeats kept), in one
 * pass: only segments holding `%` or `+` go through the decoder; the rest are slices.
 */
function scanQuery(query: string, keys: string[], values: string[]): void {
  const length = query.length;
  let start = query.charCodeAt(0) === 63 ? 1 : 0;
  // The next `%`, `+` and `=` at or after `start`, found by the native search and moved on only when
  // passed: the scan stays linear and touches no character in JavaScript.
  let percent = query.indexOf('%', start);
  let plus = query.indexOf('+', start);
  let equalsSign = query.indexOf('=', start);
  if (percent < 0) percent = length;
  if (plus < 0) plus = length;
  if (equalsSign < 0) equalsSign = length;
  while (start <= length) {
    let end = query.indexOf('&', start);
    if (end < 0) end = length;
    if (end > start) {
      if (percent < start) {
        percent = query.indexOf('%', start);
        if (percent < 0) percent = length;
      }
      if (plus < start) {
        plus = query.indexOf('+', start);
        if (plus < 0) plus = length;
      }
      // The first escape of this segment, if any (`length` when none is left in the query).
      const escape = percent < plus ? percent : plus;
      if (equalsSign < start) {
        equalsSign = query.indexOf('=', start);
        if (equalsSign < 0) equalsSign = length;
      }
      const equals = equalsSign < end ? equalsSign : -1;
      const keyEnd = equals < 0 ? end : equals;
      const key = query.slice(start, keyEnd);
      keys.push(escape < keyEnd ? decodeComponent(key) : key);
      if (equals < 0) {
        values.push('');
      } else {
        const value = query.slice(equals + 1, end);
        // An escape before `end` and not in the key lies in the value; one in the key may hide one
        // in the value, which decodeComponent finds by itself.
        values.push(escape < end ? decodeComponent(value) : value);
      }
    }
    start = end + 1;
  }
}

// Reused between calls (decoding is synchronous and calls out to nothing): the sort order of the
// pairs for the checksum.
let order = /* @__PURE__ */ new Int32Array(32);

/**
 * The request checksum of decoded pairs, as `computeChecksum` gives it, without building the
 * canonical string: the pairs are put in key order (stable) and their UTF-8 bytes streamed into
 * MurmurHash3.
 */
function checksumOf(keys: readonly string[], values: readonly string[]): number {
  const count = keys.length;
  if (order.length < count) order = new Int32Array(count * 2);
  if (count <= 32) {
    // Insertion sort: stable, and the fastest for the seventeen keys of a tag request.
    for (let i = 0; i < count; i++) {
      const key = keys[i]!;
      let j = i - 1;
      while (j >= 0 && keys[order[j]!]! > key) {
        order[j + 1] = order[j]!;
        j--;
      }
      order[j + 1] = i;
    }
  } else {
    const sorted = Array.from({ length: count }, (_, i) => i).sort((a, b) =>
      keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : a - b,
    );
    for (let i = 0; i < count; i++) order[i] = sorted[i]!;
  }
  murmurStart(0);
  let previous: string | undefined;
  for (let i = 0; i < count; i++) {
    const index = order[i]!;
    const key = keys[index]!;
    if (key === 'x') continue;
    if (key !== previous) {
      if (previous !== undefined) murmurAscii(59 /* ; */);
      murmurText(key, 0, key.length);
      murmurAscii(61 /* = */);
      previous = key;
    }
    const value = values[index]!;
    murmurText(value, 0, value.length);
    murmurAscii(44 /* , */);
  }
  if (previous !== undefined) murmurAscii(59 /* ; */);
  return murmurEnd();
}

function missing(key: string, name: string): Issue {
  return { code: 'missing_parameter', path: [key], message: `The ${name} (${key}) is missing.` };
}

/** The issue of parameters (`u`) that nest too deep, after a failed decodeMincodeValue. */
function tooDeep(): Issue {
  return {
    code: 'too_deep',
    path: ['u'],
    message: `${tooDeepMessage('The parameters (u)')} (at offset ${mincodeProblemAt()}).`,
  };
}

function badIdentifier(key: string, name: string): Issue {
  return {
    code: 'invalid_identifier',
    path: [key],
    message: `The ${name} (${key}) is not a Divolte identifier (0:<base-36 time>:<unique>).`,
  };
}

/**
 * Decodes a `/csc-event` query exactly as Divolte does, except that a fractional device pixel
 * ratio is kept. Accepts a query string (with or without `?`) or `URLSearchParams`. The first
 * value of a repeated key is used; every value counts for the checksum. Never throws.
 *
 * Required: `p` and `s` (Divolte identifiers), `v`, `e`, `c` (base 36), `n`, `f`. Optional numbers
 * that do not parse are left out, and so are parameters (`u`) that are not valid mincode, as in
 * Divolte. Parameters that nest deeper than `MAX_PARAMETER_DEPTH` fail the whole event with a
 * `too_deep` issue (path `['u']`), so nothing is accepted that the mapping cannot map. A bad or
 * missing checksum sets `corrupt`; it does not fail the decode.
 */
export function decodeEventQuery(
  input: string | Iterable<readonly [string, string]>,
): EventQueryResult {
  if (typeof input === 'string') {
    const fast = decodeAsciiQuery(input);
    if (fast !== undefined) return fast;
    // Fresh lists: V8 gives a first push room for 17 entries, a whole tag request, and emptying
    // reused lists costs more than that.
    const keys: string[] = [];
    const values: string[] = [];
    scanQuery(input, keys, values);
    return decodePairs(keys, values);
  }
  const keys: string[] = [];
  const values: string[] = [];
  let collected: boolean;
  try {
    collected = collectPairs(input, keys, values);
  } catch {
    collected = false;
  }
  if (!collected) {
    return {
      ok: false,
      issues: [
        { code: 'invalid_input', path: [], message: 'Expected a query string or URLSearchParams.' },
      ],
    };
  }
  return decodePairs(keys, values);
}

/** The event in decoded pairs: the first value of each key, validated; the checksum over all. */
function decodePairs(keys: readonly string[], values: readonly string[]): EventQueryResult {
  // The first value of each one-letter key the protocol knows.
  let p: string | undefined;
  let s: string | undefined;
  let v: string | undefined;
  let e: string | undefined;
  let c: string | undefined;
  let n: string | undefined;
  let f: string | undefined;
  let l: string | undefined;
  let r: string | undefined;
  let i: string | undefined;
  let j: string | undefined;
  let k: string | undefined;
  let w: string | undefined;
  let h: string | undefined;
  let t: string | undefined;
  let u: string | undefined;
  let x: string | undefined;
  for (let index = 0; index < keys.length; index++) {
    const key = keys[index]!;
    if (key.length !== 1) continue;
    const value = values[index]!;
    switch (key.charCodeAt(0)) {
      case 112:
        p ??= value;
        break;
      case 115:
        s ??= value;
        break;
      case 118:
        v ??= value;
        break;
      case 101:
        e ??= value;
        break;
      case 99:
        c ??= value;
        break;
      case 110:
        n ??= value;
        break;
      case 102:
        f ??= value;
        break;
      case 108:
        l ??= value;
        break;
      case 114:
        r ??= value;
        break;
      case 105:
        i ??= value;
        break;
      case 106:
        j ??= value;
        break;
      case 107:
        k ??= value;
        break;
      case 119:
        w ??= value;
        break;
      case 104:
        h ??= value;
        break;
      case 116:
        t ??= value;
        break;
      case 117:
        u ??= value;
        break;
      case 120:
        x ??= value;
        break;
    }
  }

  let issues: Issue[] | undefined;
  const fail = (issue: Issue): void => {
    (issues ??= []).push(issue);
  };
  if (p === undefined) fail(missing('p', 'party id'));
  else if (!isIdentifier(p)) fail(badIdentifier('p', 'party id'));
  if (s === undefined) fail(missing('s', 'session id'));
  else if (!isIdentifier(s)) fail(badIdentifier('s', 'session id'));
  if (v === undefined) fail(missing('v', 'page-view id'));
  if (e === undefined) fail(missing('e', 'event id'));
  let clientTimestamp: number | undefined;
  if (c === undefined) {
    fail(missing('c', 'client timestamp'));
  } else {
    clientTimestamp = parseBase36Integer(c, 'long');
    if (clientTimestamp === undefined) {
      fail({
        code: 'invalid_number',
        path: ['c'],
        message: 'The client timestamp (c) is not a base-36 integer.',
      });
    }
  }
  if (n === undefined) fail(missing('n', 'new-party flag'));
  if (f === undefined) fail(missing('f', 'first-in-session flag'));
  const parameters = u === undefined ? undefined : decodeMincodeValue(u);
  if (u !== undefined && parameters === undefined && mincodeFailedTooDeep()) fail(tooDeep());
  if (issues !== undefined) return { ok: false, issues };

  const expected = x === undefined ? undefined : parseBase36Integer(x, 'long');
  const corrupt = expected === undefined || expected !== checksumOf(keys, values);

  const event: DecodedEvent = {
    partyId: p!,
    sessionId: s!,
    pageViewId: v!,
    eventId: e!,
    clientTimestamp: clientTimestamp!,
    newParty: n === 't',
    firstInSession: f === 't',
    corrupt,
  };
  if (l !== undefined) event.location = l;
  if (r !== undefined) event.referrer = r;
  const screenWidth = i === undefined ? undefined : parseBase36Integer(i, 'int');
  if (screenWidth !== undefined) event.screenWidth = screenWidth;
  const screenHeight = j === undefined ? undefined : parseBase36Integer(j, 'int');
  if (screenHeight !== undefined) event.screenHeight = screenHeight;
  const ratio = k === undefined ? undefined : parseBase36Number(k);
  if (ratio !== undefined) event.devicePixelRatio = ratio;
  const viewportWidth = w === undefined ? undefined : parseBase36Integer(w, 'int');
  if (viewportWidth !== undefined) event.viewportWidth = viewportWidth;
  const viewportHeight = h === undefined ? undefined : parseBase36Integer(h, 'int');
  if (viewportHeight !== undefined) event.viewportHeight = viewportHeight;
  if (t !== undefined) event.eventType = t;
  if (parameters !== undefined) event.parameters = parameters;
  return { ok: true, value: event };
}

/*
 * The fast path for what tags send: an ASCII query whose keys are single plain characters and whose
 * escapes are well-formed, escaped non-ASCII text being UTF-8. One native call copies the query into
 * bytes; one pass over them, four bytes at a time where nothing needs attention, splits the pairs
 * and decodes escaped values in place, leaving `k=value,` for every pair: the pieces of Divolte's
 * canonical checksum string (UTF-8 that decodes without replacement encodes back to the same
 * bytes), which the checksum hashes in key order. Strings are made only for the fields of the
 * event, escaped ones by one TextDecoder call. Anything else (raw non-ASCII, malformed escapes or
 * UTF-8, longer or escaped keys, a key without `=`, a failed required field) is left to the
 * general path, which gives the same result.
 */

interface Utf8Encoder {
  encodeInto(source: string, destination: Uint8Array): { read: number; written: number };
}
interface Utf8Decoder {
  decode(input: Uint8Array): string;
}
interface TextCodecs {
  TextEncoder?: new () => Utf8Encoder;
  TextDecoder?: new (label: string, options: { ignoreBOM: boolean }) => Utf8Decoder;
}

// Made on first use, so that a tag bundling the encoder carries none of it. `null`: the runtime
// has no TextEncoder/TextDecoder and every query takes the general path.
let encoder: Utf8Encoder | null | undefined;
let decoder: Utf8Decoder | undefined;
let bytes = /* @__PURE__ */ new Uint8Array(0);
let view = /* @__PURE__ */ new DataView(/* @__PURE__ */ new ArrayBuffer(0));
// Per pair, in query order: where its decoded value starts and ends in `bytes` (the key and `=`
// come just before, a `,` just after), whether it held an escape, and the next pair with its key.
let pairStart = /* @__PURE__ */ new Int32Array(0);
let pairEnd = /* @__PURE__ */ new Int32Array(0);
let pairEscaped = /* @__PURE__ */ new Uint8Array(0);
let pairNext = /* @__PURE__ */ new Int32Array(0);
// Per escaped pair: where its value starts and ends in the text of all decoded values.
let pairTextStart = /* @__PURE__ */ new Int32Array(0);
let pairTextEnd = /* @__PURE__ */ new Int32Array(0);
// The checksum's byte ranges in key order, with a `;` after the last value of each key.
let rangeFrom = /* @__PURE__ */ new Int32Array(0);
let rangeTo = /* @__PURE__ */ new Int32Array(0);
let rangeSuffix = /* @__PURE__ */ new Int32Array(0);
// Per key character: its first and last pair; `keysSeen` (128 bits) says which keys occur.
let keyFirst = /* @__PURE__ */ new Int32Array(0);
let keyLast = /* @__PURE__ */ new Int32Array(0);
let keysSeen = /* @__PURE__ */ new Int32Array(0);

// Longer queries take the general path rather than keep a large buffer alive.
const MAX_FAST_QUERY = 16384;

function prepare(length: number): boolean {
  if (encoder === undefined) {
    const codecs = globalThis as TextCodecs;
    encoder =
      codecs.TextEncoder === undefined || codecs.TextDecoder === undefined
        ? null
        : new codecs.TextEncoder();
    if (encoder === null) return false;
    decoder = new codecs.TextDecoder!('utf-8', { ignoreBOM: true });
    keyFirst = new Int32Array(128);
    keyLast = new Int32Array(128);
    keysSeen = new Int32Array(4);
  }
  if (encoder === null) return false;
  // Room for the sentinel after the query and for whole-word reads past it.
  if (bytes.length < length + 8) {
    bytes = new Uint8Array(Math.max(length + 8, 1024));
    view = new DataView(bytes.buffer);
  }
  const pairs = (length >> 1) + 1;
  if (pairStart.length < pairs) {
    const size = Math.max(pairs, 64);
    pairStart = new Int32Array(size);
    pairEnd = new Int32Array(size);
    pairEscaped = new Uint8Array(size);
    pairTextStart = new Int32Array(size);
    pairTextEnd = new Int32Array(size);
    pairNext = new Int32Array(size);
    rangeFrom = new Int32Array(size);
    rangeTo = new Int32Array(size);
    rangeSuffix = new Int32Array(size);
  }
  return true;
}

function hexDigit(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  const lower = code | 32;
  return lower >= 97 && lower <= 102 ? lower - 87 : -1;
}

// Flags (0x80) the bytes below 44 (`,`) of a word of four ASCII bytes, among them `&`, `%` and `+`.
// The lowest flag is exact; flags above it may be false.
function lowBytes(word: number): number {
  return (word - 0x2c2c2c2c) & ~word & 0x80808080;
}

/**
 * Splits the query in `bytes` and decodes escaped values in place. Returns the number of pairs, or
 * -1 when the query needs the general path.
 */
function splitPairs(length: number): number {
  const b = bytes;
  const data = view;
  b[length] = 38; // & as a sentinel: every scan stops at the end.
  const seen = keysSeen;
  seen[0] = seen[1] = seen[2] = seen[3] = 0;
  let read = length > 0 && b[0] === 63 /* ? */ ? 1 : 0;
  let count = 0;
  let textShift = 0;
  while (read < length) {
    let key = b[read]!;
    if (key === 38) {
      read++;
      continue;
    }
    // The key: one character that is neither `%` nor `=`, then `=`.
    if (key === 37 || key === 61 || b[read + 1] !== 61) return -1;
    if (key === 43) b[read] = key = 32;
    const bit = 1 << (key & 31);
    if ((seen[key >> 5]! & bit) === 0) {
      seen[key >> 5]! |= bit;
      keyFirst[key] = count;
    } else {
      pairNext[keyLast[key]!] = count;
    }
    keyLast[key] = count;
    pairNext[count] = -1;
    read += 2;
    pairStart[count] = read;
    // Up to the first `&`, `%` or `+`, a word at a time; the lowest flagged byte of a word is the
    // first below `,`.
    let c: number;
    for (;;) {
      const low = lowBytes(data.getInt32(read, true));
      if (low === 0) {
        read += 4;
        continue;
      }
      read += (31 - Math.clz32(low & -low)) >> 3;
      c = b[read]!;
      if (c === 38 || c === 37 || c === 43) break;
      read++;
    }
    let write = read;
    if (c !== 38) {
      const start = pairStart[count]!;
      let utf8 = false;
      // From the first escape on, the value moves left as escapes shrink.
      for (;;) {
        const word = data.getInt32(read, true);
        const low = lowBytes(word);
        if (low === 0) {
          data.setInt32(write, word, true);
          write += 4;
          read += 4;
          continue;
        }
        const plain = (31 - Math.clz32(low & -low)) >> 3;
        if (plain !== 0) {
          // The plain bytes before it: the whole word when that cannot reach unread bytes.
          if (read - write >= 4) data.setInt32(write, word, true);
          else for (let at = 0; at < plain; at++) b[write + at] = (word >>> (at << 3)) & 255;
          write += plain;
          read += plain;
        }
        c = b[read]!;
        if (c === 38) break;
        if (c === 37) {
          const escape = data.getInt32(read, true);
          const high = hexDigit((escape >>> 8) & 255);
          const digit = high < 0 ? -1 : hexDigit((escape >>> 16) & 255);
          if (digit < 0) return -1;
          const byte = (high << 4) | digit;
          if (byte >= 0x80) utf8 = true;
          b[write++] = byte;
          read += 3;
        } else {
          b[write++] = c === 43 ? 32 : c;
          read++;
        }
      }
      pairEscaped[count] = 1;
      // Where the value is in the text of all decoded values: escaped UTF-8 takes fewer UTF-16
      // units than bytes. Bytes that are not UTF-8 (decoded to U+FFFD, which changes the
      // checksum's bytes) go to the general path.
      pairTextStart[count] = start + textShift;
      if (utf8) {
        const shrink = utf8Shrink(b, start, write);
        if (shrink < 0) return -1;
        textShift -= shrink;
      }
      pairTextEnd[count] = write + textShift;
    } else {
      pairEscaped[count] = 0;
    }
    pairEnd[count] = write;
    b[write] = 44; // ,
    count++;
    read++;
  }
  return count;
}

/**
 * How many fewer UTF-16 units than bytes the UTF-8 in `bytes[from..to)` decodes to, or -1 when it
 * is not UTF-8 (what `decodeUtf8` would replace with U+FFFD: overlong forms, surrogates, code
 * points beyond U+10FFFF, truncated sequences, stray continuation bytes).
 */
function utf8Shrink(bytes: Uint8Array, from: number, to: number): number {
  let shrink = 0;
  let i = from;
  while (i < to) {
    const b0 = bytes[i]!;
    if (b0 < 0x80) {
      i++;
      continue;
    }
    let needed: number;
    let lower = 0x80;
    let upper = 0xbf;
    if (b0 >= 0xc2 && b0 <= 0xdf) {
      needed = 1;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      needed = 2;
      if (b0 === 0xe0) lower = 0xa0;
      if (b0 === 0xed) upper = 0x9f;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      needed = 3;
      if (b0 === 0xf0) lower = 0x90;
      if (b0 === 0xf4) upper = 0x8f;
    } else {
      return -1;
    }
    if (i + needed >= to) return -1;
    for (let k = 1; k <= needed; k++) {
      const next = bytes[i + k]!;
      if (next < lower || next > upper) return -1;
      lower = 0x80;
      upper = 0xbf;
    }
    // Two bytes make one unit, three make one, four make a surrogate pair.
    shrink += needed === 3 ? 2 : needed;
    i += needed + 1;
  }
  return shrink;
}

/** The request checksum of the split pairs: their `k=value,` pieces in key order, `;` after each key. */
function checksumOfPairs(): number {
  let count = 0;
  for (let word = 0; word < 4; word++) {
    // The keys in this word of `keysSeen`, lowest first, leaving out `x` (120).
    let seen = keysSeen[word]! & (word === 3 ? ~(1 << (120 & 31)) : -1);
    while (seen !== 0) {
      const lowest = seen & -seen;
      seen ^= lowest;
      let pair = keyFirst[(word << 5) | (31 - Math.clz32(lowest))]!;
      rangeFrom[count] = pairStart[pair]! - 2;
      for (;;) {
        rangeTo[count] = pairEnd[pair]! + 1;
        pair = pairNext[pair]!;
        if (pair < 0) break;
        rangeSuffix[count++] = -1;
        rangeFrom[count] = pairStart[pair]!;
      }
      rangeSuffix[count++] = 59; // ;
    }
  }
  return murmurRanges(view, rangeFrom, rangeTo, rangeSuffix, count);
}

/** The first pair with a key, or -1. */
function firstPair(key: number): number {
  return (keysSeen[key >> 5]! & (1 << (key & 31))) === 0 ? -1 : keyFirst[key]!;
}

// The query being decoded and, once a field needs it, the text of all decoded values.
let currentQuery = '';
let currentLength = 0;
let decodedText: string | undefined;

/** The decoded value of a pair as a string. */
function valueOf(pair: number): string {
  const start = pairStart[pair]!;
  const end = pairEnd[pair]!;
  if (pairEscaped[pair] === 0) return currentQuery.slice(start, end);
  decodedText ??= decoder!.decode(bytes.subarray(0, currentLength));
  return decodedText.slice(pairTextStart[pair], pairTextEnd[pair]);
}

/** A base-36 integer field of a pair, as parseBase36Integer reads its value. */
function integerOf(pair: number, width: 'int' | 'long'): number | undefined {
  const n = parseBase36Bytes(bytes, pairStart[pair]!, pairEnd[pair]!, width);
  return n !== n ? parseBase36Integer(valueOf(pair), width) : n;
}

/** The device pixel ratio of a pair, as parseBase36Number reads its value. */
function ratioOf(pair: number): number | undefined {
  const start = pairStart[pair]!;
  const end = pairEnd[pair]!;
  for (let at = start; at < end; at++) {
    if (bytes[at] === 46 /* . */) return parseBase36Number(valueOf(pair));
  }
  return integerOf(pair, 'long');
}

function identifierOf(pair: number): boolean {
  const check = checkIdentifierBytes(bytes, view, pairStart[pair]!, pairEnd[pair]!);
  return check < 0 ? isIdentifier(valueOf(pair)) : check === 1;
}

function isTrue(pair: number): boolean {
  return pairEnd[pair]! - pairStart[pair]! === 1 && bytes[pairStart[pair]!] === 116;
}

function decodeAsciiQuery(query: string): EventQueryResult | undefined {
  const length = query.length;
  if (length > MAX_FAST_QUERY || !prepare(length)) return undefined;
  const copied = encoder!.encodeInto(query, bytes);
  // A non-ASCII character takes more than one byte.
  if (copied.read !== length || copied.written !== length) return undefined;
  if (splitPairs(length) < 0) return undefined;
  const p = firstPair(112);
  const s = firstPair(115);
  const v = firstPair(118);
  const e = firstPair(101);
  const c = firstPair(99);
  const n = firstPair(110);
  const f = firstPair(102);
  if (p < 0 || s < 0 || v < 0 || e < 0 || c < 0 || n < 0 || f < 0) return undefined;
  currentQuery = query;
  currentLength = length;
  decodedText = undefined;
  try {
    if (!identifierOf(p) || !identifierOf(s)) return undefined;
    const clientTimestamp = integerOf(c, 'long');
    if (clientTimestamp === undefined) return undefined;
    const x = firstPair(120);
    const expected = x < 0 ? undefined : integerOf(x, 'long');
    const corrupt = expected === undefined || expected !== checksumOfPairs();
    const partyId = valueOf(p);
    const sessionId = valueOf(s);
    const pageViewId = valueOf(v);
    const eventId = valueOf(e);
    const newParty = isTrue(n);
    const firstInSession = isTrue(f);
    const l = firstPair(108);
    const location = l < 0 ? undefined : valueOf(l);
    const r = firstPair(114);
    const referrer = r < 0 ? undefined : valueOf(r);
    const i = firstPair(105);
    const screenWidth = i < 0 ? undefined : integerOf(i, 'int');
    const j = firstPair(106);
    const screenHeight = j < 0 ? undefined : integerOf(j, 'int');
    const k = firstPair(107);
    const devicePixelRatio = k < 0 ? undefined : ratioOf(k);
    const w = firstPair(119);
    const viewportWidth = w < 0 ? undefined : integerOf(w, 'int');
    const h = firstPair(104);
    const viewportHeight = h < 0 ? undefined : integerOf(h, 'int');
    const t = firstPair(116);
    const eventType = t < 0 ? undefined : valueOf(t);
    const u = firstPair(117);
    const parameters = u < 0 ? undefined : decodeMincodeValue(valueOf(u));
    if (u >= 0 && parameters === undefined && mincodeFailedTooDeep()) {
      return { ok: false, issues: [tooDeep()] };
    }
    // What a tag sends has every field, parameters perhaps aside: one object literal each, with
    // the properties in the order of the general path.
    if (
      location !== undefined &&
      referrer !== undefined &&
      screenWidth !== undefined &&
      screenHeight !== undefined &&
      devicePixelRatio !== undefined &&
      viewportWidth !== undefined &&
      viewportHeight !== undefined &&
      eventType !== undefined
    ) {
      return {
        ok: true,
        value:
          parameters === undefined
            ? {
                partyId,
                sessionId,
                pageViewId,
                eventId,
                clientTimestamp,
                newParty,
                firstInSession,
                corrupt,
                location,
                referrer,
                screenWidth,
                screenHeight,
                devicePixelRatio,
                viewportWidth,
                viewportHeight,
                eventType,
              }
            : {
                partyId,
                sessionId,
                pageViewId,
                eventId,
                clientTimestamp,
                newParty,
                firstInSession,
                corrupt,
                location,
                referrer,
                screenWidth,
                screenHeight,
                devicePixelRatio,
                viewportWidth,
                viewportHeight,
                eventType,
                parameters,
              },
      };
    }
    const event: DecodedEvent = {
      partyId,
      sessionId,
      pageViewId,
      eventId,
      clientTimestamp,
      newParty,
      firstInSession,
      corrupt,
    };
    if (location !== undefined) event.location = location;
    if (referrer !== undefined) event.referrer = referrer;
    if (screenWidth !== undefined) event.screenWidth = screenWidth;
    if (screenHeight !== undefined) event.screenHeight = screenHeight;
    if (devicePixelRatio !== undefined) event.devicePixelRatio = devicePixelRatio;
    if (viewportWidth !== undefined) event.viewportWidth = viewportWidth;
    if (viewportHeight !== undefined) event.viewportHeight = viewportHeight;
    if (eventType !== undefined) event.eventType = eventType;
    if (parameters !== undefined) event.parameters = parameters;
    return { ok: true, value: event };
  } finally {
    currentQuery = '';
    decodedText = undefined;
  }
}
