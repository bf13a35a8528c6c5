import { z } from 'zod';
import { fromZodIssues } from './internal/zod-issues';
import { identifierSchema } from './click-event';
import { jsonValueSchema } from './json-value';
import { failure, type Result } from './protocol/result';

const ISO_TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Parses an ISO-8601 date-time to ms since the epoch. The offset may be `Z`, `±HH`, `±HHMM` or
 * `±HH:MM`; a timestamp without one is taken as UTC (Divolte documents this but throws instead).
 * Fractions finer than a millisecond are truncated. Returns `undefined` for anything else.
 */
export function parseIsoTimestamp(text: string): number | undefined {
  const match = ISO_TIMESTAMP.exec(text);
  if (match === null) return undefined;
  const [, y, mo, d, h, mi, s, fraction, offset] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = s === undefined ? 0 : Number(s);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const monthDays = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
  if (
    monthDays === undefined ||
    day < 1 ||
    day > monthDays ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    return undefined;
  }
  const millis = fraction === undefined ? 0 : Number(fraction.padEnd(3, '0').slice(0, 3));
  let offsetMinutes = 0;
  if (offset !== undefined && offset !== 'Z' && offset !== 'z') {
    const digits = offset.slice(1).replace(':', '');
    const offsetHours = Number(digits.slice(0, 2));
    const offsetMins = digits.length > 2 ? Number(digits.slice(2)) : 0;
    if (offsetHours > 18 || offsetMins > 59) return undefined;
    offsetMinutes = (offset.startsWith('-') ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day);
  utc.setUTCHours(hour, minute, second, millis);
  return utc.getTime() - offsetMinutes * 60_000;
}

/**
 * The body of a JSON-source request (Divolte's mobile/server event), snake_case as Divolte reads
 * it. The party id travels in the query string (`?p=`), not in the body.
 */
export const jsonSourceEventSchema = z.object({
  session_id: identifierSchema,
  event_id: z.string().min(1),
  is_new_party: z.boolean(),
  is_new_session: z.boolean(),
  client_timestamp_iso: z.string().transform((text, context) => {
    const timestamp = parseIsoTimestamp(text);
    if (timestamp === undefined) {
      context.addIssue({
        code: 'custom',
        message: 'Expected an ISO-8601 date-time, e.g. 2016-08-24T13:29:39.412+02:00.',
      });
      return z.NEVER;
    }
    return timestamp;
  }),
  event_type: z.string().optional(),
  parameters: jsonValueSchema.optional(),
});

/** A JSON-source event body as sent (`client_timestamp_iso` is text). */
export type JsonSourceEventInput = z.input<typeof jsonSourceEventSchema>;
/** A validated JSON-source event body (`client_timestamp_iso` is ms since the epoch). */
export type JsonSourceEvent = z.output<typeof jsonSourceEventSchema>;

/** Validates a parsed JSON body as a JSON-source event. Never throws. */
export function decodeJsonSourceEvent(body: unknown): Result<JsonSourceEvent> {
  const parsed = jsonSourceEventSchema.safeParse(body);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, issues: fromZodIssues(parsed.error.issues) };
}

/** Parses and validates JSON-source body text. Never throws. */
export function parseJsonSourceEvent(text: string): Result<JsonSourceEvent> {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    return failure('invalid_json', `The body is not JSON: ${(error as Error).message}`);
  }
  return decodeJsonSourceEvent(body);
}
