import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdentifier, createPageViewId, encodeEventQuery } from '@tributary/schema/protocol';
import type { DivolteEventRecord } from '@tributary/schema';
import { createApp } from './app';

describe('the collector inside an Express service', () => {
  const records: DivolteEventRecord[] = [];
  let server: Server;
  let base: string;
  const { app, collector } = createApp({
    trustedProxies: 1,
    onRecord: (record) => {
      records.push(record);
    },
    logger: { debug() {}, info() {}, warn() {}, error: console.error },
  });

  beforeAll(async () => {
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await collector.close();
    await new Promise((resolve) => server.close(resolve));
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
    const pageViewId = createPageViewId();
    const partyId = createIdentifier({ timestamp: Date.now() });
    const query = encodeEventQuery({
      partyId,
      sessionId: createIdentifier({ timestamp: Date.now() }),
      pageViewId,
      eventId: `${pageViewId}0`,
      clientTimestamp: Date.now(),
      newParty: true,
      firstInSession: true,
      location: 'https://shop.example/',
      eventType: 'pageView',
    });
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
});
