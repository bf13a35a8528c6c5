import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { chromiumService } from '../../../test/chromium';
import { describeWithServices } from '../../../test/services';
import { buildScript } from '../scripts/bundle.mjs';
import {
  launchChromium,
  page,
  startServer,
  waitFor,
  type Received,
  type TestServer,
} from '../test/browser-harness';

// Issue #15, item 11: the persisted queue survives a page-hide beacon that fails. The built drop-in
// in Chromium against real HTTP servers: a collector that answers 503, one whose port is closed,
// and one that works (where the common case must not send twice).

/** What a test reads back from the page: the tag's beacons and fetches, seen from inside. */
interface Probe {
  /** Fetches the tag made on this page load that have settled (answered or failed). */
  settled: number;
}

// Before the tag runs: counts settled fetches (per page load) and logs every sendBeacon call
// (across page loads, in localStorage: whether the browser queued it, the event ids it carried).
const PROBE = (): void => {
  const w = window as unknown as Window & Probe;
  w.settled = 0;
  const original = w.fetch.bind(w);
  w.fetch = (...args: Parameters<typeof fetch>) => {
    const answer = original(...args);
    const count = (): void => {
      w.settled++;
    };
    answer.then(count, count);
    return answer;
  };
  const beacon = navigator.sendBeacon.bind(navigator);
  navigator.sendBeacon = (url, data) => {
    const queued = beacon(url, data);
    const log = JSON.parse(localStorage.getItem('beacons') ?? '[]') as unknown[];
    log.push({
      queued,
      ids: (data as string)
        .split('\n')
        .slice(1)
        .map((query) => new URLSearchParams(query).get('e')),
    });
    localStorage.setItem('beacons', JSON.stringify(log));
    return queued;
  };
};

// After the tag (its own listeners come first): what the tag left in storage when the page went.
const SNAPSHOT = `<script>addEventListener('pagehide', () => localStorage.setItem('snapshot',
  JSON.stringify(Object.keys(localStorage).filter((k) => k.startsWith('_dvq'))
    .flatMap((k) => localStorage.getItem(k).split('\\n').slice(1)))));</script>`;

/** The event id of a query (or of a stored line). */
const eventId = (query: string): string | null => new URLSearchParams(query.split(' ')[0]).get('e');

/** A stored line: the query, and after a space the time a page-hide beacon carried it. */
const MARKED = /^p=\S+ \d{13}$/;

