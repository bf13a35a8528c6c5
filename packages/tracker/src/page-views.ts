import type { TrackerFeature } from './tracker';

/**
 * Automatic page views: a `pageView` on load once the page is visible (not while it is
 * prerendered or in a background tab), and a new one when the page is restored from the
 * back/forward cache. It starts once every feature is installed, so the first page view already
 * goes through consent and reliable delivery. The drop-in script installs it unless
 * `data-auto-page-view="false"`; an ESM user who calls `pageView()` himself leaves it out.
 * @example createTracker({ features: [autoPageViews(), trackNavigation()] })
 */
export function autoPageViews(): TrackerFeature {
  return ({ win: w, tracker }) => {
    let started: unknown;
    const start = (): void => {
      if (
        !started &&
        w.document.visibilityState == 'visible' &&
        !(w.document as { prerendering?: boolean }).prerendering
      )
        started = tracker.pageView();
    };
    w.document.addEventListener('visibilitychange', start);
    w.document.addEventListener('prerenderingchange', start);
    w.addEventListener('pageshow', (event) => event.persisted && tracker.pageView());
    return start;
  };
}
