// The load of the Divolte group: distinct pixel requests with valid checksums, as divolte.js sends
// them, made with @tributary/schema's encoder (the one the collector bench and the tests use).
// Distinct ids matter: both servers keep a duplicate memory, and a repeated event id is work
// neither does on real traffic.
import { createIdentifier, createPageViewId, encodeEventQuery } from '@tributary/schema/protocol';

/** Browser headers sent with every pixel (one user agent: both servers cache its parse). */
export const PIXEL_HEADERS: Readonly<Record<string, string>> = {
  'User-Agent':
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  Accept: 'image/avif,image/webp,image/apng,image/*,*/*;q=0.8',
  'Accept-Language': 'en-US,en;q=0.9',
  Referer: 'https://shop.example/products/shoes',
};

/** Options of {@link createPixelPaths}. */
export interface PixelPathsOptions {
  /** How many distinct pixels. */
  count: number;
  /** Page views per visitor (one party and one session each). @default 10 */
  viewsPerVisitor?: number;
  /** The path of the pixel endpoint. @default '/csc-event' */
  endpoint?: string;
  /** @default Date.now() */
  now?: number;
}

/**
 * `count` request targets (`/csc-event?…`), each a distinct page view: fresh page-view and event
 * ids, visitors of `viewsPerVisitor` views, locations and sizes that vary as real pages do.
 */
export function createPixelPaths(options: PixelPathsOptions): string[] {
  const viewsPerVisitor = options.viewsPerVisitor ?? 10;
  const endpoint = options.endpoint ?? '/csc-event';
  const now = options.now ?? Date.now();
  const paths: string[] = [];
  let partyId = '';
  let sessionId = '';
  for (let i = 0; i < options.count; i++) {
    const view = i % viewsPerVisitor;
    if (view === 0) {
      partyId = createIdentifier({ timestamp: now - (i % 86_400_000) });
      sessionId = createIdentifier({ timestamp: now });
    }
    const pageViewId = createPageViewId();
    const query = encodeEventQuery({
      partyId,
      sessionId,
      pageViewId,
      eventId: `${pageViewId}0`,
      clientTimestamp: now + i,
      newParty: view === 0,
      firstInSession: view === 0,
      location: `https://shop.example/products/${i % 997}?color=red&size=${36 + (i % 12)}`,
      referrer: view === 0 ? 'https://search.example/results?q=red+shoes' : 'https://shop.example/',
      viewportWidth: 1280 + (i % 7),
      viewportHeight: 720,
      screenWidth: 1920,
      screenHeight: 1080,
      devicePixelRatio: 2,
      eventType: 'pageView',
    });
    paths.push(`${endpoint}?${query}`);
  }
  return paths;
}
