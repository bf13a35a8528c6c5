import { decodeComponent } from '../internal/query-string';
import { toWellFormed } from '../internal/utf8';
import { formatBase36, parseBase36Integer, parseBase36Number } from './base36';
import { isIdentifier } from './identifier';
import type { JsonValue } from './json';
import { decodeMincode, encodeMincode } from './mincode';
import { murmur3x86_32, murmurAscii, murmurEnd, murmurStart, murmurText } from './murmur3';
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
let order = new Int32Array(32);

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
 * Divolte. A bad or missing checksum sets `corrupt`; it does not fail the decode.
 */
export function decodeEventQuery(
  input: string | Iterable<readonly [string, string]>,
): EventQueryResult {
  if (typeof input === 'string') {
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
  if (u !== undefined) {
    const parameters = decodeMincode(u);
    if (parameters.ok) event.parameters = parameters.value;
  }
  return { ok: true, value: event };
}
