import { describe, expect, it } from 'vitest';
import { createFakeWindow, memoryStorage } from '../test/fake-window';
import { buildPublished } from '../test/published';
import type * as Published from './index';

const settle = (ms = 50): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('the published build (internal names shortened)', () => {
  it('runs the tracker with every feature as the sources do', async () => {
    const dist = await buildPublished('published-dist');
    const tracker = (await import(`${dist}/index.js`)) as typeof Published;
    const fake = createFakeWindow('https://a.test/one');
    const consent = tracker.createConsent({ storage: memoryStorage() });
    const instance = tracker.createTracker({
      window: fake.window,
      features: [
        tracker.autoPageViews(),
        consent,
        tracker.trackNavigation(),
        tracker.trackOutboundLinks(),
        tracker.reliableDelivery(),
      ],
    });
    await settle();
    expect(fake.events).toHaveLength(0);
    consent.grant();
    fake.window.history.pushState({}, '', '/two');
    instance.signal('signup', { plan: 'pro' });
    let committed = false;
    instance.whenCommitted(() => {
      committed = true;
    });
    await settle(200);
    expect(fake.events.map((e) => [e.eventType, new URL(e.location!).pathname])).toEqual([
      ['pageView', '/one'],
      ['pageView', '/two'],
      ['signup', '/two'],
    ]);
    expect(fake.events[2]!.parameters).toEqual({ plan: 'pro' });
    expect(committed).toBe(true);
    expect([...fake.cookies.keys()]).toEqual(['_dvp', '_dvs']);
    expect(instance.partyId).toBe(fake.events[0]!.partyId);
  }, 30_000);
});
