import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { headerItems } from './header-values';
import { decodeComponent, decodeFormComponent } from './percent';
import { parseQueryString } from './query-string';
import { parseUri } from './uri';

const uriText = fc.oneof(
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.string(),
  fc.string({ unit: fc.constantFrom(...'ab:/?#[]@%20+&=.-_ |"'.split('')) }),
);

describe('the parsers, for any input', () => {
  it('parseUri never throws, and the parts of a hierarchical URI put back together give the input', () => {
    // An empty authority (`file:///x`) is written but not reported; compare without it.
    const withoutEmptyAuthority = (text: string) =>
      text.replace(/^([a-zA-Z][\w+.-]*:)?\/\/(?=[/?#]|$)/, '$1');
    fc.assert(
      fc.property(uriText, (text) => {
        const uri = parseUri(text);
        if (uri?.rawPath === undefined) return; // unparsable, or opaque (mailto:x)
        const authority = uri.rawAuthority;
        const rebuilt =
          (uri.scheme === undefined ? '' : `${uri.scheme}:`) +
          (authority === undefined ? '' : `//${authority}`) +
          uri.rawPath +
          (uri.rawQuery === undefined ? '' : `?${uri.rawQuery}`) +
          (uri.rawFragment === undefined ? '' : `#${uri.rawFragment}`);
        expect(rebuilt).toBe(withoutEmptyAuthority(text));
        expect(Number.isInteger(uri.port)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with WHATWG URL on the scheme, host and presence of a query of web URLs', () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), (text) => {
        const uri = parseUri(text);
        if (uri === undefined) return; // java.net.URI is stricter about some characters
        const url = new URL(text);
        expect(`${uri.scheme}:`).toBe(url.protocol);
        if (uri.host !== undefined && !uri.host.startsWith('['))
          expect(uri.host.toLowerCase()).toBe(url.hostname);
        if (url.search !== '') expect(uri.rawQuery?.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });

  it('header splitting, query parsing and percent-decoding never throw', () => {
    fc.assert(
      fc.property(fc.array(fc.string()), fc.string(), (values, text) => {
        for (const item of headerItems(values)) expect(item.length).toBeGreaterThan(0);
        const query = parseQueryString(text);
        for (const list of Object.values(query)) expect(list.length).toBeGreaterThan(0);
        expect(typeof decodeComponent(text)).toBe('string');
        expect(typeof decodeFormComponent(text)).toBe('string');
      }),
      { numRuns: 1000 },
    );
  });

  it('rejects what java.net.URI rejects: Unicode spaces, C1 controls, bad escapes', () => {
    expect(parseUri('http://a/\u3000')).toBeUndefined();
    expect(parseUri('http://a/\u0085')).toBeUndefined();
    expect(parseUri('http://a/%2')).toBeUndefined();
    expect(parseUri('http://a/caf\u00e9')?.rawPath).toBe('/caf\u00e9');
    expect(parseUri('https://x/#frag?x')?.rawQuery).toBeUndefined();
    expect(parseUri('https://x/#frag?x')?.rawFragment).toBe('frag?x');
    expect(decodeComponent('%E2%82%AC%zz%')).toBe('€%zz%');
    expect(decodeFormComponent('a+b%2B')).toBe('a b+');
  });
});
