import { parseQueryString } from '../internal/query-string';
import { toWellFormed } from '../internal/utf8';
import { formatBase36, parseBase36Integer, parseBase36Number } from './base36';
import { computeChecksum } from './checksum';
import { parseIdentifier } from './identifier';
import type { JsonValue } from './json';
import { decodeMincode, encodeMincode } from './mincode';
import { murmur3x86_32 } from './murmur3';
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

function collectPairs(input: unknown): [string, string][] | undefined {
  if (typeof input === 'string') return parseQueryString(input);
  if (!isPairIterable(input)) return undefined;
  const pairs: [string, string][] = [];
  for (const pair of input) {
    if (!Array.isArray(pair) || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') {
      return undefined;
    }
    pairs.push([pair[0], pair[1]]);
  }
  return pairs;
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
  let pairs: [string, string][] | undefined;
  try {
    pairs = collectPairs(input);
  } catch {
    pairs = undefined;
  }
  if (pairs === undefined) {
    return {
      ok: false,
      issues: [
        { code: 'invalid_input', path: [], message: 'Expected a query string or URLSearchParams.' },
      ],
    };
  }
  const first = new Map<string, string>();
  for (const [key, value] of pairs) if (!first.has(key)) first.set(key, value);

  const issues: Issue[] = [];
  const required = (key: string, name: string): string => {
    const value = first.get(key);
    if (value === undefined) {
      issues.push({
        code: 'missing_parameter',
        path: [key],
        message: `The ${name} (${key}) is missing.`,
      });
    }
    return value ?? '';
  };
  const identifier = (key: string, name: string): string => {
    const value = required(key, name);
    if (first.has(key) && !parseIdentifier(value).ok) {
      issues.push({
        code: 'invalid_identifier',
        path: [key],
        message: `The ${name} (${key}) is not a Divolte identifier (0:<base-36 time>:<unique>).`,
      });
    }
    return value;
  };

  const partyId = identifier('p', 'party id');
  const sessionId = identifier('s', 'session id');
  const pageViewId = required('v', 'page-view id');
  const eventId = required('e', 'event id');
  const clientTimestampText = required('c', 'client timestamp');
  const clientTimestamp = parseBase36Integer(clientTimestampText, 'long');
  if (first.has('c') && clientTimestamp === undefined) {
    issues.push({
      code: 'invalid_number',
      path: ['c'],
      message: 'The client timestamp (c) is not a base-36 integer.',
    });
  }
  const newParty = required('n', 'new-party flag') === 't';
  const firstInSession = required('f', 'first-in-session flag') === 't';
  if (issues.length > 0 || clientTimestamp === undefined) return { ok: false, issues };

  const checksumText = first.get('x');
  const expected =
    checksumText === undefined ? undefined : parseBase36Integer(checksumText, 'long');
  const corrupt = expected === undefined || expected !== computeChecksum(pairs);

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
  const location = first.get('l');
  if (location !== undefined) event.location = location;
  const referrer = first.get('r');
  if (referrer !== undefined) event.referrer = referrer;
  const int = (key: string): number | undefined => {
    const text = first.get(key);
    return text === undefined ? undefined : parseBase36Integer(text, 'int');
  };
  const screenWidth = int('i');
  if (screenWidth !== undefined) event.screenWidth = screenWidth;
  const screenHeight = int('j');
  if (screenHeight !== undefined) event.screenHeight = screenHeight;
  const ratioText = first.get('k');
  const ratio = ratioText === undefined ? undefined : parseBase36Number(ratioText);
  if (ratio !== undefined) event.devicePixelRatio = ratio;
  const viewportWidth = int('w');
  if (viewportWidth !== undefined) event.viewportWidth = viewportWidth;
  const viewportHeight = int('h');
  if (viewportHeight !== undefined) event.viewportHeight = viewportHeight;
  const eventType = first.get('t');
  if (eventType !== undefined) event.eventType = eventType;
  const parametersText = first.get('u');
  if (parametersText !== undefined) {
    const parameters = decodeMincode(parametersText);
    if (parameters.ok) event.parameters = parameters.value;
  }
  return { ok: true, value: event };
}
