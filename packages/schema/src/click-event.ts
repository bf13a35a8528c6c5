import { z } from 'zod';
import { jsonValueSchema } from './json-value';
import { parseIdentifier } from './protocol/identifier';

/** A Divolte identifier (`0:<base-36 time>:<unique>`), as party and session ids are. */
export const identifierSchema = z.string().refine((value) => parseIdentifier(value).ok, {
  error: 'Expected a Divolte identifier (0:<base-36 time>:<unique>).',
});

/** The HTTP request an event came in, as the collector saw it. */
export const requestContextSchema = z.object({
  /** The client address: the socket peer or the trusted X-Forwarded-For entry, anonymised if configured. */
  remoteAddress: z.string(),
  /** Request headers, names in lower case, every value of repeated headers in order. */
  headers: z.record(z.string(), z.array(z.string())),
  /** Cookies the browser sent to the collector's host. */
  cookies: z.record(z.string(), z.string()),
  /** The User-Agent header, when there was one. */
  userAgent: z.string().optional(),
});

/** The request context of a {@link ClickEvent}. */
export type RequestContext = z.infer<typeof requestContextSchema>;

/**
 * The collected event: what the collector hands to `onEvent` and what a mapping reads. It holds
 * what the client sent, the collector's verdicts (corrupt, duplicate, bot) and the request context.
 */
export const clickEventSchema = z.object({
  /** `browser` for the tag's pixel and batch requests, `json` for apps and servers. */
  source: z.enum(['browser', 'json']),
  /** When the collector received the event, ms since the epoch (Divolte's `timestamp()`). */
  receivedAt: z.number().int(),
  /** The client's clock when the event happened, ms since the epoch. */
  clientTimestamp: z.number().int(),
  partyId: identifierSchema,
  sessionId: identifierSchema,
  /** Absent for json events. */
  pageViewId: z.string().optional(),
  eventId: z.string(),
  /** The event type; `pageView` for the automatic page view. Absent when the client sent none. */
  eventType: z.string().optional(),
  /** Custom event parameters. */
  parameters: jsonValueSchema.optional(),
  /** The first event of a party the client had not seen before. */
  newParty: z.boolean(),
  /** The first event of a session. */
  firstInSession: z.boolean(),
  /** The checksum failed: the request was truncated or rewritten on the way. */
  corrupt: z.boolean(),
  /** The collector's duplicate memory has seen this party, session and event id before. */
  duplicate: z.boolean(),
  /** The user agent is a known bot, crawler or monitor. */
  isBot: z.boolean(),
  /** The request carried `DNT: 1`. */
  doNotTrack: z.boolean(),
  /** The request carried `Sec-GPC: 1` (Global Privacy Control). */
  globalPrivacyControl: z.boolean(),
  /** `location.href`, fragment included. */
  location: z.string().optional(),
  /** `document.referrer`. */
  referrer: z.string().optional(),
  viewportWidth: z.number().int().optional(),
  viewportHeight: z.number().int().optional(),
  screenWidth: z.number().int().optional(),
  screenHeight: z.number().int().optional(),
  /** Fractional ratios are kept. */
  devicePixelRatio: z.number().optional(),
  request: requestContextSchema,
});

/** The collected event. See {@link clickEventSchema}. */
export type ClickEvent = z.infer<typeof clickEventSchema>;
