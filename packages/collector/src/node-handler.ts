import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BodyResult, CollectorRequest, CollectorResponse } from './collector-request';
import { INTERNAL_ERROR_STATUS } from './internal/status';

/**
 * A node:http request handler that is also Connect/Express middleware: with `next`, requests off
 * the collector's paths are passed on. In Fastify, call it from an `onRequest` hook after
 * `reply.hijack()` (see the README).
 */
export type NodeHandler = (
  request: IncomingMessage,
  response: ServerResponse,
  next?: (error?: unknown) => void,
) => void;

type Handle = (request: CollectorRequest) => CollectorResponse | Promise<CollectorResponse>;

const TOO_LARGE: BodyResult = { ok: false, reason: 'body_too_large' };
const MISMATCH: BodyResult = { ok: false, reason: 'content_length_mismatch' };
const UNREADABLE: BodyResult = { ok: false, reason: 'body_unreadable' };

function checkLength(body: Uint8Array, limit: number, expected: number | undefined): BodyResult {
  if (body.length > limit) return TOO_LARGE;
  if (expected !== undefined && body.length !== expected) return MISMATCH;
  return { ok: true, body };
}

/** The core's view of an IncomingMessage: reads only what the core asks for, builds no Request. */
class NodeRequest implements CollectorRequest {
  readonly method: string;
  readonly url: string;
  readonly remoteAddress: string;
  readonly #request: IncomingMessage;

  constructor(request: IncomingMessage) {
    this.#request = request;
    this.method = request.method ?? 'GET';
    this.url = request.url ?? '/';
    this.remoteAddress = request.socket.remoteAddress ?? '';
  }

  header(name: string): string | undefined {
    // Only headersDistinct: Node builds each header view lazily, and one is enough.
    const values = this.#request.headersDistinct[name];
    if (values === undefined) return undefined;
    if (values.length === 1) return values[0];
    return values.join(name === 'cookie' ? '; ' : ', ');
  }

  headerValues(name: string): readonly string[] | undefined {
    return this.#request.headersDistinct[name];
  }

  headers(): Record<string, string[]> {
    // Node builds this object once per request; the core copies it before rewriting anything.
    return this.#request.headersDistinct as Record<string, string[]>;
  }

  headerBytes(): number {
    let bytes = 0;
    for (const part of this.#request.rawHeaders) bytes += part.length;
    return bytes;
  }

  readBody(limit: number): Promise<BodyResult> {
    const request = this.#request;
    const declared = this.header('content-length');
    const expected = declared === undefined ? undefined : Number(declared);
    if (expected !== undefined && expected > limit) return Promise.resolve(TOO_LARGE);
    // Middleware that ran before us (a body parser) may have consumed the stream already.
    const parsed = (request as { body?: unknown }).body;
    if (parsed instanceof Uint8Array) return Promise.resolve(checkLength(parsed, limit, expected));
    if (typeof parsed === 'string') {
      return Promise.resolve(checkLength(Buffer.from(parsed), limit, expected));
    }
    if (request.readableEnded) {
      // A JSON body parser left an object: its text again, without the exact length to check.
      if (typeof parsed === 'object' && parsed !== null) {
        return Promise.resolve(checkLength(Buffer.from(JSON.stringify(parsed)), limit, undefined));
      }
      return Promise.resolve(UNREADABLE);
    }
    return new Promise((resolve) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let done = false;
      const finish = (result: BodyResult): void => {
        if (done) return;
        done = true;
        request.off('data', onData);
        request.off('end', onEnd);
        request.off('error', onFailure);
        request.off('close', onFailure);
        resolve(result);
      };
      const onData = (chunk: Buffer): void => {
        size += chunk.length;
        if (size > limit) {
          finish(TOO_LARGE);
          return;
        }
        chunks.push(chunk);
      };
      const onEnd = (): void => {
        finish(
          expected !== undefined && size !== expected
            ? MISMATCH
            : { ok: true, body: Buffer.concat(chunks, size) },
        );
      };
      const onFailure = (): void => {
        // A peer that stops before Content-Length is a length mismatch, as Divolte reports it.
        finish(expected !== undefined && size < expected ? MISMATCH : UNREADABLE);
      };
      request.on('data', onData);
      request.on('end', onEnd);
      request.on('error', onFailure);
      request.on('close', onFailure);
    });
  }
}

function write(response: ServerResponse, answer: CollectorResponse): void {
  if (response.headersSent || response.destroyed) return;
  response.writeHead(answer.status, answer.headers);
  response.end(answer.body);
}

function fail(response: ServerResponse): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  response.writeHead(INTERNAL_ERROR_STATUS, { 'content-type': 'text/plain; charset=utf-8' });
  response.end('Internal error');
}

/** Binds the core to node:http. */
export function createNodeHandler(handle: Handle, handles: (url: string) => boolean): NodeHandler {
  return (request, response, next) => {
    if (next !== undefined && !handles(request.url ?? '/')) {
      next();
      return;
    }
    let answer: CollectorResponse | Promise<CollectorResponse>;
    try {
      answer = handle(new NodeRequest(request));
    } catch {
      fail(response);
      return;
    }
    if (answer instanceof Promise) {
      answer.then(
        (settled) => {
          write(response, settled);
        },
        () => {
          fail(response);
        },
      );
    } else {
      write(response, answer);
    }
  };
}
