import type { RejectReason } from '../metrics';

// The one place where outcomes become HTTP status codes.
const REJECT_STATUS: Readonly<Record<RejectReason, number>> = {
  not_found: 404,
  method_not_allowed: 405,
  url_too_long: 414,
  headers_too_large: 431,
  body_too_large: 413,
  unsupported_media_type: 415,
  content_length_mismatch: 400,
  body_unreadable: 400,
  empty_body: 400,
  invalid_event: 400,
  invalid_batch: 400,
  invalid_json: 400,
  invalid_party_id: 400,
  too_deep: 400,
  origin_not_allowed: 403,
  // The client may retry both: the queue drains, and another instance takes over after a close.
  queue_full: 503,
  closing: 503,
  // Requests node:http's parser refused (see Collector.clientError).
  bad_request: 400,
  request_timeout: 408,
};

/** The status a rejection is answered with. */
export function rejectStatus(reason: RejectReason): number {
  return REJECT_STATUS[reason];
}

/**
 * The status for an exception that escaped request handling. Only a bug gets here (the fuzz tests
 * hold that no input does), so it is the one 5xx besides queue_full and closing.
 */
export const INTERNAL_ERROR_STATUS = 500;
