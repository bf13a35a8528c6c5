import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  jsonParameters,
  nestedJson,
  toMincode,
  trackedEventArbitrary,
} from '../../test/arbitraries';
import { parseQueryString } from '../internal/query-string';
import { parseBase36Bytes, parseBase36Integer } from './base36';
import { computeChecksum } from './checksum';
import { decodeEventQuery, encodeEventQuery } from './event-query';
import { checkIdentifierBytes, isIdentifier } from './identifier';
import type { JsonValue } from './json';
import { decodeMincode, decodeMincodeValue, encodeMincode } from './mincode';
import { murmur3x86_32, murmurRanges } from './murmur3';
import { MAX_PARAMETER_DEPTH } from './parameter-depth';
import type { Result } from './result';

/*
 * decodeEventQuery decodes a query string on a fast path (ASCII, one-character keys, escapes below
 * %80) and leaves everything else to the general path. The oracle here is the list of pairs
 * `parseQueryString` makes: decodeEventQuery takes those on the general path (never the fast one),
 * and event-query-reference.test.ts proves that path equal to the reference decoder, whose string
 * form is by definition the reference decoder of `parseQueryString(query)`. So agreeing with it is
 * agreeing with the reference decoder.
 */
function oracle(query: string): ReturnType<typeof decodeEventQuery> {
  return decodeEventQuery(parseQueryString(query));
}

/** `toEqual` and, for every number, `Object.is` (so 0 and -0 differ). */
function expectSame(actual: unknown, expected: unknown): void {
  expect(actual).toEqual(expected);
  expect(JSON.stringify(actual, numbersExactly)).toBe(JSON.stringify(expected, numbersExactly));
}

function numbersExactly(_key: string, value: unknown): unknown {
  return typeof value === 'number' && Object.is(value, -0) ? '-0' : value;
}

const event = trackedEventArbitrary({
  pageViewId: fc.string({ maxLength: 40 }),
  eventId: fc.string({ maxLength: 40 }),
  location: fc.oneof(fc.webUrl({ withQueryParameters: true }), fc.string({ maxLength: 9 })),
  referrer: fc.string({ minLength: 1, maxLength: 20 }),
  devicePixelRatio: fc.constantFrom(0.5, 1, 1.5, 2, 2.625),
  eventType: fc.string({ maxLength: 12 }),
  parameters: jsonParameters({ maxDepth: 3 }),
});

/** Text at the fast path's edges: what makes it hand over, and what it must take itself. */
const edge = fc.constantFrom(
  // Escapes it decodes: the lowest and highest ASCII ones, lower-case hex, `&`, `=`, `+`, `%`.
  '%00',
  '%7F',
  '%7f',
  '%3a',
  '%26',
  '%3D',
  '%2B',
  '%25',
  '+',
  '++',
  // Escaped UTF-8 it decodes: two, three and four bytes, the edges of each, a BOM.
  '%C3%A9',
  '%c3%a9',
  '%C2%80',
  '%DF%BF',
  '%E0%A0%80',
  '%E2%82%AC',
  '%ED%9F%BF',
  '%EE%80%80',
  '%EF%BB%BF',
  '%F0%90%80%80',
  '%F0%9F%98%80',
  '%F4%8F%BF%BF',
  // Escapes it leaves to the general path: bytes that are not UTF-8, malformed escapes.
  '%80',
  '%80%80',
  '%C0%80',
  '%C1%BF',
  '%C2',
  '%C3%28',
  '%E0%80%80',
  '%E0%9F%BF',
  '%ED%A0%80',
  '%ED%BF%BF',
  '%E1%BB',
  '%F0%80%80%80',
  '%F4%90%80%80',
  '%F5%80%80%80',
  '%F0%9F%98',
  '%FF',
  '%',
  '%4',
  '%zz',
  '%G1',
  '%8',
  // Raw non-ASCII text, lone surrogates included.
  'é',
  '€',
  '\ud800',
  '\udc00',
  '😀',
  '\u0080',
  // Separators and bytes near the ones it looks for (`!`-`+`, `,`).
  '&',
  '&&',
  '=',
  '==',
  '?',
  '!',
  '(',
  ')',
  '*',
  ',',
  '-',
  '.',
  ':',
  ';',
  '~',
  ' ',
  '\t',
  '"',
  '#',
  '$',
  "'",
);

