import { describe, expect, it } from 'vitest';
import { MappingError } from './mapping-error';
import { match, parse } from './parse';
import { cookie, location } from './sources';
import { browserEvent } from './test-support/events';
import { evaluate } from './test-support/harness';
import { parseQueryString, queryValues } from './internal/query-string';

const withCookie = (value: string) =>
  browserEvent({ request: { remoteAddress: '127.0.0.1', headers: {}, cookies: { v: value } } });
const withLocation = (value: string) => browserEvent({ location: value });

describe('parse … to numbers and booleans', () => {
  it('parses int32 like Guava Ints.tryParse: decimal, optional minus, in range', () => {
    const int = parse(cookie('v')).to('int32');
    expect(evaluate(int, withCookie('42'))).toBe(42);
    expect(evaluate(int, withCookie('-2147483648'))).toBe(-2147483648);
    for (const bad of ['2147483648', '+1', ' 1', '1.0', '0x10', '', 'abc']) {
      expect(evaluate(int, withCookie(bad)), bad).toBeNull();
    }
    expect(evaluate(int, browserEvent())).toBeNull();
  });

  it('parses int64 within JavaScript safe integers', () => {
    const long = parse(cookie('v')).to('int64');
    expect(evaluate(long, withCookie('9007199254740991'))).toBe(9007199254740991);
    expect(evaluate(long, withCookie('-17'))).toBe(-17);
    expect(evaluate(long, withCookie('9007199254740993'))).toBeNull();
    expect(evaluate(long, withCookie('1e3'))).toBeNull();
  });

  it('parses fp32 and fp64 with Java grammar', () => {
    const double = parse(cookie('v')).to('fp64');
    expect(evaluate(double, withCookie('1.5'))).toBe(1.5);
    expect(evaluate(double, withCookie('-2e3'))).toBe(-2000);
    expect(evaluate(double, withCookie('.5'))).toBe(0.5);
    expect(evaluate(double, withCookie('7d'))).toBe(7);
    expect(evaluate(double, withCookie('Infinity'))).toBe(Infinity);
    expect(Number.isNaN(evaluate(double, withCookie('NaN')))).toBe(true);
    for (const bad of ['', ' 1', '1,5', 'e3', 'inf', '0x1p3']) {
      expect(evaluate(double, withCookie(bad)), bad).toBeNull();
    }
    const float = parse(cookie('v')).to('fp32');
    expect(evaluate(float, withCookie('0.1'))).toBe(Math.fround(0.1));
    expect(evaluate(float, withCookie('3f'))).toBe(3);
  });

  it('parses bool like Boolean.parseBoolean: never absent for a present string', () => {
    const bool = parse(cookie('v')).to('bool');
    expect(evaluate(bool, withCookie('true'))).toBe(true);
    expect(evaluate(bool, withCookie('TrUe'))).toBe(true);
    expect(evaluate(bool, withCookie('yes'))).toBe(false);
    expect(evaluate(bool, withCookie(''))).toBe(false);
    expect(evaluate(bool, browserEvent())).toBeNull();
  });

  it('rejects an unknown target', () => {
    expect(() => parse(cookie('v')).to('date' as 'uri')).toThrow(MappingError);
  });
});

