import { decodeEventBatch, decodeEventQuery, encodeEventBatch } from '@tributary/schema/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFakeWindow, memoryStorage, type FakeWindow } from '../test/fake-window';
import { reliableDelivery, type ReliableDeliveryOptions } from './reliable-delivery';
import { createTracker, type Tracker, type TrackerFeature } from './tracker';

// The queue's logic with fakes: a fake window (images, beacons, storage) and a fake collector
// behind the injected fetch. The same faults over real HTTP in Chromium: persisted-queue.browser.test.ts.

const settle = (ms = 20): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * How the fake collector answers: a status (0 is an opaque cross-origin answer), a network error,
 * or `hold`: later, by `release`.
 */
type Answer = number | 'network' | 'hold';

interface Sent {
  url: string;
  method: string;
  body: string | undefined;
  keepalive: boolean | undefined;
  /** The event ids the request carried. */
  ids: string[];
}

/** A collector behind `fetch`: records every request, answers each as `answer` says at the time. */
function fakeCollector() {
  const collector = {
    answer: 204 as Answer,
    requests: [] as Sent[],
    /** Event ids of requests answered 2xx or opaque (what a collector took), in order. */
    accepted: [] as string[],
    /** Answers of the requests held, oldest first. */
    held: [] as ((answer: Exclude<Answer, 'hold'>) => void)[],
    /** Answers the oldest held request. */
    release(answer: Exclude<Answer, 'hold'>) {
      collector.held.shift()!(answer);
    },
    fetch: ((url: string, init: RequestInit = {}) => {
      const body = init.body as string | undefined;
      const events =
        body === undefined
          ? [decodeEventQuery(url.slice(url.indexOf('?')))]
          : (() => {
              const batch = decodeEventBatch(body);
              return batch.ok ? batch.value.events : [];
            })();
      const ids = events.flatMap((event) => (event.ok ? [event.value.eventId] : []));
      collector.requests.push({
        url,
        method: init.method ?? 'GET',
        body,
        keepalive: init.keepalive,
        ids,
      });
      return new Promise<Response>((resolve, reject) => {
        const respond = (answer: Exclude<Answer, 'hold'>): void => {
          if (answer === 'network') {
            reject(new TypeError('Failed to fetch'));
            return;
          }
          if (answer < 300) collector.accepted.push(...ids);
          resolve({
            status: answer,
            ok: answer >= 200 && answer < 300,
            type: answer === 0 ? 'opaque' : 'basic',
          } as Response);
        };
        if (collector.answer === 'hold') collector.held.push(respond);
        else respond(collector.answer);
      });
    }) as typeof fetch,
  };
  return collector;
}

type Collector = ReturnType<typeof fakeCollector>;

interface Page {
  fake: FakeWindow;
  tracker: Tracker;
  /** The encoded queries, as the core handed them on. */
  queries: string[];
  /** Hides the page as a browser does when it is left: visibilitychange to hidden, then pagehide. */
  hide(): void;
  /**
   * Ends the page as a browser does after pagehide: no timer of it runs again, no answer reaches
   * it (fake timers only, before the next page opens).
   */
  kill(): void;
}

/** A page load of a tagged page: its own window on the shared storage and collector. */
function openPage(
  collector: Collector,
  storage: Storage,
  options: ReliableDeliveryOptions = { batchEndpoint: '/csc-batch' },
): Page {
  const fake = createFakeWindow();
  fake.storage = storage;
  const queries: string[] = [];
  let dead = false;
  const fetch = ((url: string, init?: RequestInit) =>
    dead ? new Promise(() => undefined) : collector.fetch(url, init)) as typeof globalThis.fetch;
  const record: TrackerFeature = (context) => {
    const { send } = context;
    context.send = (item) => {
      queries.push(item[0]);
      send(item);
    };
  };
  const tracker = createTracker({
    window: fake.window,
    endpoint: '/csc-event',
    features: [record, reliableDelivery({ fetch, retryDelay: 100, ...options })],
  });
  return {
    fake,
    tracker,
    queries,
    hide() {
      (fake.window.document as { visibilityState: string }).visibilityState = 'hidden';
      fake.fire('document', 'visibilitychange');
      fake.fire('window', 'pagehide', { persisted: false });
    },
    kill() {
      dead = true;
      fake.hang = true;
      vi.clearAllTimers();
    },
  };
}

