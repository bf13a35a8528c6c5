import { createConsent, type Consent, type ConsentOptions } from './consent';
import { trackNavigation } from './navigation';
import { autoPageViews } from './page-views';
import { trackOutboundLinks } from './outbound-links';
import { reliableDelivery } from './reliable-delivery';
import { createTracker, type Tracker, type TrackerFeature, type TrackerOptions } from './tracker';

/** What the drop-in script puts on `window.tributary`. */
export interface TributaryGlobal extends Tracker {
  /** The consent controls, when the script tag asks for consent (`data-consent`). */
  consent?: Consent;
}

type Globals = Window & typeof globalThis & { tributary?: TributaryGlobal; divolte?: Tracker };

/**
 * Starts the drop-in script from the `data-` attributes of its own `<script>` tag and exposes it as
 * `window.tributary` (and `window.divolte` with `data-divolte`). Events go to the directory the
 * script was loaded from plus `csc-event`, as with divolte.js, unless `data-endpoint` says
 * otherwise; a `#<id>` after the script URL is a page-view id supplied by the server. Does nothing
 * when the page already has a `window.tributary`.
 */
export function startScript(w: Globals): void {
  const script = document.currentScript as HTMLScriptElement | null;
  if (w.tributary || !script) return;
  // `data-party-cookie` is `dataset.partyCookie`. Read by quoted name: the build shortens some of
  // these names where they are properties of the tag's own objects, never a quoted one.
  const data = script.dataset;
  const flag = (name: string): boolean => (data[name] ?? 'false') != 'false';
  const [url, pageViewId] = script.src.split('#') as [string, string?];
  // The directory: without the file name and its query.
  const base = new URL('.', url).href;
  const consentMode = data['consent'];
  const spa = data['spa'];
  const batch = data['batch'];
  const features: TrackerFeature[] = [];
  const consent =
    consentMode &&
    createConsent({
      // `data-consent="drop"` drops while pending; any other value queues.
      pending: consentMode as ConsentOptions['pending'],
      respectDoNotTrack: flag('dnt'),
      respectGlobalPrivacyControl: flag('gpc'),
    });
  if (consent) features.push(consent);
  if (data['autoPageView'] != 'false') features.push(autoPageViews());
  if (spa != 'false') features.push(trackNavigation({ hash: spa == 'hash' }));
  if (flag('outbound')) features.push(trackOutboundLinks());
  if (data['queue'] != 'false')
    features.push(
      reliableDelivery({ batchEndpoint: batch == null ? batch : batch || base + 'csc-batch' }),
    );
  const tracker: TributaryGlobal = createTracker({
    endpoint: base + 'csc-event',
    // `endpoint`, `partyCookie`, `sessionCookie`, `cookieDomain`, `partyTimeout` and
    // `sessionTimeout` are the attributes' own names (the timeouts as text, which the tracker reads
    // as numbers); the build keeps these option names unmangled for it.
    ...(data as TrackerOptions),
    features,
    cookieless: flag('cookieless'),
    pageViewId,
  });
  if (consent) tracker.consent = consent;
  w.tributary = tracker;
  if (flag('divolte')) w.divolte ??= tracker;
}
