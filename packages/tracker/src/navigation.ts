import type { TrackerFeature } from './tracker';

/** Options of {@link trackNavigation}. */
export interface TrackNavigationOptions {
  /**
   * Whether a change of the `#fragment` alone is a new page view (hash-routed apps).
   * @default false
   */
  hash?: boolean | undefined;
}

/**
 * SPA page views: a `pageView` whenever `history.pushState`, `history.replaceState`, `popstate` or
 * `hashchange` changes the address (path and query, and the fragment with `hash: true`). Calls
 * that leave the address as it was make no page view.
 * @example createTracker({ features: [trackNavigation({ hash: true })] })
 */
export function trackNavigation(options: TrackNavigationOptions = {}): TrackerFeature {
  return ({ win: w, tracker }) => {
    const key = (): string => (options.hash ? w.location.href : w.location.href.split('#')[0]!);
    let last = key();
    const check = (): void => {
      if (last != key()) {
        last = key();
        tracker.pageView();
      }
    };
    for (const method of ['pushState', 'replaceState'] as const) {
      // eslint-disable-next-line @typescript-eslint/unbound-method -- called with its history below
      const original = w.history[method];
      w.history[method] = function (this: History, ...args: Parameters<History['pushState']>) {
        original.apply(this, args);
        check();
      };
    }
    w.addEventListener('popstate', check);
    w.addEventListener('hashchange', check);
  };
}
