// Generated traffic for the differential suite: pixel GETs of every class of input (valid,
// corrupt, duplicate, incomplete, oddly encoded, unicode, …) and JSON-source POSTs. The same
// requests go to both servers; what each makes of them is what the suite compares.
import {
  computeChecksum,
  createIdentifier,
  createPageViewId,
  encodeEventQuery,
  type JsonValue,
  type TrackedEvent,
} from '@tributary/schema/protocol';
import { JSON_EVENT_PATH } from './config';
import type { TeeRequest } from './tee';

/** The parameters Divolte's own event-param test mappings read (`$.foo`, `$.bar`, `$.items`). */
const basket: JsonValue = {
  foo: 'hello',
  bar: 42,
  items: [
    { name: 'apple', count: 3, price: 1.25 },
    { name: 'pear', count: 1, price: 0.5 },
  ],
};

/** A query with a checksum over the given (decoded) values, each value put through `encode`. */
function signedQuery(
  pairs: readonly (readonly [string, string])[],
  encode: (value: string) => string = encodeURIComponent,
): string {
  const x = computeChecksum(pairs).toString(36);
  return [...pairs, ['x', x] as const].map(([k, v]) => `${k}=${encode(v)}`).join('&');
}

function fieldsOf(event: TrackedEvent): [string, string][] {
  return [...new URLSearchParams(encodeEventQuery(event))].filter(([key]) => key !== 'x');
}

/** The event without its location and referrer (a page the tag could not read them from). */
function withoutPlace(event: TrackedEvent): TrackedEvent {
  const { location: _location, referrer: _referrer, ...rest } = event;
  return rest;
}

/** One visitor's base event; each request below varies it. */
function visitor(now: number): () => TrackedEvent {
  const partyId = createIdentifier({ timestamp: now });
  const sessionId = createIdentifier({ timestamp: now });
  let counter = 0;
  return () => {
    const pageViewId = createPageViewId();
    counter += 1;
    return {
      partyId,
      sessionId,
      pageViewId,
      eventId: `${pageViewId}0`,
      clientTimestamp: now + counter,
      newParty: counter === 1,
      firstInSession: counter === 1,
      location: `http://www.example.com/path/with/${counter}/page.html?q=kayak&p=a&p=b#top`,
      referrer: 'http://www.example.com/somepage.html',
      screenWidth: 1920,
      screenHeight: 1080,
      devicePixelRatio: 2,
      viewportWidth: 1280,
      viewportHeight: 720,
      eventType: 'pageView',
    };
  };
}

const pixel = (label: string, query: string, headers?: [string, string][]): TeeRequest => ({
  label: `pixel: ${label}`,
  method: 'GET',
  path: `/csc-event?${query}`,
  headers: headers?.some(([name]) => name.toLowerCase() === 'user-agent')
    ? headers
    : [['user-agent', CHROME_UA], ...(headers ?? [])],
});

/** A current desktop Chrome (ua-parser-js and uadetector classify it differently: documented). */
const CHROME_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
/** A 2014 Firefox, in both user-agent databases. */
const FIREFOX_UA = 'Mozilla/5.0 (Windows NT 6.1; WOW64; rv:32.0) Gecko/20100101 Firefox/32.0';

