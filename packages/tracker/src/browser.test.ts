import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { chromiumService } from '../../../test/chromium';
import { describeWithServices } from '../../../test/services';
import {
  launchChromium,
  page,
  startServer,
  waitFor,
  type Received,
  type TestServer,
} from '../test/browser-harness';
import { buildScript } from '../scripts/bundle.mjs';

// Real Chromium, real HTTP: the drop-in script as built for dist/, against a server that decodes
// every request with @tributary/schema. Under CI=true a missing Chromium fails the suite.
describeWithServices(
  [chromiumService],
  'the drop-in script in Chromium',
  () => {
    let browser: Browser;
    let server: TestServer;
    let context: BrowserContext;
    let tab: Page;

    beforeAll(async () => {
      const script = await buildScript();
      [browser, server] = await Promise.all([launchChromium(), startServer(script)]);
    }, 60_000);
    afterAll(async () => {
      await Promise.all([browser.close(), server.close()]);
    });
    beforeEach(async () => {
      server.events.length = 0;
      server.hits.length = 0;
      server.down = false;
      server.stallBatches = false;
      server.stallEvents = false;
      server.pages.clear();
      context = await browser.newContext();
      tab = await context.newPage();
    });
    afterEach(async () => {
      await context.close();
    });

    const of = (type: string): Received[] => server.events.filter((e) => e.eventType === type);
    const waitEvents = (type: string, count = 1, timeoutMs = 5000): Promise<void> =>
      waitFor(() => of(type).length >= count, timeoutMs, `${count} ${type} event(s)`);

    it('sends a page view on load to the script directory + csc-event, as divolte.js does', async () => {
      server.pages.set('/a', page());
      await tab.goto(`${server.origin}/a?x=1#frag`, { referer: 'http://referrer.example/' });
      await waitEvents('pageView');
      const [event] = of('pageView');
      expect(event).toMatchObject({
        path: '/t/csc-event',
        method: 'GET',
        corrupt: false,
        newParty: true,
        firstInSession: true,
        location: `${server.origin}/a?x=1#frag`,
        referrer: 'http://referrer.example/',
      });
      expect(event!.eventId).toBe(event!.pageViewId + '0');
      expect(event!.viewportWidth).toBeGreaterThan(0);
      expect(event!.screenWidth).toBeGreaterThan(0);
      const ids = await tab.evaluate(() => {
        const t = window as unknown as {
          tributary: { partyId: string; sessionId: string; pageViewId: string };
        };
        return [t.tributary.partyId, t.tributary.sessionId, t.tributary.pageViewId];
      });
      expect(ids).toEqual([event!.partyId, event!.sessionId, event!.pageViewId]);
      // A second load of the same browser keeps the party and session (cookies), with a new page view.
      await tab.reload();
      await waitEvents('pageView', 2);
      const second = of('pageView')[1]!;
      expect(second).toMatchObject({
        partyId: event!.partyId,
        sessionId: event!.sessionId,
        newParty: false,
        firstInSession: false,
      });
      expect(second.pageViewId).not.toBe(event!.pageViewId);
    });

    it('sends nested custom parameters that decode to the same JSON', async () => {
      server.pages.set('/a', page());
      await tab.goto(`${server.origin}/a`);
      await waitEvents('pageView');
      const parameters = {
        sku: 'A-1!~',
        quantity: 2,
        price: 10.25,
        big: 12345678901,
        negative: -37,
        flags: [true, false, null],
        nested: {
          deeper: { list: [1, 'two', { three: 3 }], empty: {}, none: [] },
          text: 'é ü 😀 & = ?',
        },
      };
      const eventId = await tab.evaluate((p) => {
        const t = window as unknown as {
          tributary: { signal: (type: string, p: unknown) => string };
        };
        return t.tributary.signal('addToCart', p);
      }, parameters);
      await waitEvents('addToCart');
      expect(of('addToCart')[0]).toMatchObject({ eventId, parameters, corrupt: false });
      expect(of('addToCart')[0]!.eventId.endsWith('1')).toBe(true);
    });

    it('sets first-party cookies _dvp (2 years) and _dvs (30 min), SameSite=Lax, names configurable', async () => {
      server.pages.set('/a', page());
      await tab.goto(`${server.origin}/a`);
      await waitEvents('pageView');
      const now = Date.now() / 1000;
      const cookies = await context.cookies();
      const party = cookies.find((c) => c.name === '_dvp')!;
      const session = cookies.find((c) => c.name === '_dvs')!;
      expect(party.value).toBe(of('pageView')[0]!.partyId);
      expect(session.value).toBe(of('pageView')[0]!.sessionId);
      for (const cookie of [party, session]) {
        expect(cookie).toMatchObject({
          sameSite: 'Lax',
          secure: false,
          path: '/',
          httpOnly: false,
        });
      }
      // The tag asks for 730 days; Chromium caps every cookie at 400 days.
      expect(party.expires - now).toBeGreaterThan(399 * 86400);
      expect(party.expires - now).toBeLessThan(731 * 86400);
      expect(session.expires - now).toBeGreaterThan(1790);
      expect(session.expires - now).toBeLessThan(1810);

      server.pages.set('/b', page({ 'party-cookie': 'vid', 'session-cookie': 'sid' }));
      await tab.goto(`${server.origin}/b`);
      await waitEvents('pageView', 2);
      const names = (await context.cookies()).map((c) => c.name).sort();
      expect(names).toEqual(['_dvp', '_dvs', 'sid', 'vid']);
    });

    it('keeps no cookies in cookieless mode', async () => {
      server.pages.set('/a', page({ cookieless: '' }));
      await tab.goto(`${server.origin}/a`);
      await waitEvents('pageView');
      expect(await context.cookies()).toEqual([]);
      expect(of('pageView')[0]).toMatchObject({ newParty: true, firstInSession: true });
    });

    it('as divolte.js with data-queue="false": no retry, no storage; data-endpoint, data-party-timeout, no automatic page view', async () => {
      server.pages.set(
        '/a',
        page({
          queue: 'false',
          'auto-page-view': 'false',
          endpoint: '/elsewhere/csc-event',
          'party-timeout': '120',
        }),
      );
      await tab.goto(`${server.origin}/a`);
      const signal = (type: string): Promise<unknown> =>
        tab.evaluate(
          (t) =>
            (
              window as unknown as { tributary: { signal: (t: string) => string } }
            ).tributary.signal(t),
          type,
        );
      server.down = true;
      await signal('lost');
      await waitFor(() => server.hits.some((hit) => hit.url.includes('t=lost')), 5000, 'lost GET');
      expect(await tab.evaluate(() => localStorage.length)).toBe(0);
      server.down = false;
      await signal('sent');
      await waitEvents('sent');
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(server.events.map((e) => [e.eventType, e.path])).toEqual([
        ['sent', '/elsewhere/csc-event'],
      ]);
      expect(server.hits.filter((hit) => hit.url.includes('t=lost'))).toHaveLength(1);
      const party = (await context.cookies()).find((c) => c.name === '_dvp')!;
      expect(party.expires - Date.now() / 1000).toBeGreaterThan(100);
      expect(party.expires - Date.now() / 1000).toBeLessThan(121);
    });

    it('starts a new session when the session expires on an open page', async () => {
      server.pages.set('/a', page({ 'session-timeout': '1' }));
      await tab.goto(`${server.origin}/a`);
      await waitEvents('pageView');
      const first = of('pageView')[0]!;
      const signal = (type: string): Promise<unknown> =>
        tab.evaluate(
          (t) =>
            (
              window as unknown as { tributary: { signal: (t: string) => string } }
            ).tributary.signal(t),
          type,
        );
      await signal('soon');
      await waitEvents('soon');
      expect(of('soon')[0]).toMatchObject({ sessionId: first.sessionId, firstInSession: false });
      await new Promise((resolve) => setTimeout(resolve, 1300));
      await signal('later');
      await waitEvents('later');
      const later = of('later')[0]!;
      expect(later.sessionId).not.toBe(first.sessionId);
      expect(later).toMatchObject({
        partyId: first.partyId,
        firstInSession: true,
        newParty: false,
      });
    });

    it('defers the automatic page view while the page is prerendered or hidden', async () => {
      // Chromium shows a page once it is activated; the init script stands in for the prerender
      // and hidden states, then lets the page become visible the way activation does.
      await tab.addInitScript(() => {
        let state = 'hidden';
        let prerendering = true;
        Object.defineProperty(document, 'visibilityState', { get: () => state });
        Object.defineProperty(document, 'prerendering', { get: () => prerendering });
        (window as unknown as { activate: () => void }).activate = () => {
          prerendering = false;
          document.dispatchEvent(new Event('prerenderingchange'));
          state = 'visible';
          document.dispatchEvent(new Event('visibilitychange'));
        };
      });
      server.pages.set('/a', page());
      await tab.goto(`${server.origin}/a`);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(of('pageView')).toHaveLength(0);
      await tab.evaluate(() => {
        (window as unknown as { activate: () => void }).activate();
      });
      await waitEvents('pageView');
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(of('pageView')).toHaveLength(1);
    });

    it('counts SPA navigations (pushState, replaceState, popstate, hashchange) as page views', async () => {
      server.pages.set('/spa', page({ spa: 'hash' }));
      await tab.goto(`${server.origin}/spa`);
      await waitEvents('pageView');
      await tab.evaluate(() => {
        history.pushState({}, '', '/spa/two');
      });
      await waitEvents('pageView', 2);
      await tab.evaluate(() => {
        history.replaceState({ same: true }, '', '/spa/two');
      });
      await tab.evaluate(() => {
        history.replaceState({}, '', '/spa/three');
      });
      await waitEvents('pageView', 3);
      await tab.goBack();
      await waitEvents('pageView', 4);
      await tab.evaluate(() => {
        location.hash = 'section';
      });
      await waitEvents('pageView', 5);
      const views = of('pageView');
      expect(views.map((e) => new URL(e.location!).pathname + new URL(e.location!).hash)).toEqual([
        '/spa',
        '/spa/two',
        '/spa/three',
        '/spa',
        '/spa#section',
      ]);
      expect(new Set(views.map((e) => e.pageViewId)).size).toBe(5);
      expect(views[1]!.referrer).toBe(`${server.origin}/spa`);
      expect(views[2]!.referrer).toBe(`${server.origin}/spa/two`);
      expect(views.every((e) => e.eventId === e.pageViewId + '0')).toBe(true);
    });

    it('starts a new page view when a page comes back from the back/forward cache', async () => {
      server.pages.set(
        '/a',
        page(
          {},
          '<a id="next" href="/b">next</a><script>addEventListener("pageshow", (e) => { window.fromCache = e.persisted; })</script>',
        ),
      );
      server.pages.set('/b', page());
      await tab.goto(`${server.origin}/a`);
      await waitEvents('pageView');
      await tab.click('#next');
      await waitEvents('pageView', 2);
      // A restore from the cache fires no load event: wait for the commit only.
      await tab.goBack({ waitUntil: 'commit' });
      await waitEvents('pageView', 3);
      expect(
        await tab.evaluate(() => (window as unknown as { fromCache?: boolean }).fromCache),
      ).toBe(true);
      const [a, b, back] = of('pageView');
      expect(new URL(back!.location!).pathname).toBe('/a');
      expect(back!.pageViewId).not.toBe(a!.pageViewId);
      expect(back!.pageViewId).not.toBe(b!.pageViewId);
      expect(back!.partyId).toBe(a!.partyId);
      // Restored, not reloaded: the page itself was fetched once.
      expect(server.hits.filter((h) => h.url === '/a')).toHaveLength(1);
    });

    it('holds events until consent is granted, and drops them when it is denied', async () => {
      server.pages.set('/q', page({ consent: 'queue' }));
      await tab.goto(`${server.origin}/q`);
      await tab.evaluate(() =>
        (window as unknown as { tributary: { signal: (t: string) => string } }).tributary.signal(
          'early',
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(server.events).toHaveLength(0);
      expect(await context.cookies()).toEqual([]);
      await tab.evaluate(() => {
        (
          window as unknown as { tributary: { consent: { grant: () => void } } }
        ).tributary.consent.grant();
      });
      await waitEvents('early');
      expect(of('pageView')).toHaveLength(1);
      expect(server.events.map((e) => e.eventType)).toEqual(['pageView', 'early']);
      expect((await context.cookies()).map((c) => c.name).sort()).toEqual(['_dvp', '_dvs']);

      // Denied: nothing is sent, the cookies are deleted, and an opt-out survives a reload.
      server.events.length = 0;
      await tab.evaluate(() => {
        (
          window as unknown as { tributary: { consent: { optOut: () => void } } }
        ).tributary.consent.optOut();
      });
      expect(await context.cookies()).toEqual([]);
      await tab.reload();
      await tab.evaluate(() => {
        const t = (
          window as unknown as {
            tributary: {
              consent: { grant: () => void; state: string };
              signal: (t: string) => string;
            };
          }
        ).tributary;
        t.consent.grant();
        t.signal('afterOptOut');
        return t.consent.state;
      });
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(server.events).toHaveLength(0);
      expect(
        await tab.evaluate(
          () =>
            (window as unknown as { tributary: { consent: { state: string } } }).tributary.consent
              .state,
        ),
      ).toBe('optedOut');

      server.pages.set('/d', page({ consent: 'drop' }));
      const other = await browser.newContext();
      try {
        const tab2 = await other.newPage();
        await tab2.goto(`${server.origin}/d`);
        await tab2.evaluate(() =>
          (window as unknown as { tributary: { signal: (t: string) => string } }).tributary.signal(
            'dropped',
          ),
        );
        await tab2.evaluate(() => {
          const t = (
            window as unknown as {
              tributary: { consent: { grant: () => void }; signal: (t: string) => string };
            }
          ).tributary;
          t.consent.grant();
          t.signal('kept');
        });
        await waitEvents('kept');
        expect(of('dropped')).toHaveLength(0);
        expect(of('pageView')).toHaveLength(0);
      } finally {
        await other.close();
      }
    });

    it('honours Global Privacy Control when asked to', async () => {
      await tab.addInitScript(() => {
        Object.defineProperty(navigator, 'globalPrivacyControl', { get: () => true });
      });
      server.pages.set('/g', page({ consent: 'queue', gpc: '' }));
      await tab.goto(`${server.origin}/g`);
      await tab.evaluate(() => {
        (
          window as unknown as { tributary: { consent: { grant: () => void } } }
        ).tributary.consent.grant();
      });
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(server.events).toHaveLength(0);
    });

    it('retries with the same event id after the collector comes back', async () => {
      server.down = true;
      server.pages.set('/a', page());
      await tab.goto(`${server.origin}/a`);
      await waitFor(
        () => server.hits.filter((h) => h.url.startsWith('/t/csc-event')).length >= 2,
        8000,
        'retries',
      );
      expect(server.events).toHaveLength(0);
      const attempted = server.hits
        .filter((h) => h.url.startsWith('/t/csc-event'))
        .map((h) => new URL(h.url, server.origin).searchParams.get('e'));
      expect(new Set(attempted).size).toBe(1);
      server.down = false;
      await waitEvents('pageView', 1, 15_000);
      expect(of('pageView')[0]!.eventId).toBe(attempted[0]);
    }, 30_000);

    it('keeps undelivered events in localStorage across a reload', async () => {
      server.down = true;
      server.pages.set('/a', page());
      await tab.goto(`${server.origin}/a`);
      const eventId = await tab.evaluate(() =>
        (
          window as unknown as { tributary: { signal: (t: string, p: unknown) => string } }
        ).tributary.signal('offline', { n: 1 }),
      );
      const stored = await tab.evaluate(() =>
        Object.keys(localStorage)
          .filter((k) => k.startsWith('_dvq'))
          .map((k) => localStorage.getItem(k)),
      );
      expect(stored.join()).toContain(encodeURIComponent(eventId));
      await tab.reload();
      server.down = false;
      await waitEvents('offline', 1, 15_000);
      expect(of('offline')[0]).toMatchObject({ eventId, parameters: { n: 1 }, corrupt: false });
      await waitEvents('pageView', 2, 15_000);
      // Once delivered, nothing is left in storage.
      await tab.waitForFunction(() => !Object.keys(localStorage).some((k) => k.startsWith('_dvq')));
    }, 40_000);

    it('delivers what is still queued on pagehide by navigator.sendBeacon (batch mode)', async () => {
      await tab.addInitScript(() => {
        const original = navigator.sendBeacon.bind(navigator);
        navigator.sendBeacon = (url, data) => {
          localStorage.setItem('beacons', String(Number(localStorage.getItem('beacons') ?? 0) + 1));
          return original(url, data);
        };
      });
      server.pages.set('/a', page({ batch: '' }));
      server.pages.set('/b', '<!doctype html><p>elsewhere</p>');
      await tab.goto(`${server.origin}/a`);
      await waitEvents('pageView');
      expect(of('pageView')[0]!.method).toBe('POST');
      server.stallBatches = true;
      await tab.evaluate(() => {
        const t = (
          window as unknown as { tributary: { signal: (t: string, p?: unknown) => string } }
        ).tributary;
        t.signal('stuck');
        setTimeout(() => {
          t.signal('queued', { i: 1 });
          t.signal('queued', { i: 2 });
        }, 100);
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(of('queued')).toHaveLength(0);
      server.stallBatches = false;
      await tab.goto(`${server.origin}/b`);
      await waitEvents('queued', 2);
      expect(of('queued').map((e) => e.parameters)).toEqual([{ i: 1 }, { i: 2 }]);
      expect(await tab.evaluate(() => localStorage.getItem('beacons'))).toBe('1');
    });

    it('hands what is still queued to keepalive GETs on pagehide (GET mode)', async () => {
      server.pages.set('/a', page());
      server.pages.set('/b', '<!doctype html><p>elsewhere</p>');
      await tab.goto(`${server.origin}/a`);
      await waitEvents('pageView');
      server.stallEvents = true;
      await tab.evaluate(() => {
        const t = (
          window as unknown as { tributary: { signal: (t: string, p?: unknown) => string } }
        ).tributary;
        t.signal('stuck');
        t.signal('queued', { i: 1 });
        t.signal('queued', { i: 2 });
      });
      await waitEvents('stuck');
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(of('queued')).toHaveLength(0);
      await tab.goto(`${server.origin}/b`);
      await waitEvents('queued', 2);
      expect(of('queued').map((e) => e.parameters)).toEqual([{ i: 1 }, { i: 2 }]);
    });

    it('delivers an outbound-link event before the browser leaves the page', async () => {
      const external = `http://localhost:${server.port}/landing`;
      server.pages.set('/a', page({ outbound: '' }, `<a id="out" href="${external}">out</a>`));
      server.pages.set('/landing', '<!doctype html><p>landed</p>');
      await tab.goto(`${server.origin}/a`);
      await waitEvents('pageView');
      await tab.click('#out');
      await tab.waitForURL(external);
      const event = of('outboundLink')[0];
      expect(event).toMatchObject({ parameters: { href: external } });
      const order = server.hits
        .map((h) =>
          h.url === '/landing' ? 'landing' : h.url.includes('t=outboundLink') ? 'event' : null,
        )
        .filter(Boolean);
      expect(order).toEqual(['event', 'landing']);
    });

    it("keeps its names out of the page's globals: adds only window.tributary and window.divolte", async () => {
      // The page's own one-letter globals (the minified tag's names are one or two letters) and a
      // list of every global before the tag ran; afterwards the page overwrites them all.
      const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_$';
      server.pages.set(
        '/a',
        `<!doctype html><html><head><title>t</title><script>var before = Object.getOwnPropertyNames(window);
for (const name of '${letters}') window[name] = 'page';</script>
<script src="/t/tributary.js" data-divolte></script></head><body></body></html>`,
      );
      await tab.goto(`${server.origin}/a`);
      await waitEvents('pageView');
      const globals = await tab.evaluate((letters) => {
        const w = window as unknown as Record<string, unknown> & { before: string[] };
        const own = [...w.before, ...letters];
        const added = Object.getOwnPropertyNames(window).filter((name) => !own.includes(name));
        const changed = [...letters].filter((name) => w[name] !== 'page');
        for (const name of letters) w[name] = null;
        (w.tributary as { signal: (type: string) => void }).signal('afterOverwrite');
        return { added, changed };
      }, letters);
      expect(globals.added.sort()).toEqual(['divolte', 'tributary']);
      expect(globals.changed).toEqual([]);
      // The page's overwrites reach nothing of the tag's.
      await waitEvents('afterOverwrite');
    });

    it('exposes a Divolte-compatible window.divolte when asked to', async () => {
      server.pages.set('/a', page({ divolte: '' }, '', '#server-page-view-1'));
      await tab.goto(`${server.origin}/a`);
      await waitEvents('pageView');
      const divolte = await tab.evaluate(
        () =>
          new Promise<Record<string, unknown>>((resolve) => {
            const d = (
              window as unknown as {
                divolte: {
                  signal: (t: string, p: unknown) => string;
                  whenCommitted: (cb: () => void, ms?: number) => void;
                  partyId: string;
                  sessionId: string;
                  pageViewId: string;
                  isNewPartyId: boolean;
                  isFirstInSession: boolean;
                  isServerPageView: boolean;
                };
              }
            ).divolte;
            const eventId = d.signal('legacy', { a: 1 });
            d.whenCommitted(() => {
              resolve({
                eventId,
                partyId: d.partyId,
                sessionId: d.sessionId,
                pageViewId: d.pageViewId,
                isNewPartyId: d.isNewPartyId,
                isFirstInSession: d.isFirstInSession,
                isServerPageView: d.isServerPageView,
              });
            }, 3000);
          }),
      );
      // whenCommitted ran after delivery: the server already has the event.
      expect(of('legacy')).toHaveLength(1);
      expect(divolte).toMatchObject({
        eventId: 'server-page-view-11',
        pageViewId: 'server-page-view-1',
        partyId: of('legacy')[0]!.partyId,
        isNewPartyId: true,
        isFirstInSession: true,
        isServerPageView: true,
      });
    });
  },
  { timeout: 20_000 },
);
