import type { AvroRecordSchema } from '@tributary/schema';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileGroovyMapping } from '../../groovy-mapping';
import { MappingError } from '../../mapping-error';
import {
  corpusFile,
  corpusSchema,
  corpusScripts,
  positionOf,
} from '../../test-support/divolte-corpus';
import { testGeoDatabase } from '../../test-support/geo-database';

const testRecord = corpusSchema('TestRecord.avsc');

// Every field has a default, so an empty or partial mapping builds and only the text is judged.
const relaxed: AvroRecordSchema = {
  type: 'record',
  name: 'Relaxed',
  fields: [
    { name: 'text', type: ['null', 'string'], default: null },
    { name: 'flag', type: ['null', 'boolean'], default: null },
    { name: 'count', type: ['null', 'int'], default: null },
    { name: 'total', type: ['null', 'long'], default: null },
  ],
};

function refusal(script: string, schema: AvroRecordSchema = testRecord): MappingError {
  try {
    compileGroovyMapping({ script, schema, fileName: 'm.groovy' });
  } catch (error) {
    if (error instanceof MappingError) return error;
    throw error;
  }
  throw new Error('the script was not refused');
}

const required =
  "map firstInSession() onto 'sessionStart'\n  map timestamp() onto 'ts'\n  map remoteHost() onto 'remoteHost'\n";

/** A mapping of TestRecord with `body` after the three required fields. */
const inMapping = (body: string) => `mapping {\n  ${required}  ${body}\n}\n`;

