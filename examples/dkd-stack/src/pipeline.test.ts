// One collector endpoint without Kafka: the site with the tag, and a synthetic visit through the
// collector and the mapping (with the demo GeoIP database) into an in-memory sink.
import { createTributaryEventMapper } from '@tributary/mapping';
import type { Sink, SinkRecord, TributaryEventRecord } from '@tributary/schema';
import {
  createIdentifier,
  createPageViewId,
  encodeEventBatch,
  encodeEventQuery,
  type TrackedEvent,
} from '@tributary/schema/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { visitorPageViews } from '../../../test/page-views';
import {
  expectNoServerError,
  halfSentRequests,
  rawExchange,
  statusOf,
} from '../../../test/request-targets';
import { demoGeoIpDatabase } from './geo';
import { startCollectorEndpoint, type CollectorEndpoint } from './pipeline';
import { BOT, BROWSERS, CAMPAIGNS, PAGES, REFERRERS, sendVisit, type Visit } from './traffic';

const silent = { debug() {}, info() {}, warn() {}, error: console.error };

function memorySink(): Sink<TributaryEventRecord> & {
  records: SinkRecord<TributaryEventRecord>[];
} {
  const records: SinkRecord<TributaryEventRecord>[] = [];
  return {
    records,
    write(batch) {
      records.push(...batch);
      return Promise.resolve();
    },
    flush: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}

describe('a collector endpoint of the stack', () => {
  let endpoint: CollectorEndpoint | undefined;
  afterEach(async () => {
    await endpoint?.close();
  });

  it('serves the site with the tag and answers 404 elsewhere', async () => {
    endpoint = await startCollectorEndpoint({
      mapper: createTributaryEventMapper(),
      sink: memorySink(),
      trackerScript: new TextEncoder().encode('/* tag */'),
      logger: silent,
    });
    const pricing = await (await fetch(new URL('pricing.html', endpoint.url))).text();
    expect(pricing).toContain('<title>Pricing · Riverbank Analytics</title>');
    expect(pricing).toContain('<script async src="/tributary.js" data-divolte></script>');
    expect(pricing).toContain('id="signup"');
    expect(await (await fetch(endpoint.url)).text()).toContain('<h1>Riverbank Analytics</h1>');
    expect((await fetch(new URL('site.css', endpoint.url))).headers.get('content-type')).toBe(
      'text/css',
    );
    expect(await (await fetch(new URL('tributary.js', endpoint.url))).text()).toBe('/* tag */');
    expect((await fetch(new URL('layout.html', endpoint.url))).status).toBe(404);
    expect((await fetch(new URL('../package.json', endpoint.url))).status).toBe(404);
  });

  it('maps a visit behind the load balancer: country, campaign, referrer, backdated time', async () => {
    const sink = memorySink();
    const weekAgo = 7 * 86_400_000;
    endpoint = await startCollectorEndpoint({
      mapper: createTributaryEventMapper({ geoIpDatabase: demoGeoIpDatabase() }),
      sink,
      trackerScript: new Uint8Array(),
      clock: () => Date.now() - weekAgo,
      logger: silent,
    });
    const visit: Visit = {
      window: 'lastWeek',
      via: 'synthetic',
      partyId: '0:mwzzueug:ixFarmY9Sm8J2rg44BcfILRGCJim3vcA',
      sessionId: '0:mwzzueug:Bp4jLwSdZRWjAqAHDzdx8mTjXNxDl8gk',
      newParty: true,
      browser: BROWSERS[3]!,
      address: '2001:db8:5::40',
      country: 'JP',
      referrer: REFERRERS[2],
      campaign: CAMPAIGNS[1],
      pages: [PAGES.home, PAGES.pricing],
      signup: true,
    };
    const before = Date.now();
    await sendVisit(visit, endpoint.url, 'https://riverbank.example/', before - weekAgo);
    await sendVisit(
      { ...visit, browser: BOT, pages: [PAGES.blog], signup: false },
      endpoint.url,
      'https://riverbank.example/',
      before,
    );
    await endpoint.waitForWritten(4);
    const values = sink.records.map((record) => record.value);
    expect(values.map((value) => [value.eventType, value.isBot])).toEqual([
      ['pageView', false],
      ['pageView', false],
      ['signup', false],
      ['pageView', true],
    ]);
    expect(values[0]).toMatchObject({
      geoCountryCode: 'JP',
      geoTimeZone: 'Asia/Tokyo',
      remoteHost: '2001:db8:5::40',
      utmCampaign: 'black-friday',
      referrer: 'https://t.co/Tr1butary',
      browserName: 'Mobile Safari',
      location:
        'https://riverbank.example/?utm_source=ads&utm_medium=cpc&utm_campaign=black-friday',
    });
    expect(JSON.parse(values[2]!.eventParameters!)).toEqual({ plan: 'trial' });
    for (const record of sink.records) {
      expect(record.timestamp).toBe(record.value.timestamp);
      expect(record.timestamp).toBeLessThanOrEqual(Date.now() - weekAgo);
      expect(record.timestamp).toBeGreaterThanOrEqual(before - weekAgo);
    }
    expect(endpoint.counts).toEqual({ received: 4, written: 4, unmapped: 0 });
  });
});

/** Page views of one visitor, each with a fresh event id. */
function pageViews(count: number): TrackedEvent[] {
  return visitorPageViews(
    { createIdentifier, createPageViewId },
    count,
    (i) => `https://riverbank.example/pricing.html?n=${i}`,
  );
}

/** Sends each event as a pixel GET; returns the ids of those answered 200 (accepted). */
async function sendPixels(base: string, events: readonly TrackedEvent[]): Promise<string[]> {
  const accepted: string[] = [];
  for (const event of events) {
    const response = await fetch(new URL(`csc-event?${encodeEventQuery(event)}`, base));
    await response.arrayBuffer();
    if (response.status === 200) accepted.push(event.eventId);
  }
  return accepted;
}

const ROUTES = [
  '/',
  '/pricing.html',
  '/site.css',
  '/tributary.js',
  '/csc-event',
  '/csc-batch',
  '/ping',
];

describe('a collector endpoint of the stack, against hostile and slow clients', () => {
  let endpoint: CollectorEndpoint | undefined;
  afterEach(async () => {
    await endpoint?.close();
    endpoint = undefined;
  });

  it('answers any request target with a 4xx at worst and loses no accepted event', async () => {
    const sink = memorySink();
    endpoint = await startCollectorEndpoint({
      mapper: createTributaryEventMapper(),
      sink,
      trackerScript: new TextEncoder().encode('/* tag */'),
      logger: silent,
    });
    const port = Number(new URL(endpoint.url).port);
    const accepted = await sendPixels(endpoint.url, pageViews(10));
    expect(accepted).toHaveLength(10);

    await expectNoServerError(port, ROUTES, 300);
    expect(statusOf(await rawExchange(port, 'GET / HTTP/1.1\r\nNo Colon\r\n\r\n'))).toBe(400);
    expect(endpoint.collector.metrics().rejected.bad_request).toBeGreaterThan(0);

    expect((await fetch(endpoint.url)).status).toBe(200);
    accepted.push(...(await sendPixels(endpoint.url, pageViews(3))));
    await endpoint.close();
    const written = new Set(sink.records.map((record) => record.value.eventId));
    expect(accepted.filter((id) => !written.has(id))).toEqual([]);
  });

  it('closes within its deadline with a half-sent header and a half-sent body, draining every accepted event', async () => {
    const sink = memorySink();
    const deadlineMs = 500;
    endpoint = await startCollectorEndpoint({
      mapper: createTributaryEventMapper(),
      sink,
      trackerScript: new Uint8Array(),
      shutdownDeadlineMs: deadlineMs,
      logger: silent,
    });
    const port = Number(new URL(endpoint.url).port);
    const accepted = await sendPixels(endpoint.url, pageViews(20));
    expect(accepted).toHaveLength(20);

    const { header, body } = await halfSentRequests(port, {
      headerTarget: '/pricing.html',
      batchTarget: '/csc-batch',
      batch: encodeEventBatch(pageViews(5).map((event) => encodeEventQuery(event))),
    });
    // 20 pixels and the half-sent batch reached the collector; the half header is on its socket.
    await expect.poll(() => endpoint!.collector.metrics().requests).toBe(21);
    await expect.poll(() => endpoint!.shutdown.connections).toBeGreaterThanOrEqual(2);
    const closed = Promise.all(
      [header, body].map((socket) => new Promise((resolve) => socket.once('close', resolve))),
    );

    const started = Date.now();
    await endpoint.close();
    const tookMs = Date.now() - started;
    await closed;
    expect(tookMs).toBeLessThanOrEqual(deadlineMs + 2000);
    const written = new Set(sink.records.map((record) => record.value.eventId));
    expect(accepted.filter((id) => !written.has(id))).toEqual([]);
    expect(endpoint.counts.written).toBe(20);
  });
});
