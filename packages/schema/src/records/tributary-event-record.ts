import { avro, defineRecord, field, type InferRecord } from '../record-declaration';

const optionalString = (doc: string) => field(avro.nullable(avro.string()), { doc });
const optionalInt = (doc: string) => field(avro.nullable(avro.int()), { doc });
const optionalDouble = (doc: string) => field(avro.nullable(avro.double()), { doc });

/**
 * Tributary's default record: Divolte's fields plus what they lack (the event id, the fractional
 * device pixel ratio, custom parameters, campaign tags, geo and a bot flag), with user-agent
 * fields named after what a current parser (ua-parser-js) reports.
 */
export const tributaryEventRecord = defineRecord({
  name: 'TributaryEventRecord',
  namespace: 'io.tributary.record',
  doc: 'One clickstream event as collected by Tributary.',
  fields: {
    timestamp: field(avro.long(), {
      doc: 'When the collector received the event, ms since the epoch.',
    }),
    clientTimestamp: field(avro.long(), {
      doc: "The client's clock when the event happened, ms since the epoch.",
    }),
    eventId: field(avro.string(), { doc: 'Unique per event; stable across retries.' }),
    eventType: field(avro.string(), {
      doc: 'pageView, or the custom event type.',
      default: 'unknown',
    }),
    source: field(avro.string(), {
      doc: 'browser (tag) or json (apps and servers).',
      default: 'browser',
    }),
    partyId: field(avro.string(), { doc: 'The visitor: a long-lived first-party id.' }),
    sessionId: field(avro.string(), { doc: 'The visit: renewed after 30 minutes without events.' }),
    pageViewId: optionalString('The page view the event belongs to; absent for json events.'),
    newParty: field(avro.boolean(), { doc: 'The first event of a new visitor.' }),
    firstInSession: field(avro.boolean(), { doc: 'The first event of a session.' }),
    detectedCorruption: field(avro.boolean(), {
      doc: 'The checksum failed: a proxy truncated or rewrote the request.',
    }),
    detectedDuplicate: field(avro.boolean(), {
      doc: 'The collector has seen this event recently.',
    }),
    isBot: field(avro.boolean(), {
      doc: 'The user agent is a known bot, crawler or monitor.',
      default: false,
    }),
    location: optionalString('The page URL, fragment included.'),
    referrer: optionalString('The referring URL.'),
    utmSource: optionalString('utm_source of the page URL.'),
    utmMedium: optionalString('utm_medium of the page URL.'),
    utmCampaign: optionalString('utm_campaign of the page URL.'),
    utmTerm: optionalString('utm_term of the page URL.'),
    utmContent: optionalString('utm_content of the page URL.'),
    viewportPixelWidth: optionalInt('Viewport width in CSS pixels.'),
    viewportPixelHeight: optionalInt('Viewport height in CSS pixels.'),
    screenPixelWidth: optionalInt('Available screen width in CSS pixels.'),
    screenPixelHeight: optionalInt('Available screen height in CSS pixels.'),
    devicePixelRatio: optionalDouble('Device pixels per CSS pixel, fractions kept.'),
    eventParameters: optionalString('The custom event parameters as JSON text.'),
    remoteHost: field(avro.string(), { doc: 'The client address, anonymised if so configured.' }),
    userAgentString: optionalString('The User-Agent header.'),
    browserName: optionalString('Browser name, e.g. Chrome.'),
    browserVersion: optionalString('Browser version.'),
    osName: optionalString('Operating system name.'),
    osVersion: optionalString('Operating system version.'),
    deviceType: optionalString(
      'mobile, tablet, console, smarttv, wearable, embedded; absent for desktops.',
    ),
    deviceVendor: optionalString('Device vendor.'),
    deviceModel: optionalString('Device model.'),
    geoCountryCode: optionalString('ISO 3166-1 alpha-2 country code.'),
    geoSubdivisionCode: optionalString('ISO 3166-2 code of the first subdivision (region).'),
    geoCityName: optionalString('City name, in English.'),
    geoLatitude: optionalDouble('Approximate latitude.'),
    geoLongitude: optionalDouble('Approximate longitude.'),
    geoTimeZone: optionalString('IANA time zone.'),
  },
});

/** A record of Tributary's default schema. */
export type TributaryEventRecord = InferRecord<typeof tributaryEventRecord>;
