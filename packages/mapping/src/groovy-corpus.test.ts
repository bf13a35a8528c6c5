// Each mapping of Divolte's own test corpus, read from its Groovy text, gives the record Divolte
// gives. The expected values are derived by hand from Divolte's Java code (DslRecordMapping,
// Digester, QueryStringParser, java.net.URI) for a representative event; a differential suite in
// examples/divolte compares them with the real running Divolte.
import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import type { ClickEvent } from '@tributary/schema';
import { describe, expect, it } from 'vitest';
import { compileGroovyMapping } from './groovy-mapping';
import { corpusFile, corpusSchema } from './test-support/divolte-corpus';
import { browserEvent, CHROME_MAC_UA, CHROME_MAC_UA_PARTS } from './test-support/events';
import { testGeoDatabase } from './test-support/geo-database';

const schema = corpusSchema('TestRecord.avsc');
const geoIpDatabase = testGeoDatabase();

function record(file: string, overrides: Partial<ClickEvent> = {}): Record<string, unknown> {
  const mapper = compileGroovyMapping({
    script: corpusFile(file),
    schema,
    fileName: file,
    geoIpDatabase,
  });
  const result = mapper(browserEvent(overrides));
  if (!result.ok || result.dropped) throw new Error(JSON.stringify(result));
  return result.value;
}

const event = browserEvent();
// The three fields of TestRecord without a default, which every corpus mapping sets first.
const required = { sessionStart: true, ts: event.receivedAt, remoteHost: '81.2.69.160' };
const sha256 = (...pieces: string[]) => {
  const hash = createHash('sha256');
  for (const piece of pieces) hash.update(piece, 'utf8');
  return hash.digest();
};
// Divolte's fixed PBKDF2 salt (Digester.java): "divolte" and eight bytes.
const SALT = Buffer.concat([
  Buffer.from('divolte'),
  Buffer.from([0xb6, 0x87, 0xe2, 0xd9, 0xaa, 0x06, 0x03, 0x72]),
]);
// Divolte's seeded digest: HMAC with a key from PBKDF2 over the seed, Divolte's salt, 100,000
// iterations and the MAC length in bytes taken as bits (32 → a 4-byte key), as Digester.java does.
const seeded = (seed: string, piece: string) => {
  const key = pbkdf2Sync(seed, SALT, 100_000, 32 / 8, 'sha256');
  return createHmac('sha256', key).update(piece, 'utf8').digest();
};
// Digests are bytes; compared as Buffers whatever Uint8Array subclass the record holds.
const digestOf = (value: Record<string, unknown>) => Buffer.from(value.digestBinary as Uint8Array);

