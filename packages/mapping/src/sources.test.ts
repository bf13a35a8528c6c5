import { describe, expect, it } from 'vitest';
import {
  clientTimestamp,
  cookie,
  corrupt,
  devicePixelRatio,
  doNotTrack,
  duplicate,
  eventId,
  eventType,
  firstInSession,
  globalPrivacyControl,
  header,
  isBot,
  location,
  newParty,
  pageViewId,
  partyId,
  referer,
  referrer,
  remoteHost,
  roundedDevicePixelRatio,
  screenPixelHeight,
  screenPixelWidth,
  sessionId,
  source,
  timestamp,
  userAgentString,
  viewportPixelHeight,
  viewportPixelWidth,
} from './sources';
import { CHROME_MAC_UA, browserEvent, jsonEvent } from './test-support/events';
import { evaluate } from './test-support/harness';
import { headerItems } from './internal/header-values';

describe('simple value sources', () => {
  const event = browserEvent();

  it('read every field of a browser event', () => {
    expect(evaluate(location(), event)).toBe(event.location);
    expect(evaluate(referer(), event)).toBe('https://www.google.com/');
    expect(evaluate(referrer(), event)).toBe('https://www.google.com/');
    expect(evaluate(eventType(), event)).toBe('pageView');
    expect(evaluate(firstInSession(), event)).toBe(true);
    expect(evaluate(newParty(), event)).toBe(true);
    expect(evaluate(corrupt(), event)).toBe(false);
    expect(evaluate(duplicate(), event)).toBe(false);
    expect(evaluate(isBot(), event)).toBe(false);
    expect(evaluate(doNotTrack(), event)).toBe(false);
    expect(evaluate(globalPrivacyControl(), event)).toBe(true);
    expect(evaluate(timestamp(), event)).toBe(1_700_000_000_123);
    expect(evaluate(clientTimestamp(), event)).toBe(1_700_000_000_001);
    expect(evaluate(remoteHost(), event)).toBe('81.2.69.160');
    expect(evaluate(viewportPixelWidth(), event)).toBe(1280);
    expect(evaluate(viewportPixelHeight(), event)).toBe(720);
    expect(evaluate(screenPixelWidth(), event)).toBe(1440);
    expect(evaluate(screenPixelHeight(), event)).toBe(900);
    expect(evaluate(devicePixelRatio(), event)).toBe(1.5);
    expect(evaluate(roundedDevicePixelRatio(), event)).toBe(2);
    expect(evaluate(partyId(), event)).toBe(event.partyId);
    expect(evaluate(sessionId(), event)).toBe(event.sessionId);
    expect(evaluate(pageViewId(), event)).toBe(event.pageViewId);
    expect(evaluate(eventId(), event)).toBe(event.eventId);
    expect(evaluate(source(), event)).toBe('browser');
    expect(evaluate(userAgentString(), event)).toBe(CHROME_MAC_UA);
  });

  it('are absent where a JSON event has no browser data', () => {
    const json = jsonEvent();
    for (const value of [location(), referer(), eventType(), pageViewId(), userAgentString()]) {
      expect(evaluate(value, json), value.description).toBeNull();
    }
    for (const value of [
      viewportPixelWidth(),
      viewportPixelHeight(),
      screenPixelWidth(),
      screenPixelHeight(),
      roundedDevicePixelRatio(),
    ]) {
      expect(evaluate(value, json), value.description).toBeNull();
    }
    expect(evaluate(devicePixelRatio(), json)).toBeNull();
    expect(evaluate(source(), json)).toBe('json');
    expect(evaluate(remoteHost(), json)).toBe('2001:db8::1');
  });

  it('treat sizes outside Avro int range as absent rather than write them wrong', () => {
    expect(evaluate(viewportPixelWidth(), browserEvent({ viewportWidth: 2 ** 31 }))).toBeNull();
    expect(evaluate(screenPixelHeight(), browserEvent({ screenHeight: -(2 ** 31) }))).toBe(
      -(2 ** 31),
    );
  });
});

describe('cookie()', () => {
  it('reads a cookie, absent when missing (also for names on Object.prototype)', () => {
    const event = browserEvent();
    expect(evaluate(cookie('consent'), event)).toBe('yes');
    expect(evaluate(cookie('missing'), event)).toBeNull();
    expect(evaluate(cookie('toString'), event)).toBeNull();
  });
});

describe('header()', () => {
  const event = browserEvent({
    request: {
      remoteAddress: '127.0.0.1',
      headers: { 'x-forwarded-for': ['10.0.0.1, 10.0.0.2', '"quoted, one", 10.0.0.3'] },
      cookies: {},
    },
  });

  it('splits every occurrence into items, names case-insensitively', () => {
    expect(evaluate(header('X-Forwarded-For'), event)).toEqual([
      '10.0.0.1',
      '10.0.0.2',
      'quoted, one',
      '10.0.0.3',
    ]);
    expect(evaluate(header('x-missing'), event)).toBeNull();
  });

  it('has first, last, get (negative from the end, out of range absent) and commaSeparated', () => {
    const forwarded = header('X-Forwarded-For');
    expect(evaluate(forwarded.first(), event)).toBe('10.0.0.1');
    expect(evaluate(forwarded.last(), event)).toBe('10.0.0.3');
    expect(evaluate(forwarded.get(0), event)).toBe('10.0.0.1');
    expect(evaluate(forwarded.get(1), event)).toBe('10.0.0.2');
    expect(evaluate(forwarded.get(-1), event)).toBe('10.0.0.3');
    expect(evaluate(forwarded.get(-4), event)).toBe('10.0.0.1');
    expect(evaluate(forwarded.get(4), event)).toBeNull();
    expect(evaluate(forwarded.get(-5), event)).toBeNull();
    expect(evaluate(forwarded.commaSeparated(), event)).toBe(
      '10.0.0.1,10.0.0.2,quoted, one,10.0.0.3',
    );
    expect(evaluate(header('x-missing').first(), event)).toBeNull();
    expect(() => forwarded.get(1.5)).toThrow(TypeError);
  });

  it('parses header values as Divolte HeaderValueParser does', () => {
    // Vectors from Divolte's HeaderValueParserTest.
    expect(headerItems(['"foo\\"bar"'])).toEqual(['foo"bar']);
    expect(headerItems(['a,,b'])).toEqual(['a', 'b']);
    expect(headerItems(['foo \t bar'])).toEqual(['foo bar']);
    expect(headerItems(['  leading, trailing  ,'])).toEqual(['leading', 'trailing']);
    expect(headerItems([''])).toEqual([]);
    expect(headerItems([' , , '])).toEqual([]);
    expect(headerItems(['"unterminated, quote'])).toEqual(['unterminated, quote']);
    expect(headerItems(['a"b"c'])).toEqual(['abc']);
    expect(headerItems(['one', 'two, three'])).toEqual(['one', 'two', 'three']);
  });
});
