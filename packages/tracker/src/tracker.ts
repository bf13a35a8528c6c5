import type { EventMap, SignalArgs, UntypedEvents } from '@tributary/schema';
import type { JsonValue, RandomBytes } from '@tributary/schema/protocol';
import { encodeEvent, uniquePart } from './internal/encode';

/**
 * An optional capability (automatic or SPA page views, outbound links, consent, reliable
 * delivery…), installed by {@link createTracker}. Features are separate imports so a bundle
 * carries only those it uses. A feature may return a function that starts it, called once every
 * feature is installed (automatic page views start so, behind consent and reliable delivery).
 */
// eslint-disable-next-line @typescript-eslint/no-invalid-void-type -- most features return nothing
export type TrackerFeature = (context: TrackerContext) => (() => void) | void;

/** Called once an event has been delivered, has failed for good, or was dropped. */
export type Committed = () => void;

/**
 * A waiting event: its encoded `/csc-event` query, whom to tell once it is committed, and a mark:
 * in the built-in image queue `1` while its request is under way; with reliable delivery the time
 * (ms since the epoch) a page-hide beacon or keepalive request carried it, whose outcome the page
 * may never learn.
 */
export type QueueItem = [query: string, done?: Committed, sent?: number];

/**
 * What a {@link TrackerFeature} sees of a tracker. The functions are replaceable: a feature wraps
 * or swaps them (consent wraps `send` and `save`; reliable delivery replaces `pump` and the
 * tracker's `flush`). Internal: the published build shortens these member names
 * (scripts/mangle.mjs), so features come from this package only.
 * @internal
 */
export interface TrackerContext {
  /** The tracker being built. */
  readonly tracker: Tracker;
  /** The window the tracker runs in. */
  readonly win: Window & typeof globalThis;
  /** The event URL (`…/csc-event`), without query. */
  readonly eventUrl: string;
  /** The waiting events, oldest first; the head may be in flight. */
  readonly queue: QueueItem[];
  /** Accepts one encoded event: queues it and calls `pump` (consent wraps this). */
  send: (item: QueueItem) => void;
  /**
   * Delivers the head of the queue unless a request is in flight. The built-in one is divolte.js's:
   * one GET at a time, in order, failures dropped.
   */
  pump: () => void;
  /**
   * One `/csc-event` GET by 1×1 image (no CORS needed). `callback(true)` once the collector answers
   * with an image, `callback(false)` on an error or when `eventTimeout` passes first; only once.
   */
  readonly request: (query: string, callback: (ok: boolean) => void) => void;
  /** Writes the party and session cookies, or deletes them with `remove` (no-op when cookieless). */
  save: (remove?: boolean) => void;
}

/** Options of {@link createTracker}. */
export interface TrackerOptions {
  /**
   * The URL events are sent to with `GET ?<query>`: a Divolte collector's `/csc-event`.
   * @default '/csc-event'
   */
  endpoint?: string | undefined;
  /**
   * Features to install, e.g. `[trackNavigation(), reliableDelivery()]`.
   * @default []
   */
  features?: readonly TrackerFeature[] | undefined;
  /**
   * A page-view id supplied by the server for the first page view (divolte.js's `#<id>`).
   * @default a new random id
   */
  pageViewId?: string | undefined;
  /**
   * Keep ids in memory only: no cookie is read or written; each page load is a new party.
   * @default false
   */
  cookieless?: boolean | undefined;
  /**
   * The party (visitor) cookie.
   * @default '_dvp'
   */
  partyCookie?: string | undefined;
  /**
   * The session cookie.
   * @default '_dvs'
   */
  sessionCookie?: string | undefined;
  /**
   * Seconds a party id lives without activity.
   * @default 63072000 (730 days)
   */
  partyTimeout?: number | undefined;
  /**
   * Seconds a session lives without activity; checked again before every event.
   * @default 1800 (30 minutes)
   */
  sessionTimeout?: number | undefined;
  /**
   * The `domain` attribute of the cookies, to share ids across subdomains.
   * @default none (host-only cookies)
   */
  cookieDomain?: string | undefined;
  /**
   * Milliseconds the built-in image queue waits for one event before it moves on; with
   * `reliableDelivery` a GET without answer by then counts as failed and is retried (same event id).
   * @default 750
   */
  eventTimeout?: number | undefined;
  /**
   * The window to track.
   * @default globalThis.window
   */
  window?: (Window & typeof globalThis) | undefined;
  /**
   * The clock, milliseconds since the epoch.
   * @default Date.now
   */
  now?: (() => number) | undefined;
  /**
   * Source of random bytes for ids.
   * @default crypto.getRandomValues
   */
  randomBytes?: RandomBytes | undefined;
}

