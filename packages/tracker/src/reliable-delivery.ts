import type { QueueItem, TrackerFeature } from './tracker';

type Timer = ReturnType<typeof setTimeout>;

/** Options of {@link reliableDelivery}. */
export interface ReliableDeliveryOptions {
  /**
   * The collector's batch URL (`…/csc-batch`). When set, events travel in batched `text/plain`
   * POSTs (fetch with `keepalive`, `navigator.sendBeacon` when the page is hidden or left);
   * otherwise one Divolte-compatible GET per event.
   * @default undefined (GET)
   */
  batchEndpoint?: string | undefined;
  /**
   * The most events kept waiting; beyond it the oldest is dropped.
   * @default 200
   */
  maxQueue?: number | undefined;
  /**
   * The most events in one batch (the collector reads at most 100).
   * @default 50
   */
  maxBatch?: number | undefined;
  /**
   * Where waiting events are kept so that they survive a reload or an offline spell. Each page
   * keeps its own entry and a new page adopts the entries it finds; a resent event keeps its id,
   * so the collector marks the duplicates. An event leaves it only once an answer says it was
   * accepted (or refused for good), never because a beacon was queued.
   * @default window.localStorage
   */
  storage?: Storage | undefined;
  /**
   * The prefix of the storage keys.
   * @default '_dvq'
   */
  storageKey?: string | undefined;
  /**
   * The fetch used for batches and for keepalive GETs.
   * @default window.fetch
   */
  fetch?: typeof fetch | undefined;
  /**
   * The first retry delay in ms; it doubles on each failure (with jitter) up to `maxRetryDelay`.
   * @default 1000
   */
  retryDelay?: number | undefined;
  /**
   * The longest retry delay in ms.
   * @default 60000
   */
  maxRetryDelay?: number | undefined;
}

/**
 * Delivery that survives failures: the in-order queue is persisted in localStorage, failed requests
 * are retried with exponential backoff (and at once when the browser comes back online), events
 * travel in batches when the collector takes them, and what waits is sent by beacon or keepalive
 * request when the page is hidden or left. An event leaves the queue only when an answer says it
 * was accepted: what a page-hide beacon carried stays, marked with the time, and is sent again by
 * this page if it lives on, or by the next page (same event id: the collector marks the duplicate).
 * A 4xx answer other than 408 and 429 drops the events it refused (sending them again cannot
 * help); a 5xx, 408, 429 or network error keeps them for a retry.
 * @example createTracker({ features: [reliableDelivery({ batchEndpoint: '/csc-batch' })] })
 */
