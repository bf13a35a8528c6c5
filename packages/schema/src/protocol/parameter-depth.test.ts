import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { depthOf, nestedJson, toMincode, trackedEventArbitrary } from '../../test/arbitraries';
import * as root from '../index';
import { decodeJsonSourceEvent, parseJsonSourceEvent } from '../json-source-event';
import { decodeEventBatch, encodeEventBatch } from './event-batch';
import { decodeEventQuery, encodeEventQuery, type TrackedEvent } from './event-query';
import * as protocol from './index';
import { decodeMincode, encodeMincode } from './mincode';
import { MAX_PARAMETER_DEPTH, findTooDeep, mayExceedParameterDepth } from './parameter-depth';

const MAX = MAX_PARAMETER_DEPTH;
const DEPTHS = [MAX - 1, MAX, MAX + 1, 100_000];

const EVENT: TrackedEvent = {
  partyId: '0:i1t84hgy:5AF359Zjq5kUy98u4wQjlIZzWGhN~GlG',
  sessionId: '0:i1t84hgy:95CbiPCYln_1e0a6rFvuRkDkeNnc6KC8',
  pageViewId: '0:AbCdEfGhIjKlMnOpQrStUvWxYz012345',
  eventId: '0:AbCdEfGhIjKlMnOpQrStUvWxYz0123450',
  clientTimestamp: 1_414_499_908_146,
  newParty: false,
  firstInSession: true,
  location: 'https://shop.example/products/shoes?color=red&size=42#reviews',
  referrer: 'https://search.example/results?q=red+shoes',
  eventType: 'addToCart',
};
/** A tag's query without parameters and checksum; a test appends `&u=…`. */
const BASE = encodeEventQuery(EVENT).replace(/&x=[^&]*$/, '');

/** `depth` containers as mincode, objects (even levels) and arrays (odd levels) in turn. */
function alternating(depth: number): string {
  let opening = '';
  let closing = '';
  for (let level = 0; level < depth; level++) {
    const object = level % 2 === 0;
    // Inside an object, a member record carries its name.
    opening += (object ? '(' : 'a') + (level % 2 === 1 ? 'k!' : '');
    closing = (object ? ')' : '.') + closing;
  }
  return opening + closing;
}

/** Nested containers as mincode: arrays, objects, or arrays ending in the empty-object record. */
const MINCODE_CHAINS: [string, (depth: number) => string][] = [
  ['arrays', (d) => 'a'.repeat(d) + '.'.repeat(d)],
  ['objects', (d) => '(' + '(k!'.repeat(d - 1) + ')'.repeat(d)],
  ['arrays around o', (d) => 'a'.repeat(d - 1) + 'o' + '.'.repeat(d - 1)],
  ['objects and arrays in turn', alternating],
];

const JSON_CHAINS: [string, (depth: number) => string][] = [
  ['arrays', (d) => '['.repeat(d) + ']'.repeat(d)],
  ['objects', (d) => '{"k":'.repeat(d - 1) + '{}' + '}'.repeat(d - 1)],
];

function jsonBody(parameters: string): string {
  return (
    '{"session_id":"0:is8tiwk4:XLEUVj9hA6AXRUOp2zuIdUpaeFOC~7AU","event_id":"e","is_new_party":true,' +
    '"is_new_session":false,"client_timestamp_iso":"2016-08-24T13:29:39.412+02:00","parameters":' +
    parameters +
    '}'
  );
}

/** The member of `value` at `path` (keys and indexes). */
function at(value: unknown, path: readonly (string | number)[]): unknown {
  let member = value;
  for (const key of path) member = (member as Record<string | number, unknown>)[key];
  return member;
}

describe('MAX_PARAMETER_DEPTH', () => {
  it('is 32, from the protocol subpath and the package root, with the quick check beside it', () => {
    expect(MAX_PARAMETER_DEPTH).toBe(32);
    expect(protocol.MAX_PARAMETER_DEPTH).toBe(32);
    expect(root.MAX_PARAMETER_DEPTH).toBe(32);
    expect(protocol.mayExceedParameterDepth).toBe(mayExceedParameterDepth);
    expect(root.mayExceedParameterDepth).toBe(mayExceedParameterDepth);
  });
});

