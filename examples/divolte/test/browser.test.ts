// The tag a browser source serves, run by a real Chromium: window.divolte, the cookies as the
// source names them and for as long as it says, events at the source's event URL, the automatic
// page view or not, console logging.
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { chromiumLaunchOptions, chromiumService } from '../../../test/chromium';
import { describeWithServices } from '../../../test/services';
import type { DivolteServer } from '../src/server/divolte-server';
import { publishedRecords, startInProcess } from './harness';

const SINK = `divolte.sinks.files {
  type = hdfs
  file_strategy { working_dir = \${OUT}/working, publish_dir = \${OUT}/published }
}`;

describeWithServices([chromiumService], 'the tag of a browser source, in Chromium', () => {
  let browser: Browser;
  const servers: DivolteServer[] = [];
  beforeAll(async () => {
    browser = await chromium.launch(chromiumLaunchOptions());
  });
  afterAll(async () => {
    await browser.close();
    await Promise.all(servers.map((server) => server.close()));
  });

  it('sets the configured cookies and sends the page view to <prefix><event_suffix>', async () => {
    const { server, dir } = await startInProcess(`
      divolte.global.server { host = 127.0.0.1, port = \${DIVOLTE_PORT} }
      divolte.sources.site {
        type = browser
        prefix = /t
        event_suffix = web-event
        party_cookie = _pid
        party_timeout = 10 days
        session_cookie = _sid
        session_timeout = 10 minutes
        javascript.name = tracking.js
      }
      ${SINK}`);
    servers.push(server);
    const page = await browser.newPage();
    const hits: string[] = [];
    page.on('request', (request) => hits.push(new URL(request.url()).pathname));
    // The test page at / loads the first browser source's tag.
    await page.goto(`${server.url}/`);
    await expect.poll(() => hits.filter((path) => path === '/t/web-event').length).toBe(1);
    expect(
      await page.evaluate(
        () => typeof (globalThis as { divolte?: { signal?: unknown } }).divolte?.signal,
      ),
    ).toBe('function');
    await page.evaluate(() => {
      (
        globalThis as unknown as { divolte: { signal(type: string, parameters: object): void } }
      ).divolte.signal('click', { n: 1 });
    });
    await expect.poll(() => hits.filter((path) => path === '/t/web-event').length).toBe(2);
    const now = Date.now() / 1000;
    const cookies = Object.fromEntries(
      (await page.context().cookies()).map((cookie) => [cookie.name, cookie]),
    );
    expect(Object.keys(cookies).sort()).toEqual(['_pid', '_sid']);
    expect(cookies._pid!.expires - now).toBeGreaterThan(10 * 86_400 - 120);
    expect(cookies._pid!.expires - now).toBeLessThan(10 * 86_400 + 120);
    expect(cookies._sid!.expires - now).toBeGreaterThan(600 - 120);
    expect(cookies._sid!.expires - now).toBeLessThan(600 + 120);
    await page.close();
    await server.close();
    const records = await publishedRecords(join(dir, 'out/published'));
    expect(records.map((record) => record.eventType)).toEqual(['pageView', 'click']);
    expect(decodeURIComponent(cookies._pid!.value)).toContain(records[0]!.partyId as string);
  });

  it('sends no automatic page view with auto_page_view_event = false, and logs signals with javascript.logging', async () => {
    const { server, dir } = await startInProcess(`
      divolte.global.server { host = 127.0.0.1, port = \${DIVOLTE_PORT} }
      divolte.sources.browser { type = browser, javascript.auto_page_view_event = false, javascript.logging = true }
      ${SINK}`);
    servers.push(server);
    const page = await browser.newPage();
    const logs: string[] = [];
    page.on('console', (message) => logs.push(message.text()));
    await page.goto(`${server.url}/`);
    await page.waitForFunction(() => (globalThis as { divolte?: unknown }).divolte !== undefined);
    await page.evaluate(() => {
      (globalThis as unknown as { divolte: { signal(type: string): void } }).divolte.signal('only');
    });
    await expect
      .poll(() => logs.some((line) => line.includes('[divolte] signal only')), { timeout: 10_000 })
      .toBe(true);
    await page.close();
    await server.close();
    const records = await publishedRecords(join(dir, 'out/published'));
    expect(records.map((record) => record.eventType)).toEqual(['only']);
  });
});
