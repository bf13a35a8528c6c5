import {
  MAX_PARAMETER_DEPTH,
  SENTINEL_ETAG,
  TRANSPARENT_GIF_HEX,
} from '@tributary/schema/protocol';
import type { BodyFailure, CollectorResponse } from '../collector-request';
import { countResponse, type MetricsState, type RejectReason } from '../metrics';
import { constantResponse } from './constant-response';
import { INTERNAL_ERROR_STATUS, rejectStatus } from './status';

/**
 * On every answer: error bodies are JSON and the GIF is an image, and no browser should guess
 * otherwise from their bytes.
 */
export const NOSNIFF = { 'x-content-type-options': 'nosniff' } as const;

const GIF = Uint8Array.from(TRANSPARENT_GIF_HEX.match(/../g) ?? [], (byte) => parseInt(byte, 16));

const NO_CACHE = {
  'cache-control': 'private, no-cache, proxy-revalidate',
  pragma: 'no-cache',
  expires: 'Fri, 14 Apr 1995 11:30:00 GMT',
};

/** The pixel's answer: Divolte's GIF with its sentinel ETag. */
export const PIXEL_OK: CollectorResponse = constantResponse({
  status: 200,
  headers: {
    'content-type': 'image/gif',
    'content-length': String(GIF.length),
    etag: SENTINEL_ETAG,
    ...NO_CACHE,
    ...NOSNIFF,
  },
  body: GIF,
});

/** The pixel's answer to a browser revalidating the sentinel ETag. */
export const PIXEL_NOT_MODIFIED: CollectorResponse = constantResponse({
  status: 304,
  headers: { etag: SENTINEL_ETAG, ...NO_CACHE, ...NOSNIFF },
  body: undefined,
});

/** Every answer the core gives goes through these, so every one is counted by status. */
export interface Responses {
  /** Counts an answer and returns it. */
  readonly respond: (response: CollectorResponse) => CollectorResponse;
  /** A counted 4xx or 503 with its reason, as JSON. */
  readonly reject: (
    reason: RejectReason,
    message: string,
    headers?: Readonly<Record<string, string>>,
  ) => CollectorResponse;
  /** A counted 405 with `Allow`. */
  readonly methodNotAllowed: (allow: string) => CollectorResponse;
  /** The rejection for a body the adapter could not deliver. */
  readonly bodyFailure: (reason: BodyFailure, limit: number) => CollectorResponse;
  /** A counted 500 for a request whose handling threw. */
  readonly internalError: () => CollectorResponse;
}

/** The core's answers, counted in `state`; 503s carry `Retry-After: retryAfter`. */
export function createResponses(state: MetricsState, retryAfter: string): Responses {
  const respond = (response: CollectorResponse): CollectorResponse => {
    countResponse(state, response.status);
    return response;
  };

  const reject = (
    reason: RejectReason,
    message: string,
    headers?: Readonly<Record<string, string>>,
  ): CollectorResponse => {
    state.rejected[reason]++;
    const status = rejectStatus(reason);
    const extra: Record<string, string> = status === 503 ? { 'retry-after': retryAfter } : {};
    if (reason === 'body_too_large' || reason === 'closing') extra.connection = 'close';
    return respond({
      status,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'no-store',
        ...NOSNIFF,
        ...extra,
        ...headers,
      },
      body: JSON.stringify({ reason, message }),
    });
  };

  return {
    respond,
    reject,
    methodNotAllowed: (allow) => reject('method_not_allowed', `Use ${allow}.`, { allow }),
    bodyFailure: (reason, limit) =>
      reject(
        reason,
        reason === 'body_too_large'
          ? `The body is larger than ${limit} bytes.`
          : reason === 'content_length_mismatch'
            ? 'The body length differs from Content-Length.'
            : 'The body could not be read.',
      ),
    internalError: () => {
      state.internalErrors++;
      return respond(INTERNAL_ERROR);
    },
  };
}

/** A 204; the batch adds its CORS headers to a copy. */
export const NO_CONTENT: CollectorResponse = { status: 204, headers: NOSNIFF, body: undefined };

/** The answer to a request whose handling threw: a bug, or injected code that failed. */
export const INTERNAL_ERROR: CollectorResponse = Object.freeze({
  status: INTERNAL_ERROR_STATUS,
  headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...NOSNIFF },
  body: 'Internal error',
});

/** The sentence of a `too_deep` rejection (custom parameters past MAX_PARAMETER_DEPTH). */
export const TOO_DEEP = `The custom parameters nest deeper than ${MAX_PARAMETER_DEPTH} objects and arrays.`;

/** Whether a decoder's issue is custom parameters nested past MAX_PARAMETER_DEPTH. */
export function isTooDeep(issue: { readonly code: string }): boolean {
  return issue.code === 'too_deep';
}

/** Issue codes are identifiers the decoders choose; anything else is not quoted back. */
const SAFE_CODE = /^[a-z][a-z0-9_]{0,39}$/;

/**
 * The sentence of a rejection for an input the decoders refused: `what`, and the issue's code
 * when it is one of ours. Issue messages and paths may quote the input (a batch version, a JSON
 * key), and an error body never echoes input, so neither is used.
 */
export function issueMessage(what: string, issue: { readonly code: string } | undefined): string {
  return issue !== undefined && SAFE_CODE.test(issue.code)
    ? `${what} (${issue.code}).`
    : `${what}.`;
}
