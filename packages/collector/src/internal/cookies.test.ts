import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCookies } from './cookies';

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
});