describe.each(DEPTHS)('parameters %i deep', (depth) => {
  const accepted = depth <= MAX;

  it.each(MINCODE_CHAINS)('as mincode (%s): decodeMincode', (_, chain) => {
    const decoded = decodeMincode(chain(depth));
    if (accepted) {
      expect(decoded.ok && depthOf(decoded.value)).toBe(depth);
    } else {
      expect(decoded).toEqual({
        ok: false,
        issues: [
          {
            code: 'too_deep',
            path: [expect.any(Number)],
            message: expect.stringMatching(
              /^Parameters nest deeper than 32 objects and arrays \(at offset \d+\)\.$/,
            ),
          },
        ],
      });
    }
  });

  it.each(MINCODE_CHAINS)('in a pixel query (%s): decodeEventQuery, both paths', (_, chain) => {
    const query = `${BASE}&u=${encodeURIComponent(chain(depth))}`;
    // A query string takes the fast path when it can (not beyond 16,384 characters); pairs take
    // the general path.
    for (const input of [query, new URLSearchParams(query)]) {
      const decoded = decodeEventQuery(input);
      if (accepted) {
        expect(decoded.ok && depthOf(decoded.value.parameters)).toBe(depth);
      } else {
        expect(decoded).toEqual({
          ok: false,
          issues: [
            {
              code: 'too_deep',
              path: ['u'],
              message: expect.stringMatching(
                /^The parameters \(u\) nest deeper than 32 objects and arrays \(at offset \d+\)\.$/,
              ),
            },
          ],
        });
      }
    }
    // Each chain has exactly `depth` records that can open a container, so the bound is exact.
    expect(mayExceedParameterDepth(query)).toBe(!accepted);
    expect(mayExceedParameterDepth('?' + query)).toBe(!accepted);
  });

  it('on a batch line: that event fails, its neighbours decode', () => {
    const good = `${BASE}&u=${encodeURIComponent('(sk!v!)')}`;
    const deep = `${BASE}&u=${encodeURIComponent(MINCODE_CHAINS[0]![1](depth))}`;
    const batch = decodeEventBatch(encodeEventBatch([good, deep, good]));
    expect(batch.ok).toBe(true);
    if (!batch.ok) return;
    expect(batch.value.events.map((event) => event.ok)).toEqual([true, accepted, true]);
    const line = batch.value.events[1]!;
    if (!line.ok)
      expect(line.issues.map((issue) => [issue.code, issue.path])).toEqual([['too_deep', ['u']]]);
  });

  it.each(JSON_CHAINS)('as JSON (%s): parseJsonSourceEvent', (_, chain) => {
    const text = chain(depth);
    const parsed = parseJsonSourceEvent(jsonBody(text));
    if (accepted) {
      expect(parsed.ok && depthOf(parsed.value.parameters)).toBe(depth);
    } else {
      expect(parsed.ok).toBe(false);
      if (parsed.ok) return;
      expect(parsed.issues).toHaveLength(1);
      const [issue] = parsed.issues;
      expect(issue!.code).toBe('too_deep');
      expect(issue!.message).toBe('Parameters nest deeper than 32 objects and arrays.');
      // The path leads to the first container beyond the limit.
      expect(issue!.path).toHaveLength(MAX + 1);
      expect(issue!.path[0]).toBe('parameters');
      expect(typeof at(JSON.parse(text), issue!.path.slice(1))).toBe('object');
    }
  });
});

