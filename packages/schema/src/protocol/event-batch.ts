import { decodeEventQuery, type EventQueryResult } from './event-query';
import { failure, type Result } from './result';

/**
 * The first line of a batch body. The version lets the format change without breaking collectors
 * that are deployed behind tags of another release.
 */
export const EVENT_BATCH_HEADER = 'tributary-batch/1';

/** The content type of a batch body: `text/plain`, so a cross-origin beacon needs no preflight. */
export const EVENT_BATCH_CONTENT_TYPE = 'text/plain;charset=UTF-8';

/**
 * Joins encoded events (each a `/csc-event` query string from `encodeEventQuery`, with its own
 * checksum) into one body for `navigator.sendBeacon` or `fetch(…, { keepalive: true })`:
 * the header line, then one query per line. Queries hold no raw line breaks.
 */
export function encodeEventBatch(queries: readonly string[]): string {
  return EVENT_BATCH_HEADER + '\n' + queries.join('\n');
}

/** Options of {@link decodeEventBatch}. */
export interface DecodeEventBatchOptions {
  /**
   * The most events one body may carry.
   * @default 100
   */
  maxEvents?: number;
}

/** A decoded batch: one result per line, so one bad event does not sink its neighbours. */
export interface DecodedEventBatch {
  readonly version: 1;
  readonly events: readonly EventQueryResult[];
}

/**
 * Decodes a batch body. Fails as a whole only when the header is not a known version, the body has
 * no events, or it has more than `maxEvents`; otherwise each line decodes on its own like a
 * `/csc-event` query. Never throws.
 */
export function decodeEventBatch(
  body: string,
  options: DecodeEventBatchOptions = {},
): Result<DecodedEventBatch> {
  if (typeof body !== 'string') return failure('invalid_input', 'A batch body must be a string.');
  const maxEvents = options.maxEvents ?? 100;
  const newline = body.indexOf('\n');
  const header = (newline < 0 ? body : body.slice(0, newline)).replace(/\r$/, '');
  if (header !== EVENT_BATCH_HEADER) {
    const known = header.startsWith('tributary-batch/');
    return failure(
      known ? 'unsupported_version' : 'invalid_batch',
      known
        ? `Batch version ${header.slice(16)} is not supported; this collector reads ${EVENT_BATCH_HEADER}.`
        : `A batch body starts with the line ${EVENT_BATCH_HEADER}.`,
      [0],
    );
  }
  const lines: string[] = [];
  if (newline >= 0) {
    for (const raw of body.slice(newline + 1).split('\n')) {
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (line === '') continue;
      if (lines.length === maxEvents) {
        return failure('too_many_events', `A batch carries at most ${maxEvents} events.`);
      }
      lines.push(line);
    }
  }
  if (lines.length === 0) return failure('empty_batch', 'The batch carries no events.');
  return { ok: true, value: { version: 1, events: lines.map((line) => decodeEventQuery(line)) } };
}
