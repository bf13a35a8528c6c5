// The synthetic load: a seeded plan of visits (who, from where, with which browser, referrer and
// campaign, which pages, whether they sign up) and the exact answers that plan implies. The plan
// is sent as real /csc-event requests, so everything Druid answers went through the collector,
// the mapping and Kafka; the expectations are computed from the plan alone, never from Druid.
import {
  createEventId,
  createIdentifier,
  createPageViewId,
  encodeEventQuery,
  type TrackedEvent,
} from '@tributary/schema/protocol';
import { DEMO_COUNTRIES, UNKNOWN_ADDRESS_PREFIX } from './geo';

/** When a visit happened, relative to the run: each window has its own collector clock. */
export type TrafficWindow = 'today' | 'threeDaysAgo' | 'lastWeek';

/** The windows and how far each collector's clock is set back. */
export const WINDOW_OFFSET_DAYS: Record<TrafficWindow, number> = {
  today: 0,
  threeDaysAgo: 3,
  lastWeek: 7,
};

/** A utm campaign a landing page can carry. */
export interface Campaign {
  readonly source: string;
  readonly medium: string;
  readonly campaign: string;
}

/** A browser of the synthetic load: its user agent and what ua-parser-js calls it. */
export interface BrowserProfile {
  readonly userAgent: string;
  /** The `browserName` the mapping derives from the user agent; null for bots (not counted). */
  readonly browserName: string;
  readonly bot: boolean;
  readonly mobile: boolean;
}

/** One session of one visitor: the pages it views, in order, and whether it signs up. */
export interface Visit {
  readonly window: TrafficWindow;
  readonly via: 'chromium' | 'synthetic';
  readonly partyId: string;
  readonly sessionId: string;
  readonly newParty: boolean;
  readonly browser: BrowserProfile;
  /** The client address the load balancer puts in X-Forwarded-For. */
  readonly address: string;
  /** ISO code of the demo GeoIP database's answer for `address`, null when unknown. */
  readonly country: string | null;
  /** The external page that linked to the landing page; undefined for direct visits. */
  readonly referrer: string | undefined;
  readonly campaign: Campaign | undefined;
  /** Site paths; the first is the landing page. */
  readonly pages: readonly string[];
  /** Fires the `signup` signal on the pricing page (which `pages` then contains). */
  readonly signup: boolean;
}

export const CAMPAIGNS: readonly Campaign[] = [
  { source: 'newsletter', medium: 'email', campaign: 'winter-sale' },
  { source: 'ads', medium: 'cpc', campaign: 'black-friday' },
];

export const REFERRERS: readonly string[] = [
  'https://www.google.com/search?q=clickstream+analytics',
  'https://news.ycombinator.com/item?id=40000001',
  'https://t.co/Tr1butary',
  'https://www.linkedin.com/feed/',
];

export const BROWSERS: readonly BrowserProfile[] = [
  {
    userAgent:
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    browserName: 'Chrome',
    bot: false,
    mobile: false,
  },
  {
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
    browserName: 'Firefox',
    bot: false,
    mobile: false,
  },
  {
    userAgent:
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
    browserName: 'Safari',
    bot: false,
    mobile: false,
  },
  {
    userAgent:
      'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
    browserName: 'Mobile Safari',
    bot: false,
    mobile: true,
  },
  {
    userAgent:
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
    browserName: 'Edge',
    bot: false,
    mobile: false,
  },
  {
    userAgent:
      'Mozilla/5.0 (Linux; Android 14; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36',
    browserName: 'Samsung Internet',
    bot: false,
    mobile: true,
  },
];

export const BOT: BrowserProfile = {
  userAgent: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  browserName: '',
  bot: true,
  mobile: false,
};

/** The site's pages: the landing pages and the funnel. */
export const PAGES = {
  home: '/',
  features: '/features.html',
  pricing: '/pricing.html',
  blog: '/blog.html',
} as const;

/** The custom event whose conversion rate changed with the deploy. */
export const SIGNUP_EVENT = 'signup';

