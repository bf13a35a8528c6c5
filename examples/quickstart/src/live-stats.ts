import type { TributaryEventRecord } from '@tributary/schema';

/**
 * What the live page shows. Everything but `total` covers the same window: the last
 * `windowMinutes` minutes by record time, the current minute included.
 */
export interface LiveSnapshot {
  /** Events since the server started. */
  readonly total: number;
  /** The window's length in minutes. */
  readonly windowMinutes: number;
  /** Events in the window. */
  readonly inWindow: number;
  /** Page views in the window. */
  readonly pageViewsInWindow: number;
  /** Oldest first, one entry per minute of the window (all events), minutes as ms since the epoch. */
  readonly perMinute: readonly { readonly minute: number; readonly count: number }[];
  /** Page views in the window by URL path. */
  readonly topPages: readonly (readonly [string, number])[];
  /** Page views in the window by browser. */
  readonly browsers: readonly (readonly [string, number])[];
  /** Page views in the window by referrer host. */
  readonly referrers: readonly (readonly [string, number])[];
  /** Events in the window by type. */
  readonly eventTypes: readonly (readonly [string, number])[];
}

export interface LiveStatsOptions {
  /** @default Date.now */
  clock?: () => number;
  /** @default 30 */
  windowMinutes?: number;
  /** @default 8 */
  topN?: number;
  /**
   * Distinct keys (paths, browsers, referrers, event types) counted per minute and table; the
   * rest count under `(other)`, so arbitrary paths cannot grow the server's memory.
   * @default 1000
   */
  maxKeysPerMinute?: number;
}

/** The bucket a key beyond `maxKeysPerMinute` counts in. */
export const OTHER = '(other)';

const MINUTE = 60_000;

function pathOf(location: string | null): string | undefined {
  if (location === null) return undefined;
  try {
    return new URL(location).pathname;
  } catch {
    return undefined;
  }
}

function hostOf(referrer: string | null): string {
  if (referrer === null || referrer === '') return '(direct)';
  try {
    return new URL(referrer).host;
  } catch {
    return '(unparsable)';
  }
}

function top(counts: Map<string, number>, n: number): [string, number][] {
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, n);
}

interface MinuteCounts {
  events: number;
  pageViews: number;
  pages: Map<string, number>;
  browsers: Map<string, number>;
  referrers: Map<string, number>;
  eventTypes: Map<string, number>;
}

/** Aggregates records for the quickstart's live page, in memory, bounded by the window. */
export function createLiveStats(options: LiveStatsOptions = {}) {
  const clock = options.clock ?? Date.now;
  const windowMinutes = options.windowMinutes ?? 30;
  const topN = options.topN ?? 8;
  const maxKeys = options.maxKeysPerMinute ?? 1000;
  const minutes = new Map<number, MinuteCounts>();
  let total = 0;

  const increment = (counts: Map<string, number>, key: string, by = 1): void => {
    const known = counts.get(key);
    if (known === undefined && counts.size >= maxKeys) key = OTHER;
    counts.set(key, (counts.get(key) ?? 0) + by);
  };
  const oldestMinute = (): number =>
    Math.floor(clock() / MINUTE) * MINUTE - (windowMinutes - 1) * MINUTE;

  return {
    add(record: TributaryEventRecord): void {
      total++;
      const oldest = oldestMinute();
      for (const minute of minutes.keys()) if (minute < oldest) minutes.delete(minute);
      const minute = Math.floor(record.timestamp / MINUTE) * MINUTE;
      // A record outside the window (a late record, a clock set wrong) counts in the total only.
      if (minute < oldest || minute >= oldest + windowMinutes * MINUTE) return;
      let counts = minutes.get(minute);
      if (counts === undefined) {
        counts = {
          events: 0,
          pageViews: 0,
          pages: new Map(),
          browsers: new Map(),
          referrers: new Map(),
          eventTypes: new Map(),
        };
        minutes.set(minute, counts);
      }
      counts.events++;
      increment(counts.eventTypes, record.eventType);
      if (record.eventType === 'pageView') {
        counts.pageViews++;
        const path = pathOf(record.location);
        if (path !== undefined) increment(counts.pages, path);
        increment(counts.browsers, record.browserName ?? '(unknown)');
        increment(counts.referrers, hostOf(record.referrer));
      }
    },
    snapshot(): LiveSnapshot {
      const oldest = oldestMinute();
      const pages = new Map<string, number>();
      const browsers = new Map<string, number>();
      const referrers = new Map<string, number>();
      const eventTypes = new Map<string, number>();
      let inWindow = 0;
      let pageViewsInWindow = 0;
      const perMinute = Array.from({ length: windowMinutes }, (_, i) => {
        const minute = oldest + i * MINUTE;
        const counts = minutes.get(minute);
        if (counts !== undefined) {
          inWindow += counts.events;
          pageViewsInWindow += counts.pageViews;
          for (const [into, from] of [
            [pages, counts.pages],
            [browsers, counts.browsers],
            [referrers, counts.referrers],
            [eventTypes, counts.eventTypes],
          ] as const) {
            for (const [key, count] of from) increment(into, key, count);
          }
        }
        return { minute, count: counts?.events ?? 0 };
      });
      return {
        total,
        windowMinutes,
        inWindow,
        pageViewsInWindow,
        perMinute,
        topPages: top(pages, topN),
        browsers: top(browsers, topN),
        referrers: top(referrers, topN),
        eventTypes: top(eventTypes, topN),
      };
    },
  };
}
