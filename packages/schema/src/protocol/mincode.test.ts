import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeMincode, encodeMincode } from './mincode';
import { MAX_PARAMETER_DEPTH } from './parameter-depth';
import { SchemaError } from './schema-error';

// The documented examples (reference §1.4) and the shapes of Divolte's mincode sample set.
const EXAMPLES: [string, unknown, string][] = [
  ['a string', 'a string', 'sa string!'],
  ['a string that needs escaping', 'Hello~World!', 'sHello~~World~!!'],
  ['a string with line breaks', 'cold\noutside', 'scold\noutside!'],
  ['combining characters', 'H\u0336i\u0336!\u0336', 'sH\u0336i\u0336~!\u0336!'],
  ['true', true, 't'],
  ['false', false, 'f'],
  ['null', null, 'n'],
  ['an integer', 42, 'd16!'],
  ['a negative integer', -37, 'd-11!'],
  ['a float', 10.3, 'j10.3!'],
  ['a small float', -78.3e-10, 'j-7.83e-9!'],
  ['an empty object', {}, '()'],
  ['an empty array', [], 'a.'],
  ['a simple object', { foo: 'bar', baz: 'daz' }, '(sfoo!bar!sbaz!daz!)'],
  ['a simple array', ['foo', 'bar', 'baz', 'daz'], 'asfoo!sbar!sbaz!sdaz!.'],
  ['an array of objects', [{ foo: 'bar' }, { daz: 2, doo: 3 }], 'a(sfoo!bar!)(ddaz!2!ddoo!3!).'],
  [
    'the jsurl example',
    { name: 'John Doe', age: 42, children: ['Mary', 'Bill'] },
    '(sname!John Doe!dage!16!achildren!sMary!sBill!.)',
  ],
  [
    'nested objects, arrays and mixed content',
    {
      a: {},
      b: 'c',
      d: { a: [], b: 'g' },
      f: 42,
      h: -37,
      j: true,
      k: false,
      l: null,
      n: [{}, { a: 'b' }],
    },
    '((a!)sb!c!(d!aa!.sb!g!)df!16!dh!-11!tj!fk!nl!an!()(sa!b!).)',
  ],
  ['escaped property names', { 'a!b~c': 1 }, '(da~!b~~c!1!)'],
];

describe('encodeMincode', () => {
  it.each(EXAMPLES)('encodes %s', (_, json, code) => {
    expect(encodeMincode(json)).toBe(code);
  });

  it('prefers d when it is no longer than the JSON forms, as divolte.js does', () => {
    expect(encodeMincode(1e21)).toBe('j1e+21!');
    expect(encodeMincode(123456789)).toBe('d21i3v9!');
    expect(encodeMincode(0.5)).toBe('j0.5!');
    expect(encodeMincode(-0)).toBe('d0!');
  });

  it('follows JSON.stringify for what JSON cannot hold', () => {
    expect(encodeMincode(undefined)).toBeUndefined();
    expect(encodeMincode(() => 1)).toBeUndefined();
    expect(encodeMincode({ a: undefined, b: () => 1, c: Symbol('x'), d: 1 })).toBe('(dd!1!)');
    expect(encodeMincode([undefined, () => 1, NaN, Infinity])).toBe('annnn.');
    expect(encodeMincode(new Date(Date.UTC(2014, 9, 28, 12, 38, 28, 146)))).toBe(
      's2014-10-28T12:38:28.146Z!',
    );
    expect(encodeMincode({ toJSON: () => ({ x: 1 }) })).toBe('(dx!1!)');
    expect(encodeMincode([new Number(3), new String('s'), new Boolean(false)])).toBe('ad3!ss!f.');
  });

  it('throws a SchemaError for a BigInt or a cycle, where JSON.stringify throws', () => {
    expect(() => encodeMincode(1n)).toThrow(SchemaError);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => encodeMincode(cyclic)).toThrow(/circular/);
    const shared = { x: 1 };
    expect(encodeMincode([shared, shared])).toBe('a(dx!1!)(dx!1!).');
  });
});

describe('decodeMincode', () => {
  it.each(EXAMPLES)('decodes %s', (_, json, code) => {
    expect(decodeMincode(code)).toEqual({ ok: true, value: json });
  });

  it('reads what only the server side writes: o, j integers, + signs, big d values', () => {
    expect(decodeMincode('o')).toEqual({ ok: true, value: {} });
    expect(decodeMincode('(oa!dx!1!)')).toEqual({ ok: true, value: { a: {}, x: 1 } });
    expect(decodeMincode('j1E3!')).toEqual({ ok: true, value: 1000 });
    expect(decodeMincode('d+z!')).toEqual({ ok: true, value: 35 });
    expect(decodeMincode(`d${(2 ** 60).toString(36)}!`)).toEqual({ ok: true, value: 2 ** 60 });
  });

  it('keeps __proto__ as a plain property, as JSON.parse does', () => {
    const decoded = decodeMincode('(s__proto__!x!)');
    expect(decoded.ok && decoded.value).toEqual(JSON.parse('{"__proto__":"x"}'));
    expect(decoded.ok && Object.getPrototypeOf(decoded.value)).toBe(Object.prototype);
  });

  it.each([
    ['empty input', ''],
    ['an unknown record type', 'x'],
    ['an unterminated string', 'sabc'],
    ['a dangling escape', 'sabc~'],
    ['an unclosed object', '(sa!b!'],
    ['an unclosed array', 'as1!'],
    ['an end of array in an object', '(.'],
    ['an end of object in an array', 'a)'],
    ['trailing input', 'tt'],
    ['a bad integer', 'd1.5!'],
    ['a bad number', 'jabc!'],
    ['an infinite number', 'j1e999!'],
  ])('reports %s as an issue', (_, code) => {
    const decoded = decodeMincode(code);
    expect(decoded.ok).toBe(false);
    expect(!decoded.ok && decoded.issues[0]?.code).toBe('invalid_mincode');
  });

  it('refuses nesting beyond MAX_PARAMETER_DEPTH, however deep, without exhausting the stack', () => {
    const deep = 'a'.repeat(200_000) + '.'.repeat(200_000);
    expect(decodeMincode(deep)).toEqual({
      ok: false,
      issues: [
        {
          code: 'too_deep',
          path: [MAX_PARAMETER_DEPTH + 1],
          message: `Parameters nest deeper than ${MAX_PARAMETER_DEPTH} objects and arrays (at offset ${MAX_PARAMETER_DEPTH + 1}).`,
        },
      ],
    });
  });

  it('is the inverse of encodeMincode, with JSON.stringify semantics, for any value', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: MAX_PARAMETER_DEPTH - 1 }), (value) => {
        const code = encodeMincode(value);
        expect(code).toBeDefined();
        expect(decodeMincode(code!)).toEqual({
          ok: true,
          value: JSON.parse(JSON.stringify(value)),
        });
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(typeof decodeMincode(text).ok).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...'sdjtfno()a.!~1z'), { maxLength: 40 }), (chars) => {
        expect(typeof decodeMincode(chars.join('')).ok).toBe('boolean');
      }),
      { numRuns: 5000 },
    );
  });
});
