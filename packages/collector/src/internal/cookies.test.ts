import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCookies } from './cookies';
import { setOwn } from './own-property';

/** The straightforward parser parseCookies replaced (split, then each part), as its specification. */
function referenceParse(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  if (header === undefined || header === '') return cookies;
  for (const part of header.split(';')) {
    const equals = part.indexOf('=');
    if (equals < 0) continue;
    const name = part.slice(0, equals).trim();
    if (name === '' || Object.hasOwn(cookies, name)) continue;
    let value = part.slice(equals + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"'))
      value = value.slice(1, -1);
    if (value.includes('%')) {
      try {
        value = decodeURIComponent(value);
      } catch {
        // Kept raw.
      }
    }
    setOwn(cookies, name, value);
  }
  return cookies;
}

describe('parseCookies', () => {
  it('parses pairs, keeps the first of a name, unquotes and percent-decodes', () => {
    expect(parseCookies('a=1; b="two"; a=3; c=x%20y; d=%E0; flag; =v')).toEqual({
      a: '1',
      b: 'two',
      c: 'x y',
      d: '%E0',
    });
    expect(parseCookies(undefined)).toEqual({});
  });

  it('keeps hostile names as own properties without touching the prototype', () => {
    const cookies = parseCookies('__proto__=x; constructor=y; toString=z');
    expect(Object.getPrototypeOf(cookies)).toBe(Object.prototype);
    expect(Object.keys(cookies)).toEqual(['__proto__', 'constructor', 'toString']);
    expect(Object.entries(cookies)).toEqual([
      ['__proto__', 'x'],
      ['constructor', 'y'],
      ['toString', 'z'],
    ]);
  });

  it('never throws and yields only string values', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (header) => {
        const cookies = parseCookies(header);
        for (const value of Object.values(cookies)) expect(typeof value).toBe('string');
      }),
    );
  });

  it('agrees with the reference parser on any header', () => {
    const piece = fc.oneof(
      fc.constantFrom(';', '=', ' ', '"', '%', '%20', '%E0', '__proto__', 'a', 'b', '_dvp', '\t'),
      fc.string({ unit: 'binary', maxLength: 4 }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
        const header = pieces.join('');
        expect(Object.entries(parseCookies(header))).toEqual(
          Object.entries(referenceParse(header)),
        );
      }),
      { numRuns: 3000 },
    );
  });
});