describeWithServices(
  [chromiumService],
  'the persisted queue across a failing page-hide beacon, in Chromium',
  () => {
    let browser: Browser;
    let script: string;
    let site: TestServer;
    let context: BrowserContext;
    let tab: Page;
    const others: TestServer[] = [];

    beforeAll(async () => {
      script = await buildScript();
      [browser, site] = await Promise.all([launchChromium(), startServer(script)]);
    }, 60_000);
    afterAll(async () => {
      await Promise.all([browser.close(), site.close()]);
    });
    beforeEach(async () => {
      site.events.length = 0;
      site.hits.length = 0;
      site.down = false;
      site.stallBatches = false;
      site.stallEvents = false;
      site.pages.clear();
      context = await browser.newContext();
      await context.addInitScript(PROBE);
      tab = await context.newPage();
    });
    afterEach(async () => {
      await context.close();
      await Promise.all(others.splice(0).map((server) => server.close()));
    });

    const signal20 = (): Promise<string[]> =>
      tab.evaluate(() => {
        const t = (
          window as unknown as { tributary: { signal: (t: string, p: unknown) => string } }
        ).tributary;
        return Array.from({ length: 20 }, (_, i) => t.signal('queued', { i }));
      });
    const settled = (count: number): Promise<unknown> =>
      tab.waitForFunction((n) => (window as unknown as Probe).settled >= n, count, {
        timeout: 15_000,
      });
    const stored = (): Promise<string[]> =>
      tab.evaluate(() =>
        Object.keys(localStorage)
          .filter((k) => k.startsWith('_dvq'))
          .flatMap((k) => localStorage.getItem(k)!.split('\n').slice(1)),
      );
    const fromStorage = async (key: string): Promise<unknown> =>
      JSON.parse((await tab.evaluate((k) => localStorage.getItem(k), key)) ?? 'null') as unknown;
    /** How often each event id arrived, by id. */
    const arrivals = (server: TestServer): Map<string, number> => {
      const counts = new Map<string, number>();
      for (const event of server.events)
        counts.set(event.eventId, (counts.get(event.eventId) ?? 0) + 1);
      return counts;
    };
    const of = (server: TestServer, type: string): Received[] =>
      server.events.filter((event) => event.eventType === type);

    /**
     * The scenario against `collector`, `fail` putting it out of service and `recover`
     * back: 20 events wait behind the failed page view, a reload hands them to the page-hide
     * beacon, which fails; the next page must send all of them again once the collector is back.
     */
    async function reloadWhileDown(
      collector: TestServer,
      batch: string,
      recover: () => Promise<void>,
    ): Promise<void> {
      site.pages.set('/a', page({ batch }, SNAPSHOT));
      await tab.goto(`${site.origin}/a`);
      const ids = await signal20();
      // Three failed attempts: the next waits 2-4 s, so nothing is in flight at the reload and
      // every waiting event goes to the beacon.
      await settled(3);
      const before = await stored();
      expect(before).toHaveLength(21);
      expect(before.some((line) => line.includes(' '))).toBe(false);
      await tab.reload();

      // The old page's beacon carried all 21 and the browser queued it…
      expect(await fromStorage('beacons')).toEqual([{ queued: true, ids: before.map(eventId) }]);
      // …and when the page went, all 21 were still stored, each marked with the beacon's time.
      const snapshot = (await fromStorage('snapshot')) as string[];
      expect(snapshot).toHaveLength(21);
      expect(snapshot.every((line) => MARKED.test(line))).toBe(true);
      expect(snapshot.map((line) => line.split(' ')[0])).toEqual(before);

      // The new page sends them again, and its first attempt fails too.
      await settled(1);
      expect(of(collector, 'queued')).toHaveLength(0);
      await recover();
      await waitFor(
        () => of(collector, 'queued').length >= 20 && of(collector, 'pageView').length >= 2,
        20_000,
        '20 queued events and 2 page views',
      );
      const counts = arrivals(collector);
      for (const id of ids) expect(counts.get(id)).toBeGreaterThanOrEqual(1);
      expect(new Set(of(collector, 'pageView').map((event) => event.pageViewId)).size).toBe(2);
      // The failed beacon delivered nothing, so nothing arrived twice.
      expect([...counts.values()].every((count) => count === 1)).toBe(true);
      // Once accepted, nothing is left in storage.
      await tab.waitForFunction(() => !Object.keys(localStorage).some((k) => k.startsWith('_dvq')));
    }

    it('delivers all 20 waiting events and both page views when the collector answered 503 across the reload', async () => {
      site.down = true;
      await reloadWhileDown(site, '', () => {
        site.down = false;
        return Promise.resolve();
      });
      // Three attempts of the first page, its beacon, the second page's first attempt: all met
      // the 503 before the recovery.
      expect(site.hits.filter((hit) => hit.url === '/t/csc-batch').length).toBeGreaterThanOrEqual(
        6,
      );
    }, 60_000);

    it('delivers all 20 waiting events and both page views when the collector port was closed across the reload', async () => {
      // The collector on its own origin, so that the page loads while the collector's port is
      // closed; then it listens again on the same port.
      const collector = await startServer(script);
      others.push(collector);
      await collector.close();
      await reloadWhileDown(collector, `${collector.origin}/t/csc-batch`, () => collector.listen());
      expect(site.events).toHaveLength(0);
    }, 60_000);

    it('without batches too: every event the keepalive GETs carried on the reload arrives once the collector answers again', async () => {
      site.down = true;
      site.pages.set('/a', page({}, SNAPSHOT));
      await tab.goto(`${site.origin}/a`);
      const ids = await signal20();
      const gets = (): number =>
        site.hits.filter((hit) => hit.url.startsWith('/t/csc-event')).length;
      await waitFor(() => gets() >= 2, 10_000, 'two failed page-view GETs');
      const before = gets();
      await tab.reload();
      // Stored when the page went: all 21, marked (the image GET in flight, if any, too: the
      // next page sends it again).
      const snapshot = (await fromStorage('snapshot')) as string[];
      expect(snapshot).toHaveLength(21);
      expect(snapshot.every((line) => MARKED.test(line))).toBe(true);
      await waitFor(() => gets() >= before + 21, 10_000, 'the keepalive GETs, answered 503');
      site.down = false;
      await waitFor(
        () => of(site, 'queued').length >= 20 && of(site, 'pageView').length >= 2,
        20_000,
        '20 queued events and 2 page views',
      );
      const counts = arrivals(site);
      for (const id of ids) expect(counts.get(id)).toBe(1);
    }, 60_000);

    it('sends each event once in the common case, and counts the doubles of a beacon the next page cannot know about', async () => {
      site.pages.set('/a', page({ batch: '' }));
      await tab.goto(`${site.origin}/a`);
      const first = await signal20();
      await waitFor(() => of(site, 'queued').length >= 20, 10_000, '20 queued events');
      // The common case: everything was delivered and its answers read (the queue is empty), so
      // the page hides with nothing to hand over: no beacon, nothing sent again by the next page.
      await tab.waitForFunction(() => !Object.keys(localStorage).some((k) => k.startsWith('_dvq')));
      await tab.reload();
      // The new page sends what it adopted before its own page view: once that is here, any
      // resend would be too.
      await waitFor(() => of(site, 'pageView').length >= 2, 10_000, 'the second page view');
      expect(await fromStorage('beacons')).toBeNull();
      expect([...arrivals(site).values()].every((count) => count === 1)).toBe(true);
      expect(site.events).toHaveLength(22);

      // A beacon with events in it: a batch in flight (never answered) and 5 events waiting
      // behind it when the page goes. The beacon delivers the 5, but no answer can tell the page;
      // the next page sends them again with the same ids.
      site.events.length = 0;
      const batches = (): number => site.hits.filter((hit) => hit.url === '/t/csc-batch').length;
      const sent = batches();
      site.stallBatches = true;
      const late = await tab.evaluate(() => {
        const t = (
          window as unknown as { tributary: { signal: (t: string, p?: unknown) => string } }
        ).tributary;
        const stuck = t.signal('stuck');
        return [stuck, ...Array.from({ length: 5 }, (_, i) => t.signal('late', { i }))];
      });
      await waitFor(() => batches() > sent, 10_000, 'the stalled batch');
      site.stallBatches = false;
      await tab.reload();
      await waitFor(() => of(site, 'pageView').length >= 1, 10_000, 'the third page view');
      // One beacon, with the 5 waiting events; not the batch in flight, whose keepalive request
      // goes on (Chromium fires pagehide, then visibilitychange, and may fail the page's side of
      // that fetch in between: the second event must not put it in a beacon).
      const beacons = (await fromStorage('beacons')) as { queued: boolean; ids: string[] }[];
      expect(beacons).toEqual([{ queued: true, ids: late.slice(1) }]);
      const beaconed = beacons.flatMap((beacon) => beacon.ids);
      // Each event arrived once by the request that carried it last (the next page's), and once
      // more for each beacon that carried it: the beacon delivered it, but no answer could tell
      // the page. So the doubles are exactly the beaconed events, which the collector's duplicate
      // memory marks. (The stalled request itself was never answered nor recorded.)
      const counts = arrivals(site);
      expect(late.map((id) => counts.get(id))).toEqual(
        late.map((id) => 1 + beaconed.filter((carried) => carried === id).length),
      );
      expect(first.every((id) => !counts.has(id))).toBe(true);
      expect(site.events.length - counts.size).toBe(beaconed.length);
    }, 60_000);
  },
  { timeout: 60_000 },
);
