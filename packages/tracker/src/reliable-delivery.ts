import { encodeEventBatch } from '@tributary/schema/protocol';
import type { Committed, TrackerFeature } from './tracker';

/** Options of {@link reliableDelivery}. */
export interface ReliableDeliveryOptions {
  /**
   * The collector's batch URL (`…/csc-batch`). When set, events travel in batched `text/plain`
   * POSTs (fetch with `keepalive`, `navigator.sendBeacon` when the page is hidden or left);
   * otherwise one Divolte-compatible GET per event.
   * @default undefined (GET)
   */
  batchEndpoint?: string;
  /**
   * The most events kept waiting; beyond it the oldest is dropped.
   * @default 200
   */
  maxQueue?: number;
  /**
   * The most events in one batch (the collector reads at most 100).
   * @default 50
   */
  maxBatch?: number;
  /**
   * Where waiting events are kept so that they survive a reload or an offline spell. Each page
   * keeps its own entry and a new page adopts the entries it finds; a resent event keeps its id,
   * so the collector drops the duplicates.
   * @default window.localStorage
   */
  storage?: Storage;
  /**
   * The prefix of the storage keys.
   * @default '_dvq'
   */
  storageKey?: string;
  /**
   * The fetch used for batches and for keepalive GETs.
   * @default window.fetch
   */
  fetch?: typeof fetch;
  /**
   * Milliseconds before a GET without answer counts as failed and is retried.
   * @default 10000
   */
  timeout?: number;
  /**
   * The first retry delay in ms; it doubles on each failure (with jitter) up to `maxRetryDelay`.
   * @default 1000
   */
  retryDelay?: number;
  /**
   * The longest retry delay in ms.
   * @default 60000
   */
  maxRetryDelay?: number;
}

type Item = [query: string, done?: Committed];

/**
 * Delivery that survives failures: an in-order queue persisted in localStorage, retries with
 * exponential backoff (and at once when the browser comes back online), batching, and a flush by
 * beacon or keepalive request when the page is hidden or left.
 * @example createTracker({ features: [reliableDelivery({ batchEndpoint: '/csc-batch' })] })
 */
export function reliableDelivery(options: ReliableDeliveryOptions = {}): TrackerFeature {
  return (context) => {
    const { window: w, endpoint } = context;
    const d = w.document;
    const prefix = options.storageKey ?? '_dvq';
    const own = prefix + Math.random().toString(36).slice(2);
    const batchUrl = options.batchEndpoint;
    const doFetch = options.fetch ?? w.fetch.bind(w);
    const maxBatch = batchUrl ? (options.maxBatch ?? 50) : 1;
    const base = options.retryDelay ?? 1e3;
    let storage: Storage | undefined;
    let queue: Item[] = [];
    const sending = new Set<string>();
    let busy = false;
    let attempt = 0;
    let retry: ReturnType<typeof setTimeout> | 0 = 0;

    const persist = (): void => {
      try {
        if (queue.length) storage?.setItem(own, JSON.stringify(queue.map((item) => item[0])));
        else storage?.removeItem(own);
      } catch {
        // Storage full or disabled: the events still go out from memory.
      }
    };
    const remove = (batch: string[]): void => {
      queue = queue.filter((item) => !batch.includes(item[0]) || void item[1]?.());
      persist();
    };
    // A body a beacon or keepalive request can carry: at most `maxBatch` events and 60 kB.
    const take = (items: Item[]): string[] => {
      const batch: string[] = [];
      let size = 0;
      for (const [query] of items) {
        size += query.length + 1;
        if (batch.length == maxBatch || (batch.length && size > 6e4)) break;
        batch.push(query);
      }
      return batch;
    };
    const pump = (): void => {
      if (busy || !queue.length) return;
      busy = true;
      const batch = take(queue);
      for (const query of batch) sending.add(query);
      const finish = (ok: boolean): void => {
        for (const query of batch) sending.delete(query);
        if (ok) {
          busy = false;
          attempt = 0;
          remove(batch);
          pump();
        } else {
          const delay = Math.min(options.maxRetryDelay ?? 6e4, base * 2 ** attempt++);
          retry = setTimeout(
            () => {
              retry = 0;
              busy = false;
              pump();
            },
            delay * (0.5 + Math.random() / 2),
          );
        }
      };
      if (batchUrl) {
        doFetch(batchUrl, {
          method: 'POST',
          body: encodeEventBatch(batch),
          keepalive: true,
          mode: 'no-cors',
        }).then(
          // Cross-origin without CORS headers the answer is opaque: it arrived, status unknown.
          (response) => {
            finish(response.ok || response.type == 'opaque');
          },
          () => {
            finish(false);
          },
        );
      } else {
        const image = new w.Image();
        const end = (ok: boolean): void => {
          if (image.onload) {
            image.onload = image.onerror = null;
            clearTimeout(timer);
            finish(ok);
          }
        };
        const timer = setTimeout(() => {
          end(false);
        }, options.timeout ?? 1e4);
        image.onload = () => {
          end(true);
        };
        image.onerror = () => {
          end(false);
        };
        image.src = endpoint + '?' + batch[0]!;
      }
    };
    const flush = (): void => {
      let rest = queue.filter((item) => !sending.has(item[0]));
      while (rest.length) {
        const batch = take(rest);
        rest = rest.slice(batch.length);
        if (batchUrl) {
          if (!w.navigator.sendBeacon(batchUrl, encodeEventBatch(batch))) return;
          remove(batch);
        } else {
          const [query] = batch as [string];
          sending.add(query);
          doFetch(endpoint + '?' + query, { keepalive: true, mode: 'no-cors' }).then(
            () => {
              remove(batch);
            },
            () => {
              sending.delete(query);
            },
          );
        }
      }
    };

    try {
      storage = options.storage ?? w.localStorage;
      // Adopt what earlier pages left behind.
      for (let i = storage.length; i--; ) {
        const key = storage.key(i);
        if (key?.startsWith(prefix)) {
          for (const query of JSON.parse(storage.getItem(key)!) as string[]) queue.push([query]);
          storage.removeItem(key);
        }
      }
    } catch {
      // No usable storage: memory only.
    }
    persist();

    context.deliver = (query, done) => {
      queue.push([query, done]);
      if (queue.length > (options.maxQueue ?? 200)) queue.shift()![1]?.();
      persist();
      pump();
    };
    context.flush = flush;
    w.addEventListener('pagehide', flush);
    d.addEventListener('visibilitychange', () => {
      if (d.visibilityState == 'hidden') flush();
    });
    w.addEventListener('online', () => {
      if (retry) {
        clearTimeout(retry);
        retry = 0;
        busy = false;
        attempt = 0;
        pump();
      }
    });
    pump();
  };
}