describe('the depth check', () => {
  it('counts every container on the deepest path, empty ones and o included', () => {
    expect(decodeMincode('o')).toEqual({ ok: true, value: {} });
    expect(findTooDeep({})).toBeUndefined();
    expect(findTooDeep(7)).toBeUndefined();
    // 32 levels of arrays, then an empty object beside a scalar: 33 deep.
    const mincode = 'a'.repeat(MAX) + 'o' + 'n' + '.'.repeat(MAX);
    expect(decodeMincode(mincode).ok).toBe(false);
    expect(decodeMincode(mincode.replace('o', '')).ok).toBe(true);
    const nested: unknown[] = [];
    let inner = nested;
    for (let i = 1; i < MAX; i++) inner.push(1, (inner = []));
    expect(findTooDeep(nested)).toBeUndefined();
    inner.push({ a: 1 });
    expect(findTooDeep(nested)).toEqual([...Array.from({ length: MAX - 1 }, () => 1), 0]);
  });

  it('stops on a cycle rather than recursing, and reports it as too deep', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = [cyclic];
    expect(findTooDeep(cyclic)).toHaveLength(MAX);
    const decoded = decodeJsonSourceEvent({ ...JSON.parse(jsonBody('1')), parameters: cyclic });
    expect(!decoded.ok && decoded.issues.map((issue) => issue.code)).toEqual(['too_deep']);
  });

  it('never throws on deep JSON outside the parameters either', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(parseJsonSourceEvent(deep).ok).toBe(false);
    const inType = parseJsonSourceEvent(jsonBody('1').replace('"e"', deep));
    expect(!inType.ok && inType.issues.map((issue) => [issue.code, issue.path])).toEqual([
      ['invalid_type', ['event_id']],
    ]);
    // An unknown property is dropped, never walked.
    const extra = parseJsonSourceEvent(jsonBody('1').replace('{', `{"extra":${deep},`));
    expect(extra.ok).toBe(true);
    expect(extra.ok && Object.hasOwn(extra.value, 'extra')).toBe(false);
  });

  it('reports the problem met first: malformed mincode before the limit stays invalid_mincode', () => {
    const broken = 'a'.repeat(5) + 'x' + 'a'.repeat(100);
    expect(!decodeMincode(broken).ok && decodeMincode(broken)).toMatchObject({
      issues: [{ code: 'invalid_mincode' }],
    });
    // In a query, invalid mincode is dropped as Divolte drops it; too deep fails the event.
    const dropped = decodeEventQuery(`${BASE}&u=${broken}`);
    expect(dropped.ok && dropped.value.parameters).toBeUndefined();
  });

  it('is added to the other issues of an event', () => {
    const decoded = decodeEventQuery(`${BASE.replace(/^p=[^&]*&/, '')}&u=${'a'.repeat(MAX + 1)}`);
    expect(!decoded.ok && decoded.issues.map((issue) => issue.code)).toEqual([
      'missing_parameter',
      'too_deep',
    ]);
  });
});

/** Values of any shape around the limit, and parameters of tracked events made of them. */
const nested = nestedJson(MAX);
const event = trackedEventArbitrary({ parameters: nested, location: fc.webUrl() });

describe('on parameters of any shape around the limit', () => {
  it('decodeMincode accepts exactly those no deeper than the limit, and gives them back', () => {
    let tooDeep = 0;
    fc.assert(
      fc.property(nested, fc.boolean(), (value, emptyObjectAsO) => {
        const accepted = depthOf(value) <= MAX;
        for (const text of [toMincode(value, emptyObjectAsO), encodeMincode(value)!]) {
          const decoded = decodeMincode(text);
          if (accepted) expect(decoded).toEqual({ ok: true, value });
          else
            expect(!decoded.ok && decoded.issues.map((issue) => issue.code)).toEqual(['too_deep']);
        }
        if (!accepted) tooDeep++;
      }),
      { numRuns: 300 },
    );
    // Both sides of the limit are exercised.
    expect(tooDeep).toBeGreaterThan(30);
    expect(tooDeep).toBeLessThan(270);
  }, 60_000);

  it('the JSON source accepts the same, and a failure points at a container beyond the limit', () => {
    fc.assert(
      fc.property(nested, (value) => {
        const parsed = parseJsonSourceEvent(jsonBody(JSON.stringify(value)));
        if (depthOf(value) <= MAX) {
          expect(parsed.ok && parsed.value.parameters).toEqual(value);
        } else {
          expect(!parsed.ok && parsed.issues.map((issue) => issue.code)).toEqual(['too_deep']);
          const path = (!parsed.ok && parsed.issues[0]!.path.slice(1)) || [];
          expect(path).toHaveLength(MAX);
          // The member at the path is a container, MAX containers below the top.
          expect(typeof at(value, path)).toBe('object');
          expect(at(value, path)).not.toBeNull();
        }
      }),
      { numRuns: 200 },
    );
  }, 60_000);

  it('decodeEventQuery and each batch line refuse the same, on both paths', () => {
    fc.assert(
      fc.property(fc.array(event, { minLength: 1, maxLength: 4 }), (events) => {
        const queries = events.map((tracked) => encodeEventQuery(tracked));
        const verdicts = events.map((tracked) => depthOf(tracked.parameters) <= MAX);
        queries.forEach((query, i) => {
          for (const input of [query, new URLSearchParams(query)]) {
            const decoded = decodeEventQuery(input);
            if (verdicts[i]) expect(decoded.ok).toBe(true);
            else
              expect(!decoded.ok && decoded.issues.map((issue) => issue.code)).toEqual([
                'too_deep',
              ]);
          }
        });
        const batch = decodeEventBatch(encodeEventBatch(queries));
        expect(batch.ok && batch.value.events.map((line) => line.ok)).toEqual(verdicts);
      }),
      { numRuns: 100 },
    );
  }, 60_000);
});