// Each case: the script, the text the refusal points at (its first occurrence), the code and a
// piece of the message.
const cases: [string, string, string, string, string][] = [
  [
    'unknown method',
    inMapping("map location().foo() onto 'location'"),
    'foo()',
    'invalid_script',
    "expected a method of a string value (isPresent, isAbsent, equalTo), found 'foo'",
  ],
  [
    'unknown function',
    inMapping("map foo() onto 'location'"),
    'foo()',
    'invalid_script',
    "found 'foo'",
  ],
  ['System.exit(0)', inMapping('System.exit(0)'), 'System', 'invalid_script', "found 'System'"],
  [
    'new X()',
    inMapping("map new Date() onto 'location'"),
    'new',
    'invalid_script',
    "the Groovy keyword 'new'",
  ],
  [
    'a for loop',
    inMapping('for (i in [1, 2]) { exit() }'),
    'for',
    'invalid_script',
    "the Groovy keyword 'for'",
  ],
  [
    'a while loop',
    inMapping('while (true) { stop() }'),
    'while',
    'invalid_script',
    "the Groovy keyword 'while'",
  ],
  ['if', inMapping('if (true) { stop() }'), 'if', 'invalid_script', "the Groovy keyword 'if'"],
  [
    'import',
    `import java.io.File\n${inMapping('')}`,
    'import',
    'invalid_script',
    "the Groovy keyword 'import'",
  ],
  ['a class', 'class X {}\n', 'class', 'invalid_script', "the Groovy keyword 'class'"],
  [
    'an unterminated string',
    inMapping("map 'abc onto location"),
    "'abc",
    'invalid_script',
    'the end of the line',
  ],
  [
    'an unterminated double-quoted string',
    inMapping("map \"abc onto 'location'"),
    '"abc',
    'invalid_script',
    'the end of the line',
  ],
  [
    'an unterminated triple-quoted string',
    inMapping("map '''abc onto 'location'"),
    "'''",
    'invalid_script',
    'the end of the script',
  ],
  [
    'an unterminated slashy string',
    inMapping('def r = /abc'),
    '/abc',
    'invalid_script',
    'the closing /',
  ],
  ['an unterminated comment', inMapping('/* no end'), '/*', 'invalid_script', 'the */'],
  [
    'a missing closing brace',
    `mapping {\n  ${required}  section {\n    stop()\n}\n`,
    '',
    'invalid_script',
    "'}' to close the closure, found the end of the script",
  ],
  [
    'an extra closing brace',
    `${inMapping('')}} // extra\n`,
    '} // extra',
    'invalid_script',
    "found '}'",
  ],
  [
    'an unbalanced parenthesis',
    inMapping("map(location() onto 'location'"),
    "onto 'location'",
    'invalid_script',
    "expected ',' or ')'",
  ],
  ['a GString $name', inMapping('map "a$b" onto \'location\''), '$b', 'invalid_script', 'GString'],
  [
    'a GString ${…}',
    inMapping('map "a${1 + 1}" onto \'location\''),
    '${',
    'invalid_script',
    'GString',
  ],
  ['a slashy GString', inMapping('def r = /a$b/'), '$b', 'invalid_script', 'GString'],
  [
    'an operator',
    inMapping("map location().isPresent() && referer().isPresent() onto 'dupe'"),
    '&&',
    'invalid_script',
    "found '&&'",
  ],
  [
    'a comparison',
    inMapping("when location() == 'x' apply { stop() }"),
    '==',
    'invalid_script',
    "found '=='",
  ],
  ['an assignment without def', inMapping('x = location()'), '=', 'invalid_script', "found '='"],
  [
    'a redefined local',
    inMapping('def x = location()\n  def x = referer()'),
    'def x = referer()',
    'invalid_script',
    'already defined',
  ],
  [
    'a closure with parameters',
    inMapping('section { x -> stop() }'),
    'x ->',
    'invalid_script',
    'a closure without parameters',
  ],
  [
    'a list literal used for anything but each',
    inMapping("['a'].size()"),
    'size()',
    'invalid_script',
    "expected each { … } on a list literal, found 'size'",
  ],
  [
    'a map literal',
    inMapping("['a': 1].each { stop() }"),
    ':',
    'invalid_script',
    'no map literals',
  ],
  [
    'a GString of a value known only per event',
    inMapping('def x = location()\n  map "a$x" onto \'location\''),
    '$x',
    'invalid_script',
    'known when the mapping is built',
  ],
  [
    'a GString with a property path',
    inMapping('map "a$b.c" onto \'location\''),
    '$b',
    'invalid_script',
    'GString',
  ],
  [
    'a closure with two parameters for each',
    inMapping("['a'].each { x, y -> stop() }"),
    'y ->',
    'invalid_script',
    'one parameter for each',
  ],
  [
    'a statement outside mapping',
    `map location() onto 'location'\n`,
    'map',
    'invalid_script',
    'expected mapping { … }',
  ],
  [
    'map without onto',
    inMapping('map location()'),
    'map location()',
    'invalid_script',
    'an unfinished map (missing onto)',
  ],
  [
    "map … to 'field' (the reference's typo)",
    inMapping("map location() to 'location'"),
    "to 'location'",
    'invalid_script',
    "expected onto 'field' after map, found 'to'",
  ],
  [
    'when without apply',
    inMapping('when location().isPresent()'),
    'when',
    'invalid_script',
    'an unfinished when',
  ],
  [
    'when with a closure on the condition',
    inMapping('when referer().isAbsent() { stop() }'),
    'isAbsent',
    'invalid_script',
    'isAbsent() without arguments',
  ],
  [
    'parse without to',
    inMapping("def u = parse location()\n  map u onto 'location'"),
    'parse location()',
    'invalid_script',
    'an unfinished parse',
  ],
  [
    'an unknown parse target',
    inMapping("map { parse location() to int } onto 'location'"),
    'int }',
    'invalid_script',
    "the Groovy keyword 'int'",
  ],
  [
    'parsing a non-string',
    inMapping("map { parse timestamp() to int32 } onto 'pathInteger'"),
    'timestamp() to',
    'invalid_script',
    'a string value to parse',
  ],
  [
    'a value never used',
    inMapping('location()'),
    'location()',
    'invalid_script',
    'expected a mapping statement',
  ],
  [
    'a source without parentheses',
    inMapping("map location onto 'location'"),
    'location onto',
    'invalid_script',
    'call it: location()',
  ],
  [
    'a wrong number of arguments',
    inMapping("map cookie() onto 'customCookie'"),
    'cookie()',
    'invalid_script',
    'cookie',
  ],
  [
    'a non-ASCII character',
    inMapping("map location() onto 'location' ∂"),
    '∂',
    'invalid_script',
    "found '∂'",
  ],
  [
    'an unknown escape',
    inMapping("map 'a\\qb' onto 'location'"),
    '\\q',
    'invalid_script',
    'an escape sequence',
  ],
  ['a dollar-slashy string', inMapping('def r = $/a/$'), '$/', 'invalid_script', 'dollar-slashy'],
  [
    'a BigDecimal literal',
    inMapping("map 42.0 onto 'queryparamDouble'"),
    'map 42.0',
    'type_mismatch',
    'only String, Boolean, Integer, Long, Float and Double literals',
  ],
  [
    'an Integer literal onto a long field',
    inMapping("map 42 onto 'queryparamLong'"),
    'map 42',
    'type_mismatch',
    'a Integer literal needs a field of type int',
  ],
  [
    'null onto a field',
    inMapping("map null onto 'location'"),
    'map null',
    'type_mismatch',
    'only String',
  ],
  [
    'a non-boolean condition',
    inMapping('when location() apply { stop() }'),
    'location() apply',
    'type_mismatch',
    'not a boolean',
  ],
  [
    'an unknown field',
    inMapping("map location() onto 'nope'"),
    "map location() onto 'nope'",
    'unknown_field',
    'nope',
  ],
  [
    'a type mismatch',
    inMapping("map location() onto 'pathInteger'"),
    "map location() onto 'pathInteger'",
    'type_mismatch',
    'pathInteger',
  ],
  [
    'a required field left unset',
    "mapping {\n  map timestamp() onto 'ts'\n}\n",
    'mapping',
    'unset_required_field',
    'sessionStart',
  ],
  [
    'ip2geo() without a database',
    inMapping("def geo = ip2geo()\n  map geo.cityName() onto 'geoCityName'"),
    'ip2geo()',
    'missing_geo_database',
    'geo database',
  ],
  [
    'an unsupported digest algorithm',
    inMapping("map digest('sha-999').result() onto 'digestBinary'"),
    "map digest('sha-999')",
    'unsupported_algorithm',
    'sha-999',
  ],
  [
    'an invalid regex',
    inMapping("def m = match '(' against location()\n  map m.matches() onto 'pathBoolean'"),
    "def m = match '('",
    'invalid_expression',
    'regular expression',
  ],
  [
    'a group the regex has not',
    inMapping("def m = match 'a(b)' against location()\n  map m.group(2) onto 'client'"),
    'map m.group(2)',
    'invalid_expression',
    'no such group',
  ],
  [
    'drop(), which Divolte has not',
    inMapping('drop()'),
    'drop()',
    'invalid_script',
    "found 'drop'",
  ],
  [
    'a nested mapping block',
    inMapping('mapping { stop() }'),
    'mapping { stop',
    'invalid_script',
    "found 'mapping'",
  ],
];