/** How much traffic each window gets. */
export interface TrafficPlanOptions {
  /** @default 1 */
  readonly seed?: number;
  /** Visitors (parties) per window. @default { today: 160, threeDaysAgo: 90, lastWeek: 120 } */
  readonly parties?: Partial<Record<TrafficWindow, number>>;
  /** Sign-up probability on the pricing page: the deploy raised it. */
  readonly signupRate?: Partial<Record<TrafficWindow, number>>;
  /** Bot sessions today (filtered out by every question). @default 8 */
  readonly botSessions?: number;
  /** Clock of each window's ids (party ids embed their creation time). @default Date.now */
  readonly now?: number;
}

/** A small seeded PRNG (mulberry32): the same seed gives the same plan. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(random: () => number, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)]!;

/** Random bytes from the seeded PRNG, for identifiers that repeat with the seed. */
const seededBytes =
  (random: () => number) =>
  (length: number): Uint8Array =>
    Uint8Array.from({ length }, () => Math.floor(random() * 256));

/** Picks a country (or none) and an address in its demo network. */
function pickAddress(random: () => number): { address: string; country: string | null } {
  const host = 1 + Math.floor(random() * 250);
  // One visitor in twelve comes from outside the database: country unknown.
  if (random() < 1 / 12) return { address: `${UNKNOWN_ADDRESS_PREFIX}${host}`, country: null };
  // Skewed towards the first countries, as real traffic is.
  const index = Math.min(
    DEMO_COUNTRIES.length - 1,
    Math.floor(random() ** 1.6 * DEMO_COUNTRIES.length),
  );
  const country = DEMO_COUNTRIES[index]!;
  const address = country.addressPrefix.includes(':')
    ? `${country.addressPrefix}${host.toString(16)}`
    : `${country.addressPrefix}${host}`;
  return { address, country: country.code };
}

/** The pages of one session after its landing page. */
function pickPages(random: () => number, landing: string): string[] {
  const pages = [landing];
  const more = Math.floor(random() * 4); // 0–3 more pages
  const funnel = [PAGES.features, PAGES.pricing, PAGES.blog, PAGES.home];
  for (let i = 0; i < more; i++) {
    let next = pick(random, funnel);
    if (next === pages[pages.length - 1]) next = PAGES.pricing;
    if (next === pages[pages.length - 1]) break;
    pages.push(next);
  }
  return pages;
}

/** Plans the synthetic visits of every window. Deterministic for a seed and `now`. */
export function planTraffic(options: TrafficPlanOptions = {}): Visit[] {
  const random = createRandom(options.seed ?? 1);
  const bytes = seededBytes(random);
  const now = options.now ?? Date.now();
  const parties = { today: 160, threeDaysAgo: 90, lastWeek: 120, ...options.parties };
  const signupRate = { today: 0.3, threeDaysAgo: 0.12, lastWeek: 0.12, ...options.signupRate };
  const visits: Visit[] = [];
  // Some of today's visitors were here last week too: their party id (cookie) comes back.
  const lastWeekParties: { partyId: string; browser: BrowserProfile; address: string }[] = [];

  for (const window of ['lastWeek', 'threeDaysAgo', 'today'] as const) {
    const at = now - WINDOW_OFFSET_DAYS[window] * 86_400_000;
    for (let p = 0; p < parties[window]; p++) {
      const returning =
        window === 'today' && lastWeekParties.length > 0 && random() < 0.2
          ? lastWeekParties[Math.floor(random() * lastWeekParties.length)]
          : undefined;
      const partyId =
        returning?.partyId ?? createIdentifier({ timestamp: at - 3_600_000, randomBytes: bytes });
      const browser = returning?.browser ?? pick(random, BROWSERS);
      const located = returning
        ? {
            address: returning.address,
            country:
              DEMO_COUNTRIES.find((c) => returning.address.startsWith(c.addressPrefix))?.code ??
              null,
          }
        : pickAddress(random);
      if (window === 'lastWeek') lastWeekParties.push({ partyId, browser, ...located });
      const sessions = random() < 0.25 ? 2 : 1;
      for (let s = 0; s < sessions; s++) {
        const campaign = random() < 0.35 ? pick(random, CAMPAIGNS) : undefined;
        const referrer =
          campaign === undefined && random() < 0.6 ? pick(random, REFERRERS) : undefined;
        const landing = campaign ? PAGES.home : pick(random, [PAGES.home, PAGES.blog]);
        const pages = pickPages(random, landing);
        const signup = pages.includes(PAGES.pricing) && random() < signupRate[window];
        visits.push({
          window,
          via: 'synthetic',
          partyId,
          sessionId: createIdentifier({ timestamp: at - 60_000 * s, randomBytes: bytes }),
          newParty: returning === undefined && s === 0,
          browser,
          ...located,
          referrer,
          campaign,
          pages,
          signup,
        });
      }
    }
  }
  for (let b = 0; b < (options.botSessions ?? 8); b++) {
    visits.push({
      window: 'today',
      via: 'synthetic',
      partyId: createIdentifier({ timestamp: now, randomBytes: bytes }),
      sessionId: createIdentifier({ timestamp: now, randomBytes: bytes }),
      newParty: true,
      browser: BOT,
      ...pickAddress(random),
      referrer: undefined,
      campaign: undefined,
      pages: [PAGES.home, PAGES.features, PAGES.pricing, PAGES.blog],
      signup: false,
    });
  }
  return visits;
}

