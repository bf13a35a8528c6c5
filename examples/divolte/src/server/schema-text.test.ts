import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSchemaText } from './schema-text';

describe('parseSchemaText: .avsc as Avro (Jackson ALLOW_COMMENTS) reads it', () => {
  it('reads line and block comments anywhere between tokens', () => {
    expect(
      parseSchemaText(
        '// licence\n{ /* a */ "type": "record", // why\n "name": "R", "fields": [/*none*/] }\n',
      ),
    ).toEqual({ type: 'record', name: 'R', fields: [] });
  });

  it('leaves comment-like text inside strings alone, escapes included', () => {
    expect(parseSchemaText('{"doc": "http://x/* not a comment */ \\" // still text"}')).toEqual({
      doc: 'http://x/* not a comment */ " // still text',
    });
  });

  it('refuses an unterminated block comment and text that is not JSON', () => {
    expect(() => parseSchemaText('{ /* open')).toThrow(SyntaxError);
    expect(() => parseSchemaText('{ "a": 1, }')).toThrow(SyntaxError);
  });

  it('reads what JSON.parse reads, the same (any JSON value)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value);
        expect(parseSchemaText(text)).toEqual(JSON.parse(text));
      }),
      { numRuns: 500 },
    );
  });
});