describe('what is not the DSL is refused with the line and column, by class', () => {
  it.each(cases)('%s', (_name, script, at, code, message) => {
    const error = refusal(script);
    const lines = script.split('\n');
    const expected = at === '' ? { line: lines.length, column: 1 } : positionOf(script, at);
    expect({ code: error.code, position: error.position }).toEqual({
      code,
      position: { ...expected, fileName: 'm.groovy' },
    });
    expect(error.message).toContain(message);
    expect(error.message.startsWith(`m.groovy:${expected.line}:${expected.column}: `)).toBe(true);
    if (code === 'invalid_script') expect(error.message).toMatch(/: expected .*, found /);
  });

  it('is deep nesting refused, not a stack overflow', () => {
    const deep = `mapping {\n${'section {\n'.repeat(500)}${'}\n'.repeat(500)}}\n`;
    const error = refusal(deep, relaxed);
    expect(error.code).toBe('invalid_script');
    expect(error.message).toContain('levels of nesting');
    const parens = `mapping {\n  map ${'('.repeat(10_000)}location()${')'.repeat(10_000)} onto 'text'\n}`;
    expect(refusal(parens, relaxed).code).toBe('invalid_script');
  });

  it('names the file the caller gives', () => {
    expect(() =>
      compileGroovyMapping({ script: 'for', schema: relaxed, fileName: 'conf/mapping.groovy' }),
    ).toThrow(/^conf\/mapping\.groovy:1:1: expected /);
    expect(() => compileGroovyMapping({ script: 'for', schema: relaxed })).toThrow(
      /^mapping\.groovy:1:1: /,
    );
  });
});

