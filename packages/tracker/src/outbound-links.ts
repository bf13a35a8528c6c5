import type { TrackerFeature } from './tracker';

/** Options of {@link trackOutboundLinks}. */
export interface TrackOutboundLinksOptions {
  /**
   * The event type signalled, with parameters `{ href }`.
   * @default 'outboundLink'
   */
  eventType?: string | undefined;
  /**
   * The longest a navigation in the same tab waits for the event to be delivered, in ms.
   * @default 1000
   */
  timeout?: number | undefined;
}

/**
 * Outbound-link tracking: a click on a link to another host signals `outboundLink` with `{ href }`
 * and, when the link would leave this tab, holds the navigation until the event is delivered (or
 * `timeout` passes). Clicks the page already handled (`defaultPrevented`), modified clicks and links
 * with a `target` are signalled without delay.
 * @example createTracker({ features: [trackOutboundLinks()] })
 */
export function trackOutboundLinks(options: TrackOutboundLinksOptions = {}): TrackerFeature {
  return ({ win: w, tracker }) => {
    w.document.addEventListener('click', (event) => {
      const link = (event.target as Partial<Element> | null)?.closest?.(
        'a[href]',
      ) as HTMLAnchorElement | null;
      if (link && link.host != w.location.host && /^http/.test(link.href)) {
        const { href } = link;
        tracker.signal(options.eventType ?? 'outboundLink', { href });
        // Let the browser do what it would: the event still goes out (flush uses a beacon or a
        // keepalive request when the page is hidden or left).
        if (
          event.defaultPrevented ||
          event.button ||
          event.metaKey ||
          event.ctrlKey ||
          event.shiftKey ||
          event.altKey ||
          link.target
        )
          return;
        event.preventDefault();
        tracker.whenCommitted(() => {
          w.location.href = href;
        }, options.timeout ?? 1e3);
      }
    });
  };
}
