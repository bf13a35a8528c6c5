import { describe, expect, it } from 'vitest';
import { cookie, header } from './sources';
import { CHROME_MAC_UA, browserEvent, jsonEvent } from './test-support/events';
import { evaluate } from './test-support/harness';
import { userAgent } from './user-agent';
import { createUserAgentParser } from './internal/user-agent-parser';
import { LruCache } from './internal/lru';

const withUa = (ua: string) =>
  browserEvent({
    request: { remoteAddress: '127.0.0.1', headers: { 'x-ua': [ua] }, cookies: {}, userAgent: ua },
  });

function divolteParts(event = browserEvent()) {
  const ua = userAgent();
  return [
    ua.name(),
    ua.family(),
    ua.vendor(),
    ua.type(),
    ua.version(),
    ua.deviceCategory(),
    ua.osFamily(),
    ua.osVersion(),
    ua.osVendor(),
  ].map((part) => evaluate(part, event));
}

describe('userAgent()', () => {
  it("gives Divolte's test vector for the 2014 Chrome on OS X", () => {
    expect(divolteParts()).toEqual([
      'Chrome',
      'Chrome',
      'Google Inc.',
      'Browser',
      '38.0.2125.122',
      'Personal computer',
      'OS X',
      '10.10.1',
      'Apple Computer, Inc.',
    ]);
  });

  it('classifies phones, robots, libraries and unknown agents', () => {
    const iphone =
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';
    expect(divolteParts(withUa(iphone))).toEqual([
      'Mobile Safari',
      'Safari',
      'Apple Inc.',
      'Mobile Browser',
      '17.0',
      'Smartphone',
      'iOS',
      '17.0',
      'Apple Computer, Inc.',
    ]);
    const bot = divolteParts(
      withUa('Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'),
    );
    expect(bot[3]).toBe('Robot');
    expect(bot[5]).toBe('Other');
    expect(divolteParts(withUa('curl/8.5.0'))[3]).toBe('Library');
    expect(divolteParts(withUa(''))).toEqual([
      'unknown',
      'unknown',
      '',
      'unknown',
      '',
      'unknown',
      'unknown',
      '',
      '',
    ]);
  });

  it("exposes ua-parser-js's own parts, absent when unknown", () => {
    const ua = userAgent();
    const android =
      'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36';
    const event = withUa(android);
    expect(evaluate(ua.browserName(), event)).toBe('Chrome');
    expect(evaluate(ua.browserVersion(), event)).toBe('120.0.0.0');
    expect(evaluate(ua.browserMajor(), event)).toBe('120');
    expect(evaluate(ua.engineName(), event)).toBe('Blink');
    expect(evaluate(ua.engineVersion(), event)).toBe('120.0.0.0');
    expect(evaluate(ua.osName(), event)).toBe('Android');
    expect(evaluate(ua.osVersionName(), event)).toBe('14');
    expect(evaluate(ua.deviceType(), event)).toBe('mobile');
    expect(evaluate(ua.deviceVendor(), event)).toBe('Samsung');
    expect(evaluate(ua.deviceModel(), event)).toBe('SM-S918B');
    expect(evaluate(ua.cpuArchitecture(), event)).toBeNull();
    expect(evaluate(ua.deviceType(), browserEvent())).toBeNull();
    expect(evaluate(userAgent().name(), jsonEvent())).toBeNull();
  });

  it('parses any string value, such as a cookie or a header item', () => {
    const ua = userAgent(cookie('ua'));
    expect(ua.description).toBe('userAgent(cookie("ua"))');
    const event = browserEvent({
      request: { remoteAddress: '127.0.0.1', headers: {}, cookies: { ua: CHROME_MAC_UA } },
    });
    expect(evaluate(ua.family(), event)).toBe('Chrome');
    // A header is split on commas, as in Divolte, so a UA header's first item ends at "(KHTML".
    expect(evaluate(header('X-UA').first(), withUa(CHROME_MAC_UA))).toBe(
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_10_1) AppleWebKit/537.36 (KHTML',
    );
  });

  it('caches parsed agents in an LRU of the configured size', () => {
    const parse = createUserAgentParser(2);
    const first = parse('a');
    expect(parse('a')).toBe(first);
    parse('b');
    parse('a');
    parse('c'); // evicts b, the least recently used
    expect(parse('a')).toBe(first);
    const cache = new LruCache<number>(2);
    cache.set('x', 1);
    cache.set('y', 2);
    cache.get('x');
    cache.set('z', 3);
    expect([cache.get('x'), cache.get('y'), cache.get('z'), cache.size]).toEqual([
      1,
      undefined,
      3,
      2,
    ]);
    const none = new LruCache<number>(0);
    none.set('x', 1);
    expect(none.get('x')).toBeUndefined();
  });
});