/** Escapes, in the `u` pair of a query, the characters `pick` chooses among `(`, `a`, `o` and the key. */
function escapeOpeners(query: string, pick: readonly boolean[]): string {
  let n = 0;
  const choose = (): boolean => pick.length > 0 && pick[n++ % pick.length]!;
  return query
    .split('&')
    .map((segment) => {
      if (!segment.startsWith('u=')) return segment;
      const value = segment
        .slice(2)
        .replace(/[(ao]/g, (c) =>
          choose() ? (c === '(' ? '%28' : c === 'a' ? '%61' : choose() ? '%6F' : '%6f') : c,
        );
      return (choose() ? '%75=' : 'u=') + value;
    })
    .join('&');
}

describe('mayExceedParameterDepth', () => {
  it('says true whenever decodeEventQuery says too_deep, escaped or not (no false negatives)', () => {
    let tooDeep = 0;
    fc.assert(
      fc.property(
        event,
        fc.array(fc.boolean()),
        fc.constantFrom('', '?'),
        (tracked, pick, prefix) => {
          const query = prefix + escapeOpeners(encodeEventQuery(tracked), pick);
          const decoded = decodeEventQuery(query);
          const deep = !decoded.ok && decoded.issues.some((issue) => issue.code === 'too_deep');
          expect(deep).toBe(depthOf(tracked.parameters) > MAX);
          if (deep) {
            tooDeep++;
            expect(mayExceedParameterDepth(query)).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
    expect(tooDeep).toBeGreaterThan(30);
  }, 60_000);

  it('says true whenever the decode says too_deep, on queries made of mincode pieces', () => {
    // Inside arrays: records that open, close or fill them, raw and escaped, and some garbage.
    const piece = fc.oneof(
      {
        weight: 8,
        arbitrary: fc.constantFrom(
          'a',
          '%61',
          'o',
          '%6f',
          '%6F',
          '.',
          'n',
          'sx!',
          '(ko!)',
          '(%28k!))',
        ),
      },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          ')',
          '!',
          '~',
          '&u=',
          '&%75=',
          '&u',
          '&t=a',
          '&',
          '=',
          '+',
          '%',
          '%2',
          '%C3%A9',
        ),
      },
    );
    const pieces = fc.array(piece, { maxLength: 16 }).map((parts) => parts.join(''));
    let tooDeep = 0;
    fc.assert(
      fc.property(pieces, fc.integer({ min: MAX - 6, max: MAX }), (text, opened) => {
        const query = `${BASE}&u=${'a'.repeat(opened)}${text}`;
        const decoded = decodeEventQuery(query);
        if (!decoded.ok && decoded.issues.some((issue) => issue.code === 'too_deep')) {
          tooDeep++;
          expect(mayExceedParameterDepth(query)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
    expect(tooDeep).toBeGreaterThan(200);
  }, 60_000);

  it('says false for what tags send (the slow path is not taken for ordinary events)', () => {
    const ordinary = encodeEventQuery({
      ...EVENT,
      location: 'https://a.example/a/aa/aaa?aaaa=aaaaa#aaaaaa',
      parameters: {
        category: 'shoes',
        price: 89.5,
        tags: ['sale', 'new'],
        cart: { items: [{ sku: 'A1' }] },
      },
    });
    expect(mayExceedParameterDepth(ordinary)).toBe(false);
    expect(mayExceedParameterDepth('')).toBe(false);
    expect(mayExceedParameterDepth('u')).toBe(false);
  });
});