/** A one-page visit of today, sent on its own to time one event's way into Druid. */
export function probeVisit(now: number): Visit {
  return {
    window: 'today',
    via: 'synthetic',
    partyId: createIdentifier({ timestamp: now }),
    sessionId: createIdentifier({ timestamp: now }),
    newParty: true,
    browser: BROWSERS[0]!,
    address: `${DEMO_COUNTRIES[0]!.addressPrefix}200`,
    country: DEMO_COUNTRIES[0]!.code,
    referrer: undefined,
    campaign: undefined,
    pages: [PAGES.home],
    signup: false,
  };
}

/** The landing URL of a visit: the page with its utm parameters. */
export function landingUrl(siteUrl: string, visit: Visit): string {
  const url = new URL(visit.pages[0]!, siteUrl);
  if (visit.campaign) {
    url.searchParams.set('utm_source', visit.campaign.source);
    url.searchParams.set('utm_medium', visit.campaign.medium);
    url.searchParams.set('utm_campaign', visit.campaign.campaign);
  }
  return url.href;
}

/** How many events a visit makes: a page view per page and the sign-up. */
export const eventsOf = (visit: Visit): number => visit.pages.length + (visit.signup ? 1 : 0);

/** The events a visit's tag would send, as `/csc-event` fields. */
export function trackedEvents(visit: Visit, siteUrl: string, clientTime: number): TrackedEvent[] {
  const events: TrackedEvent[] = [];
  let previous = visit.referrer;
  visit.pages.forEach((path, index) => {
    const location = index === 0 ? landingUrl(siteUrl, visit) : new URL(path, siteUrl).href;
    const pageViewId = createPageViewId();
    const common = {
      partyId: visit.partyId,
      sessionId: visit.sessionId,
      pageViewId,
      clientTimestamp: clientTime + index * 1000,
      newParty: visit.newParty && index === 0,
      firstInSession: index === 0,
      location,
      ...(previous === undefined ? {} : { referrer: previous }),
      screenWidth: visit.browser.mobile ? 390 : 1920,
      screenHeight: visit.browser.mobile ? 844 : 1080,
      viewportWidth: visit.browser.mobile ? 390 : 1440,
      viewportHeight: visit.browser.mobile ? 740 : 900,
      devicePixelRatio: visit.browser.mobile ? 3 : 1,
    };
    events.push({ ...common, eventId: createEventId(pageViewId, 0), eventType: 'pageView' });
    // The visitor signs up once, on the first view of the pricing page.
    if (visit.signup && index === visit.pages.indexOf(PAGES.pricing)) {
      events.push({
        ...common,
        eventId: createEventId(pageViewId, 1),
        eventType: SIGNUP_EVENT,
        parameters: { plan: 'trial' },
      });
    }
    previous = location;
  });
  return events;
}

/** Sends a visit's events to a collector as the tag would, through a load balancer. */
export async function sendVisit(
  visit: Visit,
  collectorUrl: string,
  siteUrl: string,
  clientTime: number,
): Promise<void> {
  for (const event of trackedEvents(visit, siteUrl, clientTime)) {
    const response = await fetch(new URL(`csc-event?${encodeEventQuery(event)}`, collectorUrl), {
      headers: { 'user-agent': visit.browser.userAgent, 'x-forwarded-for': visit.address },
    });
    await response.arrayBuffer();
    if (response.status !== 200) {
      throw new Error(`the collector answered ${response.status} to a synthetic event`);
    }
  }
}

