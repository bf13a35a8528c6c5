import type { ClickEvent } from '@tributary/schema';

/** The Divolte test vector's user agent (a 2014 Chrome on OS X). */
export const CHROME_MAC_UA =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_10_1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/38.0.2125.122 Safari/537.36';

/** Divolte's user-agent parts of {@link CHROME_MAC_UA}, as its default record names them. */
export const CHROME_MAC_UA_PARTS = {
  userAgentName: 'Chrome',
  userAgentFamily: 'Chrome',
  userAgentVendor: 'Google Inc.',
  userAgentType: 'Browser',
  userAgentVersion: '38.0.2125.122',
  userAgentDeviceCategory: 'Personal computer',
  userAgentOsFamily: 'OS X',
  userAgentOsVersion: '10.10.1',
  userAgentOsVendor: 'Apple Computer, Inc.',
};

/** A browser page view with every optional field set; override what a test needs. */
export function browserEvent(overrides: Partial<ClickEvent> = {}): ClickEvent {
  return {
    source: 'browser',
    receivedAt: 1_700_000_000_123,
    clientTimestamp: 1_700_000_000_001,
    partyId: '0:i1t84hgy:5AF359Zjq5kUy98u4wQjlIZzWGhN~GlG',
    sessionId: '0:i1t84hgy:95CbiPCYln_1e0a6rFvuRkDkeNnc6KC8',
    pageViewId: '0:1fF6GFGjDOQiEx_OxnTm_tl4BH91eGLF',
    eventId: '0:1fF6GFGjDOQiEx_OxnTm_tl4BH91eGLF0',
    eventType: 'pageView',
    parameters: { sku: 'A1', quantity: 2, price: 19.5, tags: ['x', 'y'], nested: { deep: true } },
    newParty: true,
    firstInSession: true,
    corrupt: false,
    duplicate: false,
    isBot: false,
    doNotTrack: false,
    globalPrivacyControl: true,
    location:
      'https://shop.example:8443/p/42?utm_source=news&utm_medium=email&q=caf%C3%A9+au+lait#top',
    referrer: 'https://www.google.com/',
    viewportWidth: 1280,
    viewportHeight: 720,
    screenWidth: 1440,
    screenHeight: 900,
    devicePixelRatio: 1.5,
    request: {
      remoteAddress: '81.2.69.160',
      headers: {
        'user-agent': [CHROME_MAC_UA],
        'accept-language': ['en-GB,en;q=0.9', 'nl;q=0.5'],
      },
      cookies: { consent: 'yes' },
      userAgent: CHROME_MAC_UA,
    },
    ...overrides,
  };
}

/** A JSON-source event: no browser data. */
export function jsonEvent(overrides: Partial<ClickEvent> = {}): ClickEvent {
  return {
    source: 'json',
    receivedAt: 1_700_000_000_500,
    clientTimestamp: 1_700_000_000_400,
    partyId: '0:is8tiwk4:GKv5gCc5TtrvBTs9bXfVD8KIQ3oO~sEg',
    sessionId: '0:is8tiwk4:XLEUVj9hA6AXRUOp2zuIdUpaeFOC~7AU',
    eventId: 'ev-1',
    newParty: false,
    firstInSession: false,
    corrupt: false,
    duplicate: false,
    isBot: false,
    doNotTrack: false,
    globalPrivacyControl: false,
    request: { remoteAddress: '2001:db8::1', headers: {}, cookies: {} },
    ...overrides,
  };
}
