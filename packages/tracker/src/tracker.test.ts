import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFakeWindow, memoryStorage } from '../test/fake-window';
import { createConsent } from './consent';
import { trackNavigation } from './navigation';
import { autoPageViews } from './page-views';
import { createTracker, type TrackerOptions } from './tracker';

const settle = (ms = 20): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function setup(options: Omit<TrackerOptions, 'window'> = {}, url?: string) {
  const fake = createFakeWindow(url);
  const tracker = createTracker({ window: fake.window, ...options });
  return { fake, tracker };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('createTracker', () => {
  it('signals a page view on start and encodes every field divolte.js sends', async () => {
    const { fake, tracker } = setup(
      { features: [autoPageViews()] },
      'https://shop.example.com/a?b=1#c',
    );
    await settle();
    expect(fake.events).toHaveLength(1);
    expect(fake.events[0]).toMatchObject({
      eventType: 'pageView',
      partyId: tracker.partyId,
      sessionId: tracker.sessionId,
      pageViewId: tracker.pageViewId,
      eventId: tracker.pageViewId + '0',
      newParty: true,
      firstInSession: true,
      location: 'https://shop.example.com/a?b=1#c',
      referrer: 'https://search.example/',
      screenWidth: 1280,
      screenHeight: 800,
      devicePixelRatio: 1.5,
      viewportWidth: 1200,
      viewportHeight: 700,
      corrupt: false,
    });
    expect(tracker.partyId).toMatch(/^0:[0-9a-z]+:[A-Za-z0-9~_]{32}$/);
    expect(tracker.pageViewId).toMatch(/^0:[A-Za-z0-9~_]{32}$/);
    // Both ids of a page load carry the start time, as divolte.js's do.
    expect(tracker.partyId.split(':')[1]).toBe(tracker.sessionId.split(':')[1]);
  });

  it('numbers events of a page view in hex and returns null for an empty type', async () => {
    const { fake, tracker } = setup();
    await settle();
    expect(fake.events).toHaveLength(0); // no automatic page view without autoPageViews()
    tracker.pageView();
    const ids = Array.from({ length: 11 }, () => tracker.signal('click'));
    expect(tracker.signal('')).toBeNull();
    expect(ids.at(-1)).toBe(tracker.pageViewId + 'b');
    await settle(100);
    expect(fake.events.map((e) => e.eventId)).toEqual([tracker.pageViewId + '0', ...ids]);
    expect(fake.events.slice(1).every((e) => !e.newParty && !e.firstInSession)).toBe(true);
  });

  it('writes the cookies with SameSite=Lax, Secure on https, the domain and the lifetimes', () => {
    const { fake, tracker } = setup({ cookieDomain: 'example.com' });
    tracker.signal('x');
    expect(fake.cookieWrites).toEqual([
      `_dvp=${tracker.partyId};path=/;max-age=63072000;SameSite=Lax;Secure;domain=example.com`,
      `_dvs=${tracker.sessionId};path=/;max-age=1800;SameSite=Lax;Secure;domain=example.com`,
    ]);
    const plain = setup({ partyCookie: 'p', sessionCookie: 's' }, 'http://a.test/');
    plain.tracker.signal('x');
    expect(plain.fake.cookieWrites[0]).toBe(
      `p=${plain.tracker.partyId};path=/;max-age=63072000;SameSite=Lax`,
    );
  });

  it('reuses the ids of existing cookies and writes none in cookieless mode', () => {
    const fake = createFakeWindow();
    fake.cookies.set('_dvp', { value: '0:abc:party', attributes: '' });
    fake.cookies.set('_dvs', { value: '0:abc:session', attributes: '' });
    const tracker = createTracker({ window: fake.window });
    expect([
      tracker.partyId,
      tracker.sessionId,
      tracker.isNewPartyId,
      tracker.isFirstInSession,
    ]).toEqual(['0:abc:party', '0:abc:session', false, false]);
    const cookieless = createTracker({
      window: fake.window,
      cookieless: true,
    });
    fake.cookieWrites.length = 0;
    cookieless.signal('x');
    expect(cookieless.partyId).not.toBe('0:abc:party');
    expect(fake.cookieWrites).toEqual([]);
  });

  it('re-checks the session on every event: expired cookie or idle page means a new session', async () => {
    let time = 1_700_000_000_000;
    const { fake, tracker } = setup({ now: () => time });
    tracker.signal('a');
    const first = tracker.sessionId;
    time += 60_000;
    tracker.signal('b');
    expect(tracker.sessionId).toBe(first);
    fake.cookies.delete('_dvs'); // the browser expired it
    tracker.signal('c');
    expect(tracker.sessionId).not.toBe(first);
    await settle(50);
    expect(fake.events.map((e) => e.firstInSession)).toEqual([true, false, true]);

    const cookieless = setup({ cookieless: true, now: () => time });
    cookieless.tracker.signal('a');
    const before = cookieless.tracker.sessionId;
    time += 31 * 60_000;
    cookieless.tracker.signal('b');
    expect(cookieless.tracker.sessionId).not.toBe(before);
  });

  it('adopts a session another tab renewed', () => {
    const { fake, tracker } = setup();
    tracker.signal('a');
    fake.cookies.set('_dvs', { value: '0:zz:other-tab', attributes: '' });
    tracker.signal('b');
    expect(tracker.sessionId).toBe('0:zz:other-tab');
  });

  it('uses a server page-view id for the first page view only', () => {
    const { tracker } = setup({ pageViewId: 'srv' });
    expect(tracker.isServerPageView).toBe(true);
    expect(tracker.pageView()).toBe('srv0');
    expect(tracker.signal('x')).toBe('srv1');
    tracker.pageView();
    expect(tracker.pageViewId).not.toBe('srv');
  });

  it('defers the automatic page view until the page is visible, and starts one on a bfcache restore', async () => {
    const fake = createFakeWindow();
    (fake.window.document as { visibilityState: string }).visibilityState = 'hidden';
    const tracker = createTracker({ window: fake.window, features: [autoPageViews()] });
    await settle();
    expect(fake.events).toHaveLength(0);
    (fake.window.document as { visibilityState: string }).visibilityState = 'visible';
    fake.fire('document', 'visibilitychange');
    fake.fire('document', 'visibilitychange');
    const first = tracker.pageViewId;
    fake.fire('window', 'pageshow', { persisted: false });
    fake.fire('window', 'pageshow', { persisted: true });
    await settle();
    expect(fake.events.map((e) => e.eventType)).toEqual(['pageView', 'pageView']);
    expect(tracker.pageViewId).not.toBe(first);
  });

  it('calls whenCommitted once delivery is done, or at its timeout, and only once', async () => {
    const { fake, tracker } = setup();
    const calls: string[] = [];
    tracker.whenCommitted(() => calls.push('idle'));
    await settle(0);
    expect(calls).toEqual(['idle']);
    tracker.signal('a');
    tracker.whenCommitted(() => calls.push(`after a: ${fake.events.length}`), 1000);
    await settle(50);
    expect(calls).toEqual(['idle', 'after a: 1']);
    fake.hang = true;
    tracker.signal('b');
    tracker.whenCommitted(() => calls.push('timeout'), 30);
    await settle(60);
    expect(calls).toEqual(['idle', 'after a: 1', 'timeout']);
    await settle(800); // the 750 ms event timeout commits b: the callback does not run again
    expect(calls).toHaveLength(3);
  });
});

describe('trackNavigation', () => {
  it('signals a page view per address change, with the previous address as referrer', async () => {
    const { fake, tracker } = setup(
      { features: [autoPageViews(), trackNavigation()] },
      'https://a.test/one',
    );
    fake.window.history.pushState({}, '', '/two');
    fake.window.history.replaceState({}, '', '/two');
    fake.window.history.pushState({}, '', '/two#x');
    fake.setUrl('/one');
    fake.fire('window', 'popstate');
    await settle(50);
    expect(fake.events.map((e) => [new URL(e.location!).pathname, e.referrer])).toEqual([
      ['/one', 'https://search.example/'],
      ['/two', 'https://a.test/one'],
      ['/one', 'https://a.test/two'],
    ]);
    expect(tracker.pageViewId).toBe(fake.events[2]!.pageViewId);
  });
});

describe('createConsent', () => {
  it('holds events and cookies until granted, the automatic page view too', async () => {
    const consent = createConsent();
    // Listed before consent, automatic page views still start behind it.
    const { fake } = setup({ features: [autoPageViews(), consent] });
    await settle();
    expect(consent.state).toBe('pending');
    expect(fake.events).toHaveLength(0);
    expect(fake.cookies.size).toBe(0);
    consent.grant();
    await settle();
    expect(fake.events).toHaveLength(1);
    expect([...fake.cookies.keys()]).toEqual(['_dvp', '_dvs']);
  });

  it('drops while pending in drop mode, deletes cookies on deny, persists an opt-out', async () => {
    const storage = memoryStorage();
    const consent = createConsent({ pending: 'drop', storage });
    const { fake, tracker } = setup({ features: [consent] });
    consent.grant();
    tracker.signal('kept');
    await settle();
    expect(fake.events.map((e) => e.eventType)).toEqual(['kept']);
    consent.deny();
    expect(fake.cookies.size).toBe(0);
    tracker.signal('dropped');
    consent.optOut();
    expect(storage.getItem('_dvo')).toBe('1');
    const again = createConsent({ storage, initial: 'granted' });
    setup({ features: [again] });
    expect(again.state).toBe('optedOut');
    again.grant();
    expect(again.state).toBe('optedOut');
    again.optIn(true);
    expect([again.state, storage.getItem('_dvo')]).toEqual(['granted', null]);
    await settle();
    expect(fake.events.map((e) => e.eventType)).toEqual(['kept']);
  });

  it('treats Do Not Track as an opt-out when asked to', () => {
    const fake = createFakeWindow();
    (fake.window.navigator as { doNotTrack: string }).doNotTrack = '1';
    const consent = createConsent({ respectDoNotTrack: true, storage: memoryStorage() });
    createTracker({ window: fake.window, features: [consent] });
    expect(consent.state).toBe('optedOut');
  });

  it('releases held events to whenCommitted waiters when denied', async () => {
    const consent = createConsent();
    const { tracker } = setup({ features: [consent] });
    tracker.signal('held');
    const done = vi.fn();
    tracker.whenCommitted(done);
    expect(done).not.toHaveBeenCalled();
    await settle(0);
    expect(done).not.toHaveBeenCalled();
    consent.deny();
    await settle(0);
    expect(done).toHaveBeenCalledOnce();
  });
});