/** Sends visits with bounded concurrency; resolves when every request was answered. */
export async function sendVisits(
  visits: readonly Visit[],
  collectorUrl: string,
  siteUrl: string,
  clientTime: number,
  concurrency = 8,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < visits.length) {
      const visit = visits[next++]!;
      await sendVisit(visit, collectorUrl, siteUrl, clientTime);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** A count of events and a set of visitors, per key. */
export interface Tally {
  events: number;
  visitors: number;
}

/** What the article's questions must answer, computed from the visits alone. */
export interface ExpectedAnswers {
  readonly campaign: string;
  readonly campaignNow: Tally;
  readonly visitorsToday: number;
  readonly visitorsLastWeek: number;
  readonly countriesToday: Record<string, Tally>;
  readonly referrersToday: Record<string, Tally>;
  readonly beforeDeploy: { pricingViews: number; signups: number };
  readonly afterDeploy: { pricingViews: number; signups: number };
  readonly browsersThisWeek: Record<string, Tally>;
  /** Every event sent, bots included: what Druid's `SUM("count")` must reach. */
  readonly totalEvents: number;
  readonly botEvents: number;
}

class Tallies {
  private readonly events = new Map<string, number>();
  private readonly parties = new Map<string, Set<string>>();
  add(key: string, partyId: string, events: number): void {
    this.events.set(key, (this.events.get(key) ?? 0) + events);
    let set = this.parties.get(key);
    if (!set) this.parties.set(key, (set = new Set()));
    set.add(partyId);
  }
  toRecord(): Record<string, Tally> {
    const record: Record<string, Tally> = {};
    for (const [key, events] of this.events) {
      record[key] = { events, visitors: this.parties.get(key)!.size };
    }
    return record;
  }
}

/** Unknown countries and direct visits are grouped under this key, as the queries do. */
export const NONE = '(none)';

/** The exact answers for a plan: counts are exact, visitor counts are exact distinct parties. */
export function expectedAnswers(visits: readonly Visit[], campaign: string): ExpectedAnswers {
  const people = visits.filter((visit) => !visit.browser.bot);
  const parties = (window: TrafficWindow): number =>
    new Set(people.filter((v) => v.window === window).map((v) => v.partyId)).size;
  const campaignVisits = people.filter(
    (v) => v.window === 'today' && v.campaign?.campaign === campaign,
  );
  const countries = new Tallies();
  const referrers = new Tallies();
  const browsers = new Tallies();
  const funnel = (window: TrafficWindow) => {
    const inWindow = people.filter((v) => v.window === window);
    return {
      pricingViews: inWindow.reduce(
        (n, v) => n + v.pages.filter((p) => p === PAGES.pricing).length,
        0,
      ),
      signups: inWindow.filter((v) => v.signup).length,
    };
  };
  for (const visit of people) {
    if (visit.window !== 'lastWeek') {
      browsers.add(visit.browser.browserName, visit.partyId, eventsOf(visit));
    }
    if (visit.window !== 'today') continue;
    countries.add(visit.country ?? NONE, visit.partyId, eventsOf(visit));
    // Only the landing page view carries the external referrer; the rest of the visit has the
    // site's own pages as referrer, which the question leaves out.
    if (visit.referrer !== undefined) {
      referrers.add(new URL(visit.referrer).hostname, visit.partyId, 1);
    }
  }
  const total = visits.reduce((n, v) => n + eventsOf(v), 0);
  return {
    campaign,
    campaignNow: {
      events: campaignVisits.length,
      visitors: new Set(campaignVisits.map((v) => v.partyId)).size,
    },
    visitorsToday: parties('today'),
    visitorsLastWeek: parties('lastWeek'),
    countriesToday: countries.toRecord(),
    referrersToday: referrers.toRecord(),
    beforeDeploy: funnel('threeDaysAgo'),
    afterDeploy: funnel('today'),
    browsersThisWeek: browsers.toRecord(),
    totalEvents: total,
    botEvents: visits.filter((v) => v.browser.bot).reduce((n, v) => n + eventsOf(v), 0),
  };
}