/** A value made of ordinary characters and edge pieces, of any length (word alignment matters). */
const value = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...'0aZ9z:_') },
      { weight: 1, arbitrary: edge },
    ),
    {
      maxLength: 12,
    },
  )
  .map((parts) => parts.join(''));

/** Keys: the protocol's, other single characters, escaped, multi-character and empty ones. */
const key = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...'psvecnflrijkwhtux') },
  {
    weight: 2,
    arbitrary: fc.constantFrom('a', 'z', 'A', '0', '-', '~', '!', '(', ' ', '+', '?', '.', ','),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom('%70', '%78', '%2B', '%', 'pp', 'xx', 'é', '', 'p%3A', 'u+'),
  },
);

/** A number field's text: base 36 with signs, leading zeros, more than ten digits, fractions. */
const numberText = fc.oneof(
  fc.integer().map((n) => n.toString(36)),
  fc.maxSafeInteger().map((n) => n.toString(36)),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map((n) => n.toString(36)),
  fc.constantFrom(
    '',
    '+',
    '-',
    '-0',
    '+0',
    '0000000000001',
    '00000000000000z',
    'Z',
    '1.i',
    '1.',
    '.5',
  ),
  fc.constantFrom('zzzzzzzzzz', 'zzzzzzzzzzz', '-zzzzzzzzzzz', '1y2p0ij32e8e7', '1y2p0ij32e8e8'),
);

/** An encoded event, then edited at the fast path's boundaries. */
const editedQuery = fc
  .tuple(
    event,
    fc.array(
      fc.tuple(
        fc.constantFrom('insert', 'repeat', 'drop', 'move', 'rewrite', 'number', 'edge', 'bare'),
        fc.nat(),
        key,
        value,
        numberText,
      ),
      { maxLength: 5 },
    ),
    fc.constantFrom('', '?', '??', '&'),
  )
  .map(([tracked, edits, prefix]) => {
    const segments = encodeEventQuery(tracked).split('&');
    for (const [edit, at, k, v, n] of edits) {
      const i = at % Math.max(segments.length, 1);
      if (edit === 'insert') segments.splice(i, 0, `${k}=${v}`);
      else if (edit === 'repeat') segments.splice(i, 0, segments[at % segments.length] ?? '');
      else if (edit === 'drop') segments.splice(i, 1);
      else if (edit === 'move') segments.push(...segments.splice(i, 1));
      else if (edit === 'rewrite') segments[i] = (segments[i] ?? '').slice(0, 2) + v;
      else if (edit === 'number') segments.splice(i, 0, `${'cijkwhx'[at % 7]!}=${n}`);
      else if (edit === 'edge') segments[i] = (segments[i] ?? '') + v;
      else segments.splice(i, 0, k);
    }
    return prefix + segments.join('&');
  });

/** The same, signed again over its pairs, so that the checksum has to match byte for byte. */
const resignedQuery = editedQuery.map((query) => {
  const unsigned = query
    .split('&')
    .filter((segment) => segment[0] !== 'x')
    .join('&');
  return `${unsigned}&x=${computeChecksum(parseQueryString(unsigned)).toString(36)}`;
});

