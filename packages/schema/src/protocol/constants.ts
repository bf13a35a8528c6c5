/** The query keys of a `/csc-event` request, in the order divolte.js writes them. */
export const EVENT_QUERY_KEYS = [
  'p',
  's',
  'v',
  'e',
  'c',
  'n',
  'f',
  'l',
  'r',
  'i',
  'j',
  'k',
  'w',
  'h',
  't',
  'u',
  'x',
] as const;

/** One key of a `/csc-event` query. */
export type EventQueryKey = (typeof EVENT_QUERY_KEYS)[number];

/** The path suffix of the one-event GET endpoint, after the collector's prefix. */
export const DEFAULT_EVENT_SUFFIX = 'csc-event';
/** The path suffix of the batched POST endpoint, after the collector's prefix. */
export const DEFAULT_BATCH_SUFFIX = 'csc-batch';

/** The party cookie divolte.js uses. */
export const DEFAULT_PARTY_COOKIE = '_dvp';
/** The session cookie divolte.js uses. */
export const DEFAULT_SESSION_COOKIE = '_dvs';
/** How long a party id lives without activity: 730 days, Divolte's default. */
export const DEFAULT_PARTY_TIMEOUT_SECONDS = 730 * 24 * 60 * 60;
/** How long a session lives without activity: 30 minutes, Divolte's default. */
export const DEFAULT_SESSION_TIMEOUT_SECONDS = 30 * 60;

/** The event type of the automatic page view. */
export const PAGE_VIEW_EVENT_TYPE = 'pageView';

/**
 * The ETag of the pixel response. A browser revalidating a cached pixel sends it back in
 * `If-None-Match`; such a request is answered 304 and not recorded.
 */
export const SENTINEL_ETAG = '"6b3edc43-20ec-4078-bc47-e965dd76b88a"';

/** The 37-byte transparent 1×1 GIF89a the event endpoint answers with, as hex. */
export const TRANSPARENT_GIF_HEX =
  '4749463839610100010000000021f90401' + '0a0001002c00000000010001000002024c01003b';
