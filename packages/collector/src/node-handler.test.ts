import fc from 'fast-check';
import { connect } from 'node:net';
import { gunzipSync } from 'node:zlib';
import {
  SENTINEL_ETAG,
  TRANSPARENT_GIF_HEX,
  encodeEventBatch,
  encodeEventQuery,
} from '@tributary/schema/protocol';
import { clickEventSchema, type ClickEvent } from '@tributary/schema';
import { afterEach, describe, expect, it } from 'vitest';
import { createCollector } from './index';
import {
  pixelUrl,
  rawRequest,
  startNode,
  trackedEvent,
  until,
  closeStarted,
  track,
  startCollector,
} from '../test/http';

afterEach(closeStarted);

const start = startCollector;

// RequestChecksumTest's query (reference §1.8): x=si9804 is right, si9805 is corrupt.
const DIVOLTE_QUERY =
  'p=0%3Ai1t84hgy%3A5AF359Zjq5kUy98u4wQjlIZzWGhN~GlG&s=0%3Ai1t84hgy%3A95CbiPCYln_1e0a6rFvuRkDkeNnc6KC8&v=0%3A1fF6GFGjDOQiEx_OxnTm_tl4BH91eGLF&e=0%3A1fF6GFGjDOQiEx_OxnTm_tl4BH91eGLF0&c=i1t8q2b6&n=f&f=f&l=http%3A%2F%2Flocalhost%3A8290%2F&i=1ak&j=sj&k=2&w=uq&h=qd&t=pageView';