/** Pixel requests of every class, in the order they are sent. */
export function pixelTraffic(now: number): TeeRequest[] {
  const next = visitor(now);
  const requests: TeeRequest[] = [];
  const valid = next();
  requests.push(pixel('valid page view', encodeEventQuery(valid)));
  requests.push(pixel('duplicate of the page view', encodeEventQuery(valid)));
  requests.push(
    pixel('valid page view, 2014 Firefox', encodeEventQuery(next()), [['user-agent', FIREFOX_UA]]),
  );
  requests.push(
    pixel('two User-Agent headers', encodeEventQuery(next()), [
      ['user-agent', FIREFOX_UA],
      ['user-agent', CHROME_UA],
    ]),
  );
  requests.push(
    pixel(
      'custom event with basket parameters',
      encodeEventQuery({ ...next(), eventType: 'basket', parameters: basket }),
    ),
  );
  requests.push(
    pixel(
      'custom event, parameters of other types',
      encodeEventQuery({
        ...next(),
        eventType: 'mixed',
        parameters: {
          foo: 7,
          bar: 'forty-two',
          items: 'none',
          nested: { deep: [1, [2, [3]]] },
          nothing: null,
        },
      }),
    ),
  );
  requests.push(
    pixel(
      'custom event, parameters not an object',
      encodeEventQuery({ ...next(), eventType: 'list', parameters: [1, 'two', true] }),
    ),
  );
  const withoutParams = fieldsOf({ ...next(), eventType: 'broken' });
  requests.push(
    pixel('custom event, invalid mincode', signedQuery([...withoutParams, ['u', '(sfoo!bar']])),
  );
  const corrupt = encodeEventQuery(next()).replace(/x=[^&]*$/, 'x=abc123');
  requests.push(pixel('corrupt checksum', corrupt));
  requests.push(pixel('checksum missing', encodeEventQuery(next()).replace(/&x=[^&]*$/, '')));
  requests.push(
    pixel('checksum not base 36', encodeEventQuery(next()).replace(/x=[^&]*$/, 'x=%25%25')),
  );
  requests.push(
    pixel('fractional devicePixelRatio', encodeEventQuery({ ...next(), devicePixelRatio: 1.5 })),
  );
  requests.push(
    pixel(
      'sizes not numbers',
      signedQuery(fieldsOf(next()).map(([k, v]) => [k, k === 'w' ? 'wide' : v])),
    ),
  );
  for (const key of ['p', 's', 'v', 'e', 'c', 'n', 'f']) {
    const pairs = fieldsOf(next()).filter(([k]) => k !== key);
    requests.push(pixel(`missing ${key}`, signedQuery(pairs)));
  }
  requests.push(
    pixel(
      'party id not an identifier',
      signedQuery(fieldsOf(next()).map(([k, v]) => [k, k === 'p' ? 'not-an-id' : v])),
    ),
  );
  requests.push(
    pixel(
      'session id not an identifier',
      signedQuery(fieldsOf(next()).map(([k, v]) => [k, k === 's' ? 'nope' : v])),
    ),
  );
  requests.push(
    pixel(
      'client time not base 36',
      signedQuery(fieldsOf(next()).map(([k, v]) => [k, k === 'c' ? 'yesterday' : v])),
    ),
  );
  requests.push(
    pixel(
      'repeated parameters',
      signedQuery([...fieldsOf(next()), ['t', 'second'], ['l', 'http://other.example/']]),
    ),
  );
  requests.push(pixel('no parameters at all', ''));
  requests.push(
    pixel(
      'unicode in the BMP',
      encodeEventQuery({
        ...next(),
        location: 'http://www.example.com/café/日本語?q=naïve#Ünïcödé',
        eventType: 'zoekopdracht',
        parameters: { foo: 'crème brûlée', bar: 'Ωmega', items: [] },
      }),
    ),
  );
  requests.push(
    pixel(
      'unicode outside the BMP (documented: Divolte marks it corrupt)',
      encodeEventQuery({ ...next(), eventType: 'party 🎉', parameters: { foo: '😀' } }),
    ),
  );
  const base = fieldsOf(next()).filter(([k]) => k !== 'l');
  requests.push(
    pixel(
      'plus and %20 in the location',
      signedQuery([...base, ['l', 'http://www.example.com/a b?q=a+b']], (v) =>
        encodeURIComponent(v).replace(/%20/g, '+'),
      ),
    ),
  );
  requests.push(
    pixel('invalid percent escape', `${signedQuery(base)}&l=http%3A%2F%2Fwww.example.com%2F%ZZ`),
  );
  requests.push(pixel('lone percent sign', `${signedQuery(base)}&l=100%`));
  requests.push(pixel('overlong UTF-8', `${signedQuery(base)}&l=http%3A%2F%2Fx%2F%C0%AF`));
  requests.push(
    pixel('lone surrogate in UTF-8', `${signedQuery(base)}&l=http%3A%2F%2Fx%2F%ED%A0%80`),
  );
  requests.push(pixel('raw latin-1 byte', `${signedQuery(base)}&l=http://x/\u00e9`));
  requests.push(
    pixel(
      'location for the regex mapping',
      encodeEventQuery({
        ...next(),
        location: 'http://www.example.com/path/with/42/products.html',
      }),
    ),
  );
  requests.push(
    pixel(
      'location with an odd query string',
      encodeEventQuery({ ...next(), location: 'http://www.example.com/?a=1&b=&c&d=x=y&a=2&%ZZ=1' }),
    ),
  );
  requests.push(
    pixel(
      'location with a route in the fragment',
      encodeEventQuery({
        ...next(),
        location: 'http://www.example.com/app#/orders/7?q=fragment%20query&q=2',
      }),
    ),
  );
  requests.push(
    pixel(
      'location that is no URI',
      encodeEventQuery({ ...next(), location: 'not a uri at all: %%' }),
    ),
  );
  requests.push(pixel('no location or referrer', encodeEventQuery(withoutPlace(next()))));
  requests.push(
    pixel(
      'location equal to the when-mapping one',
      encodeEventQuery({ ...next(), location: 'http://www.example.com/' }),
    ),
  );
  requests.push(
    pixel('custom headers and a cookie', encodeEventQuery(next()), [
      ['X-Divolte-Test', 'first'],
      ['X-Divolte-Test', 'second, with comma'],
      ['x-divolte-test', 'third'],
      ['X-Divolte-Horrible', '  padded  '],
      ['X-Divolte-Horrible', ''],
      ['Cookie', 'custom_cookie=chocolate%20chip; other=1'],
      ['X-Forwarded-For', '203.0.113.7'],
    ]),
  );
  requests.push(
    pixel('revalidation with the sentinel ETag (304, not recorded)', encodeEventQuery(next()), [
      ['If-None-Match', '"6b3edc43-20ec-4078-bc47-e965dd76b88a"'],
    ]),
  );
  requests.push(pixel('no user agent', encodeEventQuery(next()), [['user-agent', '']]));
  requests.push(
    pixel(
      'a long location',
      encodeEventQuery({ ...next(), location: `http://www.example.com/?q=${'x'.repeat(4000)}` }),
    ),
  );
  requests.push({
    label: 'pixel: POST is not allowed',
    method: 'POST',
    path: `/csc-event?${encodeEventQuery(next())}`,
    body: '',
  });
  requests.push({
    label: 'pixel: HEAD',
    method: 'HEAD',
    path: `/csc-event?${encodeEventQuery(next())}`,
  });
  requests.push({ label: 'ping', method: 'GET', path: '/ping' });
  requests.push({ label: 'unknown path', method: 'GET', path: '/no-such-thing' });
  return requests;
}