describe('decodeEventQuery on its fast path agrees with the general path', () => {
  it('on encoded events edited at the edges of the fast path', () => {
    fc.assert(
      fc.property(editedQuery, (query) => {
        expectSame(decodeEventQuery(query), oracle(query));
      }),
      { numRuns: 3000 },
    );
  });

  it('on edited events signed again, so that most checksums match', () => {
    fc.assert(
      fc.property(resignedQuery, (query) => {
        expectSame(decodeEventQuery(query), oracle(query));
      }),
      { numRuns: 3000 },
    );
    const samples = fc.sample(resignedQuery, { numRuns: 300, seed: 7 });
    const good = samples.filter((query) => {
      const decoded = decodeEventQuery(query);
      return decoded.ok && !decoded.value.corrupt;
    });
    expect(good.length).toBeGreaterThan(50);
  });

  it('on events with any Unicode text, sent as escaped UTF-8', () => {
    const text = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 12 }),
      fc.string({ unit: 'binary', maxLength: 12 }),
    );
    const unicodeEvent = fc
      .tuple(event, text, text, text, text, fc.dictionary(text, text, { maxKeys: 3 }))
      .map(([tracked, location, referrer, eventType, pageViewId, parameters]) => ({
        ...tracked,
        location,
        referrer,
        eventType,
        pageViewId,
        parameters,
      }));
    fc.assert(
      fc.property(unicodeEvent, fc.constantFrom('', '&t=again', '&r=%C3%A9'), (tracked, extra) => {
        const query = encodeEventQuery(tracked) + extra;
        expectSame(decodeEventQuery(query), oracle(query));
      }),
      { numRuns: 2000 },
    );
  });

  it('on pairs in any order, with any keys, repeats and empty values', () => {
    const pair = fc.oneof(
      fc.tuple(key, value).map(([k, v]) => `${k}=${v}`),
      key,
      fc.constant(''),
    );
    fc.assert(
      fc.property(event, fc.array(pair, { maxLength: 8 }), fc.nat(), (tracked, extra, seed) => {
        const segments = [...encodeEventQuery(tracked).split('&'), ...extra];
        // A deterministic shuffle.
        for (let i = segments.length - 1; i > 0; i--) {
          const j = (seed + i * 7919) % (i + 1);
          [segments[i], segments[j]] = [segments[j]!, segments[i]!];
        }
        const query = segments.join('&');
        expectSame(decodeEventQuery(query), oracle(query));
      }),
      { numRuns: 2000 },
    );
  });

  it('on values of every length around a word, at every alignment', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(key, fc.string({ unit: 'grapheme-ascii', maxLength: 9 })), {
          maxLength: 6,
        }),
        event,
        (pairs, tracked) => {
          const unsigned = [
            encodeEventQuery(tracked).replace(/&x=.*$/, ''),
            ...pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`),
          ].join('&');
          const query = `${unsigned}&x=${computeChecksum(parseQueryString(unsigned)).toString(36)}`;
          const decoded = decodeEventQuery(query);
          expectSame(decoded, oracle(query));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('on the queries of the tests, long ones and a few by hand', () => {
    const base = encodeEventQuery({
      partyId: '0:i1t84hgy:5AF359Zjq5kUy98u4wQjlIZzWGhN~GlG',
      sessionId: '0:i1t84hgy:95CbiPCYln_1e0a6rFvuRkDkeNnc6KC8',
      pageViewId: '0:AbCdEfGhIjKlMnOpQrStUvWxYz012345',
      eventId: '0:AbCdEfGhIjKlMnOpQrStUvWxYz0123450',
      clientTimestamp: 1_414_499_908_146,
      newParty: false,
      firstInSession: true,
      location: 'https://shop.example/products/shoes?color=red&size=42#reviews',
      referrer: 'https://search.example/results?q=red+shoes',
      eventType: 'pageView',
      parameters: { category: 'shoes', price: 89.5, tags: ['sale', 'new'] },
    });
    const queries = [
      base,
      `?${base}`,
      base.replace('&x=', '&x=1&x='),
      `${base}&x=0`,
      base.replace('n=f', 'n=t&n=f'),
      base.replace('t=pageView', 't=page+View'),
      base.replace('t=pageView', 't=pageView&t%3D=1'),
      `${base}&${'a='.repeat(20_000)}`,
      `${base}&z=${'y'.repeat(20_000)}`,
      base.replace('c=', 'c=+'),
      base.replace('c=', 'c=-'),
      base.replace('&f=t', '&f'),
      base.replace('&f=t', '&f=t&'),
      base.replace('&f=t', '&f=t&&&'),
      base.replace('p=0%3A', 'p=0:'),
      base.replace('p=0%3A', 'p=0%3a'),
      base.replace('p=0%3A', 'p=%30%3A'),
      base.replace('s=0%3A', 's=1%3A'),
      base.replace('u=(', 'u=(~'),
      base.replace('jprice!89.5', 'jprice!1e400'),
      base.replace('jprice!89.5', 'jprice!-0'),
      base.replace('jprice!89.5', 'jprice!0.1000000000000000055511151231257827'),
      base.replace('l=https', 'l=h%C3%A9ttps'),
      base.replace('l=https', 'l=h\u00e9ttps'),
      base.replace('l=https', 'l=h%E9ttps'),
    ];
    for (const query of queries) expectSame(decodeEventQuery(query), oracle(query));
  });
});

/** The mincode decoder decodeMincode replaced, kept as the specification of its results. */
function referenceMincode(text: string): Result<JsonValue> {
  let position = 0;
  const fail = (message: string, code = 'invalid_mincode'): Result<JsonValue> => ({
    ok: false,
    issues: [{ code, path: [position], message: `${message} (at offset ${position}).` }],
  });
  const tooDeep = (): Result<JsonValue> =>
    fail(`Parameters nest deeper than ${MAX_PARAMETER_DEPTH} objects and arrays`, 'too_deep');
  const readString = (): string | undefined => {
    let out = '';
    let start = position;
    for (;;) {
      if (position >= text.length) return undefined;
      const c = text.charCodeAt(position);
      if (c === 33) {
        out += text.slice(start, position);
        position++;
        return out;
      }
      if (c === 126) {
        out += text.slice(start, position);
        position++;
        if (position >= text.length) return undefined;
        start = position;
      }
      position++;
    }
  };
  const stack: (JsonValue[] | Record<string, JsonValue>)[] = [];
  let result: JsonValue | undefined;
  while (position < text.length || stack.length > 0) {
    if (position >= text.length) return fail('Unexpected end of input inside a container');
    if (result !== undefined) return fail('Unexpected input after the value');
    const type = text.charAt(position);
    const container = stack[stack.length - 1];
    position++;
    if (type === ')') {
      if (container === undefined || Array.isArray(container)) {
        return fail('End of object outside an object');
      }
      stack.pop();
      if (stack.length === 0) result = container;
      continue;
    }
    let name: string | undefined;
    if (container !== undefined && !Array.isArray(container)) {
      name = readString();
      if (name === undefined) return fail('Unterminated property name');
    }
    let parsed: JsonValue;
    let opened: JsonValue[] | Record<string, JsonValue> | undefined;
    if (type === 's') {
      const s = readString();
      if (s === undefined) return fail('Unterminated string');
      parsed = s;
    } else if (type === 'd') {
      const digits = readString();
      const n = digits === undefined ? undefined : referenceMincodeInteger(digits);
      if (n === undefined) return fail('Invalid base-36 integer');
      parsed = n;
    } else if (type === 'j') {
      const digits = readString();
      if (digits === undefined || !/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(digits)) {
        return fail('Invalid number');
      }
      parsed = Number(digits);
      if (!Number.isFinite(parsed)) return fail('Number out of range');
    } else if (type === 't' || type === 'f' || type === 'n') {
      parsed = type === 't' ? true : type === 'f' ? false : null;
    } else if (type === 'o') {
      // An empty object is a container as deep as any other.
      if (stack.length === MAX_PARAMETER_DEPTH) return tooDeep();
      parsed = {};
    } else if (type === '(' || type === 'a') {
      if (stack.length === MAX_PARAMETER_DEPTH) return tooDeep();
      opened = type === '(' ? {} : [];
      parsed = opened;
    } else if (type === '.') {
      if (!Array.isArray(container)) return fail('End of array outside an array');
      stack.pop();
      if (stack.length === 0) result = container;
      continue;
    } else {
      return fail(`Unknown record type ${JSON.stringify(type)}`);
    }
    if (container === undefined) {
      if (opened === undefined) result = parsed;
    } else if (Array.isArray(container)) {
      container.push(parsed);
    } else {
      Object.defineProperty(container, name!, {
        value: parsed,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    if (opened !== undefined) stack.push(opened);
  }
  if (result === undefined) return fail('Empty input');
  return { ok: true, value: result };
}

function referenceMincodeInteger(text: string): number | undefined {
  if (!/^[+-]?[0-9a-z]+$/i.test(text)) return undefined;
  const negative = text.startsWith('-');
  let value = 0n;
  for (const ch of text.replace(/^[+-]/, '').toLowerCase()) {
    value = value * 36n + BigInt(parseInt(ch, 36));
  }
  const n = Number(negative ? -value : value);
  return Number.isFinite(n) ? n : undefined;
}

describe('decodeMincode agrees with the decoder it replaced', () => {
  const decimal = fc
    .tuple(
      fc.constantFrom('', '+', '-'),
      fc.stringMatching(/^[0-9]{0,20}$/),
      fc.constantFrom('', '.'),
      fc.stringMatching(/^[0-9]{0,20}$/),
      fc.constantFrom('', 'e', 'E', 'e+', 'e-', 'E-'),
      fc.stringMatching(/^[0-9]{0,4}$/),
    )
    .map((parts) => parts.join(''));
  const numeric = fc.oneof(
    decimal,
    fc.double().map(String),
    fc.double().map((n) => n.toExponential()),
    fc.stringMatching(/^[-+.eE0-9a ]{0,8}$/),
  );

  it('on j numbers: digits, signs, fractions, exponents and near misses', () => {
    fc.assert(
      fc.property(numeric, (text) => {
        expectSame(decodeMincode(`j${text}!`), referenceMincode(`j${text}!`));
        expectSame(decodeMincode(`(jx!${text}!)`), referenceMincode(`(jx!${text}!)`));
      }),
      { numRuns: 5000 },
    );
  });

  it('on objects whose property names look alike (the recent-names cache)', () => {
    const name = fc.constantFrom(
      'a',
      'b',
      'ab',
      'ba',
      'abc',
      'abd',
      'a~!',
      'a~~',
      '__proto__',
      'constructor',
      'toString',
      'hasOwnProperty',
      '0',
      '1',
      '01',
      '123456789012',
      '1234567890123',
      'propertyName',
      'propertyNamf',
    );
    const entry = fc.tuple(name, fc.constantFrom('t', 'n', 'd1!', 'sx!', 'o', 'a.'));
    fc.assert(
      fc.property(fc.array(fc.array(entry, { maxLength: 6 }), { maxLength: 4 }), (objects) => {
        for (const entries of objects) {
          const text = `(${entries.map(([n, v]) => v.charAt(0) + n + '!' + v.slice(1)).join('')})`;
          expectSame(decodeMincode(text), referenceMincode(text));
          const expected = referenceMincode(text);
          const decoded = decodeMincodeValue(text);
          if (expected.ok && decoded !== undefined) {
            expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
            expect(Object.keys(decoded as object)).toEqual(Object.keys(expected.value as object));
          }
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('on mincode of any value and on arbitrary text, failures included', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue().map((v) => encodeMincode(v)!),
          fc
            .array(fc.constantFrom(...'sdjtfno()a.!~1z-+e.x_'), { maxLength: 40 })
            .map((c) => c.join('')),
          fc.string({ unit: 'binary', maxLength: 20 }),
        ),
        (text) => {
          const expected = referenceMincode(text);
          expectSame(decodeMincode(text), expected);
          expectSame(decodeMincodeValue(text), expected.ok ? expected.value : undefined);
        },
      ),
      { numRuns: 5000 },
    );
  });
});

describe('the depth limit, on both paths and in the decoder it replaced', () => {
  it('decodeMincode agrees on mincode around the limit, with o, cut short or run on', () => {
    const text = fc
      .tuple(
        nestedJson(MAX_PARAMETER_DEPTH, 2),
        fc.boolean(),
        fc.nat(),
        fc.constantFrom('', 'a', 'o', 'x', '.', ')'),
      )
      .map(([value, o, cut, more]) => {
        const code = toMincode(value, o);
        return code.slice(0, code.length - (cut % 3)) + more;
      });
    fc.assert(
      fc.property(text, (code) => {
        const expected = referenceMincode(code);
        expectSame(decodeMincode(code), expected);
        expectSame(decodeMincodeValue(code), expected.ok ? expected.value : undefined);
      }),
      { numRuns: 300 },
    );
  }, 60_000);

  it('decodeEventQuery gives the general path verdict on events with parameters around it', () => {
    const deepEvent = fc
      .tuple(event, nestedJson(MAX_PARAMETER_DEPTH, 2))
      .map(([tracked, parameters]) => ({ ...tracked, parameters }));
    let tooDeep = 0;
    fc.assert(
      fc.property(deepEvent, fc.constantFrom('', '?', '&u=a.'), (tracked, extra) => {
        const query =
          extra === '?' ? '?' + encodeEventQuery(tracked) : encodeEventQuery(tracked) + extra;
        const decoded = decodeEventQuery(query);
        expectSame(decoded, oracle(query));
        if (!decoded.ok) tooDeep++;
      }),
      { numRuns: 200 },
    );
    expect(tooDeep).toBeGreaterThan(20);
  }, 60_000);
});

describe('the byte-level helpers of the fast path', () => {
  const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

  it('murmurRanges hashes byte ranges and suffixes as murmur3x86_32 hashes their text', () => {
    const range = fc.tuple(fc.string({ unit: 'grapheme-ascii', maxLength: 11 }), fc.boolean());
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme-ascii', maxLength: 3 }),
        fc.array(range, { maxLength: 9 }),
        (gap, ranges) => {
          // Ranges laid out with gaps between them, then hashed in reverse order.
          let text = '';
          const from = new Int32Array(ranges.length);
          const to = new Int32Array(ranges.length);
          const suffix = new Int32Array(ranges.length);
          let expected = '';
          ranges.forEach(([piece, withSuffix], i) => {
            text += gap;
            const at = ranges.length - 1 - i;
            from[at] = text.length;
            text += piece;
            to[at] = text.length;
            suffix[at] = withSuffix ? 59 : -1;
          });
          for (let i = 0; i < ranges.length; i++) {
            expected += text.slice(from[i], to[i]) + (suffix[i]! >= 0 ? ';' : '');
          }
          const bytes = new Uint8Array(text.length + 4);
          bytes.set(ascii(text));
          const view = new DataView(bytes.buffer);
          expect(murmurRanges(view, from, to, suffix, ranges.length)).toBe(murmur3x86_32(expected));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('parseBase36Bytes reads as parseBase36Integer, or hands over long text', () => {
    const text = fc.oneof(numberText, fc.stringMatching(/^[-+0-9a-zA-Z.:]{0,13}$/));
    fc.assert(
      fc.property(text, fc.constantFrom('int' as const, 'long' as const), (t, width) => {
        const bytes = ascii(`&${t}&`);
        const n = parseBase36Bytes(bytes, 1, t.length + 1, width);
        if (Number.isNaN(n)) expect(t.replace(/^[+-]/, '').length).toBeGreaterThan(10);
        else expectSame(n, parseBase36Integer(t, width));
      }),
      { numRuns: 3000 },
    );
  });

  it('checkIdentifierBytes answers as isIdentifier, or hands over', () => {
    const id = fc
      .tuple(
        fc.constantFrom('0:', '0:', '0:', '0:+', '0:-', '0', '1:', ''),
        fc.array(
          fc.constantFrom('0', '1', ':', 'z', 'Z', '+', '-', '_', '~', '00', 'zzzzzzzzzz', 'abc'),
          { maxLength: 8 },
        ),
      )
      .map(([prefix, parts]) => prefix + parts.join(''));
    let answered = 0;
    fc.assert(
      fc.property(id, fc.constantFrom('', ':', '0', ':::'), (text, after) => {
        // Bytes after the text (a colon among them) must not change the answer.
        const bytes = ascii(`:${text}${after}    `);
        const check = checkIdentifierBytes(bytes, new DataView(bytes.buffer), 1, text.length + 1);
        if (check >= 0) {
          answered++;
          expect(check === 1).toBe(isIdentifier(text));
        }
      }),
      { numRuns: 5000 },
    );
    expect(answered).toBeGreaterThan(2000);
  });
});