describe('pixel GET over node:http', () => {
  it('answers the 37-byte GIF with Divolte headers and hands over every field', async () => {
    const { collector, events, url } = await start();
    const sent = trackedEvent();
    const response = await fetch(pixelUrl(url, sent), {
      headers: {
        'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0',
        cookie: 'a=1; b=x%20y',
        dnt: '1',
      },
    });
    const body = new Uint8Array(await response.arrayBuffer());
    expect(response.status).toBe(200);
    expect(Buffer.from(body).toString('hex')).toBe(TRANSPARENT_GIF_HEX);
    expect(body.length).toBe(37);
    expect(response.headers.get('content-type')).toBe('image/gif');
    expect(response.headers.get('etag')).toBe(SENTINEL_ETAG);
    expect(response.headers.get('cache-control')).toBe('private, no-cache, proxy-revalidate');
    expect(response.headers.get('pragma')).toBe('no-cache');
    expect(response.headers.get('expires')).toBe('Fri, 14 Apr 1995 11:30:00 GMT');
    await until(() => events.length === 1);
    const event = events[0]!;
    expect(clickEventSchema.parse(event)).toEqual(event);
    expect(event).toMatchObject({
      source: 'browser',
      partyId: sent.partyId,
      sessionId: sent.sessionId,
      pageViewId: sent.pageViewId,
      eventId: sent.eventId,
      clientTimestamp: sent.clientTimestamp,
      newParty: false,
      firstInSession: true,
      location: sent.location,
      referrer: sent.referrer,
      viewportWidth: 1130,
      viewportHeight: 965,
      screenWidth: 1680,
      screenHeight: 1050,
      devicePixelRatio: 1.5,
      eventType: 'addToCart',
      parameters: sent.parameters,
      corrupt: false,
      duplicate: false,
      isBot: false,
      doNotTrack: true,
      globalPrivacyControl: false,
    });
    expect(event.request.remoteAddress).toBe('127.0.0.1');
    expect(event.request.cookies).toEqual({ a: '1', b: 'x y' });
    expect(event.request.userAgent).toContain('Chrome/120.0');
    expect(event.request.headers.dnt).toEqual(['1']);
    expect(collector.metrics()).toMatchObject({
      requests: 1,
      received: 1,
      accepted: 1,
      consumed: 1,
    });
  });

  it('reads every value of repeated headers, also those node:http keeps only the first of', async () => {
    const { events, url } = await start();
    const target = new URL(pixelUrl(url, trackedEvent()));
    await rawRequest(
      url,
      `GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: x\r\n` +
        'User-Agent: Mozilla/5.0 A\r\nuser-agent: Googlebot/2.1\r\n' +
        'Cookie: a=1\r\nCookie: b=2; a=3\r\nDNT: 1\r\nDNT: 1\r\n' +
        'Connection: close\r\n\r\n',
    );
    await until(() => events.length === 1);
    const { request, isBot, doNotTrack } = events[0]!;
    // The first is the event's user agent (a singleton field, as Divolte reads it); a bot hiding
    // behind a browser's agent in a second header is still seen.
    expect(request.userAgent).toBe('Mozilla/5.0 A');
    expect(isBot).toBe(true);
    expect(request.cookies).toEqual({ a: '1', b: '2' });
    expect(doNotTrack).toBe(false);
    expect(request.headers['user-agent']).toEqual(['Mozilla/5.0 A', 'Googlebot/2.1']);
    expect(request.headers.dnt).toEqual(['1', '1']);
  });

  it('hands over the same headers as IncomingMessage.headersDistinct, hostile names included', async () => {
    const events: ClickEvent[] = [];
    const collector = createCollector({
      onEvent: (event) => {
        events.push(event);
      },
      duplicateMemorySize: 64,
    });
    let distinct: Record<string, string[]> = {};
    const server = await startNode((request, response) => {
      distinct = { ...request.headersDistinct } as Record<string, string[]>;
      collector.node(request, response);
    });
    track(server);
    const target = new URL(pixelUrl(server.url, trackedEvent()));
    const name = fc.constantFrom(
      'X-A',
      'x-a',
      'User-Agent',
      'Cookie',
      '__proto__',
      'constructor',
      'toString',
      'hasOwnProperty',
      'X-Forwarded-For',
    );
    const value = fc.stringMatching(/^[a-z0-9 ,;=]{0,8}$/);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(name, value), { maxLength: 8 }), async (fields) => {
        events.length = 0;
        const lines = fields.map(([field, text]) => `${field}: ${text}\r\n`).join('');
        await rawRequest(
          server.url,
          `GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: x\r\n${lines}Connection: close\r\n\r\n`,
        );
        await until(() => events.length === 1);
        const headers = events[0]!.request.headers;
        expect(Object.entries(headers)).toEqual(Object.entries(distinct));
        expect(Object.getPrototypeOf(headers)).toBe(Object.prototype);
      }),
      { numRuns: 40 },
    );
  });

  it('lower-cases header names once its cache of names is full', async () => {
    const { events, url } = await start();
    const target = new URL(pixelUrl(url, trackedEvent()));
    // More distinct spellings than the adapter remembers (256), then names it has not seen.
    const many = Array.from({ length: 300 }, (_, i) => `X-Filler-${i}: ${i}\r\n`).join('');
    for (const lines of [many, 'X-Late-NAME: 1\r\nx-late-name: 2\r\nCookie: a=1\r\n']) {
      await rawRequest(
        url,
        `GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: x\r\n${lines}Connection: close\r\n\r\n`,
      );
    }
    await until(() => events.length === 2);
    expect(events[0]!.request.headers['x-filler-299']).toEqual(['299']);
    expect(Object.keys(events[0]!.request.headers)).toHaveLength(302);
    expect(events[1]!.request.headers['x-late-name']).toEqual(['1', '2']);
    expect(events[1]!.request.cookies).toEqual({ a: '1' });
  });

  it('flags the reference checksum vectors: si9804 good, si9805 and a missing x corrupt', async () => {
    const { collector, events, url } = await start();
    for (const x of ['&x=si9804', '&x=si9805', '', '&x', '&x=']) {
      const response = await fetch(`${url}/csc-event?${DIVOLTE_QUERY}${x}`);
      expect(response.status).toBe(200);
    }
    await until(() => events.length === 5);
    expect(events.map((event) => event.corrupt)).toEqual([false, true, true, true, true]);
    // The same party/session/event ids: every request after the first is a duplicate.
    expect(events.map((event) => event.duplicate)).toEqual([false, true, true, true, true]);
    expect(collector.metrics()).toMatchObject({ corrupt: 4, duplicate: 4 });
  });

  it('answers the sentinel ETag with 304 and does not record the event', async () => {
    const { collector, events, url } = await start();
    const response = await fetch(pixelUrl(url, trackedEvent()), {
      headers: { 'if-none-match': SENTINEL_ETAG },
    });
    expect(response.status).toBe(304);
    expect(response.headers.get('etag')).toBe(SENTINEL_ETAG);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(events).toEqual([]);
    expect(collector.metrics()).toMatchObject({ notModified: 1, received: 0, accepted: 0 });
  });

  it('reads If-None-Match in any case before the answer, and only its first header, as Undertow does', async () => {
    const { collector, events, url } = await start();
    const target = new URL(pixelUrl(url, trackedEvent()));
    const head = `GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: x\r\n`;
    const revalidated = await rawRequest(
      url,
      `${head}IF-NONE-MATCH: ${SENTINEL_ETAG}\r\nConnection: close\r\n\r\n`,
    );
    expect(revalidated).toMatch(/^HTTP\/1\.1 304 /);
    // Undertow's getFirst: the sentinel in a second If-None-Match header is not seen.
    const second = await rawRequest(
      url,
      `${head}If-None-Match: "other"\r\nif-none-match: ${SENTINEL_ETAG}\r\nConnection: close\r\n\r\n`,
    );
    expect(second).toMatch(/^HTTP\/1\.1 200 /);
    await until(() => events.length === 1);
    expect(events[0]!.request.headers['if-none-match']).toEqual(['"other"', SENTINEL_ETAG]);
    expect(collector.metrics()).toMatchObject({ notModified: 1, received: 1 });
  });

  // Undertow's ETagUtils.parseETagList and handleIfNoneMatch(allowWeak = true), case by case.
  const SENTINEL = SENTINEL_ETAG.slice(1, -1);
  it.each([
    { value: `W/"${SENTINEL}"`, status: 304, why: 'a weak tag matches' },
    { value: `"a", "${SENTINEL}"`, status: 304, why: 'a list containing the sentinel' },
    { value: `"a",W/"${SENTINEL}" , "b"`, status: 304, why: 'a weak sentinel inside a list' },
    { value: `" ${SENTINEL} "`, status: 304, why: 'the quoted text is trimmed' },
    { value: `"${SENTINEL}`, status: 304, why: 'an unterminated last tag runs to the end' },
    {
      value: `x${SENTINEL}"${SENTINEL}"`,
      status: 304,
      why: 'characters outside quotes are skipped',
    },
    { value: '"*"', status: 304, why: 'a quoted star matches anything' },
    { value: '*', status: 200, why: 'a bare star is skipped' },
    { value: SENTINEL, status: 200, why: 'an unquoted sentinel is skipped' },
    { value: `Wx, "${SENTINEL}"`, status: 200, why: 'a W without / ends the reading' },
    { value: `"${SENTINEL}x"`, status: 200, why: 'another tag' },
    { value: '"a", W/"b"', status: 200, why: 'a list without the sentinel' },
  ])('If-None-Match: $value -> $status ($why)', async ({ value, status }) => {
    const { collector, events, url } = await start();
    const response = await fetch(pixelUrl(url, trackedEvent()), {
      headers: { 'if-none-match': value },
    });
    expect(response.status).toBe(status);
    expect(response.headers.get('etag')).toBe(SENTINEL_ETAG);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    if (status === 200) await until(() => events.length === 1);
    expect(collector.metrics()).toMatchObject(
      status === 304 ? { notModified: 1, received: 0 } : { notModified: 0, received: 1 },
    );
  });

  it('rejects bad events, wrong methods, unknown paths and oversized targets with counted 4xx', async () => {
    const { collector, url } = await start({ limits: { urlLength: 4000, headerBytes: 2000 } });
    const bad = await fetch(`${url}/csc-event?p=nope&s=0:1:a&v=v&e=e&c=1&n=f&f=f`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ reason: 'invalid_event' });
    const post = await fetch(pixelUrl(url, trackedEvent()), { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET');
    expect((await fetch(`${url}/elsewhere`)).status).toBe(404);
    expect((await fetch(`${url}/csc-event?${'a'.repeat(5000)}`)).status).toBe(414);
    const headers = await fetch(pixelUrl(url, trackedEvent()), {
      headers: { 'x-big': 'b'.repeat(3000) },
    });
    expect(headers.status).toBe(431);
    expect(collector.metrics().rejected).toMatchObject({
      invalid_event: 1,
      method_not_allowed: 1,
      not_found: 1,
      url_too_long: 1,
      headers_too_large: 1,
    });
    expect(collector.metrics().responses).toEqual({ 400: 1, 405: 1, 404: 1, 414: 1, 431: 1 });
  });

  it('answers 200 when the ids pass, as Divolte does before decoding, and counts a bad rest', async () => {
    const { collector, events, url } = await start();
    // Good ids, no client timestamp: Divolte has answered before it finds out.
    const late = await fetch(`${url}/csc-event?p=0:1:a&s=0:1:b&v=v&e=e&n=f&f=f`);
    expect(late.status).toBe(200);
    // A bad party id is known before the answer: 400 with the reason.
    const early = await fetch(`${url}/csc-event?p=0:1:a:x&s=0:1:b&v=v&e=e&n=f&f=f`);
    expect(early.status).toBe(400);
    expect(events).toEqual([]);
    expect(collector.metrics()).toMatchObject({ received: 2, invalid: 2, accepted: 0 });
    expect(collector.metrics().responses).toEqual({ 200: 1, 400: 1 });
  });

  it('flags bots with isbot, exposes Sec-GPC, and drops them when configured', async () => {
    const { collector, events, url } = await start({ dropGlobalPrivacyControl: true });
    await fetch(pixelUrl(url, trackedEvent()), {
      headers: { 'user-agent': 'Googlebot/2.1 (+http://www.google.com/bot.html)' },
    });
    await fetch(pixelUrl(url, trackedEvent()), {
      headers: { 'sec-gpc': '1', 'user-agent': 'Mozilla/5.0 Firefox/128.0' },
    });
    await until(() => events.length === 1);
    expect(events[0]!.isBot).toBe(true);
    expect(collector.metrics()).toMatchObject({
      bot: 1,
      accepted: 1,
      dropped: { global_privacy_control: 1 },
    });
    const dropping = await start({ dropBots: true });
    const response = await fetch(pixelUrl(dropping.url, trackedEvent()), {
      headers: { 'user-agent': 'curl/8.5.0' },
    });
    expect(response.status).toBe(200);
    expect(dropping.collector.metrics()).toMatchObject({
      bot: 1,
      accepted: 0,
      dropped: { bot: 1 },
    });
  });

  it('takes the client from X-Forwarded-For behind trusted proxies and anonymises it', async () => {
    const { events, url } = await start({ trustedProxies: 1, anonymiseIp: true });
    await fetch(pixelUrl(url, trackedEvent()), {
      headers: { 'x-forwarded-for': '127.0.0.1, 192.168.13.23', 'x-real-ip': '192.168.13.23' },
    });
    await until(() => events.length === 1);
    expect(events[0]!.request.remoteAddress).toBe('192.168.13.0');
    expect(events[0]!.request.headers['x-forwarded-for']).toEqual(['127.0.0.0, 192.168.13.0']);
    expect(events[0]!.request.headers['x-real-ip']).toEqual(['192.168.13.0']);
  });

  it('drops pixel events when the queue is full and counts them, answering 503 when told to', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { collector, url } = await start({ onEvent: () => gate, maxQueuedEvents: 2 });
    for (let i = 0; i < 4; i++)
      expect((await fetch(pixelUrl(url, trackedEvent()))).status).toBe(200);
    expect(collector.metrics()).toMatchObject({
      accepted: 2,
      queueDepth: 2,
      dropped: { queue_full: 2 },
    });
    const strict = await start({
      onEvent: () => gate,
      maxQueuedEvents: 1,
      queueFull: { pixel: 'reject' },
    });
    expect((await fetch(pixelUrl(strict.url, trackedEvent()))).status).toBe(200);
    const refused = await fetch(pixelUrl(strict.url, trackedEvent()));
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    release();
    await collector.close();
    await strict.collector.close();
    expect(collector.metrics().queueDepth).toBe(0);
  });
});