/** A tracker: page views, custom events and the ids it sends them with. */
export interface Tracker<TEvents extends EventMap = UntypedEvents> {
  /** Starts a new page view (new page-view id, event counter at 0) and signals `pageView`. */
  pageView(): string;
  /**
   * Signals a custom event with optional JSON parameters; returns its event id, or `null` (and
   * sends nothing) when `type` is empty.
   * @throws {TypeError} from `JSON.stringify` when the parameters hold a BigInt or a cycle.
   */
  signal<TType extends keyof TEvents & string>(
    type: TType,
    ...parameters: SignalArgs<TEvents, TType>
  ): string | null;
  /**
   * Calls `callback` once every event signalled so far is delivered, has failed or was dropped;
   * with `timeoutMs`, at the latest after that many milliseconds. Calls it once.
   */
  whenCommitted(callback: () => void, timeoutMs?: number): void;
  /**
   * Sends waiting events now (with reliable delivery: by beacon or keepalive request, as when the
   * page is hidden; they stay queued and stored until an answer accepts them, since a beacon
   * never tells).
   */
  flush(): void;
  /** The party (visitor) id. */
  readonly partyId: string;
  /** The session id; changes when the session expires. */
  readonly sessionId: string;
  /** The current page-view id (empty before the first page view). */
  readonly pageViewId: string;
  /** Whether this page load found no party cookie. */
  readonly isNewPartyId: boolean;
  /** Whether this page load started a session. */
  readonly isFirstInSession: boolean;
  /** Whether the first page-view id came from the server. */
  readonly isServerPageView: boolean;
}

// The tracker's ids live on the tracker object itself (read-only to its users): no getters.
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Creates a tracker. It reads the party and session cookies and sends events as Divolte-compatible
 * `/csc-event` requests. Page views are signalled by `pageView()`, or automatically with the
 * {@link autoPageViews} feature.
 * @example
 * const tracker = createTracker<InferEvents<typeof events>>({ endpoint: 'https://c.example.com/csc-event' });
 * tracker.signal('addToCart', { sku: 'A1', quantity: 2 });
 */
