import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { nestedJson, trackedEventArbitrary } from '../../test/arbitraries';
import { parseQueryString } from '../internal/query-string';
import { parseBase36Integer, parseBase36Number } from './base36';
import { computeChecksum } from './checksum';
import { decodeEventQuery, encodeEventQuery, type DecodedEvent } from './event-query';
import { parseIdentifier } from './identifier';
import { decodeMincode } from './mincode';
import { MAX_PARAMETER_DEPTH } from './parameter-depth';
import type { Issue, Result } from './result';

/**
 * The straightforward decoder decodeEventQuery replaced (parse every pair, a Map of first values,
 * the checksum over the built canonical string), kept as the specification the single-pass decoder
 * must agree with on every input.
 */
function referenceDecode(input: unknown): Result<DecodedEvent> {
  let pairs: [string, string][] | undefined;
  try {
    if (typeof input === 'string') {
      pairs = parseQueryString(input);
    } else if (
      typeof input === 'object' &&
      input !== null &&
      typeof (input as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function'
    ) {
      pairs = [];
      for (const pair of input as Iterable<unknown>) {
        if (!Array.isArray(pair) || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') {
          pairs = undefined;
          break;
        }
        pairs.push([pair[0], pair[1]]);
      }
    }
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
  // Parameters too deep fail the event; otherwise invalid mincode is dropped, as Divolte does.
  const parametersText = first.get('u');
  const parameters = parametersText === undefined ? undefined : decodeMincode(parametersText);
  if (parameters?.ok === false && parameters.issues[0]!.code === 'too_deep') {
    issues.push({
      code: 'too_deep',
      path: ['u'],
      message: `The parameters (u) nest deeper than ${MAX_PARAMETER_DEPTH} objects and arrays (at offset ${parameters.issues[0]!.path[0]}).`,
    });
  }
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
  if (parameters?.ok === true) event.parameters = parameters.value;
  return { ok: true, value: event };
}

const trackedEvent = trackedEventArbitrary({
  referrer: fc.string({ unit: 'binary', minLength: 1 }),
  devicePixelRatio: fc.constantFrom(0.5, 1, 1.25, 1.5, 2, 2.625, 1.100000023841858),
  eventType: fc.string({ unit: 'binary' }),
});

/** Query text that hits every branch of the scanner: separators, escapes, `+`, stray `%`. */
const queryChar = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...'psvecnflrijkwhtux0:aZ19.-~!()') },
  { weight: 3, arbitrary: fc.constantFrom('&', '=', '?', '+', '%', '%2', '%3A', '%41', '%C3%A9') },
  { weight: 2, arbitrary: fc.constantFrom('%ED%A0%80', '%E1%BB', '%FF', '%F0%9F%98%80', '%zz') },
  { weight: 1, arbitrary: fc.constantFrom('\ud800', '\udc00', '\ud83d\ude00', 'é', '€', '\u07ff') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 2 }) },
);
const garbage = fc.array(queryChar, { maxLength: 80 }).map((parts) => parts.join(''));

/** An encoded event, then edited: a pair dropped, repeated, rewritten, moved, or text spliced in. */
const editedQuery = fc
  .tuple(
    trackedEvent,
    fc.array(
      fc.tuple(fc.constantFrom('drop', 'repeat', 'rewrite', 'swap', 'splice'), fc.nat(), garbage),
      { maxLength: 4 },
    ),
  )
  .map(([event, edits]) => {
    const segments = encodeEventQuery(event).split('&');
    for (const [edit, at, text] of edits) {
      const i = at % segments.length;
      if (edit === 'drop') segments.splice(i, 1);
      else if (edit === 'repeat') segments.push(segments[i]!);
      else if (edit === 'rewrite') segments[i] = segments[i]!.slice(0, 2) + text;
      else if (edit === 'swap') segments.unshift(...segments.splice(i, 1));
      else segments.splice(i, 0, text);
      if (segments.length === 0) segments.push(text);
    }
    return segments.join('&');
  });

/** An edited query signed again with the reference checksum, so that `corrupt` must be false. */
const resignedQuery = editedQuery.map((query) => {
  const unsigned = query
    .split('&')
    .filter((segment) => !segment.startsWith('x'))
    .join('&');
  return `${unsigned}&x=${computeChecksum(parseQueryString(unsigned)).toString(36)}`;
});