/** A JSON-source body as Divolte's docs show it. */
function jsonBody(now: number, overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    session_id: createIdentifier({ timestamp: now }),
    event_id: `json-${createPageViewId()}`,
    is_new_party: true,
    is_new_session: false,
    client_timestamp_iso: '2016-08-24T13:29:39.412+02:00',
    event_type: 'jsonEvent',
    parameters: basket,
    ...overrides,
  });
}

/** JSON-source requests of every class, in the order they are sent. */
export function jsonTraffic(now: number): TeeRequest[] {
  const party = createIdentifier({ timestamp: now });
  const post = (
    label: string,
    body: string,
    options: { query?: string; contentType?: string; method?: string } = {},
  ): TeeRequest => ({
    label: `json: ${label}`,
    method: options.method ?? 'POST',
    path: `${JSON_EVENT_PATH}${options.query ?? `?p=${encodeURIComponent(party)}`}`,
    headers: [
      ['content-type', options.contentType ?? 'application/json'],
      ['user-agent', FIREFOX_UA],
    ],
    body,
  });
  return [
    post('valid event', jsonBody(now)),
    post(
      'valid event, no type or parameters',
      jsonBody(now, { event_type: undefined, parameters: undefined }),
    ),
    post(
      'valid event, unicode',
      jsonBody(now, { event_type: 'café 日本', parameters: { foo: 'ü', bar: 1, items: [] } }),
    ),
    post('missing session_id', jsonBody(now, { session_id: undefined })),
    post('session_id not an identifier', jsonBody(now, { session_id: 'nope' })),
    post('is_new_party not a boolean', jsonBody(now, { is_new_party: 'yes' })),
    post('invalid JSON', '{"session_id": '),
    post('not an object', '[1,2,3]'),
    post(
      'charset in the content type (415)',
      jsonBody(now, { parameters: { foo: 'charset', bar: 0, items: [] } }),
      {
        contentType: 'application/json; charset=utf-8',
      },
    ),
    post('text/plain (415)', jsonBody(now), { contentType: 'text/plain' }),
    post('no party parameter (400)', jsonBody(now), { query: '' }),
    post('party not an identifier (400)', jsonBody(now), { query: '?p=nope' }),
    post('empty body (400)', ''),
    post('body over 4096 bytes (413)', jsonBody(now, { parameters: { foo: 'x'.repeat(5000) } })),
    post('GET (405)', '', { method: 'GET' }),
  ];
}

/**
 * Sent last, alone: a JSON timestamp without an offset. Divolte's mapper thread throws on it (and
 * loses whatever else was in flight, which is why it goes last); Tributary reads it as UTC, a
 * documented difference.
 */
export function jsonTimestampWithoutOffset(now: number): TeeRequest {
  return {
    label: 'json: timestamp without an offset (documented: Divolte throws)',
    method: 'POST',
    path: `${JSON_EVENT_PATH}?p=${encodeURIComponent(createIdentifier({ timestamp: now }))}`,
    headers: [['content-type', 'application/json']],
    body: jsonBody(now, {
      client_timestamp_iso: '2016-08-24T13:29:39.412',
      parameters: { foo: 'no-offset', bar: 0, items: [] },
    }),
  };
}
