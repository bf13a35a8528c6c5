import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { decodeEventBatch, decodeEventQuery, type DecodedEvent } from '@tributary/schema/protocol';
import { appEvents } from '../src/events';
import { chromiumLaunchOptions, chromiumService } from '../../../test/chromium';
import { describeWithServices } from '../../../test/services';

const root = new URL('..', import.meta.url).pathname;

describeWithServices([chromiumService], 'the tracker bundled into a Vite SPA', () => {
  let outDir: string;
  let server: Server;
  let browser: Browser;
  let base: string;
  const events: DecodedEvent[] = [];

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'tributary-vite-spa-'));
    await build({ root, logLevel: 'silent', build: { outDir, emptyOutDir: true } });
    server = createServer((request, response) => {
      // The browser sends only well-formed targets, but a test server must not crash either.
      let url: URL;
      try {
        url = new URL(request.url ?? '/', 'http://localhost');
      } catch {
        response.writeHead(400).end();
        return;
      }
      if (url.pathname === '/csc-event') {
        const decoded = decodeEventQuery(url.search);
        if (decoded.ok) events.push(decoded.value);
        response.writeHead(200, { 'content-type': 'image/gif' }).end();
        return;
      }
      if (url.pathname === '/csc-batch') {
        let body = '';
        request.on('data', (chunk: Buffer) => (body += chunk.toString()));
        request.on('end', () => {
          const batch = decodeEventBatch(body);
          if (batch.ok)
            for (const event of batch.value.events) if (event.ok) events.push(event.value);
          response.writeHead(204).end();
        });
        return;
      }
      const file = url.pathname.startsWith('/assets/') ? url.pathname : '/index.html';
      readFile(join(outDir, file)).then(
        (bytes) => {
          const type = extname(file) === '.js' ? 'text/javascript' : 'text/html';
          response.writeHead(200, { 'content-type': type }).end(bytes);
        },
        () => response.writeHead(404).end(),
      );
    });
    server.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch(chromiumLaunchOptions());
  });

  afterAll(async () => {
    await (browser as Browser | undefined)?.close();
    const running = server as Server | undefined;
    if (running) await new Promise((resolve) => running.close(resolve));
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it('sends page views for SPA navigations and typed custom events the contract accepts', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/`);
    await page.click('a[href="/pricing"]');
    await page.click('#trial');
    await expect.poll(() => events.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(4);
    await page.close();

    const seen = events.map((e) => `${e.eventType} ${new URL(e.location ?? 'x:/').pathname}`);
    expect(seen).toEqual(
      expect.arrayContaining([
        'pageView /',
        'pageView /pricing',
        'pricingViewed /pricing',
        'trialStarted /pricing',
      ]),
    );
    for (const event of events) {
      expect(event.corrupt).toBe(false);
      if (event.eventType !== 'pageView') expect(appEvents.validate(event).ok).toBe(true);
    }
    const trial = events.find((e) => e.eventType === 'trialStarted');
    expect(trial?.parameters).toEqual({ plan: 'team', seats: 3 });
    // One page view id per SPA view; the party and session stay.
    expect(new Set(events.map((e) => e.pageViewId)).size).toBe(2);
    expect(new Set(events.map((e) => e.partyId)).size).toBe(1);
  });
});
