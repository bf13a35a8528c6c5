import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeComponent, parseQueryString } from './query-string';

describe('decodeComponent', () => {
  it('decodes what encodeURIComponent wrote', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        expect(decodeComponent(encodeURIComponent(text))).toBe(text);
      }),
    );
  });

  it('treats + as a space and keeps stray percent signs', () => {
    expect(decodeComponent('a+b%2Bc')).toBe('a b+c');
    expect(decodeComponent('100%')).toBe('100%');
    expect(decodeComponent('%zz%41')).toBe('%zzA');
  });

  it('replaces invalid UTF-8 with U+FFFD, one per maximal subpart', () => {
    expect(decodeComponent('%C3%28')).toBe('\ufffd(');
    expect(decodeComponent('%E1%BB')).toBe('\ufffd');
    expect(decodeComponent('%ED%A0%80')).toBe('\ufffd\ufffd\ufffd');
    expect(decodeComponent('%F0%9F%98%80%FF')).toBe('😀\ufffd');
  });

  it('decodes any escaped bytes as TextDecoder does', () => {
    const decoder = new TextDecoder();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 24 }), (bytes) => {
        const escaped = [...bytes].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
        expect(decodeComponent(escaped)).toBe(decoder.decode(bytes));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('parseQueryString', () => {
  it('keeps order and repeats, and skips empty segments', () => {
    expect(parseQueryString('?a=1&&b&a=2&=x&c=')).toEqual([
      ['a', '1'],
      ['b', ''],
      ['a', '2'],
      ['', 'x'],
      ['c', ''],
    ]);
    expect(parseQueryString('')).toEqual([]);
    expect(parseQueryString('?')).toEqual([]);
  });
});
