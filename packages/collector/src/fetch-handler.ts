import type { BodyResult, CollectorRequest, CollectorResponse } from './collector-request';
import { setOwn } from './internal/own-property';

/** What fetch runtimes know about the connection beside the Request. */
export interface FetchConnectionInfo {
  /** The socket peer, e.g. Deno's `info.remoteAddr.hostname` or Bun's `server.requestIP(req)`. */
  remoteAddress?: string;
}

/** A fetch-style handler: `(Request) => Promise<Response>`, for Hono, Bun, Deno and edge workers. */
export type FetchHandler = (request: Request, info?: FetchConnectionInfo) => Promise<Response>;

type Handle = (request: CollectorRequest) => CollectorResponse | Promise<CollectorResponse>;

async function readLimited(request: Request, limit: number): Promise<BodyResult> {
  const declared = request.headers.get('content-length');
  const expected = declared === null ? undefined : Number(declared);
  if (expected !== undefined && expected > limit) return { ok: false, reason: 'body_too_large' };
  if (request.body === null) {
    return expected !== undefined && expected !== 0
      ? { ok: false, reason: 'content_length_mismatch' }
      : { ok: true, body: new Uint8Array(0) };
  }
  const reader: ReadableStreamDefaultReader<Uint8Array> = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > limit) {
        await reader.cancel().catch(() => undefined);
        return { ok: false, reason: 'body_too_large' };
      }
      chunks.push(value);
    }
  } catch {
    return { ok: false, reason: 'body_unreadable' };
  }
  if (expected !== undefined && size !== expected) {
    return { ok: false, reason: 'content_length_mismatch' };
  }
  const body = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.length;
  }
  return { ok: true, body };
}

function toCollectorRequest(
  request: Request,
  info: FetchConnectionInfo | undefined,
): CollectorRequest {
  const url = new URL(request.url);
  return {
    method: request.method,
    url: url.pathname + url.search,
    remoteAddress: info?.remoteAddress ?? '',
    header: (name) => request.headers.get(name) ?? undefined,
    headerValues: (name) => {
      const value = request.headers.get(name);
      return value === null ? undefined : [value];
    },
    headers: () => {
      const headers: Record<string, string[]> = {};
      for (const [name, value] of request.headers) {
        // Own keys only: `constructor` or `__proto__` are valid header names.
        const values = Object.hasOwn(headers, name) ? headers[name] : undefined;
        if (values === undefined) setOwn(headers, name, [value]);
        else values.push(value);
      }
      return headers;
    },
    headerBytes: () => {
      let bytes = 0;
      for (const [name, value] of request.headers) bytes += name.length + value.length;
      return bytes;
    },
    readBody: (limit) => readLimited(request, limit),
  };
}

function toResponse(answer: CollectorResponse): Response {
  const body = answer.status === 204 || answer.status === 304 ? null : (answer.body ?? null);
  return new Response(body, { status: answer.status, headers: answer.headers });
}

/**
 * Binds the core to fetch's Request and Response. `processAnswered` runs the core's work on
 * answered pixel events before the Response is handed back: an edge runtime may freeze the
 * isolate once it has the Response, so no work is left for later. `failed` counts a request that
 * failed before the core saw it and gives its 500.
 */
export function createFetchHandler(
  handle: Handle,
  processAnswered: () => void,
  failed: (error: unknown) => CollectorResponse,
): FetchHandler {
  return async (request, info) => {
    let collectorRequest: CollectorRequest;
    try {
      collectorRequest = toCollectorRequest(request, info);
    } catch (error) {
      return toResponse(failed(error));
    }
    // The core answers its own failures (a counted 500): it neither throws nor rejects.
    const handling = handle(collectorRequest);
    processAnswered();
    return toResponse(await handling);
  };
}