export function createTracker<TEvents extends EventMap = UntypedEvents>(
  options: TrackerOptions = {},
): Tracker<TEvents> {
  const w = options.window ?? window;
  // `Date['now']`: the drop-in's build shortens the option's name (so that no `data-now` attribute
  // can set it), never the built-in's.
  // eslint-disable-next-line @typescript-eslint/unbound-method -- Date.now uses no `this`
  const now = options.now ?? Date['now'];
  const random =
    options.randomBytes ?? ((length: number) => crypto.getRandomValues(new Uint8Array(length)));
  const names = [options.partyCookie ?? '_dvp', options.sessionCookie ?? '_dvs'];
  const lifetimes = [
    // `+`: the drop-in script passes its attributes' text.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-conversion
    +options.partyTimeout! || 63072000,
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-conversion
    +options.sessionTimeout! || 1800,
  ];
  const attributes =
    ';SameSite=Lax' +
    (w.location.protocol == 'https:' ? ';Secure' : '') +
    (options.cookieDomain ? ';domain=' + options.cookieDomain : '');
  let cookieless = options.cookieless;
  const read = (index: number): string | undefined => {
    try {
      if (!cookieless) return w.document.cookie.match('(^|; )' + names[index]! + '=([^;]*)')?.[2];
    } catch {
      // A sandboxed document throws on cookie access: carry on with ids in memory.
      cookieless = true;
    }
    return undefined;
  };
  let last = now();
  // Both ids of a page load carry the time the tag started, as with divolte.js.
  // `last - (last % 1)` is Math.trunc(last), shorter.
  const newId = (): string => '0:' + (last - (last % 1)).toString(36) + ':' + uniquePart(random);
  // Whether the next event is the first with its party and session.
  let newParty = !read(0);
  let firstInSession = !read(1);
  let serverPageViewId = options.pageViewId;
  let counter = 0;
  let saved: boolean | undefined;
  let referrer = w.document.referrer;
  let href = '';

  const queue: QueueItem[] = [];

  // Settles once every event signalled so far is committed (whenCommitted waits for it).
  let committed = Promise.resolve();

  const signal = (eventType: string, parameters?: JsonValue): string | null => {
    if (!eventType) return null;
    // A new page view (new id, event counter at 0) on the first event, and after `pageView()`.
    if (!tracker.pageViewId) {
      tracker.pageViewId = serverPageViewId ?? '0:' + uniquePart(random);
      serverPageViewId = undefined;
      counter = 0;
      // After an in-page navigation the previous address is the referrer, as for a page load.
      if (href) referrer = href;
      href = w.location.href;
    }
    const time = now();
    tracker.partyId = read(0) ?? tracker.partyId;
    // The session ends after `sessionTimeout` without events: its cookie is gone (or, without
    // cookies, the page's own clock says so). Divolte never ends the session of an open page.
    tracker.sessionId =
      read(1) ||
      (saved || time - last > lifetimes[1]! * 1e3
        ? ((last = time), (firstInSession = true), newId())
        : tracker.sessionId);
    last = time;
    context.save();
    const eventId = tracker.pageViewId + (counter++).toString(16);
    const query = encodeEvent([
      tracker.partyId,
      tracker.sessionId,
      tracker.pageViewId,
      eventId,
      time,
      newParty,
      firstInSession,
      w.location.href,
      referrer,
      w.screen.availWidth,
      w.screen.availHeight,
      w.devicePixelRatio,
      w.innerWidth,
      w.innerHeight,
      eventType,
      parameters,
    ]);
    newParty = firstInSession = false;
    // eslint-disable-next-line @typescript-eslint/no-confusing-void-expression -- the executor's value is unused
    const sent = new Promise<void>((done) => context.send([query, done]));
    // Settles once this event and those before it are committed, with no value (a chain of
    // values would grow with every event).
    committed = committed.then(() => sent);
    return eventId;
  };

  const pageView = (): string => {
    tracker.pageViewId = '';
    return signal('pageView')!;
  };

  const tracker: Mutable<Tracker<TEvents>> = {
    pageView,
    signal: signal as Tracker<TEvents>['signal'],
    whenCommitted(callback, timeoutMs) {
      // Once, whichever comes first; from a promise reaction, apart from delivery, so that a
      // throwing callback cannot stall the queue.
      void Promise.race([
        committed,
        new Promise((timeout) => timeoutMs != null && setTimeout(timeout, timeoutMs)),
      ]).then(callback);
    },
    flush() {
      // Replaced by reliable delivery; the image queue has nothing to hand over.
    },
    partyId: read(0) ?? newId(),
    sessionId: read(1) ?? newId(),
    pageViewId: '',
    isNewPartyId: newParty,
    isFirstInSession: firstInSession,
    isServerPageView: !!serverPageViewId,
  };

  const context: TrackerContext = {
    tracker: tracker as unknown as Tracker,
    win: w,
    eventUrl: options.endpoint ?? '/csc-event',
    queue,
    send(item) {
      queue.push(item);
      context.pump();
    },
    pump() {
      const item = queue[0];
      // One at a time: the head is marked once its request is under way.
      if (item && !item[2]) {
        item[2] = 1;
        context.request(item[0], () => {
          queue.shift();
          item[1]?.();
          context.pump();
        });
      }
    },
    request(query, callback) {
      const image = new w.Image();
      // `load` or `error`, or the timeout first (no event: not delivered); a promise settles once.
      // Delivered on `load` alone: of 'load', 'error' and undefined only 'load' is > 'f'.
      void new Promise((end) => {
        setTimeout(end, options.eventTimeout ?? 750);
        image.onload = image.onerror = end;
        image.src = context.eventUrl + '?' + query;
        // eslint-disable-next-line @typescript-eslint/no-confusing-void-expression -- the value is unused
      }).then((event) => callback(((event as Event | undefined)?.type as string) > 'f'));
    },
    save(drop) {
      if ((saved = !cookieless))
        [tracker.partyId, tracker.sessionId].forEach((id, index) => {
          w.document.cookie =
            // eslint-disable-next-line @typescript-eslint/restrict-plus-operands -- seconds as text (0 drops the cookie: `* +!drop`)
            names[index]! + '=' + id + ';path=/;max-age=' + lifetimes[index]! * +!drop + attributes;
        });
    },
  };
  options.features?.map((feature) => feature(context)).map((start) => start?.());
  return tracker;
}
