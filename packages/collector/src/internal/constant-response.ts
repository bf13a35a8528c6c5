import type { CollectorResponse } from '../collector-request';

/**
 * The headers of the core's constant answers (the pixel GIF, its 304) as the flat
 * `[name, value, …]` list `ServerResponse.writeHead` takes, made once instead of per request.
 */
export const FLAT_HEADERS = new WeakMap<CollectorResponse, readonly string[]>();

/** Freezes an answer that is sent as it is many times, and remembers its flat header list. */
export function constantResponse(response: CollectorResponse): CollectorResponse {
  FLAT_HEADERS.set(response, Object.freeze(Object.entries(response.headers).flat()));
  return Object.freeze(response);
}