// Whatever the text, building either succeeds or throws a MappingError whose position is inside
// the text and whose message starts with it; nothing else escapes.
function judge(script: string): 'built' | MappingError['code'] {
  try {
    compileGroovyMapping({
      script,
      schema: relaxed,
      fileName: 'p.groovy',
      geoIpDatabase: testGeoDatabase(),
    });
    return 'built';
  } catch (error) {
    expect(error).toBeInstanceOf(MappingError);
    const { position, message } = error as MappingError;
    expect(position).toBeDefined();
    const lines = script.split('\n');
    const { line, column, fileName } = position!;
    expect(fileName).toBe('p.groovy');
    expect(line).toBeGreaterThanOrEqual(1);
    expect(line).toBeLessThanOrEqual(lines.length);
    expect(column).toBeGreaterThanOrEqual(1);
    expect(column).toBeLessThanOrEqual(lines[line - 1]!.length + 1);
    expect(message.startsWith(`p.groovy:${line}:${column}: `)).toBe(true);
    return (error as MappingError).code;
  }
}

const TOKENS = [
  'mapping',
  'map',
  'onto',
  'when',
  'apply',
  'exit()',
  'stop()',
  'section',
  'def',
  'x',
  '=',
  '{',
  '}',
  '(',
  ')',
  '.',
  ',',
  '\n',
  ';',
  "'text'",
  "'flag'",
  '"s"',
  '/re/',
  '42',
  '42L',
  '-1',
  'true',
  'null',
  'location()',
  'referer()',
  'timestamp()',
  'isPresent()',
  'equalTo',
  'parse',
  'to',
  'uri',
  'int32',
  'match',
  'against',
  'not',
  'and',
  'or',
  'header',
  "('h')",
  'digest',
  'add',
  'result()',
  'path()',
  'query()',
  'value',
  'userAgent()',
  'ip2geo()',
  'eventParameters()',
  '//c\n',
  '/*c*/',
  'new',
  'for',
  '$',
  '"$x"',
  '&&',
  '==',
  '[',
  ']',
  '->',
  '\\',
];

describe('property: arbitrary text never throws anything but a positioned MappingError', () => {
  it('holds for arbitrary strings', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' })),
        (text) => {
          expect(['built', 'invalid_script']).toContain(judge(text));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('holds for token soups of the DSL and Groovy, and refusals of text are invalid_script', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...TOKENS), { maxLength: 40 }), (tokens) => {
        const outcome = judge(tokens.join(' '));
        // A soup may happen to be a mapping that misuses a value; it is never another kind of error.
        expect([
          'built',
          'invalid_script',
          'type_mismatch',
          'unknown_field',
          'invalid_expression',
          'unmappable_value',
          'unsupported_algorithm',
        ]).toContain(outcome);
      }),
      { numRuns: 2000 },
    );
  });

  it('holds for soups inside a mapping block', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...TOKENS), { maxLength: 30 }), (tokens) => {
        judge(`mapping {\n  ${tokens.join(' ')}\n}\n`);
      }),
      { numRuns: 2000 },
    );
  });

  it('holds for corpus scripts with a piece cut out or a character put in', () => {
    const scripts = corpusScripts().map(corpusFile);
    fc.assert(
      fc.property(
        fc.constantFrom(...scripts),
        fc.nat(),
        fc.nat({ max: 20 }),
        fc.string({ maxLength: 2 }),
        (script, at, length, insert) => {
          const start = at % (script.length + 1);
          judge(script.slice(0, start) + insert + script.slice(start + length));
        },
      ),
      { numRuns: 1000 },
    );
  });
});
