import type { TributaryEventRecord } from '@tributary/schema';

/** What the live page shows: counts per minute and the top pages, browsers and referrers. */
export interface LiveSnapshot {
  readonly total: number;
  /** Oldest first, one entry per minute of the window, minutes as ms since the epoch. */
  readonly perMinute: readonly { readonly minute: number; readonly count: number }[];
  readonly topPages: readonly (readonly [string, number])[];
  readonly browsers: readonly (readonly [string, number])[];
  readonly referrers: readonly (readonly [string, number])[];
  readonly eventTypes: readonly (readonly [string, number])[];
}

export interface LiveStatsOptions {
  /** @default Date.now */
  clock?: () => number;
  /** @default 30 */
  windowMinutes?: number;
  /** @default 8 */
  topN?: number;
}

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

function increment<TKey>(counts: Map<TKey, number>, key: TKey): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/** Aggregates records for the quickstart's live page, in memory, bounded by the window. */
export function createLiveStats(options: LiveStatsOptions = {}) {
  const clock = options.clock ?? Date.now;
  const windowMinutes = options.windowMinutes ?? 30;
  const topN = options.topN ?? 8;
  const perMinute = new Map<number, number>();
  const pages = new Map<string, number>();
  const browsers = new Map<string, number>();
  const referrers = new Map<string, number>();
  const eventTypes = new Map<string, number>();
  let total = 0;

  return {
    add(record: TributaryEventRecord): void {
      total++;
      increment(perMinute, Math.floor(record.timestamp / MINUTE) * MINUTE);
      increment(eventTypes, record.eventType);
      if (record.eventType === 'pageView') {
        const path = pathOf(record.location);
        if (path !== undefined) increment(pages, path);
        increment(browsers, record.browserName ?? '(unknown)');
        increment(referrers, hostOf(record.referrer));
      }
      const oldest = Math.floor(clock() / MINUTE) * MINUTE - (windowMinutes - 1) * MINUTE;
      for (const minute of perMinute.keys()) if (minute < oldest) perMinute.delete(minute);
    },
    snapshot(): LiveSnapshot {
      const now = Math.floor(clock() / MINUTE) * MINUTE;
      const minutes = Array.from({ length: windowMinutes }, (_, i) => {
        const minute = now - (windowMinutes - 1 - i) * MINUTE;
        return { minute, count: perMinute.get(minute) ?? 0 };
      });
      return {
        total,
        perMinute: minutes,
        topPages: top(pages, topN),
        browsers: top(browsers, topN),
        referrers: top(referrers, topN),
        eventTypes: top(eventTypes, topN),
      };
    },
  };
}
