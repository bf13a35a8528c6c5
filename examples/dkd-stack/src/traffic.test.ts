// The generator's bookkeeping, without services: the events a plan sends are the events it counts,
// and the expectations follow from the visits by hand.
import { decodeEventQuery, encodeEventQuery } from '@tributary/schema/protocol';
import { describe, expect, it } from 'vitest';
import { demoGeoIpDatabase, DEMO_COUNTRIES } from './geo';
import { formatTable } from './questions';
import {
  BROWSERS,
  CAMPAIGNS,
  PAGES,
  SIGNUP_EVENT,
  eventsOf,
  expectedAnswers,
  planTraffic,
  trackedEvents,
  type Visit,
} from './traffic';

const SITE = 'http://127.0.0.1:8290/';

describe('the synthetic traffic plan', () => {
  it('is the same for the same seed and sends exactly the events it counts', () => {
    const now = Date.UTC(2026, 10, 28, 12);
    const plan = planTraffic({ now, seed: 7 });
    expect(planTraffic({ now, seed: 7 })).toEqual(plan);
    expect(plan.map((visit) => visit.window)).toEqual(
      expect.arrayContaining(['today', 'threeDaysAgo', 'lastWeek']),
    );
    for (const visit of plan) {
      const events = trackedEvents(visit, SITE, now);
      expect(events).toHaveLength(eventsOf(visit));
      expect(events.filter((event) => event.eventType === SIGNUP_EVENT)).toHaveLength(
        visit.signup ? 1 : 0,
      );
      // What the collector decodes is what was planned.
      const decoded = decodeEventQuery(encodeEventQuery(events[0]!));
      expect(decoded.ok && decoded.value.corrupt).toBe(false);
      const landing = new URL(events[0]!.location!);
      expect(landing.searchParams.get('utm_campaign') ?? undefined).toBe(visit.campaign?.campaign);
      expect(events[0]!.referrer).toBe(visit.referrer);
    }
  });

  it('gives every planned address the country the demo GeoIP database answers', () => {
    const geo = demoGeoIpDatabase();
    for (const visit of planTraffic({ seed: 3 })) {
      expect(geo.get(visit.address)?.country?.iso_code ?? null).toBe(visit.country);
    }
    expect(
      DEMO_COUNTRIES.map((country) => geo.get(country.addressPrefix + '1')?.country?.iso_code),
    ).toEqual(DEMO_COUNTRIES.map((country) => country.code));
  });

  it('derives the expected answers from the visits', () => {
    const base = {
      via: 'synthetic',
      sessionId: 's',
      newParty: true,
      browser: BROWSERS[0]!,
      address: '198.18.1.1',
      country: 'NL',
      referrer: undefined,
      campaign: undefined,
      signup: false,
    } as const;
    const visits: Visit[] = [
      {
        ...base,
        window: 'today',
        partyId: 'a',
        pages: [PAGES.home, PAGES.pricing],
        signup: true,
        campaign: CAMPAIGNS[0],
      },
      { ...base, window: 'today', partyId: 'a', pages: [PAGES.blog], referrer: 'https://t.co/x' },
      {
        ...base,
        window: 'today',
        partyId: 'b',
        pages: [PAGES.home],
        country: null,
        browser: BROWSERS[1]!,
      },
      {
        ...base,
        window: 'threeDaysAgo',
        partyId: 'c',
        pages: [PAGES.pricing, PAGES.blog, PAGES.pricing],
      },
      { ...base, window: 'lastWeek', partyId: 'a', pages: [PAGES.home] },
      {
        ...base,
        window: 'today',
        partyId: 'bot',
        pages: [PAGES.home],
        browser: { ...BROWSERS[0]!, bot: true },
      },
    ];
    expect(expectedAnswers(visits, 'winter-sale')).toEqual({
      campaign: 'winter-sale',
      campaignNow: { events: 1, visitors: 1 },
      visitorsToday: 2,
      visitorsLastWeek: 1,
      countriesToday: { NL: { events: 4, visitors: 1 }, '(none)': { events: 1, visitors: 1 } },
      referrersToday: { 't.co': { events: 1, visitors: 1 } },
      beforeDeploy: { pricingViews: 2, signups: 0 },
      afterDeploy: { pricingViews: 1, signups: 1 },
      browsersThisWeek: {
        Chrome: { events: 7, visitors: 2 },
        Firefox: { events: 1, visitors: 1 },
      },
      totalEvents: 10,
      botEvents: 1,
    });
  });

  it('prints tables with padded columns', () => {
    expect(
      formatTable(
        ['a', 'n'],
        [
          ['xy', '1'],
          ['z', '10'],
        ],
      ),
    ).toBe(['  a    n', '  ──  ──', '  xy   1', '  z   10'].join('\n'));
  });
});
