/**
 * `@tributary/tracker`: the browser tag. `createTracker` is the core (page views, custom events,
 * ids and cookies, Divolte-compatible delivery); each feature is a separate import.
 */
export { createConsent, type Consent, type ConsentOptions, type ConsentState } from './consent';
export { autoPageViews } from './page-views';
export { trackNavigation, type TrackNavigationOptions } from './navigation';
export { trackOutboundLinks, type TrackOutboundLinksOptions } from './outbound-links';
export { reliableDelivery, type ReliableDeliveryOptions } from './reliable-delivery';
export { startScript, type TributaryGlobal } from './script';
export {
  createTracker,
  type Committed,
  type Tracker,
  type TrackerFeature,
  type TrackerOptions,
} from './tracker';
