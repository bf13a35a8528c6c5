import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { toYaml, type YamlValue } from './yaml';

const value = fc.letrec<{ value: YamlValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value')),
    fc.dictionary(fc.string(), tie('value')),
  ),
})).value;

describe('toYaml', () => {
  it('writes what a YAML parser reads back as the same value', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), value), (input) => {
        expect(parse(toYaml(input))).toEqual(input);
      }),
      { numRuns: 300 },
    );
  });

  it('writes block style with quoted strings', () => {
    expect(toYaml({ a: [{ b: 'x', c: [] }, 1], 'd e': {} })).toBe(
      'a:\n- b: "x"\n  c: []\n- 1\n"d e": {}\n',
    );
  });
});
