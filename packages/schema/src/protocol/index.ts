/**
 * `@tributary/schema/protocol`: the browser wire protocol, with no dependencies and no DOM or Node
 * typings, so a tag can bundle only the pieces it calls.
 */
export { formatBase36, parseBase36Integer, parseBase36Number } from './base36';
export { canonicalChecksumString, computeChecksum } from './checksum';
export {
  DEFAULT_BATCH_SUFFIX,
  DEFAULT_EVENT_SUFFIX,
  DEFAULT_PARTY_COOKIE,
  DEFAULT_PARTY_TIMEOUT_SECONDS,
  DEFAULT_SESSION_COOKIE,
  DEFAULT_SESSION_TIMEOUT_SECONDS,
  EVENT_QUERY_KEYS,
  PAGE_VIEW_EVENT_TYPE,
  SENTINEL_ETAG,
  TRANSPARENT_GIF_HEX,
  type EventQueryKey,
} from './constants';
export {
  EVENT_BATCH_CONTENT_TYPE,
  EVENT_BATCH_HEADER,
  decodeEventBatch,
  encodeEventBatch,
  type DecodeEventBatchOptions,
  type DecodedEventBatch,
} from './event-batch';
export {
  decodeEventQuery,
  encodeEventQuery,
  encodeEventFields,
  type DecodedEvent,
  type EventQueryFields,
  type EventQueryResult,
  type TrackedEvent,
} from './event-query';
export {
  createEventId,
  createIdentifier,
  createPageViewId,
  createUniquePart,
  isIdentifier,
  parseIdentifier,
  type CreateIdentifierOptions,
  type ParsedIdentifier,
  type RandomBytes,
} from './identifier';
export type { JsonValue } from './json';
export { decodeMincode, encodeMincode } from './mincode';
export { murmur3x86_32 } from './murmur3';
export { MAX_PARAMETER_DEPTH, mayExceedParameterDepth } from './parameter-depth';
export { failure, type Issue, type Result } from './result';
export { SchemaError, type SchemaErrorCode } from './schema-error';
