import { describe, expect, it } from 'vitest';
import type { TributaryEventRecord } from '@tributary/schema';
import { createLiveStats } from './live-stats';
import { sitePath } from './quickstart';

const base = {
  eventType: 'pageView',
  location: 'https://shop.example/a',
  referrer: null,
  browserName: 'Chrome',
};

describe('live stats', () => {
  it('counts per minute within the window and ranks pages, browsers and referrers', () => {
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
    expect(snapshot.total).toBe(4);
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
    now += 10 * 60_000;
    add({});
    expect(stats.snapshot().perMinute.map((m) => m.count)).toEqual([0, 0, 1]);
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