describe('parse … to uri', () => {
  // Expected values were produced with java.net.URI (JDK 17).
  it('gives every part as java.net.URI does', () => {
    const uri = parse(location()).to('uri');
    const event = withLocation('https://user@example.com:8443/a%20b/c?q=1%202&r=x+y#frag%21');
    expect(evaluate(uri.scheme(), event)).toBe('https');
    expect(evaluate(uri.host(), event)).toBe('example.com');
    expect(evaluate(uri.port(), event)).toBe(8443);
    expect(evaluate(uri.path(), event)).toBe('/a b/c');
    expect(evaluate(uri.rawPath(), event)).toBe('/a%20b/c');
    expect(evaluate(uri.decodedQueryString(), event)).toBe('q=1 2&r=x+y');
    expect(evaluate(uri.rawQueryString(), event)).toBe('q=1%202&r=x+y');
    expect(evaluate(uri.decodedFragment(), event)).toBe('frag!');
    expect(evaluate(uri.rawFragment(), event)).toBe('frag%21');
  });

  it.each([
    [
      'http://my_host/x',
      { scheme: 'http', host: null, port: null, path: '/x', query: null, fragment: null },
    ],
    ['/rel?x', { scheme: null, host: null, port: null, path: '/rel', query: 'x', fragment: null }],
    [
      'mailto:a@b',
      { scheme: 'mailto', host: null, port: null, path: null, query: null, fragment: null },
    ],
    [
      'http://[::1]:80/',
      { scheme: 'http', host: '[::1]', port: 80, path: '/', query: null, fragment: null },
    ],
    ['', { scheme: null, host: null, port: null, path: '', query: null, fragment: null }],
    ['?', { scheme: null, host: null, port: null, path: '', query: '', fragment: null }],
    ['#f', { scheme: null, host: null, port: null, path: '', query: null, fragment: 'f' }],
    [
      'http://h:/p',
      { scheme: 'http', host: 'h', port: null, path: '/p', query: null, fragment: null },
    ],
    ['//h/p', { scheme: null, host: 'h', port: null, path: '/p', query: null, fragment: null }],
    [
      'https://example.com',
      { scheme: 'https', host: 'example.com', port: null, path: '', query: null, fragment: null },
    ],
  ])('splits %j', (text, expected) => {
    const uri = parse(location()).to('uri');
    const event = withLocation(text);
    expect({
      scheme: evaluate(uri.scheme(), event),
      host: evaluate(uri.host(), event),
      port: evaluate(uri.port(), event),
      path: evaluate(uri.rawPath(), event),
      query: evaluate(uri.rawQueryString(), event),
      fragment: evaluate(uri.rawFragment(), event),
    }).toEqual(expected);
  });

  it.each(['http://a b', 'foo:', 'http://x/%zz', 'http://x/a|b', '1abc:x', 'a#b#c'])(
    'is absent for %j, which java.net.URI rejects',
    (text) => {
      const uri = parse(location()).to('uri');
      expect(evaluate(uri.path(), withLocation(text))).toBeNull();
      expect(evaluate(uri.isPresent(), withLocation(text))).toBe(false);
    },
  );

  it('parses the query with value, valueList and as a map', () => {
    const query = parse(location()).to('uri').query();
    const event = withLocation('https://x/?a=1&b=&c&a=2&=42&d=caf%C3%A9+au+lait&e=x=y');
    expect(evaluate(query.value('a'), event)).toBe('1');
    expect(evaluate(query.valueList('a'), event)).toEqual(['1', '2']);
    expect(evaluate(query.value('b'), event)).toBe('');
    expect(evaluate(query.value('c'), event)).toBe('');
    expect(evaluate(query.value(''), event)).toBe('42');
    expect(evaluate(query.value('d'), event)).toBe('café au lait');
    expect(evaluate(query.value('e'), event)).toBe('x=y');
    expect(evaluate(query.value('missing'), event)).toBeNull();
    expect(evaluate(query.valueList('missing'), event)).toBeNull();
    expect(evaluate(query.valueList('constructor'), event)).toBeNull();
    expect(evaluate(query.value('toString'), event)).toBeNull();
    expect({ ...evaluate(query, event) }).toEqual({
      a: ['1', '2'],
      b: [''],
      c: [''],
      '': ['42'],
      d: ['café au lait'],
      e: ['x=y'],
    });
    expect(evaluate(query.value('a'), withLocation('https://x/'))).toBeNull();
  });

  it('parses query strings as Divolte QueryStringParser does', () => {
    expect({ ...parseQueryString('') }).toEqual({});
    expect({ ...parseQueryString('q') }).toEqual({ q: [''] });
    expect({ ...parseQueryString('q=') }).toEqual({ q: [''] });
    expect({ ...parseQueryString('=42') }).toEqual({ '': ['42'] });
    expect({ ...parseQueryString('a=1&&b=2') }).toEqual({ a: ['1'], '': [''], b: ['2'] });
    expect({ ...parseQueryString('bad=%zz&ok=%41') }).toEqual({ bad: ['%zz'], ok: ['A'] });
    const proto = parseQueryString('__proto__=x&__proto__=y');
    expect(Object.getPrototypeOf(proto)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(proto, '__proto__')?.value).toEqual(['x', 'y']);
    expect(queryValues(parseQueryString('a=1'), 'toString')).toBeUndefined();
  });
});

describe('match … against', () => {
  const path = parse(location()).to('uri').path();

  it('matches the whole string and exposes numbered and named groups', () => {
    const m = match(/\/p\/(?<id>\d+)(\/(\w+))?/).against(path);
    const event = browserEvent();
    expect(evaluate(m.matches(), event)).toBe(true);
    expect(evaluate(m.group(0), event)).toBe('/p/42');
    expect(evaluate(m.group(1), event)).toBe('42');
    expect(evaluate(m.group('id'), event)).toBe('42');
    expect(evaluate(m.group(3), event)).toBeNull();
  });

  it('is not a search: a partial match does not match', () => {
    const m = match('p/\\d+').against(path);
    expect(evaluate(m.matches(), browserEvent())).toBe(false);
    expect(evaluate(m.group(0), browserEvent())).toBeNull();
  });

  it('keeps flags and is absent (not false) when the input is absent', () => {
    const m = match(/\/P\/42/i).against(path);
    expect(evaluate(m.matches(), browserEvent())).toBe(true);
    expect(evaluate(m.matches(), browserEvent({ location: undefined }))).toBeNull();
  });

  it('rejects a bad expression or a group it does not have when the mapping is built', () => {
    expect(() => match('(unclosed').against(path)).toThrow(MappingError);
    const m = match('(a)(?<name>b)').against(path);
    expect(() => m.group(3)).toThrow(/no such group/);
    expect(() => m.group('other')).toThrow(/no such group/);
    expect(() => m.group(2)).not.toThrow();
  });
});