/** The stored lines of every `_dvq` entry, without the header line. */
function storedLines(storage: Storage): string[] {
  const lines: string[] = [];
  for (let i = 0; i < storage.length; i++) {
    const key = storage.key(i)!;
    if (key.startsWith('_dvq')) {
      const [header, ...rest] = storage.getItem(key)!.split('\n');
      expect(header).toBe('tributary-batch/1');
      lines.push(...rest);
    }
  }
  return lines;
}

const idOf = (query: string): string => {
  const decoded = decodeEventQuery(query);
  if (!decoded.ok) throw new Error('a query the tag made does not decode');
  return decoded.value.eventId;
};

const T = 1_765_000_000_000;

afterEach(() => {
  vi.useRealTimers();
});

describe('reliableDelivery', () => {
  it('persists the queue, retries with backoff keeping the event id, and clears storage once delivered', async () => {
    vi.useFakeTimers();
    const fake = createFakeWindow();
    const tracker = createTracker({
      window: fake.window,
      features: [reliableDelivery({ retryDelay: 100 })],
    });
    fake.online = false;
    const id = tracker.signal('a');
    const key = Object.keys(
      Object.fromEntries(
        Array.from({ length: fake.storage.length }, (_, i) => [fake.storage.key(i)!, 1]),
      ),
    )[0]!;
    expect(key).toMatch(/^_dvq/);
    expect(fake.storage.getItem(key)).toContain(encodeURIComponent(id!));
    await vi.advanceTimersByTimeAsync(2000);
    expect(fake.events).toHaveLength(0);
    fake.online = true;
    await vi.advanceTimersByTimeAsync(5000);
    expect(fake.events.map((e) => e.eventId)).toEqual([id]);
    expect(fake.storage.length).toBe(0);
  });

  it('adopts the events an earlier page left in storage and bounds the queue', async () => {
    const storage = memoryStorage();
    const first = createFakeWindow();
    first.online = false;
    first.storage = storage;
    const old = createTracker({
      window: first.window,
      features: [reliableDelivery({ maxQueue: 3, retryDelay: 1e6 })],
    });
    const ids = ['a', 'b', 'c', 'd'].map((type) => old.signal(type));
    expect(storedLines(storage)).toHaveLength(3);
    const second = createFakeWindow();
    second.storage = storage;
    createTracker({ window: second.window, features: [reliableDelivery()] });
    await settle(50);
    expect(second.events.map((e) => e.eventId)).toEqual(ids.slice(1));
  });

  // Every class of answer to a batch POST: what takes the events off the queue, what keeps them.
  it.each<[Answer, 'leaves the queue' | 'stays for a retry']>([
    [204, 'leaves the queue'],
    [200, 'leaves the queue'],
    [0, 'leaves the queue'], // opaque: cross-origin without CORS headers, status unknown
    [400, 'leaves the queue'], // refused for good: the same bytes would be refused again
    [404, 'leaves the queue'],
    [413, 'leaves the queue'],
    [408, 'stays for a retry'],
    [429, 'stays for a retry'],
    [500, 'stays for a retry'],
    [503, 'stays for a retry'],
    ['network', 'stays for a retry'],
  ])('a batch answered %s %s', async (answer, outcome) => {
    vi.useFakeTimers();
    const collector = fakeCollector();
    collector.answer = answer;
    const storage = memoryStorage();
    const { tracker, queries } = openPage(collector, storage);
    tracker.signal('a');
    tracker.signal('b');
    const committed = vi.fn();
    tracker.whenCommitted(committed);
    await vi.advanceTimersByTimeAsync(5000);
    const bodies = collector.requests.map((request) => request.body);
    expect(bodies[0]).toBe(encodeEventBatch(queries.slice(0, 1)));
    if (outcome === 'leaves the queue') {
      // One request for 'a', one for 'b'; nothing is sent twice.
      expect(bodies).toEqual([encodeEventBatch([queries[0]!]), encodeEventBatch([queries[1]!])]);
      expect(storedLines(storage)).toEqual([]);
      expect(committed).toHaveBeenCalledOnce();
    } else {
      // Sent again after the backoff (1, 2, 4 × 100 ms with jitter), 'b' with it, the same bytes
      // every time; both stay stored meanwhile.
      expect(bodies.length).toBeGreaterThanOrEqual(3);
      expect(new Set(bodies.slice(1))).toEqual(new Set([encodeEventBatch(queries)]));
      expect(storedLines(storage)).toEqual(queries);
      expect(committed).not.toHaveBeenCalled();
      collector.answer = 204;
      await vi.advanceTimersByTimeAsync(60_000);
      expect(collector.accepted).toEqual(queries.map(idOf));
      expect(storedLines(storage)).toEqual([]);
      expect(committed).toHaveBeenCalledOnce();
    }
  });

  it('hands what waits to one beacon on page hide, keeps it stored and marked with the time, and sends it again if the page lives on', async () => {
    vi.useFakeTimers();
    vi.setSystemTime(T);
    const collector = fakeCollector();
    collector.answer = 'hold';
    const storage = memoryStorage();
    const page = openPage(collector, storage);
    const { queries, fake, tracker } = page;
    tracker.signal('first');
    tracker.signal('second');
    tracker.signal('third');
    expect(collector.requests.map((request) => request.body)).toEqual([
      encodeEventBatch(queries.slice(0, 1)),
    ]);
    const committed = vi.fn();
    tracker.whenCommitted(committed);
    // visibilitychange and pagehide both fire on the way out: one beacon, without the request
    // in flight, byte for byte the schema's batch body.
    page.hide();
    expect(fake.beacons).toEqual([encodeEventBatch(queries.slice(1))]);
    // A beacon only says the browser queued it: the events stay, marked with the time; so does
    // the event in flight, whose keepalive request may outlive the page.
    expect(storedLines(storage)).toEqual(queries.map((query) => `${query} ${T}`));
    // Another hide later hands over nothing new.
    vi.setSystemTime(T + 5000);
    page.hide();
    expect(fake.beacons).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(committed).not.toHaveBeenCalled();

    // The page lives on (a tab switch): once the request in flight is answered, it sends the
    // beaconed events again by fetch (same ids: the collector marks the duplicates), and they
    // leave the queue on the answer that accepts them, not before.
    collector.release(204);
    await vi.advanceTimersByTimeAsync(0);
    expect(collector.requests.map((request) => request.body)).toEqual([
      encodeEventBatch(queries.slice(0, 1)),
      encodeEventBatch(queries.slice(1)),
    ]);
    expect(storedLines(storage)).toEqual([`${queries[1]} ${T}`, `${queries[2]} ${T}`]);
    expect(committed).not.toHaveBeenCalled();
    collector.release(503);
    await vi.advanceTimersByTimeAsync(0);
    expect(storedLines(storage)).toEqual([`${queries[1]} ${T}`, `${queries[2]} ${T}`]);
    collector.answer = 204;
    await vi.advanceTimersByTimeAsync(1000);
    expect(collector.accepted).toEqual(queries.map(idOf));
    expect(storedLines(storage)).toEqual([]);
    expect(committed).toHaveBeenCalledOnce();
  });

  // The scenario (#15, item 11): the collector down, 20 events waiting, a reload. The
  // beacon fails; the next page sends everything again and delivers it once the collector is back.
  it.each<[string, Answer]>([
    ['answers 503', 503],
    ['is unreachable', 'network'],
  ])(
    'loses nothing when the collector %s across a reload with 20 events waiting',
    async (_, down) => {
      vi.useFakeTimers();
      vi.setSystemTime(T);
      const collector = fakeCollector();
      collector.answer = down;
      const storage = memoryStorage();
      const first = openPage(collector, storage);
      first.tracker.pageView();
      await vi.advanceTimersByTimeAsync(0);
      for (let i = 0; i < 20; i++) first.tracker.signal('queued', { i });
      // The page view's POST failed: a retry waits, nothing is in flight.
      expect(collector.requests).toHaveLength(1);
      expect(storedLines(storage)).toEqual(first.queries);
      first.hide();
      // All 21 go to one beacon (which fails: the beacon's fate is not the page's to know)…
      expect(first.fake.beacons).toEqual([encodeEventBatch(first.queries)]);
      // …and all 21 stay stored, marked.
      expect(storedLines(storage)).toEqual(first.queries.map((query) => `${query} ${T}`));
      first.kill();

      const second = openPage(collector, storage);
      second.tracker.pageView();
      await vi.advanceTimersByTimeAsync(0);
      // The next page sends the 21 again as soon as it starts, marks stripped, the same bytes;
      // its own page view waits behind them.
      const all = [...first.queries, ...second.queries];
      expect(collector.requests.at(-1)!.body).toBe(encodeEventBatch(first.queries));
      // Down again: still all stored (now under the new page's key, unmarked).
      expect(storedLines(storage)).toEqual(all);
      collector.answer = 204;
      await vi.advanceTimersByTimeAsync(5000);
      expect(collector.accepted).toEqual(all.map(idOf));
      expect(storedLines(storage)).toEqual([]);
    },
  );

  // Without batches the page-hide handover is one keepalive GET per event. Its answer, if it ever
  // reaches the page, takes nothing off: the page that lives on sends the events again by image.
  it.each<Answer>([204, 503, 'network'])(
    'a page-hide keepalive GET answered %s: the event stays, marked, until an image GET is answered',
    async (answer) => {
      vi.useFakeTimers();
      vi.setSystemTime(T);
      const collector = fakeCollector();
      collector.answer = answer;
      const storage = memoryStorage();
      const page = openPage(collector, storage, {});
      const { fake, tracker, queries } = page;
      // The image GET of 'stuck' hangs: it is the request in flight.
      fake.hang = true;
      tracker.signal('stuck');
      tracker.signal('queued');
      tracker.signal('queued');
      page.hide();
      expect(
        collector.requests.map((request) => [request.method, request.keepalive, request.url]),
      ).toEqual(queries.slice(1).map((query) => ['GET', true, '/csc-event?' + query]));
      await vi.advanceTimersByTimeAsync(0);
      expect(storedLines(storage)).toEqual(queries.map((query) => `${query} ${T}`));
      // A second hide hands over nothing new.
      page.hide();
      expect(collector.requests).toHaveLength(2);
      // The page lives on: its images answer again; the 750 ms timeout of 'stuck' fails it, its
      // retry and the two after it are delivered, and only then do they leave storage.
      fake.hang = false;
      await vi.advanceTimersByTimeAsync(2000);
      expect(fake.events.map((event) => event.eventId)).toEqual(queries.map(idOf));
      expect(storedLines(storage)).toEqual([]);
    },
  );

  it('sends a retry that waits at once when the browser comes back online', async () => {
    vi.useFakeTimers();
    const collector = fakeCollector();
    collector.answer = 503;
    const storage = memoryStorage();
    const { fake, tracker, queries } = openPage(collector, storage, {
      batchEndpoint: '/csc-batch',
      retryDelay: 1e6,
    });
    tracker.signal('a');
    await vi.advanceTimersByTimeAsync(0);
    expect(collector.requests).toHaveLength(1);
    collector.answer = 204;
    fake.fire('window', 'online');
    await vi.advanceTimersByTimeAsync(0);
    expect(collector.accepted).toEqual(queries.map(idOf));
    expect(storedLines(storage)).toEqual([]);
  });

  it('does not put the batch in flight in a beacon when its fetch fails between pagehide and visibilitychange', async () => {
    // Chromium fires pagehide first, and may fail the page's side of a keepalive fetch before
    // visibilitychange (the request itself goes on): that batch must not go to a beacon too.
    vi.useFakeTimers();
    vi.setSystemTime(T);
    const collector = fakeCollector();
    collector.answer = 'hold';
    const storage = memoryStorage();
    const { fake, tracker, queries } = openPage(collector, storage);
    tracker.signal('in flight');
    tracker.signal('waiting');
    fake.fire('window', 'pagehide', { persisted: false });
    expect(fake.beacons).toEqual([encodeEventBatch(queries.slice(1))]);
    collector.release('network');
    await vi.advanceTimersByTimeAsync(0);
    (fake.window.document as { visibilityState: string }).visibilityState = 'hidden';
    fake.fire('document', 'visibilitychange');
    expect(fake.beacons).toHaveLength(1);
    expect(storedLines(storage)).toEqual(queries.map((query) => `${query} ${T}`));
  });
});
