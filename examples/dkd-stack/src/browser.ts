// Real visits: headless Chromium loads the demo site with the drop-in tag, follows links and
// presses the sign-up button. Each visit is its own browser context (a new visitor, its own
// cookies) behind the "load balancer": its X-Forwarded-For address puts it in a country.
import { chromium, type Browser } from 'playwright-core';
import type { CollectorEndpoint } from './pipeline';
import { CAMPAIGNS, PAGES, REFERRERS, eventsOf, landingUrl, type Visit } from './traffic';

/** Debian's Chromium; `CHROMIUM` overrides it. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Starts headless Chromium as the other examples do. */
export function launchChromium(executablePath = CHROMIUM_PATH): Promise<Browser> {
  return chromium.launch({
    executablePath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Headless Chromium says `HeadlessChrome` in its user agent, which bot lists (and so the
 * collector's `isBot`) flag. The visits present the user agent of the same Chromium with a head.
 */
export function desktopUserAgent(browser: Browser): string {
  return `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${browser.version()} Safari/537.36`;
}

/** The planned browser visits: who they are and what they do, known before they run. */
export function planBrowserVisits(userAgent: string): Visit[] {
  const browser = { userAgent, browserName: 'Chrome', bot: false, mobile: false } as const;
  const visit = (
    n: number,
    address: string,
    country: string | null,
    fields: Pick<Visit, 'referrer' | 'campaign' | 'pages' | 'signup'>,
  ): Visit => ({
    window: 'today',
    via: 'chromium',
    // The tag makes the real party id; each visit is a new context, so a new party.
    partyId: `chromium-${n}`,
    sessionId: `chromium-${n}`,
    newParty: true,
    browser,
    address,
    country,
    ...fields,
  });
  return [
    visit(1, '198.18.1.10', 'NL', {
      referrer: undefined,
      campaign: CAMPAIGNS[0],
      pages: [PAGES.home, PAGES.pricing],
      signup: true,
    }),
    visit(2, '198.18.3.20', 'US', {
      referrer: REFERRERS[1],
      campaign: undefined,
      pages: [PAGES.blog, PAGES.pricing],
      signup: false,
    }),
    visit(3, '198.18.2.30', 'DE', {
      referrer: undefined,
      campaign: undefined,
      pages: [PAGES.home, PAGES.features, PAGES.pricing],
      signup: true,
    }),
    visit(4, '2001:db8:5::40', 'JP', {
      referrer: REFERRERS[0],
      campaign: CAMPAIGNS[1],
      pages: [PAGES.home],
      signup: false,
    }),
  ];
}

/**
 * Runs the browser visits against today's endpoint. Before each navigation it waits until the
 * collector has handed the page's events to the sink, so every planned event is delivered.
 * @returns the party ids the tag made, in visit order
 */
export async function runBrowserVisits(
  browser: Browser,
  endpoint: CollectorEndpoint,
  visits: readonly Visit[],
): Promise<string[]> {
  const partyIds: string[] = [];
  let expected = endpoint.counts.written;
  for (const visit of visits) {
    const context = await browser.newContext({
      userAgent: visit.browser.userAgent,
      extraHTTPHeaders: { 'x-forwarded-for': visit.address },
    });
    const before = endpoint.counts.written;
    try {
      const page = await context.newPage();
      await page.goto(landingUrl(endpoint.url, visit), {
        ...(visit.referrer === undefined ? {} : { referer: visit.referrer }),
      });
      await endpoint.waitForWritten((expected += 1));
      for (const path of visit.pages.slice(1)) {
        await Promise.all([
          page.waitForURL(new URL(path, endpoint.url).href),
          page.click(`nav a[href="${path}"]`),
        ]);
        await endpoint.waitForWritten((expected += 1));
      }
      if (visit.signup) {
        await page.click('#signup');
        await endpoint.waitForWritten((expected += 1));
      }
      partyIds.push(
        await page.evaluate(
          () => (globalThis as unknown as { divolte: { partyId: string } }).divolte.partyId,
        ),
      );
      if (endpoint.counts.written - before !== eventsOf(visit)) {
        throw new Error(
          `a browser visit planned ${eventsOf(visit)} events and sent ${endpoint.counts.written - before}`,
        );
      }
    } finally {
      await context.close();
    }
  }
  return partyIds;
}
