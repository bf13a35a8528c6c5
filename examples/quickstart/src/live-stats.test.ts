import { describe, expect, it } from 'vitest';
import type { TributaryEventRecord } from '@tributary/schema';
import { createLiveStats, OTHER } from './live-stats';
import { sitePath } from './quickstart';

const base = {
  eventType: 'pageView',
  location: 'https://shop.example/a',
  referrer: null,
  browserName: 'Chrome',
};

describe('live stats', () => {
  it('counts the last minutes: events per minute and type, page views by page, browser, referrer', () => {
    let now = Date.UTC(2026, 10, 28, 12, 0, 30);
    const stats = createLiveStats({ clock: () => now, windowMinutes: 3 });
    const add = (fields: Partial<TributaryEventRecord>): void => {
      stats.add({ ...base, timestamp: now, ...fields } as TributaryEventRecord);
    };
    add({});
    add({
      location: 'https://shop.example/b',
      referrer: 'https://www.google.com/x',
      browserName: 'Firefox',
    });
    add({ eventType: 'addToCart' });
    now += 60_000;
    add({});
    const snapshot = stats.snapshot();
    expect(snapshot).toMatchObject({
      total: 4,
      windowMinutes: 3,
      inWindow: 4,
      pageViewsInWindow: 3,
    });
    expect(snapshot.perMinute.map((m) => m.count)).toEqual([0, 3, 1]);
    expect(snapshot.topPages).toEqual([
      ['/a', 2],
      ['/b', 1],
    ]);
    expect(snapshot.browsers).toEqual([
      ['Chrome', 2],
      ['Firefox', 1],
    ]);
    expect(snapshot.referrers).toEqual([
      ['(direct)', 2],
      ['www.google.com', 1],
    ]);
    expect(snapshot.eventTypes).toEqual([
      ['pageView', 3],
      ['addToCart', 1],
    ]);

    // Two minutes later the first minute left the window: its page views leave the tables too.
    now += 2 * 60_000;
    add({ location: 'https://shop.example/c' });
    const later = stats.snapshot();
    expect(later.perMinute.map((m) => m.count)).toEqual([1, 0, 1]);
    expect(later).toMatchObject({ total: 5, inWindow: 2, pageViewsInWindow: 2 });
    expect(later.topPages).toEqual([
      ['/a', 1],
      ['/c', 1],
    ]);
    expect(later.eventTypes).toEqual([['pageView', 2]]);

    now += 10 * 60_000;
    add({});
    expect(stats.snapshot()).toMatchObject({ total: 6, inWindow: 1 });
    expect(stats.snapshot().perMinute.map((m) => m.count)).toEqual([0, 0, 1]);
  });

  it('counts records outside the window in the total only', () => {
    const now = Date.UTC(2026, 10, 28, 12, 0, 30);
    const stats = createLiveStats({ clock: () => now, windowMinutes: 3 });
    for (const timestamp of [now - 3 * 60_000, now + 60_000, now]) {
      stats.add({ ...base, timestamp } as TributaryEventRecord);
    }
    expect(stats.snapshot()).toMatchObject({ total: 3, inWindow: 1, pageViewsInWindow: 1 });
  });

  it('bounds the distinct keys per minute: the rest count as (other)', () => {
    const now = Date.UTC(2026, 10, 28, 12, 0, 30);
    const stats = createLiveStats({ clock: () => now, maxKeysPerMinute: 2, topN: 5 });
    for (const path of ['/a', '/b', '/c', '/d', '/a', '/a']) {
      stats.add({ ...base, timestamp: now, location: `https://x${path}` } as TributaryEventRecord);
    }
    expect(stats.snapshot().topPages).toEqual([
      ['/a', 3],
      [OTHER, 2],
      ['/b', 1],
    ]);
  });
});

describe('sitePath', () => {
  it('maps site URLs to files and refuses anything else', () => {
    expect(sitePath('/')).toBe('index.html');
    expect(sitePath('/products.html')).toBe('products.html');
    expect(sitePath('/site/layout.css')).toBe('layout.css');
    expect(sitePath('/app/orders')).toBe('app/index.html');
    expect(sitePath('/../package.json')).toBeUndefined();
    expect(sitePath('/site/../../etc/passwd')).toBeUndefined();
  });
});
