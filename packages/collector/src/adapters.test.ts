import { createServer, type IncomingMessage } from 'node:http';
import { encodeEventBatch, encodeEventQuery } from '@tributary/schema/protocol';
import type { ClickEvent } from '@tributary/schema';
import express from 'express';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createCollector } from './index';
import { listen, pixelUrl, trackedEvent, until, closeStarted, track } from '../test/http';

afterEach(closeStarted);

function collect(prefix = '/') {
  const events: ClickEvent[] = [];
  const collector = createCollector({
    prefix,
    duplicateMemorySize: 1024,
    onEvent: (event) => {
      events.push(event);
    },
  });
  return { collector, events };
}

/** The same conversation against any adapter: pixel, batch, JSON, ping, a 404 and a 405. */
async function converse(base: string, events: ClickEvent[]): Promise<void> {
  const pixel = await fetch(pixelUrl(base, trackedEvent(), '/collect/csc-event'));
  expect(pixel.status).toBe(200);
  expect(pixel.headers.get('content-type')).toBe('image/gif');
  const batch = await fetch(`${base}/collect/csc-batch`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain;charset=UTF-8' },
    body: encodeEventBatch([encodeEventQuery(trackedEvent()), encodeEventQuery(trackedEvent())]),
  });
  expect(batch.status).toBe(204);
  const json = await fetch(
    `${base}/collect/json-event?p=0:is8tiwk4:GKv5gCc5TtrvBTs9bXfVD8KIQ3oO~sEg`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        session_id: '0:is8tiwk4:XLEUVj9hA6AXRUOp2zuIdUpaeFOC~7AU',
        event_id: 'e1',
        is_new_party: false,
        is_new_session: false,
        client_timestamp_iso: '2016-08-24T13:29:39.412Z',
      }),
    },
  );
  expect(json.status).toBe(204);
  const ping = await fetch(`${base}/collect/ping`);
  expect(await ping.text()).toBe('pong');
  expect((await fetch(`${base}/collect/csc-event`, { method: 'DELETE' })).status).toBe(405);
  await until(() => events.length === 4);
  expect(events.map((event) => event.source)).toEqual(['browser', 'browser', 'browser', 'json']);
  expect(events[0]!.request.remoteAddress).toMatch(/127\.0\.0\.1$/);
}

