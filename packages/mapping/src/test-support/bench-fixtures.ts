import type { ClickEvent, TributaryEventRecord } from '@tributary/schema';
import UAParser from 'ua-parser-js';
import { CHROME_MAC_UA, browserEvent, jsonEvent } from './events';

// A realistic mix: a few user agents (so the UA cache hits, as in production), varied pages with
// and without campaign tags, browser and JSON events.
const agents = [
  CHROME_MAC_UA,
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0',
];
/** 256 events for the benchmark. */
export const benchEvents: ClickEvent[] = Array.from({ length: 256 }, (_, i) => {
  const userAgent = agents[i % agents.length]!;
  const request = { remoteAddress: `81.2.69.${i % 250}`, headers: {}, cookies: {}, userAgent };
  return i % 8 === 7
    ? jsonEvent({ eventId: `ev-${i}`, eventType: 'purchase', parameters: { order: i }, request })
    : browserEvent({
        eventId: `0:pv${i}`,
        location:
          i % 3 === 0
            ? `https://shop.example/p/${i}?utm_source=news&utm_medium=email&utm_campaign=c${i}`
            : `https://shop.example/p/${i}`,
        request,
      });
});

// The same record, written by hand: direct property reads, the same ua-parser-js with a Map cache,
// URLSearchParams for the campaign tags.
const parser = new UAParser();
const uaCache = new Map<string, UAParser.IResult>();
function parseUa(ua: string): UAParser.IResult {
  let result = uaCache.get(ua);
  if (result === undefined) {
    result = parser.setUA(ua).getResult();
    uaCache.set(ua, result);
  }
  return result;
}
/** The Tributary default record, written by hand: the benchmark's baseline. */
export function handWritten(event: ClickEvent): TributaryEventRecord {
  let params: URLSearchParams | undefined;
  if (event.location !== undefined) {
    const q = event.location.indexOf('?');
    if (q !== -1) {
      const hash = event.location.indexOf('#', q);
      params = new URLSearchParams(event.location.slice(q + 1, hash === -1 ? undefined : hash));
    }
  }
  const ua = event.request.userAgent === undefined ? undefined : parseUa(event.request.userAgent);
  return {
    timestamp: event.receivedAt,
    clientTimestamp: event.clientTimestamp,
    eventId: event.eventId,
    eventType: event.eventType ?? 'unknown',
    source: event.source,
    partyId: event.partyId,
    sessionId: event.sessionId,
    pageViewId: event.pageViewId ?? null,
    newParty: event.newParty,
    firstInSession: event.firstInSession,
    detectedCorruption: event.corrupt,
    detectedDuplicate: event.duplicate,
    isBot: event.isBot,
    location: event.location ?? null,
    referrer: event.referrer ?? null,
    utmSource: params?.get('utm_source') ?? null,
    utmMedium: params?.get('utm_medium') ?? null,
    utmCampaign: params?.get('utm_campaign') ?? null,
    utmTerm: params?.get('utm_term') ?? null,
    utmContent: params?.get('utm_content') ?? null,
    viewportPixelWidth: event.viewportWidth ?? null,
    viewportPixelHeight: event.viewportHeight ?? null,
    screenPixelWidth: event.screenWidth ?? null,
    screenPixelHeight: event.screenHeight ?? null,
    devicePixelRatio: event.devicePixelRatio ?? null,
    eventParameters: event.parameters === undefined ? null : JSON.stringify(event.parameters),
    remoteHost: event.request.remoteAddress,
    userAgentString: event.request.userAgent ?? null,
    browserName: ua?.browser.name ?? null,
    browserVersion: ua?.browser.version ?? null,
    osName: ua?.os.name ?? null,
    osVersion: ua?.os.version ?? null,
    deviceType: ua?.device.type ?? null,
    deviceVendor: ua?.device.vendor ?? null,
    deviceModel: ua?.device.model ?? null,
    geoCountryCode: null,
    geoSubdivisionCode: null,
    geoCityName: null,
    geoLatitude: null,
    geoLongitude: null,
    geoTimeZone: null,
  };
}
