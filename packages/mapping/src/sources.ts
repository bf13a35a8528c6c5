import type { ClickEvent } from '@tributary/schema';
import { headerItems } from './internal/header-values';
import { BooleanValue, ListValue, Value, type Producer, type ValueKind } from './value';

const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;

function simple<T, TKind extends ValueKind>(
  kind: TKind,
  description: string,
  read: Producer<T>,
  inline?: string,
): Value<T, TKind> {
  return new Value<T, TKind>(kind, description, () => read, inline === undefined ? {} : { inline });
}

function flag(
  description: string,
  read: (event: ClickEvent) => boolean,
  inline: string,
): BooleanValue {
  return new BooleanValue(description, () => read, { inline });
}

// Avro ints are 32-bit; a size outside that range is treated as absent rather than written wrong.
function int32(value: number | undefined): number | undefined {
  return value !== undefined && Number.isInteger(value) && value >= INT_MIN && value <= INT_MAX
    ? value
    : undefined;
}

/** `location.href` of the page, fragment included. Browser events only. */
export const location = (): Value<string, 'string'> =>
  simple('string', 'location()', (event) => event.location, 'e.location');

/** `document.referrer`. Browser events only. Divolte spells it `referer()`. */
export const referer = (): Value<string, 'string'> =>
  simple('string', 'referer()', (event) => event.referrer, 'e.referrer');

/** Same as {@link referer}, spelt correctly. */
export const referrer = (): Value<string, 'string'> =>
  simple('string', 'referrer()', (event) => event.referrer, 'e.referrer');

/** The event type (`pageView` for the automatic page view); absent when the client sent none. */
export const eventType = (): Value<string, 'string'> =>
  simple('string', 'eventType()', (event) => event.eventType, 'e.eventType');

/** The first event of a session. */
export const firstInSession = (): BooleanValue =>
  flag('firstInSession()', (event) => event.firstInSession, 'e.firstInSession');

/** The first event of a party the client had not seen before (Divolte's `n` flag). */
export const newParty = (): BooleanValue =>
  flag('newParty()', (event) => event.newParty, 'e.newParty');

/** The checksum failed: the request was truncated or rewritten on the way. */
export const corrupt = (): BooleanValue => flag('corrupt()', (event) => event.corrupt, 'e.corrupt');

/** The collector's duplicate memory has seen this event before. */
export const duplicate = (): BooleanValue =>
  flag('duplicate()', (event) => event.duplicate, 'e.duplicate');

/** The user agent is a known bot, crawler or monitor (the collector's verdict). */
export const isBot = (): BooleanValue => flag('isBot()', (event) => event.isBot, 'e.isBot');

/** The request carried `DNT: 1`. */
export const doNotTrack = (): BooleanValue =>
  flag('doNotTrack()', (event) => event.doNotTrack, 'e.doNotTrack');

/** The request carried `Sec-GPC: 1`. */
export const globalPrivacyControl = (): BooleanValue =>
  flag('globalPrivacyControl()', (event) => event.globalPrivacyControl, 'e.globalPrivacyControl');

/** When the collector received the event, ms since the epoch (a long). */
export const timestamp = (): Value<number, 'long'> =>
  simple('long', 'timestamp()', (event) => event.receivedAt, 'e.receivedAt');

/** The client's clock when the event happened, ms since the epoch (a long). */
export const clientTimestamp = (): Value<number, 'long'> =>
  simple('long', 'clientTimestamp()', (event) => event.clientTimestamp, 'e.clientTimestamp');

/** The client address: the socket peer or the trusted X-Forwarded-For entry. */
export const remoteHost = (): Value<string, 'string'> =>
  simple(
    'string',
    'remoteHost()',
    (event) => event.request.remoteAddress,
    'e.request.remoteAddress',
  );

/** Viewport width in CSS pixels (an int). Browser events only. */
export const viewportPixelWidth = (): Value<number, 'int'> =>
  simple('int', 'viewportPixelWidth()', (event) => int32(event.viewportWidth));

/** Viewport height in CSS pixels (an int). Browser events only. */
export const viewportPixelHeight = (): Value<number, 'int'> =>
  simple('int', 'viewportPixelHeight()', (event) => int32(event.viewportHeight));

/** Screen width in CSS pixels (an int). Browser events only. */
export const screenPixelWidth = (): Value<number, 'int'> =>
  simple('int', 'screenPixelWidth()', (event) => int32(event.screenWidth));

/** Screen height in CSS pixels (an int). Browser events only. */
export const screenPixelHeight = (): Value<number, 'int'> =>
  simple('int', 'screenPixelHeight()', (event) => int32(event.screenHeight));

/**
 * Device pixels per CSS pixel with its fraction (a double). Divolte's was an int; map
 * {@link roundedDevicePixelRatio} onto an `int` field.
 */
export const devicePixelRatio = (): Value<number, 'double'> =>
  simple('double', 'devicePixelRatio()', (event) => event.devicePixelRatio, 'e.devicePixelRatio');

/** The device pixel ratio rounded to an int, as Divolte's `devicePixelRatio()` was. */
export const roundedDevicePixelRatio = (): Value<number, 'int'> =>
  simple('int', 'roundedDevicePixelRatio()', (event) =>
    event.devicePixelRatio === undefined ? undefined : int32(Math.round(event.devicePixelRatio)),
  );

/** The party (visitor) id. */
export const partyId = (): Value<string, 'string'> =>
  simple('string', 'partyId()', (event) => event.partyId, 'e.partyId');

/** The session id. */
export const sessionId = (): Value<string, 'string'> =>
  simple('string', 'sessionId()', (event) => event.sessionId, 'e.sessionId');

/** The page-view id. Browser events only. */
export const pageViewId = (): Value<string, 'string'> =>
  simple('string', 'pageViewId()', (event) => event.pageViewId, 'e.pageViewId');

/** The event id. */
export const eventId = (): Value<string, 'string'> =>
  simple('string', 'eventId()', (event) => event.eventId, 'e.eventId');

/** `browser` or `json`: which kind of source the event came from. */
export const source = (): Value<string, 'string'> =>
  simple('string', 'source()', (event) => event.source, 'e.source');

/** The `User-Agent` header. */
export const userAgentString = (): Value<string, 'string'> =>
  simple('string', 'userAgentString()', (event) => event.request.userAgent, 'e.request.userAgent');

/** A cookie the browser sent to the collector's host. */
export function cookie(name: string): Value<string, 'string'> {
  return simple('string', `cookie(${JSON.stringify(name)})`, (event) => {
    const cookies = event.request.cookies;
    return Object.hasOwn(cookies, name) ? cookies[name] : undefined;
  });
}

/**
 * A request header as a list: every occurrence split on commas (quoted strings and `\` escapes
 * honoured, whitespace runs folded, empty items dropped), as Divolte does. Absent when the request
 * has no such header. Maps onto `array<string>`; use `.first()`, `.last()`, `.get(i)` or
 * `.commaSeparated()` for a string.
 */
export function header(name: string): ListValue<string, 'string'> {
  const key = name.toLowerCase();
  return new ListValue(
    'string',
    `header(${JSON.stringify(name)})`,
    () => (event) => {
      const headers = event.request.headers;
      const values = Object.hasOwn(headers, key) ? headers[key] : undefined;
      return values === undefined ? undefined : headerItems(values);
    },
    { memoize: true },
  );
}