describe('adapters over real HTTP', () => {
  it('node:http', async () => {
    const { collector, events } = collect('/collect');
    const server = await listen(createServer(collector.node));
    track(server);
    await converse(server.url, events);
    expect((await fetch(`${server.url}/other`)).status).toBe(404);
  });

  it('Express middleware: passes other paths on, even behind a body parser', async () => {
    const { collector, events } = collect('/collect');
    const app = express();
    app.use(express.json());
    app.use(express.text());
    app.use(collector.node);
    app.get('/app', (_request, response) => {
      response.send('app');
    });
    const server = await listen(createServer(app));
    track(server);
    await converse(server.url, events);
    expect(await (await fetch(`${server.url}/app`)).text()).toBe('app');
  });

  it('Express behind express.json(): a body the parser fails on gets the collector’s answer, counted', async () => {
    const { collector, events } = collect('/collect');
    const app = express();
    app.use(express.json({ limit: 2048 }));
    app.use(express.text());
    app.use(collector.node);
    app.post('/api/orders', (_request, response) => {
      response.status(201).end();
    });
    app.use(collector.nodeErrors);
    const server = await listen(createServer(app));
    track(server);
    const party = '0:is8tiwk4:GKv5gCc5TtrvBTs9bXfVD8KIQ3oO~sEg';
    const post = (path: string, body: string) =>
      fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
    // Malformed JSON: the collector's JSON reason, not Express's HTML page.
    const malformed = await post(`/collect/json-event?p=${party}`, '{"session_id": <oops>');
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(malformed.headers.get('x-content-type-options')).toBe('nosniff');
    const reason = (await malformed.json()) as { reason: string; message: string };
    expect(reason.reason).toBe('invalid_json');
    expect(reason.message).not.toContain('oops');
    // Past the parser's own limit: the collector's 413.
    const large = await post(`/collect/json-event?p=${party}`, `"${'x'.repeat(3000)}"`);
    expect(large.status).toBe(413);
    expect(await large.json()).toMatchObject({ reason: 'body_too_large' });
    // Parsed fine by express.json() but nested too deep: too_deep, as without the parser.
    const deep = await post(
      `/collect/json-event?p=${party}`,
      JSON.stringify({
        session_id: '0:is8tiwk4:XLEUVj9hA6AXRUOp2zuIdUpaeFOC~7AU',
        event_id: 'e1',
        is_new_party: false,
        is_new_session: false,
        client_timestamp_iso: '2016-08-24T13:29:39.412Z',
        parameters: JSON.parse('['.repeat(400) + ']'.repeat(400)) as unknown,
      }),
    );
    expect(deep.status).toBe(400);
    expect(await deep.json()).toMatchObject({ reason: 'too_deep' });
    // The application's own routes keep Express's handling of the same error.
    const own = await post('/api/orders', '{"sku": <oops>');
    expect(own.status).toBe(400);
    expect(own.headers.get('content-type')).toMatch(/^text\/html/);
    expect(events).toEqual([]);
    expect(collector.metrics()).toMatchObject({
      requests: 3,
      responses: { 400: 2, 413: 1 },
      received: 2,
      invalid: 2,
      rejected: { invalid_json: 1, body_too_large: 1, too_deep: 1 },
    });
  });

  it('Fastify through an onRequest hook and reply.hijack()', async () => {
    const { collector, events } = collect('/collect');
    const app = Fastify();
    app.addHook('onRequest', (request, reply, done) => {
      if (!collector.handles(request.url)) {
        done();
        return;
      }
      void reply.hijack();
      collector.node(request.raw, reply.raw);
    });
    app.get('/app', () => 'app');
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    track({ url: '', close: () => app.close() });
    const base = `http://127.0.0.1:${port}`;
    await converse(base, events);
    expect(await (await fetch(`${base}/app`)).text()).toBe('app');
  });

  it('fetch handler, served through a node:http bridge that builds Requests', async () => {
    const { collector, events } = collect('/collect');
    const toRequest = (incoming: IncomingMessage, body: Buffer): Request => {
      const headers = new Headers();
      for (const [name, values] of Object.entries(incoming.headersDistinct)) {
        for (const value of values ?? []) headers.append(name, value);
      }
      const method = incoming.method ?? 'GET';
      return new Request(`http://${incoming.headers.host ?? 'x'}${incoming.url ?? '/'}`, {
        method,
        headers,
        body: method === 'GET' || method === 'HEAD' ? null : body,
      });
    };
    const server = await listen(
      createServer((incoming, outgoing) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('end', () => {
          void collector
            .fetch(toRequest(incoming, Buffer.concat(chunks)), {
              remoteAddress: incoming.socket.remoteAddress ?? '',
            })
            .then(async (response) => {
              outgoing.writeHead(response.status, Object.fromEntries(response.headers));
              outgoing.end(Buffer.from(await response.arrayBuffer()));
            });
        });
      }),
    );
    track(server);
    await converse(server.url, events);
  });

  it('fetch handler: Content-Length mismatches and oversized streams get 400 and 413', async () => {
    const { collector } = collect('/');
    const json = (body: string | ReadableStream<Uint8Array>, headers: Record<string, string>) =>
      collector.fetch(
        new Request(
          'http://collector.test/json-event?p=0:is8tiwk4:GKv5gCc5TtrvBTs9bXfVD8KIQ3oO~sEg',
          {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...headers },
            body,
            duplex: 'half',
          },
        ),
      );
    expect((await json('{"a":1}', { 'content-length': '100' })).status).toBe(400);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 10; i++) controller.enqueue(new Uint8Array(1000));
        controller.close();
      },
    });
    expect((await json(stream, {})).status).toBe(413);
    expect(collector.metrics().rejected).toMatchObject({
      content_length_mismatch: 1,
      body_too_large: 1,
    });
  });

  it('fetch handler: header names that are Object.prototype keys stay plain headers', async () => {
    const { collector, events } = collect('/');
    const headers = new Headers();
    headers.append('__proto__', 'y');
    headers.append('constructor', 'x');
    const response = await collector.fetch(
      new Request(pixelUrl('http://collector.test', trackedEvent()), { headers }),
    );
    expect(response.status).toBe(200);
    await until(() => events.length === 1);
    const received = events[0]!.request.headers;
    expect(Object.getPrototypeOf(received)).toBe(Object.prototype);
    expect(Object.entries(received)).toContainEqual(['constructor', ['x']]);
    expect(Object.entries(received)).toContainEqual(['__proto__', ['y']]);
  });
});
