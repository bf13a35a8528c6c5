import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { trackedEventArbitrary } from '../../test/arbitraries';
import {
  decodeEventQuery,
  encodeEventFields,
  encodeEventQuery,
  type TrackedEvent,
} from './event-query';

const CHECKSUM_BASE =
  'p=0%3Ai1t84hgy%3A5AF359Zjq5kUy98u4wQjlIZzWGhN~GlG&s=0%3Ai1t84hgy%3A95CbiPCYln_1e0a6rFvuRkDkeNnc6KC8' +
  '&v=0%3A1fF6GFGjDOQiEx_OxnTm_tl4BH91eGLF&e=0%3A1fF6GFGjDOQiEx_OxnTm_tl4BH91eGLF0&c=i1t8q2b6&n=f&f=f' +
  '&l=http%3A%2F%2Flocalhost%3A8290%2F&i=1ak&j=sj&k=2&w=uq&h=qd&t=pageView';

const SHORT_BASE =
  'p=0%3Ai1t84hgy%3Aparty&s=0%3Ai1t84hgy%3Asession&v=0%3ApageView&e=0%3AeventId&c=i1t8q2b6&n=f&f=f' +
  '&l=http%3A%2F%2Flocalhost%3A8290%2F&i=1ak&j=sj&k=2&w=uq&h=qd';

// Made by divolte.js's own query and mincode code (0.9.0) for the event below.
const DIVOLTE_JS_QUERY =
  'p=0%3Amfx0c3a1%3AAbCdEfGhIjKlMnOpQrStUvWxYz012345&s=0%3Amfx0c3a1%3AZy9x8W7v6U5t4S3r2Q1p0OnMlKjIhGfE' +
  '&v=0%3Apv~Id_0123456789abcdefghijklmnopq&e=0%3Apv~Id_0123456789abcdefghijklmnopq3&c=mfm3t5kr&n=f&f=t' +
  '&l=https%3A%2F%2Fshop.example%2Fp%2F42%3Futm_source%3Dnews%26q%3Dcaf%C3%A9%23top' +
  '&r=https%3A%2F%2Fwww.google.com%2F&i=140&j=p0&k=1.i&w=zk&h=k0&t=addToCart' +
  '&u=(ssku!SKU-1~!!dqty!2!jprice!19.99!atags!sa~~b!s%C3%BC!.fgift!nnote!)&x=dhhtn7';

const DIVOLTE_JS_EVENT: TrackedEvent = {
  partyId: '0:mfx0c3a1:AbCdEfGhIjKlMnOpQrStUvWxYz012345',
  sessionId: '0:mfx0c3a1:Zy9x8W7v6U5t4S3r2Q1p0OnMlKjIhGfE',
  pageViewId: '0:pv~Id_0123456789abcdefghijklmnopq',
  eventId: '0:pv~Id_0123456789abcdefghijklmnopq3',
  clientTimestamp: 1758000000123,
  newParty: false,
  firstInSession: true,
  location: 'https://shop.example/p/42?utm_source=news&q=café#top',
  referrer: 'https://www.google.com/',
  screenWidth: 1440,
  screenHeight: 900,
  devicePixelRatio: 1.5,
  viewportWidth: 1280,
  viewportHeight: 720,
  eventType: 'addToCart',
  parameters: { sku: 'SKU-1!', qty: 2, price: 19.99, tags: ['a~b', 'ü'], gift: false, note: null },
};

