import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startQuickstart, type Quickstart } from '../src/quickstart';
import { chromiumLaunchOptions, chromiumService } from '../../../test/chromium';
import { describeWithServices } from '../../../test/services';
import { readAvroFiles } from './support';

const require = createRequire(import.meta.url);

describeWithServices([chromiumService], 'the quickstart, driven by Chromium', () => {
  let dataDir: string;
  let quickstart: Quickstart;
  let browser: Browser;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'tributary-quickstart-'));
    quickstart = await startQuickstart({
      port: 0,
      dataDir,
      trackerScript: await readFile(
        join(dirname(require.resolve('@tributary/tracker/package.json')), 'dist', 'tributary.js'),
      ),
      syncEveryMs: 100,
      logger: { debug() {}, info() {}, warn() {}, error: console.error },
    });
    browser = await chromium.launch(chromiumLaunchOptions());
  });

  afterAll(async () => {
    await (browser as Browser | undefined)?.close();
    await (quickstart as Quickstart | undefined)?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('records page views, SPA navigations and typed custom events into Avro files', async () => {
    const page = await browser.newPage();
    await page.goto(`${quickstart.url}?utm_source=newsletter&utm_campaign=winter-sale`);
    await page.fill('input[name=query]', 'kayak');
    await page.click('#search button');
    await page.goto(`${quickstart.url}products.html`);
    await page.click('button[data-sku="PADDLE-2"]');
    await page.goto(`${quickstart.url}app/`);
    await page.click('a[href="/app/orders"]');
    await page.waitForURL('**/app/orders');
    // The tag's data-outbound feature holds the navigation until its event is delivered. The
    // test machine has no Internet: the outbound site is answered here.
    await page.route('https://github.com/**', (route) =>
      route.fulfill({ contentType: 'text/html', body: '<title>elsewhere</title>' }),
    );
    await page.goto(`${quickstart.url}about.html`);
    await page.click('#outbound-divolte');
    await page.waitForURL('https://github.com/**');
    // Leaving the page flushes the tag's queue through a beacon.
    await page.goto('about:blank');
    await page.close();

    // 5 page views (/, products, app, app/orders, about) + search + addToCart + outboundLink
    const expected = 8;
    const deadline = Date.now() + 20_000;
    while (quickstart.fileSink.metrics().recordsWritten < expected && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // The live page says what its numbers count, and they match: all 8 events, 5 page views.
    const live = await browser.newPage();
    await live.goto(`${quickstart.url}live`);
    await expect
      .poll(() => live.textContent('#summary'), { timeout: 10_000 })
      .toBe('8 events (5 page views) in the last 30 minutes; 8 since the server started.');
    expect(await live.textContent('#y-axis')).toMatch(/^\d+ \/ min\d+0$/);
    expect(await live.textContent('#x-axis')).toMatch(/\(now\)$/);
    expect(await live.locator('.grid h3').allTextContents()).toEqual([
      'Page views by page, last 30 min',
      'Page views by browser, last 30 min',
      'Page views by referrer, last 30 min',
      'All events by type, last 30 min',
    ]);
    const pageCounts = await live.locator('#pages td:last-child').allTextContents();
    expect(pageCounts.reduce((sum, count) => sum + Number(count), 0)).toBe(5);
    await live.close();

    const metrics = await (await fetch(`${quickstart.url}metrics`)).text();
    await quickstart.close();
    // Every custom event the demo's own tag sends passes the shop's contract.
    expect(metrics).toContain('tributary_quickstart_invalid_custom_events_total 0');

    const records = await readAvroFiles(join(dataDir, 'published'));
    const summary = records.map((r) => `${r.eventType} ${new URL(r.location ?? 'x:/').pathname}`);
    expect(summary).toEqual(
      expect.arrayContaining([
        'pageView /',
        'search /',
        'pageView /products.html',
        'addToCart /products.html',
        'pageView /app/',
        'pageView /app/orders',
        'pageView /about.html',
        'outboundLink /about.html',
      ]),
    );
    const outbound = records.find((r) => r.eventType === 'outboundLink');
    expect(JSON.parse(outbound?.eventParameters ?? 'null')).toEqual({
      href: 'https://github.com/divolte/divolte-collector',
    });
    const landing = records.find(
      (r) => r.eventType === 'pageView' && r.location?.includes('utm_source'),
    );
    expect(landing).toMatchObject({
      utmSource: 'newsletter',
      utmCampaign: 'winter-sale',
      source: 'browser',
    });
    const cart = records.find((r) => r.eventType === 'addToCart');
    expect(JSON.parse(cart?.eventParameters ?? 'null')).toEqual({
      sku: 'PADDLE-2',
      price: 79.5,
      quantity: 1,
    });
    expect(new Set(records.map((r) => r.partyId)).size).toBe(1);
    for (const record of records) {
      expect(record.detectedCorruption).toBe(false);
      expect(record.browserName).toMatch(/Chrom/);
    }
  });
});

describe('the quickstart server', () => {
  it('serves the site with the tag, the live page, its stream and Prometheus metrics', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tributary-quickstart-'));
    const quickstart = await startQuickstart({
      port: 0,
      dataDir,
      trackerScript: new TextEncoder().encode('/* tag */'),
      logger: { debug() {}, info() {}, warn() {}, error: console.error },
    });
    try {
      const home = await (await fetch(quickstart.url)).text();
      expect(home).toContain('<script async src="/tributary.js" data-batch');
      expect((await fetch(`${quickstart.url}tributary.js`)).status).toBe(200);
      expect((await fetch(`${quickstart.url}live`)).headers.get('content-type')).toMatch(
        /text\/html/,
      );
      expect((await fetch(`${quickstart.url}nope.txt`)).status).toBe(404);
      expect((await fetch(quickstart.url, { method: 'DELETE' })).status).toBe(405);
      const metrics = await (await fetch(`${quickstart.url}metrics`)).text();
      expect(metrics).toMatch(/^tributary_collector_/m);
      expect(metrics).toContain('tributary_mapping_events_total{outcome="mapped"} 0');
      expect(metrics).toContain('tributary_file_sink_files_published_total 0');
      const controller = new AbortController();
      const stream = await fetch(`${quickstart.url}live/stream`, { signal: controller.signal });
      const reader = stream.body!.getReader();
      const { value } = (await reader.read()) as { value: Uint8Array };
      expect(new TextDecoder().decode(value)).toMatch(/^event: stats\ndata: \{"total":0/);
      controller.abort();
    } finally {
      await quickstart.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