describe('batch POST over node:http', () => {
  it('accepts a text/plain batch, answers 204 with CORS, and keeps per-line verdicts', async () => {
    const { collector, events, url } = await start();
    const first = trackedEvent();
    const body = encodeEventBatch([
      encodeEventQuery(first),
      encodeEventQuery(trackedEvent()),
      encodeEventQuery(first),
    ]);
    const response = await fetch(`${url}/csc-batch`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://shop.example' },
      body,
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    await until(() => events.length === 3);
    expect(events.map((event) => event.duplicate)).toEqual([false, false, true]);
    expect(collector.metrics()).toMatchObject({ received: 3, accepted: 3, duplicate: 1 });
  });

  it('reports invalid lines, rejects bad bodies, origins and media types with counted reasons', async () => {
    const { collector, url } = await start({
      cors: { origins: ['https://shop.example'] },
      limits: { batchBodyBytes: 2000 },
    });
    const post = (body: string, headers: Record<string, string> = {}) =>
      fetch(`${url}/csc-batch`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', ...headers },
        body,
      });
    const mixed = await post(encodeEventBatch([encodeEventQuery(trackedEvent()), 'p=broken']), {
      origin: 'https://shop.example',
    });
    expect(mixed.status).toBe(200);
    expect(mixed.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(mixed.headers.get('access-control-allow-credentials')).toBe('true');
    expect(await mixed.json()).toMatchObject({ accepted: 1, invalid: 1 });
    expect((await post(encodeEventBatch(['p=broken']))).status).toBe(400);
    expect((await post('not a batch')).status).toBe(400);
    expect((await post('')).status).toBe(400);
    expect((await post('x'.repeat(3000))).status).toBe(413);
    expect(
      (
        await post(encodeEventBatch([encodeEventQuery(trackedEvent())]), {
          origin: 'https://evil.example',
        })
      ).status,
    ).toBe(403);
    expect((await post('x', { 'content-type': 'application/json' })).status).toBe(415);
    expect((await fetch(`${url}/csc-batch`)).status).toBe(405);
    const preflight = await fetch(`${url}/csc-batch`, {
      method: 'OPTIONS',
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toBe('POST');
    expect(collector.metrics().rejected).toMatchObject({
      invalid_event: 1,
      invalid_batch: 1,
      empty_body: 1,
      body_too_large: 1,
      origin_not_allowed: 1,
      unsupported_media_type: 1,
      method_not_allowed: 1,
    });
    expect(collector.metrics()).toMatchObject({ received: 3, accepted: 1, invalid: 2 });
  });

  it('answers 503 with Retry-After when the batch does not fit the queue, accepting none of it', async () => {
    const { collector, url } = await start({
      onEvent: () => new Promise(() => undefined),
      maxQueuedEvents: 2,
    });
    const body = encodeEventBatch([1, 2, 3].map(() => encodeEventQuery(trackedEvent())));
    const response = await fetch(`${url}/csc-batch`, { method: 'POST', body });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(collector.metrics()).toMatchObject({
      accepted: 0,
      dropped: { queue_full: 3 },
      rejected: { queue_full: 1 },
    });
  });
});

describe('JSON source over node:http (reference §6.2)', () => {
  const party = '0:is8tiwk4:GKv5gCc5TtrvBTs9bXfVD8KIQ3oO~sEg';
  const event = {
    session_id: '0:is8tiwk4:XLEUVj9hA6AXRUOp2zuIdUpaeFOC~7AU',
    event_id: 'AruZ~Em0WNlAnbyzVmwM~GR0cMb6Xl9r',
    is_new_party: true,
    is_new_session: true,
    client_timestamp_iso: '2016-08-24T13:29:39.412+02:00',
    event_type: 'screenView',
    parameters: { screen: 'home' },
  };

  it('answers 204 and hands the event over; a timestamp without offset is UTC', async () => {
    const { events, url } = await start();
    const post = (body: unknown) =>
      fetch(`${url}/json-event?p=${encodeURIComponent(party)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await post(event)).status).toBe(204);
    expect(
      (await post({ ...event, event_id: 'other', client_timestamp_iso: '2016-08-24T11:29:39.412' }))
        .status,
    ).toBe(204);
    await until(() => events.length === 2);
    expect(events[0]).toMatchObject({
      source: 'json',
      partyId: party,
      sessionId: event.session_id,
      eventId: event.event_id,
      newParty: true,
      firstInSession: true,
      clientTimestamp: Date.UTC(2016, 7, 24, 11, 29, 39, 412),
      eventType: 'screenView',
      parameters: { screen: 'home' },
      corrupt: false,
    });
    expect(events[1]!.clientTimestamp).toBe(events[0]!.clientTimestamp);
    // An app's HTTP library is not a bot (fetch here sends `node`, which isbot flags).
    expect(events.map((received) => received.isBot)).toEqual([false, false]);
  });

  it('classifies JSON events by user agent only when asked to', async () => {
    const { events, url } = await start({ detectBotsOnJson: true, dropBots: true });
    const response = await fetch(`${url}/json-event?p=${encodeURIComponent(party)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'okhttp/4.12.0' },
      body: JSON.stringify(event),
    });
    expect(response.status).toBe(204);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(events).toEqual([]);
  });

  it('gives 400, 405, 413 and 415 with reasons, Divolte’s cases', async () => {
    const { collector, url } = await start();
    const post = (
      body: string,
      query = `?p=${encodeURIComponent(party)}`,
      type = 'application/json',
    ) =>
      fetch(`${url}/json-event${query}`, {
        method: 'POST',
        headers: { 'content-type': type },
        body,
      });
    expect((await post(JSON.stringify(event), '')).status).toBe(400);
    expect((await post(JSON.stringify(event), '?p=garbage')).status).toBe(400);
    expect((await post('')).status).toBe(400);
    expect((await post('{not json')).status).toBe(400);
    expect((await post(JSON.stringify({ ...event, session_id: 'x' }))).status).toBe(400);
    expect((await post('x'.repeat(5000))).status).toBe(413);
    expect((await post(JSON.stringify(event), undefined, 'text/plain')).status).toBe(415);
    expect(
      (await post(JSON.stringify(event), undefined, 'application/json; charset=latin1')).status,
    ).toBe(415);
    expect(
      (await post(JSON.stringify(event), undefined, 'application/json; charset=utf-8')).status,
    ).toBe(204);
    expect((await fetch(`${url}/json-event?p=${party}`)).status).toBe(405);
    expect(collector.metrics().rejected).toMatchObject({
      invalid_party_id: 2,
      empty_body: 1,
      invalid_json: 2,
      body_too_large: 1,
      unsupported_media_type: 2,
      method_not_allowed: 1,
    });
  });

  it('answers a body cut short of Content-Length with 400, and a declared oversize body early with 413', async () => {
    const { collector, url } = await start();
    const head = (length: number) =>
      `POST /json-event?p=${encodeURIComponent(party)} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;
    // Node's HTTP parser answers a peer that ends mid-body itself, before the handler can; the
    // core's content_length_mismatch is proven through the fetch adapter.
    const short = await rawRequest(url, head(100) + '{"a":1}');
    expect(short.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
    const early = await rawRequest(url, head(1_000_000), false);
    expect(early.split('\r\n')[0]).toBe('HTTP/1.1 413 Payload Too Large');
    expect(collector.metrics().rejected).toMatchObject({ body_too_large: 1 });
    expect(collector.metrics().accepted).toBe(0);
  });
});

describe('Expect: 100-continue on the JSON source', () => {
  it('lets the client send the body after 100 Continue and answers 204', async () => {
    const { events, url } = await start();
    const { port } = new URL(url);
    const body = JSON.stringify({
      session_id: '0:is8tiwk4:XLEUVj9hA6AXRUOp2zuIdUpaeFOC~7AU',
      event_id: 'continued',
      is_new_party: false,
      is_new_session: false,
      client_timestamp_iso: '2016-08-24T13:29:39.412Z',
    });
    const transcript = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1');
      let received = '';
      socket.setEncoding('latin1');
      socket.on('error', reject);
      socket.on('data', (chunk: string) => {
        received += chunk;
        if (received.startsWith('HTTP/1.1 100 Continue\r\n\r\n') && !received.includes('204')) {
          if (received.length === 'HTTP/1.1 100 Continue\r\n\r\n'.length) socket.write(body);
        }
        if (received.includes('HTTP/1.1 204')) socket.end();
      });
      socket.on('close', () => {
        resolve(received);
      });
      socket.write(
        `POST /json-event?p=0:is8tiwk4:GKv5gCc5TtrvBTs9bXfVD8KIQ3oO~sEg HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\n\r\n`,
      );
    });
    expect(transcript).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 204 No Content/);
    await until(() => events.length === 1);
    expect(events[0]!.eventId).toBe('continued');
  });
});

describe('ping and script over node:http', () => {
  it('answers pong, then 503 while closing', async () => {
    const { collector, url } = await start();
    const pong = await fetch(`${url}/ping`);
    expect([pong.status, await pong.text()]).toEqual([200, 'pong']);
    const closing = collector.close();
    expect((await fetch(`${url}/ping`)).status).toBe(503);
    const refused = await fetch(pixelUrl(url, trackedEvent()));
    expect(refused.status).toBe(503);
    await closing;
    expect(collector.metrics().rejected.closing).toBe(2);
  });

  it('serves the script from bytes with gzip, ETag, 304 and cache headers, under a prefix', async () => {
    const source = `/* tracker */ ${'window.tributary = 1;\n'.repeat(200)}`;
    const { url } = await start({
      prefix: '/t',
      script: { source, maxAge: 600 },
      paths: { script: 'divolte.js' },
    });
    const plain = await fetch(`${url}/t/divolte.js`, {
      headers: { 'accept-encoding': 'identity' },
    });
    expect(plain.status).toBe(200);
    expect(await plain.text()).toBe(source);
    expect(plain.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(plain.headers.get('cache-control')).toBe('public, max-age=600');
    expect(plain.headers.get('vary')).toBe('Accept-Encoding');
    const etag = plain.headers.get('etag')!;
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    const zipped = await rawRequest(
      url,
      'GET /t/divolte.js HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip, br\r\nConnection: close\r\n\r\n',
      false,
    );
    const split = zipped.indexOf('\r\n\r\n');
    expect(zipped.slice(0, split)).toMatch(/content-encoding: gzip/i);
    const gzipped = Buffer.from(zipped.slice(split + 4), 'latin1');
    expect(gzipped.length).toBeLessThan(source.length / 4);
    expect(gunzipSync(gzipped).toString()).toBe(source);
    const revalidated = await fetch(`${url}/t/divolte.js`, {
      headers: { 'accept-encoding': 'identity', 'if-none-match': etag },
    });
    expect(revalidated.status).toBe(304);
    expect((await fetch(`${url}/t/divolte.js`, { method: 'POST' })).status).toBe(405);
    expect((await fetch(`${url}/t/csc-event?${DIVOLTE_QUERY}&x=si9804`)).status).toBe(200);
    expect((await fetch(`${url}/csc-event?${DIVOLTE_QUERY}&x=si9804`)).status).toBe(404);
  });
});

describe('back-pressure and the duplicate memory', () => {
  it('does not remember a batch refused with 503, so its retry is not a duplicate', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const events: ClickEvent[] = [];
    const collector = createCollector({
      duplicateMemorySize: 1024,
      maxQueuedEvents: 2,
      onEvent: async (event) => {
        await gate;
        events.push(event);
      },
    });
    const server = await startNode(collector.node);
    track(server);
    const post = (queries: string[]) =>
      fetch(`${server.url}/csc-batch`, { method: 'POST', body: encodeEventBatch(queries) });
    const first = [encodeEventQuery(trackedEvent()), encodeEventQuery(trackedEvent())];
    const retried = [encodeEventQuery(trackedEvent())];
    expect((await post(first)).status).toBe(204);
    expect((await post(retried)).status).toBe(503);
    release();
    await until(() => events.length === 2);
    expect((await post(retried)).status).toBe(204);
    await collector.close();
    expect(events.map((event) => event.duplicate)).toEqual([false, false, false]);
  });
});