describe('decodeEventQuery', () => {
  it('decodes the RequestChecksumTest request with a good checksum', () => {
    expect(decodeEventQuery(`?${CHECKSUM_BASE}&x=si9804`)).toEqual({
      ok: true,
      value: {
        partyId: '0:i1t84hgy:5AF359Zjq5kUy98u4wQjlIZzWGhN~GlG',
        sessionId: '0:i1t84hgy:95CbiPCYln_1e0a6rFvuRkDkeNnc6KC8',
        pageViewId: '0:1fF6GFGjDOQiEx_OxnTm_tl4BH91eGLF',
        eventId: '0:1fF6GFGjDOQiEx_OxnTm_tl4BH91eGLF0',
        clientTimestamp: Date.parse('2014-10-28T12:38:28.146Z'),
        newParty: false,
        firstInSession: false,
        location: 'http://localhost:8290/',
        screenWidth: 1676,
        screenHeight: 1027,
        devicePixelRatio: 2,
        viewportWidth: 1106,
        viewportHeight: 949,
        eventType: 'pageView',
        corrupt: false,
      },
    });
  });

  it.each([
    ['a wrong checksum', `${CHECKSUM_BASE}&x=si9805`],
    ['a missing checksum', CHECKSUM_BASE],
    ['a partial checksum (&x)', `${CHECKSUM_BASE}&x`],
    ['an empty checksum (&x=)', `${CHECKSUM_BASE}&x=`],
    ['a truncated request', `${CHECKSUM_BASE.slice(0, -4)}&x=si9804`],
    ['a checksum beyond 32 bits', `${CHECKSUM_BASE}&x=${(2 ** 40).toString(36)}`],
  ])('flags %s as corrupt but still decodes it', (_, query) => {
    const decoded = decodeEventQuery(query);
    expect(decoded.ok && decoded.value.corrupt).toBe(true);
  });

  it('checksums non-ASCII values over their UTF-8 bytes (RequestChecksumTest vector)', () => {
    const unicode = `${SHORT_BASE}&t=%E1%BB%A5%C3%B1%E2%9A%95%C2%A9%C2%BA%E1%B8%8C%E2%84%A8&x=-ql2p2c`;
    expect(decodeEventQuery(unicode)).toMatchObject({
      ok: true,
      value: { eventType: 'ụñ⚕©ºḌℨ', corrupt: false },
    });
    const sentinel = decodeEventQuery(`${SHORT_BASE}&t=sentinelEvent&x=-y99lem`);
    expect(sentinel.ok && sentinel.value.corrupt).toBe(false);
  });

  it('decodes a divolte.js query, custom parameters included, as Divolte does', () => {
    expect(decodeEventQuery(DIVOLTE_JS_QUERY)).toEqual({
      ok: true,
      value: { ...DIVOLTE_JS_EVENT, corrupt: false },
    });
  });

  it('accepts URLSearchParams and reads the first of repeated values', () => {
    const params = new URLSearchParams(`${CHECKSUM_BASE}&t=second&x=si9804`);
    const decoded = decodeEventQuery(params);
    expect(decoded.ok && decoded.value.eventType).toBe('pageView');
    // Every value counts for the checksum, so the extra `t` makes it corrupt.
    expect(decoded.ok && decoded.value.corrupt).toBe(true);
  });

  it('leaves out optional numbers that do not parse and parameters that are not mincode', () => {
    const query = encodeEventQuery({ ...DIVOLTE_JS_EVENT, parameters: undefined as never })
      .replace('i=140', 'i=1.5')
      .replace('w=zk', `w=${(2 ** 31).toString(36)}`)
      .replace('&x=', '&u=(broken&x=');
    const decoded = decodeEventQuery(query);
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.value).not.toHaveProperty('screenWidth');
    expect(decoded.value).not.toHaveProperty('viewportWidth');
    expect(decoded.value).not.toHaveProperty('parameters');
    expect(decoded.value.screenHeight).toBe(900);
  });

  it('reports every missing or malformed required parameter', () => {
    const decoded = decodeEventQuery('p=nope&v=x&c=%%%&n=t');
    expect(decoded.ok).toBe(false);
    if (decoded.ok) return;
    expect(decoded.issues.map((issue) => `${issue.code}:${issue.path.join('.')}`)).toEqual([
      'invalid_identifier:p',
      'missing_parameter:s',
      'missing_parameter:e',
      'invalid_number:c',
      'missing_parameter:f',
    ]);
  });

  it('returns an issue instead of throwing for input of the wrong kind', () => {
    for (const input of [
      null,
      undefined,
      42,
      {},
      [1, 2],
      [['p']],
      {
        [Symbol.iterator]: () => {
          throw new Error('x');
        },
      },
    ]) {
      const decoded = decodeEventQuery(input as never);
      expect(decoded.ok).toBe(false);
      expect(!decoded.ok && decoded.issues[0]?.code).toBe('invalid_input');
    }
  });

  it('never throws on arbitrary strings, parameter lists or percent escapes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(typeof decodeEventQuery(text).ok).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
    const key = fc.constantFrom(...'psvecnflrijkwhtux');
    const value = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.constantFrom('%', '%e', '%E1%BB', '%ZZ', '%C3%28', '+'),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(key, value), { maxLength: 20 }), (pairs) => {
        const query = pairs.map(([k, v]) => `${k}=${v}`).join('&');
        expect(typeof decodeEventQuery(query).ok).toBe('boolean');
        expect(typeof decodeEventQuery(pairs).ok).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
  });
});

describe('encodeEventQuery', () => {
  it('writes exactly the query divolte.js writes for the same event', () => {
    expect(encodeEventQuery(DIVOLTE_JS_EVENT)).toBe(DIVOLTE_JS_QUERY);
  });

  it('matches the RequestChecksumTest checksum', () => {
    const decoded = decodeEventQuery(`${CHECKSUM_BASE}&x=si9804`);
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    const { corrupt: _corrupt, ...event } = decoded.value;
    expect(encodeEventQuery(event)).toBe(`${CHECKSUM_BASE}&x=si9804`);
  });

  it('takes the same fields as a tuple (encodeEventFields), leaving out absent ones', () => {
    const e = DIVOLTE_JS_EVENT;
    const fields = [e.partyId, e.sessionId, e.pageViewId, e.eventId, e.clientTimestamp] as const;
    expect(
      encodeEventFields([
        ...fields,
        e.newParty,
        e.firstInSession,
        e.location,
        e.referrer,
        e.screenWidth,
        e.screenHeight,
        e.devicePixelRatio,
        e.viewportWidth,
        e.viewportHeight,
        e.eventType,
        e.parameters,
      ]),
    ).toBe(DIVOLTE_JS_QUERY);
    const short = encodeEventFields([...fields, true, false, '', '', NaN, undefined, Infinity]);
    expect(short).toMatch(/^p=.*&c=mfm3t5kr&n=t&f=f&l=&x=-?[0-9a-z]+$/);
    expect(decodeEventQuery(short)).toMatchObject({
      ok: true,
      value: { location: '', corrupt: false },
    });
  });

  it('sends lone surrogates as U+FFFD instead of throwing', () => {
    const query = encodeEventQuery({ ...DIVOLTE_JS_EVENT, eventType: 'a\ud800b' });
    const decoded = decodeEventQuery(query);
    expect(decoded.ok && decoded.value).toMatchObject({ eventType: 'a\ufffdb', corrupt: false });
  });

  const trackedEvent = trackedEventArbitrary();

  it('round-trips any event through decodeEventQuery, with a good checksum', () => {
    fc.assert(
      fc.property(trackedEvent, (event) => {
        expect(decodeEventQuery(encodeEventQuery(event))).toEqual({
          ok: true,
          value: { ...event, corrupt: false },
        });
      }),
      { numRuns: 1000 },
    );
  });
});
