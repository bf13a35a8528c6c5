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
   * so the collector drops the duplicates.
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
 * request when the page is hidden or left.
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
    // A `tributary-batch/1` body: its header line, then one query per line. Also what is stored.
    const body = (items: QueueItem[]): string =>
      'tributary-batch/1' + items.map((item) => '\n' + item[0]).join('');
    let storage: Storage | undefined;
    let attempt = 0;
    // The events of the request in flight, or the timer of the next attempt (which has no events:
    // a flush hands them all over, `online` cuts the wait short); unset when idle.
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
        if (queue[0]) storage!.setItem(own, body(queue));
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
            .then(
              // Cross-origin without CORS headers the answer is opaque: it arrived, status unknown.
              (response) => response.ok || response.type == 'opaque',
              () => undefined,
            )
            .then(end);
        else context.request(batch[0]![0], end);
      }
    };
    const flush = (): void => {
      // The page is going away or may be frozen: hand what waits (but the request in flight) to
      // the browser, which delivers beacons and keepalive requests after the page is gone.
      const rest = queue.slice((busy as QueueItem[] | undefined)?.length);
      while (rest[0]) {
        const batch = rest.splice(0, batchSize);
        if (!batchUrl)
          doFetch(context.eventUrl + '?' + batch[0]![0], init).then(
            // eslint-disable-next-line @typescript-eslint/no-confusing-void-expression -- the value is unused
            () => remove(batch),
            () => undefined,
          );
        else if (w.navigator.sendBeacon(batchUrl, body(batch))) remove(batch);
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
          for (const query of storage.getItem(key)!.split('\n').slice(1)) queue.push([query]);
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
      attempt = 0;
      // A retry that waits goes now; a request in flight finishes first.
      if (busy && !(busy as QueueItem[])[0]) next();
    });
    pump();
  };
}
