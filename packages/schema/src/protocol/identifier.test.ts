import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  createEventId,
  createIdentifier,
  createPageViewId,
  createUniquePart,
  isIdentifier,
  parseIdentifier,
} from './identifier';

describe('parseIdentifier', () => {
  it('reads the DivolteIdentifierTest vector: timestamp 42', () => {
    const parsed = parseIdentifier('0:16:5mRCeUO4p2_6R7u1m9ZoxXG2AfBeJeHD');
    expect(parsed).toEqual({
      ok: true,
      value: {
        value: '0:16:5mRCeUO4p2_6R7u1m9ZoxXG2AfBeJeHD',
        version: 0,
        timestamp: 42,
        unique: '5mRCeUO4p2_6R7u1m9ZoxXG2AfBeJeHD',
      },
    });
  });

  it('accepts what Java accepts: a signed timestamp, an empty unique part', () => {
    expect(parseIdentifier('0:-16:abc').ok && parseIdentifier('0:-16:abc')).toMatchObject({
      value: { timestamp: -42 },
    });
    expect(isIdentifier('0:i1t84hgy:')).toBe(true);
    expect(isIdentifier('0:I1T84HGY:x')).toBe(true);
  });

  it.each([
    ['no colons', 'abc'],
    ['two parts (a page-view id)', '0:1fF6GFGjDOQiEx_OxnTm_tl4BH91eGLF'],
    ['four parts', '0:16:abc:def'],
    ['a trailing colon', '0:16:abc:'],
    ['another version', '1:16:abc'],
    ['an empty timestamp', '0::abc'],
    ['a non-base-36 timestamp', '0:1_6:abc'],
    ['the empty string', ''],
  ])('rejects %s', (_, value) => {
    const parsed = parseIdentifier(value);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.issues[0]?.code).toBe('invalid_identifier');
  });

  it('never throws, whatever the string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        expect(typeof parseIdentifier(value).ok).toBe('boolean');
      }),
    );
  });

  it('isIdentifier agrees with parseIdentifier on every string, without parsing', () => {
    const digits = fc.oneof(
      fc
        .array(fc.constantFrom('0', '1', '9', 'a', 'z', 'Z', '_', '.'), { maxLength: 13 })
        .map((chars) => chars.join('')),
      fc
        .array(fc.constantFrom('0', '1', '2', 'z', 'Z'), { minLength: 9, maxLength: 13 })
        .map((chars) => chars.join('')),
    );
    const id = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 20 }),
      fc
        .tuple(
          fc.constantFrom('0', '1', '00', '', '0:'),
          fc.constantFrom(':', ''),
          fc.constantFrom('', '+', '-'),
          digits,
          fc.constantFrom(':', '', '::'),
          fc.constantFrom('abc', '', 'x:y', '~_'),
        )
        .map((parts) => parts.join('')),
    );
    fc.assert(
      fc.property(id, (value) => {
        expect(isIdentifier(value)).toBe(parseIdentifier(value).ok);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('createIdentifier', () => {
  it('makes ids that parse back to their timestamp', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 45 }), (timestamp) => {
        const id = createIdentifier({ timestamp });
        expect(id).toMatch(/^0:[0-9a-z]+:[A-Za-z0-9~_]{32}$/);
        const parsed = parseIdentifier(id);
        expect(parsed.ok && parsed.value.timestamp).toBe(timestamp);
      }),
    );
  });

  it('makes 100,000 distinct ids', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 100_000; i++) seen.add(createIdentifier({ timestamp: 1_700_000_000_000 }));
    expect(seen.size).toBe(100_000);
  });

  it('uses the injected random source and maps each byte to one of 64 characters', () => {
    const zeros = () => new Uint8Array(32);
    expect(createIdentifier({ timestamp: 42, randomBytes: zeros })).toBe('0:16:' + 'A'.repeat(32));
    const ramp = () => Uint8Array.from({ length: 32 }, (_, i) => i * 2 + 1);
    expect(createUniquePart(ramp)).toBe('BDFHJLNPRTVXZbdfhjlnprtvxz13579_');
  });
});

describe('page-view and event ids', () => {
  it('builds a page-view id of two parts and event ids with a hex counter', () => {
    const pageViewId = createPageViewId(() => new Uint8Array(32).fill(63));
    expect(pageViewId).toBe('0:' + '_'.repeat(32));
    expect(isIdentifier(pageViewId)).toBe(false);
    expect(createEventId('0:abc', 0)).toBe('0:abc0');
    expect(createEventId('0:abc', 10)).toBe('0:abca');
    expect(createEventId('0:abc', 255)).toBe('0:abcff');
  });
});