describe('decodeEventQuery agrees with the reference decoder', () => {
  it('on encoded events, as they are', () => {
    fc.assert(
      fc.property(trackedEvent, (event) => {
        const query = encodeEventQuery(event);
        expect(decodeEventQuery(query)).toEqual(referenceDecode(query));
        expect(decodeEventQuery('?' + query)).toEqual(referenceDecode('?' + query));
      }),
      { numRuns: 1000 },
    );
  });

  it('on encoded events with pairs dropped, repeated, rewritten, moved and garbage spliced in', () => {
    fc.assert(
      fc.property(editedQuery, (query) => {
        expect(decodeEventQuery(query)).toEqual(referenceDecode(query));
      }),
      { numRuns: 2000 },
    );
  });

  it('on edited queries signed again, so the checksum has to match byte for byte', () => {
    fc.assert(
      fc.property(resignedQuery, (query) => {
        const decoded = decodeEventQuery(query);
        expect(decoded).toEqual(referenceDecode(query));
      }),
      { numRuns: 2000 },
    );
    // The property is not vacuous: most of these decode, and with a good checksum.
    const samples = fc.sample(resignedQuery, { numRuns: 200, seed: 42 });
    const good = samples.filter((query) => {
      const decoded = decodeEventQuery(query);
      return decoded.ok && !decoded.value.corrupt;
    });
    expect(good.length).toBeGreaterThan(50);
  });

  it('on arbitrary garbage', () => {
    fc.assert(
      fc.property(fc.oneof(garbage, fc.string({ unit: 'binary' })), (query) => {
        expect(decodeEventQuery(query)).toEqual(referenceDecode(query));
      }),
      { numRuns: 3000 },
    );
  });

  it('on URLSearchParams and pair lists, long ones included (sorted by Array#sort)', () => {
    fc.assert(
      fc.property(
        editedQuery,
        fc.array(fc.tuple(fc.constantFrom(...'psvecnflrijkwhtux', 'pp', 'é', ''), garbage), {
          maxLength: 40,
        }),
        (query, extra) => {
          const params = new URLSearchParams(query);
          expect(decodeEventQuery(params)).toEqual(referenceDecode(params));
          const pairs = [...params, ...extra];
          expect(decodeEventQuery(pairs)).toEqual(referenceDecode(pairs));
          const text = pairs.map(([k, v]) => `${k}=${v}`).join('&');
          expect(decodeEventQuery(text)).toEqual(referenceDecode(text));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('on inputs that are neither', () => {
    for (const input of [undefined, null, 42, {}, [['p']], [[1, 2]], new Map([[1, 2]])]) {
      const loose = input as string;
      expect(decodeEventQuery(loose)).toEqual(referenceDecode(loose));
    }
    const throwing: Iterable<readonly [string, string]> = {
      *[Symbol.iterator]() {
        yield ['p', 'x'] as const;
        throw new Error('broken iterator');
      },
    };
    expect(decodeEventQuery(throwing)).toEqual(referenceDecode(throwing));
  });
});

describe('decodeEventQuery agrees with the reference decoder on the depth limit', () => {
  it('on events with parameters around the limit, some with other faults as well', () => {
    const deepEvent = fc
      .tuple(trackedEvent, nestedJson(MAX_PARAMETER_DEPTH, 2))
      .map(([tracked, parameters]) => ({ ...tracked, parameters }));
    fc.assert(
      fc.property(deepEvent, fc.constantFrom('', 'p=', 'c=', 'u=', 'x='), (tracked, drop) => {
        const query = encodeEventQuery(tracked)
          .split('&')
          .filter((segment) => drop === '' || !segment.startsWith(drop))
          .join('&');
        expect(decodeEventQuery(query)).toEqual(referenceDecode(query));
        const pairs = new URLSearchParams(query);
        expect(decodeEventQuery(pairs)).toEqual(referenceDecode(pairs));
      }),
      { numRuns: 200 },
    );
  }, 60_000);
});

describe('decodeEventQuery checks ids as parseIdentifier does', () => {
  it('on ids made of identifier-like pieces', () => {
    const digits = fc.oneof(
      fc
        .array(fc.constantFrom('0', '1', '9', 'a', 'z', 'Z', '_', '.'), { maxLength: 13 })
        .map((chars) => chars.join('')),
      // Around the ten-digit edge where a long may overflow the safe integers.
      fc
        .array(fc.constantFrom('0', '1', '2', 'z', 'Z'), { minLength: 9, maxLength: 13 })
        .map((chars) => chars.join('')),
    );
    const id = fc
      .tuple(
        fc.constantFrom('0', '1', '00', '', '0:'),
        fc.constantFrom(':', ''),
        fc.constantFrom('', '+', '-'),
        digits,
        fc.constantFrom(':', '', '::'),
        fc.constantFrom('abc', '', 'x:y', '~_'),
      )
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(id, id, (party, session) => {
        const query = `p=${party}&s=${session}&v=v&e=e&c=1&n=t&f=f`;
        expect(decodeEventQuery(query)).toEqual(referenceDecode(query));
      }),
      { numRuns: 5000 },
    );
  });
});
