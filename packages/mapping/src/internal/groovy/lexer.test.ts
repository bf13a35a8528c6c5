import { describe, expect, it } from 'vitest';
import { compileGroovyMapping } from '../../groovy-mapping';
import { corpusFile, corpusSchema } from '../../test-support/divolte-corpus';
import { browserEvent } from '../../test-support/events';
import { tokenize, type Token } from './lexer';

const lex = (text: string): Token[] => tokenize({ fileName: 't.groovy', text });
const first = (text: string) => lex(text)[0]!;

describe('the lexer reads Groovy literals as Groovy does', () => {
  it.each([
    ['42', 42, 'Integer'],
    ['2147483647', 2147483647, 'Integer'],
    ['2147483648', 2147483648, 'Long'],
    ['9223372036854775808', 9223372036854775808, 'BigInteger'],
    ['42L', 42, 'Long'],
    ['42i', 42, 'Integer'],
    ['42G', 42, 'BigInteger'],
    ['1.5', 1.5, 'BigDecimal'],
    ['1e3', 1000, 'BigDecimal'],
    ['1.5F', 1.5, 'Float'],
    ['0.1f', Math.fround(0.1), 'Float'],
    ['1.5D', 1.5, 'Double'],
    ['42d', 42, 'Double'],
    ['1_000', 1000, 'Integer'],
    ['0x1F', 31, 'Integer'],
    ['0b101', 5, 'Integer'],
    ['010', 8, 'Integer'],
    ['010D', 10, 'Double'],
  ])('%s is the %s %s', (text, value, type) => {
    expect(first(text)).toMatchObject({ kind: 'number', value, type });
  });

  it.each([
    ["'a\\'b\\\\c\\n'", "a'b\\c\n"],
    ['"tab\\there \\$x"', 'tab\there $x'],
    ["'\\u00e9\\101'", 'éA'],
    ["'''multi\nline'''", 'multi\nline'],
    ['"""x "quoted" y"""', 'x "quoted" y'],
    ['/^\\/(?:index\\.html)?$/', '^/(?:index\\.html)?$'],
    ['/a$/', 'a$'],
    ['"costs $5"', 'costs $5'],
  ])('the string %s is %j', (text, value) => {
    expect(first(text)).toMatchObject({ kind: 'string', value });
  });

  it('skips comments, a shebang and a byte-order mark, and counts lines and columns', () => {
    const tokens = lex('\ufeff#!/usr/bin/env groovy\n/* a\n b */ map // c\n\tx');
    expect(tokens.map((t) => [t.kind, t.text, t.line, t.column])).toEqual([
      ['newline', '\n', 1, 22],
      ['name', 'map', 3, 7],
      ['newline', '\n', 3, 15],
      ['name', 'x', 4, 2],
      ['end', '', 4, 3],
    ]);
  });

  it('continues a line that ends with a backslash', () => {
    expect(lex('map \\\n x').map((t) => t.kind)).toEqual(['name', 'name', 'end']);
  });

  it('reads a corpus script with Windows line ends as with Unix ones', () => {
    const script = corpusFile('example-schema-mapping.groovy');
    const schema = corpusSchema('example-schema.avsc');
    const event = browserEvent({ location: 'http://www.example.com/fashion/jeans/' });
    const unix = compileGroovyMapping({ script, schema })(event);
    const windows = compileGroovyMapping({ script: script.replace(/\n/g, '\r\n'), schema })(event);
    expect(windows).toEqual(unix);
    expect(unix).toMatchObject({ ok: true, value: { pageType: 'section', shop: 'fashion' } });
  });
});