describe("Divolte's corpus mappings give Divolte's records", () => {
  it('minimal-mapping: the three required fields, every other field its default', () => {
    const value = record('minimal-mapping.groovy');
    expect(value).toMatchObject({
      ...required,
      queryparam: 'not set',
      pathInteger: -1,
      client: null,
    });
  });

  it.each([
    'basic-stop.groovy',
    'basic-toplevel-exit.groovy',
    'nested-conditional-stop.groovy',
    'shorthand-conditional-stop.groovy',
    'shorthand-conditional-stop-closure.groovy',
  ])('%s: what comes before stop()/exit() is mapped, nothing after it', (file) => {
    expect(record(file)).toMatchObject({ ...required, client: 'happened', session: null });
  });

  it('boolean-logic: and/or/not as Divolte combines them (no referer)', () => {
    expect(record('boolean-logic.groovy', { referrer: undefined })).toMatchObject({
      unreliable: true,
      dupe: false,
      queryparamBoolean: true,
      pathBoolean: true,
    });
  });

  it('chained-na-mapping: an absent referer leaves the derived field at its default', () => {
    expect(record('chained-na-mapping.groovy', { referrer: undefined })).toMatchObject({
      queryparam: 'not set',
    });
    expect(record('chained-na-mapping.groovy')).toMatchObject({ queryparam: 'not set' });
  });

  it('client-timestamp: ts from the client clock', () => {
    expect(record('client-timestamp.groovy')).toMatchObject({ ts: event.clientTimestamp });
  });

  it('correct-types-literal: each literal of its Java type onto its field', () => {
    expect(record('correct-types-literal.groovy')).toMatchObject({
      queryparam: 'string value',
      queryparamBoolean: true,
      queryparamLong: 42,
      pathInteger: 42,
      queryparamDouble: 42,
    });
  });

  it('custom-cookie-mapping: the raw cookie of the Cookie header, or the default without it', () => {
    expect(
      record('custom-cookie-mapping.groovy', {
        request: {
          ...event.request,
          headers: { ...event.request.headers, cookie: ['custom_cookie=v%201'] },
          cookies: { custom_cookie: 'v 1' },
        },
      }),
    ).toMatchObject({ customCookie: 'v%201' });
    expect(record('custom-cookie-mapping.groovy')).toMatchObject({ customCookie: null });
  });

  it('digest-*: the digests Divolte computes', () => {
    expect(digestOf(record('digest-bytebuffer.groovy'))).toEqual(
      createHash('sha256').update(sha256()).digest(),
    );
    expect(digestOf(record('digest-chaining.groovy'))).toEqual(
      sha256(event.eventId, 'aLiteralString'),
    );
    expect(digestOf(record('digest-missing-value.groovy'))).toEqual(sha256());
    expect(digestOf(record('digest-string-literal.groovy'))).toEqual(sha256('aLiteralString'));
    expect(digestOf(record('digest-string-provider.groovy'))).toEqual(sha256(event.eventId));
    expect(record('digest-with-string-conversion.groovy').digestString).toBe(
      sha256(event.eventId).toString('base64'),
    );
    // JSON pieces: value nodes as text; the array and the list of names are not value nodes.
    const parameters = { foo: 'x', bar: 42, items: [{ name: 'a' }, { name: 'b' }] };
    expect(digestOf(record('digest-json.groovy', { parameters }))).toEqual(sha256('x', '42', 'a'));
  });

  it('digest-with-seed: the unseeded digest takes eventId(), the seeded ones (HMAC, PBKDF2 key) get nothing', () => {
    // Divolte's shared per-event ByteBuffer of eventId() is consumed by the first digest.
    expect(record('digest-with-seed.groovy')).toMatchObject({
      digestString: sha256(event.eventId).toString('base64'),
      digestString2: seeded('foo', '').toString('base64'),
      digestString3: seeded('bar', '').toString('base64'),
    });
  });

  it('digest-with-documented-algorithms: the .each runs now; the last map wins, seeded "seed-null"', () => {
    // The loop maps digestBinary eight times; the last is SHA-512 seeded with "seed-$it", where
    // `it` is the mapping closure's implicit parameter, null (Divolte runs the closure without one).
    const key = pbkdf2Sync('seed-null', SALT, 100_000, 64 / 8, 'sha512');
    expect(digestOf(record('digest-with-documented-algorithms.groovy'))).toEqual(
      createHmac('sha512', key).digest(),
    );
  });

  it('event-param-all: the parameters onto a record, extra properties ignored', () => {
    const parameters = { foo: 'x', bar: 'y', items: [{ name: 'n', count: 1, price: 2.5 }] };
    expect(record('event-param-all.groovy', { parameters })).toMatchObject({
      paramRecord: { foo: 'x', bar: 'y', items: [{ count: 1, price: 2.5 }] },
    });
  });

  it('event-param-jsonpath-mapping: JSON paths onto string, int, array and record array fields', () => {
    const parameters = {
      foo: 'x',
      bar: 42,
      items: [
        { name: 'a', count: 1, price: 1.5 },
        { name: 'b', count: 2, price: 2.5 },
      ],
    };
    expect(record('event-param-jsonpath-mapping.groovy', { parameters })).toMatchObject({
      paramValue: 'x',
      paramIntValue: 42,
      itemPrices: [1.5, 2.5],
      items: parameters.items,
    });
  });

  it('event-param-jsonpath-mismatch: a value that does not fit is not mapped; the rest is', () => {
    expect(
      record('event-param-jsonpath-mismatch.groovy', { parameters: { foo: 'not a number' } }),
    ).toMatchObject({
      paramIntValue: null,
      flag1: true,
    });
  });

  it('event-param-jsonpath-missing: a path that matches nothing leaves the field as it was', () => {
    expect(
      record('event-param-jsonpath-missing.groovy', { parameters: { foo: 'x' } }),
    ).toMatchObject({
      paramValue: 'value that should not be overwritten',
    });
  });

  it('event-param-jsonpath-presence: isPresent of a path', () => {
    expect(
      record('event-param-jsonpath-presence.groovy', { parameters: { foo: 'x' } }),
    ).toMatchObject({
      flag1: true,
      flag2: false,
    });
  });

  it('event-param-mapping: the parameters onto a map of strings (a number as its text), and value()', () => {
    expect(
      record('event-param-mapping.groovy', { parameters: { foo: 'x', bar: 42 } }),
    ).toMatchObject({
      paramMap: { foo: 'x', bar: '42' },
      paramValue: 'x',
    });
  });

  it('flat-mapping: every simple value, the Divolte test user agent parsed', () => {
    expect(record('flat-mapping.groovy', { devicePixelRatio: 2 })).toEqual(
      expect.objectContaining({
        ...required,
        unreliable: false,
        dupe: false,
        referer: event.referrer,
        location: event.location,
        viewportWidth: 1280,
        viewportHeight: 720,
        screenWidth: 1440,
        screenHeight: 900,
        pixelRatio: 2,
        client: event.partyId,
        session: event.sessionId,
        pageview: event.pageViewId,
        event: event.eventId,
        eventType: 'pageView',
        userAgentString: CHROME_MAC_UA,
        ...CHROME_MAC_UA_PARTS,
      }),
    );
    // Divolte's devicePixelRatio is an int parsed from base 36: a fractional ratio is absent.
    expect(record('flat-mapping.groovy', { devicePixelRatio: 1.5 })).toMatchObject({
      pixelRatio: null,
    });
  });

  it('funky-querystring-mapping: keys without values, empty values, = in a value', () => {
    expect(
      record('funky-querystring-mapping.groovy', {
        location: 'http://www.example.com/?a=&b=%20x+y&c&d=e=f',
      }),
    ).toMatchObject({
      uriQueryStringValue: '',
      queryparam: ' x y',
      client: '',
      pageview: 'e=f',
    });
  });

  it('geo-mapping: every part of the lookup of the remote host', () => {
    expect(record('geo-mapping.groovy')).toMatchObject({
      geoCityId: 2643743,
      geoCityName: 'London',
      geoContinentCode: 'EU',
      geoContinentId: 6255148,
      geoContinentName: 'Europe',
      geoCountryCode: 'GB',
      geoCountryId: 2635167,
      geoCountryName: 'United Kingdom',
      geoLatitude: 51.5142,
      geoLongitude: -0.0931,
      geoMetroCode: 807,
      geoTimeZone: 'Europe/London',
      geoMostSpecificSubdivisionCode: 'WBK',
      geoMostSpecificSubdivisionId: 3333217,
      geoMostSpecificSubdivisionName: 'West Berkshire',
      geoPostalCode: 'EC2V',
      geoRegisteredCountryCode: 'FR',
      geoRegisteredCountryId: 3017382,
      geoRegisteredCountryName: 'France',
      geoRepresentedCountryCode: 'US',
      geoRepresentedCountryId: 6252001,
      geoRepresentedCountryName: 'United States',
      geoSubdivisionCodes: ['ENG', 'WBK'],
      geoSubdivisionIds: [6269131, 3333217],
      geoSubdivisionNames: ['England', 'West Berkshire'],
      geoAutonomousSystemNumber: 1239,
      geoAutonomousSystemOrganization: 'Linkem IR WiMax Network',
      geoDomain: 'example.com',
      geoIsp: 'Andrews & Arnold Ltd',
      geoOrganisation: 'STONEHOUSE office network',
      geoAnonymousProxy: true,
      geoSatelliteProvider: false,
    });
  });

  it('header-mapping: the header list and its positions', () => {
    const request = {
      ...event.request,
      headers: { ...event.request.headers, 'x-divolte-test': ['a, b', 'c'] },
    };
    expect(record('header-mapping.groovy', { request })).toMatchObject({
      headerList: ['a', 'b', 'c'],
      headerFirst: 'a',
      headerGet0: 'a',
      headerGet1: 'b',
      headerGet2: 'c',
      headerGet3: null,
      headerGet_4: null,
      headerGet_3: 'a',
      headerGet_2: 'b',
      headerGet_1: 'c',
      headerLast: 'c',
      headers: 'a,b,c',
    });
  });

  it('header-normalization-mapping: empty items dropped, whitespace trimmed', () => {
    const request = {
      ...event.request,
      headers: { ...event.request.headers, 'x-divolte-horrible': [' a ,, b', ',c,'] },
    };
    expect(record('header-normalization-mapping.groovy', { request })).toMatchObject({
      headerList: ['a', 'b', 'c'],
    });
  });

  it.each(['nested-conditional-exit.groovy', 'nested-conditional-exit-closure.groovy'])(
    '%s: exit() leaves the enclosing section only',
    (file) => {
      expect(record(file)).toMatchObject({
        client: 'happened',
        session: null,
        pageview: 'happened',
        event: 'happened',
        customCookie: 'happened',
      });
    },
  );

  it('regex-mapping: matches() and groups by number and by name', () => {
    expect(
      record('regex-mapping.groovy', {
        location: 'http://www.example.com/path/with/42/awesome.html',
      }),
    ).toMatchObject({
      pathBoolean: true,
      client: '42',
      pageview: 'awesome',
    });
    expect(
      record('regex-mapping.groovy', { location: 'http://www.example.com/other' }),
    ).toMatchObject({
      pathBoolean: false,
      client: null,
      pageview: null,
    });
  });

  it('uri-mapping: the parts of java.net.URI, decoded', () => {
    expect(
      record('uri-mapping.groovy', {
        location: 'https://www.example.com:8080/path/to%20x?q=hello+world&p=1&p=2#f',
        referrer: 'http://www.example.com/#a%20b',
      }),
    ).toMatchObject({
      uriScheme: 'https',
      uriPath: '/path/to x',
      uriHost: 'www.example.com',
      uriPort: 8080,
      uriQueryString: 'q=hello+world&p=1&p=2',
      uriQueryStringValue: 'hello world',
      uriQueryStringValues: ['1', '2'],
      uriQuery: { q: ['hello world'], p: ['1', '2'] },
      uriFragment: 'a b',
    });
  });

  it('uri-mapping-raw: the raw parts', () => {
    expect(
      record('uri-mapping-raw.groovy', {
        location: 'http://www.example.com/a%20b/?q=a%20b#frag%20x',
      }),
    ).toMatchObject({
      uriPath: '/a%20b/',
      uriQueryString: 'q=a%20b',
      uriFragment: 'frag%20x',
    });
  });

  it('uri-mapping-fragment: the fragment parsed as a URI of its own', () => {
    expect(
      record('uri-mapping-fragment.groovy', {
        location: 'http://www.example.com/path/#/local/path?q=hello+world',
      }),
    ).toMatchObject({
      uriPath: '/local/path',
      uriQueryString: 'q=hello+world',
      uriQueryStringValue: 'hello world',
    });
  });

  it('when-mapping: conditions with closures, command chains inside them, nesting', () => {
    expect(
      record('when-mapping.groovy', {
        location: 'http://www.example.com/',
        referrer: 'http://www.example.com/somepage.html',
      }),
    ).toMatchObject({
      eventType: 'locationmatch',
      client: 'referermatch',
      queryparam: 'not set',
      event: 'absent',
      pageview: 'present',
    });
  });
});
