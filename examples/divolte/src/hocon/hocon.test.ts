import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HoconError, loadHocon, type HoconValue } from './index';

type Plain = string | number | boolean | null | Plain[] | { [key: string]: Plain };

function plain(value: HoconValue): Plain {
  if (value.kind === 'scalar') return value.value;
  if (value.kind === 'array') return value.items.map((item) => plain(item as HoconValue));
  return Object.fromEntries(
    [...value.fields].map(([key, child]) => [key, plain(child as HoconValue)]),
  );
}

function read(
  text: string,
  env: Record<string, string> = {},
  files: Record<string, string> = {},
): Plain {
  return plain(
    loadHocon({
      layers: [{ text, file: 'test.conf' }],
      env,
      include: (kind, name) => {
        const key = `${kind}:${name}`;
        return files[key] === undefined ? undefined : { text: files[key], file: name };
      },
    }),
  );
}

function failure(text: string, env: Record<string, string> = {}): HoconError {
  try {
    read(text, env);
  } catch (error) {
    if (error instanceof HoconError) return error;
    throw error;
  }
  throw new Error('expected a HoconError');
}

describe('the HOCON reader', () => {
  it('reads objects, paths, separators and root braces', () => {
    expect(read('a { b = 1, c: two }\nd.e.f = true\n"g.h" = null')).toEqual({
      a: { b: 1, c: 'two' },
      d: { e: { f: true } },
      'g.h': null,
    });
    expect(read('{ a = 1 }')).toEqual({ a: 1 });
    expect(read('a = [1, 2\n 3]\nb = []')).toEqual({ a: [1, 2, 3], b: [] });
  });

  it('merges duplicate objects and replaces other duplicates', () => {
    expect(read('a { x = 1 }\na { y = 2 }\nb = 1\nb = 2')).toEqual({ a: { x: 1, y: 2 }, b: 2 });
    expect(read('a { x = 1 }\na = 5\na { y = 2 }')).toEqual({ a: { y: 2 } });
  });

  it('keeps text as written in concatenations (durations, sizes, paths)', () => {
    expect(
      read('a = 30 seconds\nb = 10M\nc = /tmp/x\nd = 1 hour // comment\ne = 127.0.0.1'),
    ).toEqual({
      a: '30 seconds',
      b: '10M',
      c: '/tmp/x',
      d: '1 hour',
      e: '127.0.0.1',
    });
  });

  it('reads quoted and triple-quoted strings with escapes', () => {
    expect(
      read('a = "x\\ty\\u0041"\nb = """raw "quoted"\nlines"""\nc = "//not a comment"'),
    ).toEqual({
      a: 'x\tyA',
      b: 'raw "quoted"\nlines',
      c: '//not a comment',
    });
  });

  it('resolves substitutions against the whole file, then the environment', () => {
    expect(
      read('a = 1\nb = ${a}\nc = ${HOME_DIR}/data\nd = ${x.y}\nx.y = late', { HOME_DIR: '/home' }),
    ).toEqual({
      a: 1,
      b: 1,
      c: '/home/data',
      d: 'late',
      x: { y: 'late' },
    });
  });

  it("leaves a field as it was when an optional substitution names nothing (Divolte's ${?DIVOLTE_PORT})", () => {
    expect(read('port = 8290\nport = ${?DIVOLTE_PORT}')).toEqual({ port: 8290 });
    expect(read('port = 8290\nport = ${?DIVOLTE_PORT}', { DIVOLTE_PORT: '9000' })).toEqual({
      port: '9000',
    });
    expect(read('a = ${?NOPE}')).toEqual({});
    expect(read('a = [${?NOPE}, 1]')).toEqual({ a: [1] });
  });

  it('reads self-references and +=', () => {
    expect(read('a = x\na = ${a}y\nb = [1]\nb += 2\nc += 3')).toEqual({
      a: 'xy',
      b: [1, 2],
      c: [3],
    });
  });

  it('merges an object substitution with what the field held', () => {
    expect(read('base { x = 1 }\na { y = 2 }\na = ${base}')).toEqual({
      base: { x: 1 },
      a: { y: 2, x: 1 },
    });
  });

  it('includes files and classpath resources, ignores a missing one unless required', () => {
    const files = { 'file:other.conf': 'b = 2', 'classpath:ref.conf': 'c = 3' };
    expect(
      read(
        'a = 1\ninclude "other.conf"\ninclude classpath("ref.conf")\ninclude "missing.conf"',
        {},
        files,
      ),
    ).toEqual({
      a: 1,
      b: 2,
      c: 3,
    });
    expect(() => read('include required("missing.conf")')).toThrow(
      /test\.conf:1: The required include missing\.conf was not found/,
    );
    expect(() => read('include url("http://example.com/x.conf")')).toThrow(/not supported/);
  });

  it('names the file and line of every error', () => {
    expect(failure('a = 1\nb = ${MISSING}').message).toBe(
      'test.conf:2: ${MISSING} names no setting and no environment variable MISSING.',
    );
    expect(failure('a = 1\n\nb = "open').message).toMatch(/^test\.conf:3: /);
    expect(failure('a {\n b = 1').message).toMatch(/^test\.conf:\d+: A "\{" is not closed/);
    expect(failure('a = ${b}\nb = ${a}').code).toBe('substitution');
    expect(failure('a = {x = 1} text').code).toBe('concatenation');
    expect(failure('a = 1 ]').message).toMatch(/^test\.conf:1: /);
  });

  // Arbitrary objects written as HOCON in varied styles read back as the same values.
  const key = fc.stringMatching(/^[a-z][a-z0-9_-]{0,8}$/);
  const scalar = fc.oneof(
    fc.integer({ min: -1e6, max: 1e6 }),
    fc.boolean(),
    fc.constant(null),
    fc.string({ maxLength: 12 }),
  );
  const { tree } = fc.letrec<{ tree: Plain; node: Plain }>((tie) => ({
    tree: fc.dictionary(key, tie('node'), { maxKeys: 5 }),
    node: fc.oneof({ depthSize: 'small' }, scalar, fc.array(scalar, { maxLength: 4 }), tie('tree')),
  }));

  function render(value: Plain, style: number): string {
    if (value === null || typeof value === 'number' || typeof value === 'boolean')
      return String(value);
    if (typeof value === 'string') return JSON.stringify(value);
    if (Array.isArray(value))
      return `[${value.map((item) => render(item, style)).join(style % 2 ? ', ' : '\n')}]`;
    const separator = style % 3 === 0 ? ' = ' : style % 3 === 1 ? ': ' : '=';
    const fields = Object.entries(value).map(([name, child]) =>
      child !== null && typeof child === 'object' && !Array.isArray(child) && style % 2
        ? `${name} ${render(child, style)}`
        : `${name}${separator}${render(child, style)}`,
    );
    return `{\n${fields.join(style % 4 < 2 ? '\n' : ',\n')}\n}`;
  }

  it('reads back any object written as HOCON (property)', () => {
    fc.assert(
      fc.property(tree, fc.nat(11), (value, style) => {
        expect(read(render(value, style))).toEqual(value);
      }),
      { numRuns: 300 },
    );
  });

  it('throws nothing but HoconError on arbitrary text (property)', () => {
    const text = fc.oneof(
      fc.string({ unit: fc.constantFrom(...'{}[]=:,+"$?#/ \n\tab1.'.split('')), maxLength: 60 }),
      fc.string({ unit: 'binary', maxLength: 60 }),
    );
    fc.assert(
      fc.property(text, (input) => {
        try {
          read(input);
        } catch (error) {
          expect(error).toBeInstanceOf(HoconError);
          expect((error as HoconError).message).toMatch(/^test\.conf:\d+: /);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