export function reliableDelivery(options: ReliableDeliveryOptions = {}): TrackerFeature {
  return (context) => {
    const { win: w, queue } = context;
    const prefix = options.storageKey ?? '_dvq';
    // eslint-disable-next-line @typescript-eslint/restrict-plus-operands -- a random number as text
    const own = prefix + Math.random();
    const batchUrl = options.batchEndpoint;
    const batchSize = batchUrl ? (options.maxBatch ?? 50) : 1;
    const doFetch = options.fetch ?? w.fetch.bind(w);
    // Requests the browser may finish after the page is gone; cross-origin without CORS headers.
    const init = { keepalive: true, mode: 'no-cors' } as const;
    // A `tributary-batch/1` body: its header line, then one query per line. Also what is stored,
    // where a query a page-hide beacon carried is followed by ' <time>' (queries hold no space).
    const body = (items: QueueItem[], stored?: 1): string =>
      'tributary-batch/1' +
      // eslint-disable-next-line @typescript-eslint/restrict-plus-operands -- the time as text
      items.map((item) => '\n' + item[0] + (stored && item[2] ? ' ' + item[2] : '')).join('');
    // Truthy when an answer ends the events' journey: accepted (2xx; an opaque cross-origin answer
    // has status 0 and counts too), or refused for good (a 4xx but 408 and 429: the same bytes
    // would be refused again). 5xx, 408 and 429 are worth a retry. (`status - 408` is 0 for 408.)
    const settled = ({ status }: Response): unknown => status < 500 && status - 408 && status - 429;
    let storage: Storage | undefined;
    let attempt = 0;
    // The events of the request in flight, or the timer of the next attempt (which has no events;
    // `online` cuts the wait short); unset when idle.
    let busy: QueueItem[] | Timer | undefined;

    const remove = (items: QueueItem[]): void => {
      for (const item of items) {
        const at = queue.indexOf(item);
        if (at >= 0) {
          queue.splice(at, 1);
          item[1]?.();
        }
      }
      pump();
    };
    // After a delivery, or when a retry is due (or the browser is back online): the next batch.
    const next = (): void => {
      clearTimeout(busy as Timer);
      busy = undefined;
      pump();
    };
    // Stores the queue, then sends its head unless a request is in flight or a retry waits.
    const pump = (): void => {
      // Bounded: the oldest events go first.
      if (queue.length > (options.maxQueue ?? 200)) remove(queue.slice(0, 1));
      try {
        // (Without storage this throws, and is caught.)
        if (queue[0]) storage!.setItem(own, body(queue, 1));
        else storage!.removeItem(own);
      } catch {
        // Storage full or disabled: the events still go out from memory.
      }
      if (!busy && queue[0]) {
        const batch = (busy = queue.slice(0, batchSize));
        // Delivered: the next batch at once; failed: again after the backoff, same events.
        const end = (ok?: unknown): void => {
          busy = setTimeout(
            next,
            ok
              ? ((attempt = 0), remove(batch), 0)
              : Math.min(
                  options.maxRetryDelay ?? 6e4,
                  (options.retryDelay ?? 1e3) * 2 ** attempt++,
                ) *
                  (0.5 + Math.random() / 2),
          );
        };
        if (batchUrl)
          void doFetch(batchUrl, { ...init, method: 'POST', body: body(batch) })
            .then(settled, () => undefined)
            .then(end);
        else context.request(batch[0]![0], end);
      }
    };
    const flush = (): void => {
      // The page is going away or may be frozen: hand what waits to the browser, which delivers
      // beacons and keepalive requests after the page is gone. Whether they arrive the page may
      // never learn (a beacon only says it was queued; the page that sent a keepalive GET is
      // usually gone before its answer), so the events stay in the queue and in storage, marked
      // with the time: this page sends them again if it lives on, the next page if not. The
      // marks keep a second hide from handing them over twice (Chromium fires pagehide, then
      // visibilitychange). The batch in flight (the head of the queue) is marked but not sent:
      // its keepalive request goes on after the page, and Chromium may fail the page's side of it
      // between the two events, which must not put it in a beacon as well. (While a retry waits,
      // `busy` is a timer, whose `length` is undefined: `at < undefined` is false.)
      const rest = queue.filter(
        (item, at) =>
          !item[2] &&
          (item[2] = Date['now']()) &&
          !(at < ((busy as QueueItem[] | undefined)?.length as number)),
      );
      // Stores the marks (nothing is idle to send: every waiting event is now marked).
      pump();
      while (rest[0]) {
        const batch = rest.splice(0, batchSize);
        if (!batchUrl) doFetch(context.eventUrl + '?' + batch[0]![0], init).catch(() => undefined);
        else w.navigator.sendBeacon(batchUrl, body(batch));
      }
    };
    context.pump = pump;
    context.tracker.flush = flush;

    try {
      storage = options.storage ?? w.localStorage;
      // Adopt what earlier pages left behind.
      for (let i = storage.length; i--;) {
        const key = storage.key(i)!;
        if (key.startsWith(prefix)) {
          // Each line's query, without the header line nor a beacon's mark: marked or not, each
          // is sent again, since no answer said it arrived. (The tag never stores an empty entry,
          // which `match` would answer with null.)
          for (const query of storage.getItem(key)!.match(/^\S+/gm)!.slice(1)) queue.push([query]);
          storage.removeItem(key);
        }
      }
    } catch {
      // No usable storage: memory only.
    }
    w.addEventListener('pagehide', flush);
    w.document.addEventListener(
      'visibilitychange',
      // eslint-disable-next-line @typescript-eslint/no-confusing-void-expression -- the value is unused
      () => w.document.visibilityState == 'hidden' && flush(),
    );
    w.addEventListener('online', () => {
      // A retry that waits goes now (the backoff goes on from where it was if it fails again:
      // being online says nothing of the collector); a request in flight finishes first.
      if (busy && !(busy as QueueItem[])[0]) next();
    });
    pump();
  };
}
