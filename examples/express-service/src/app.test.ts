import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdentifier, createPageViewId, encodeEventQuery } from '@tributary/schema/protocol';
import type { DivolteEventRecord } from '@tributary/schema';
import { visitorPageViews } from '../../../test/page-views';
import { expectNoServerError, rawExchange, statusOf } from '../../../test/request-targets';
import { createApp } from './app';
import { startServer, type RunningServer } from './server';

/** The first page view of a new visitor, at `location`. */
function pageView(location: string) {
  return visitorPageViews({ createIdentifier, createPageViewId }, 1, () => location)[0]!;
}

describe('the collector inside an Express service', () => {
  const records: DivolteEventRecord[] = [];
  let running: RunningServer;
  let base: string;
  const { app, collector } = createApp({
    trustedProxies: 1,
    onRecord: (record) => {
      records.push(record);
    },
    logger: { debug() {}, info() {}, warn() {}, error: console.error },
  });

  beforeAll(async () => {
    running = await startServer({
      app,
      port: 0,
      host: '127.0.0.1',
      shutdownDeadlineMs: 1000,
      clientError: collector.clientError,
    });
    base = running.url;
  });
  afterAll(async () => {
    await running.shutdown.close();
    await collector.close();
  });

  it('keeps serving the app’s own routes, JSON bodies included', async () => {
    expect(await (await fetch(`${base}/api/products`)).json()).toEqual([
      { sku: 'KAYAK-1', price: 899 },
    ]);
    const order = await fetch(`${base}/api/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sku: 'KAYAK-1' }),
    });
    expect(order.status).toBe(201);
    expect(await order.json()).toEqual({ received: { sku: 'KAYAK-1' } });
  });

  it('collects events on its prefix and maps them onto Divolte’s record', async () => {
    const event = pageView('https://shop.example/');
    const { partyId } = event;
    const query = encodeEventQuery(event);
    const response = await fetch(`${base}/analytics/csc-event?${query}`, {
      headers: {
        'x-forwarded-for': '203.0.113.77',
        'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0',
      },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/gif');
    await expect.poll(() => records.length).toBe(1);
    expect(records[0]).toMatchObject({
      partyId,
      eventType: 'pageView',
      location: 'https://shop.example/',
      remoteHost: '203.0.113.0', // the proxy's entry, anonymised to /24
      detectedCorruption: false,
      detectedDuplicate: false,
    });
    expect((await fetch(`${base}/analytics/ping`)).status).toBe(200);
    expect((await fetch(`${base}/csc-event?${query}`)).status).toBe(404); // only under the prefix
  });

  it('answers any request target with a 4xx at worst and keeps every accepted event', async () => {
    const port = Number(new URL(base).port);
    const before = records.length;
    const event = pageView('https://shop.example/fuzz');
    const { pageViewId } = event;
    const query = encodeEventQuery(event);
    expect((await fetch(`${base}/analytics/csc-event?${query}`)).status).toBe(200);

    await expectNoServerError(
      port,
      [
        '/',
        '/api/products',
        '/api/orders',
        '/analytics/csc-event',
        '/analytics/csc-batch',
        '/analytics/json-event',
        '/analytics/ping',
      ],
      300,
    );
    // A request node's parser refuses: answered and counted by the collector.
    const refused = collector.metrics().rejected.bad_request;
    expect(statusOf(await rawExchange(port, 'GET / HTTP/1.1\r\nNo Colon\r\n\r\n'))).toBe(400);
    expect(collector.metrics().rejected.bad_request).toBe(refused + 1);

    expect((await fetch(`${base}/api/products`)).status).toBe(200);
    await expect.poll(() => records.some((r) => r.pageViewId === pageViewId)).toBe(true);
    expect(records.length).toBeGreaterThan(before);
  });
});
