import { createConsent } from './consent';
import { trackNavigation } from './navigation';
import { trackOutboundLinks } from './outbound-links';
import { reliableDelivery } from './reliable-delivery';
import { createTracker, type Tracker, type TrackerFeature } from './tracker';
import type { Consent } from './consent';

/** What the drop-in script puts on `window`. */
export interface TributaryGlobal extends Tracker {
  /** The consent controls, when the script tag asks for consent (`data-consent`). */
  consent?: Consent;
}

type Globals = Window & typeof globalThis & { tributary?: TributaryGlobal; divolte?: Tracker };

/**
 * Starts the drop-in script from the `data-` attributes of its own `<script>` tag. Events go to the
 * directory the script was loaded from plus `csc-event`, as with divolte.js, unless `data-endpoint`
 * says otherwise; a `#<id>` after the script URL is a page-view id supplied by the server.
 */
export function startScript(w: Globals): void {
  const script = w.document.currentScript as HTMLScriptElement | null;
  if (w.tributary || !script) return;
  const data = script.dataset;
  const [url, pageViewId] = script.src.split('#') as [string, string?];
  const base = url.replace(/[?].*/, '').replace(/[^/]*$/, '');
  const features: TrackerFeature[] = [];
  const flag = (value: string | undefined): boolean => value != null && value != 'false';
  let consent: Consent | undefined;
  if (data.consent)
    features.push(
      (consent = createConsent({
        pending: data.consent == 'drop' ? 'drop' : 'queue',
        respectDoNotTrack: flag(data.dnt),
        respectGlobalPrivacyControl: flag(data.gpc),
      })),
    );
  if (data.spa != 'false') features.push(trackNavigation({ hash: data.spa == 'hash' }));
  if (flag(data.outbound)) features.push(trackOutboundLinks());
  if (data.queue != 'false')
    features.push(
      reliableDelivery(
        data.batch == null ? {} : { batchEndpoint: data.batch || base + 'csc-batch' },
      ),
    );
  const number = (value: string | undefined): number | undefined =>
    value ? +value : undefined;
  const tracker: TributaryGlobal = createTracker({
    endpoint: data.endpoint ?? base + 'csc-event',
    features,
    autoPageView: data.autoPageView != 'false',
    cookieless: flag(data.cookieless),
    ...(pageViewId && { pageViewId }),
    ...(data.partyCookie && { partyCookie: data.partyCookie }),
    ...(data.sessionCookie && { sessionCookie: data.sessionCookie }),
    ...(data.cookieDomain && { cookieDomain: data.cookieDomain }),
    ...(number(data.partyTimeout) && { partyTimeout: number(data.partyTimeout)! }),
    ...(number(data.sessionTimeout) && { sessionTimeout: number(data.sessionTimeout)! }),
  });
  if (consent) tracker.consent = consent;
  w.tributary = tracker;
  if (flag(data.divolte)) w.divolte ??= tracker;
}
