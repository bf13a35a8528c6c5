import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { BodyResult, CollectorRequest, CollectorResponse } from './collector-request';
import type { RejectReason } from './metrics';
import { FLAT_HEADERS } from './internal/constant-response';
import { setOwn } from './internal/own-property';

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

/** How many header names {@link lowerCase} remembers: a browser sends about a dozen. */
const NAME_CACHE_SIZE = 256;
const lowerCaseNames = new Map<string, string>();

/**
 * A header name in lower case, remembered by its spelling on the wire. node:http's parser makes new
 * strings for every request; a lower-case name kept from an earlier request is a string V8 has
 * interned already, so storing it as a property key needs no string-table lookup, and no
 * `toLowerCase` copy is made (measured: the header record of a browser's pixel request 1.4–1.8 →
 * 0.9–1.3 µs). Once the cache is full, other names are lower-cased each time.
 */
function lowerCase(name: string): string {
  let lower = lowerCaseNames.get(name);
  if (lower === undefined) {
    lower = name.toLowerCase();
    if (lowerCaseNames.size < NAME_CACHE_SIZE) lowerCaseNames.set(name, lower);
  }
  return lower;
}

/**
 * The core's view of an IncomingMessage: reads only what the core asks for, builds no Request.
 * Headers come from node's raw list, as one record of every value per lower-case name, built when
 * the core first asks for all of them and then shared by every lookup and handed to the consumer;
 * a lookup before that reads the raw list. `IncomingMessage.headers`
 * (a second object node:http builds lazily, dropping repeats of some names) is never touched.
 */
class NodeRequest implements CollectorRequest {
  readonly method: string;
  readonly url: string;
  readonly remoteAddress: string;
  readonly #request: IncomingMessage;
  readonly #body: BodyResult | undefined;
  #headers: Record<string, string[]> | undefined;

  /** `body`: what a body parser before us made of the body, when it failed (see nodeErrors). */
  constructor(request: IncomingMessage, body?: BodyResult) {
    this.#request = request;
    this.#body = body;
    this.method = request.method ?? 'GET';
    this.url = request.url ?? '/';
    this.remoteAddress = request.socket.remoteAddress ?? '';
  }

  header(name: string): string | undefined {
    const values = this.headerValues(name);
    if (values === undefined) return undefined;
    // Joined as node:http joins repeats (`; ` for cookie), but keeping every value of all names.
    return values.length === 1 ? values[0] : values.join(name === 'cookie' ? '; ' : ', ');
  }

  headerValues(name: string): string[] | undefined {
    const headers = this.#headers;
    if (headers === undefined) return this.#scan(name);
    return Object.hasOwn(headers, name) ? headers[name] : undefined;
  }

  /**
   * One header's values straight from the raw list, for the lookups made before the answer (the
   * pixel's `If-None-Match`): the record of every header is built after it, when the event is
   * processed. Only names of the same length are lower-cased.
   */
  #scan(name: string): string[] | undefined {
    const raw = this.#request.rawHeaders;
    let values: string[] | undefined;
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const field = raw[i]!;
      if (field.length === name.length && (field === name || field.toLowerCase() === name)) {
        (values ??= []).push(raw[i + 1]!);
      }
    }
    return values;
  }

  headers(): Record<string, string[]> {
    if (this.#headers !== undefined) return this.#headers;
    // What IncomingMessage.headersDistinct holds, built here from the raw list: node:http makes a
    // prototype-less object, which V8 keeps in slow dictionary mode, and costs twice as much.
    const raw = this.#request.rawHeaders;
    const headers: Record<string, string[]> = {};
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const name = lowerCase(raw[i]!);
      const values = Object.hasOwn(headers, name) ? headers[name] : undefined;
      if (values === undefined) setOwn(headers, name, [raw[i + 1]!]);
      else values.push(raw[i + 1]!);
    }
    this.#headers = headers;
    return headers;
  }

  headerBytes(): number {
    const raw = this.#request.rawHeaders;
    let bytes = 0;
    for (let i = 0; i < raw.length; i++) bytes += raw[i]!.length;
    return bytes;
  }

  readBody(limit: number): Promise<BodyResult> {
    const request = this.#request;
    const declared = this.header('content-length');
    const expected = declared === undefined ? undefined : Number(declared);
    if (expected !== undefined && expected > limit) return Promise.resolve(TOO_LARGE);
    const preset = this.#body;
    if (preset !== undefined) {
      return Promise.resolve(preset.ok ? checkLength(preset.body, limit, undefined) : preset);
    }
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

/** A constant answer as node:http takes it best: a flat header list and a Buffer body. */
interface Prepared {
  readonly headers: string[];
  readonly body: Buffer | undefined;
}

const prepared = new WeakMap<CollectorResponse, Prepared>();

function prepare(answer: CollectorResponse): Prepared | undefined {
  let ready = prepared.get(answer);
  if (ready === undefined) {
    const flat = FLAT_HEADERS.get(answer);
    if (flat === undefined) return undefined;
    const body = answer.body;
    ready = {
      headers: flat as string[],
      body:
        body === undefined
          ? undefined
          : typeof body === 'string'
            ? Buffer.from(body)
            : Buffer.from(body.buffer, body.byteOffset, body.byteLength),
    };
    prepared.set(answer, ready);
  }
  return ready;
}

function write(response: ServerResponse, answer: CollectorResponse): void {
  if (response.headersSent || response.destroyed) return;
  const constant = prepare(answer);
  if (constant === undefined) {
    response.writeHead(answer.status, answer.headers);
    response.end(answer.body);
  } else {
    // writeHead only reads the list; a Buffer body spares node:http a conversion per request.
    response.writeHead(answer.status, constant.headers);
    response.end(constant.body);
  }
}

/** Writes an answer; one that cannot be written (a bug) ends the connection instead. */
function send(response: ServerResponse, answer: CollectorResponse): void {
  try {
    write(response, answer);
  } catch {
    response.destroy();
  }
}

/** Answers one request through the core and writes the answer. */
function respond(
  handle: Handle,
  failed: (error: unknown) => CollectorResponse,
  request: NodeRequest,
  response: ServerResponse,
): void {
  let result: CollectorResponse | Promise<CollectorResponse>;
  try {
    result = handle(request);
  } catch (error) {
    send(response, failed(error));
    return;
  }
  if (result instanceof Promise) {
    result.then(
      (settled) => {
        send(response, settled);
      },
      (error: unknown) => {
        send(response, failed(error));
      },
    );
  } else {
    send(response, result);
  }
}

/**
 * Binds the core to node:http. `failed` counts a request that failed before the core saw it (the
 * core answers its own failures) and gives its 500.
 */
export function createNodeHandler(
  handle: Handle,
  handles: (url: string) => boolean,
  failed: (error: unknown) => CollectorResponse,
): NodeHandler {
  return (request, response, next) => {
    if (next !== undefined && !handles(request.url ?? '/')) {
      next();
      return;
    }
    respond(handle, failed, new NodeRequest(request), response);
  };
}

/**
 * Connect/Express error middleware for the errors of a body parser mounted before the collector
 * (`express.json()`, `express.text()`): such a parser answers nothing itself but passes its error
 * on, so without this a malformed body on the collector's paths would get Express's HTML 400.
 */
export type NodeErrorHandler = (
  error: unknown,
  request: IncomingMessage,
  response: ServerResponse,
  next: (error?: unknown) => void,
) => void;

/** The error of a body parser (body-parser, which Express uses, through http-errors). */
interface BodyParserError {
  readonly type: string;
  readonly body?: unknown;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { type?: unknown }).type === 'string' &&
    typeof (error as { status?: unknown }).status === 'number'
  );
}

/**
 * What the body parser's error says of the body, as the core's adapters report it: the raw text
 * it could not parse (body-parser keeps it as `error.body`), or why it could not read it.
 */
function bodyOf(error: BodyParserError): BodyResult {
  switch (error.type) {
    case 'entity.parse.failed':
    case 'entity.verify.failed':
      return typeof error.body === 'string'
        ? { ok: true, body: Buffer.from(error.body) }
        : UNREADABLE;
    case 'entity.too.large':
      return TOO_LARGE;
    case 'request.size.invalid':
    case 'request.aborted':
      return MISMATCH;
    default:
      return UNREADABLE;
  }
}

/**
 * The collector's answer to a request on its paths whose body a parser before it failed on: the
 * core handles it with what the parser saw (the unparsable text, answered `invalid_json` as if
 * the collector had read it, or the reason it could not read it, such as 413 `body_too_large`),
 * so it is answered and counted as without the parser. Other errors and paths go to `next`.
 */
export function createNodeErrorHandler(
  handle: Handle,
  handles: (url: string) => boolean,
  failed: (error: unknown) => CollectorResponse,
): NodeErrorHandler {
  return (error, request, response, next) => {
    if (!isBodyParserError(error) || response.headersSent || !handles(request.url ?? '/')) {
      next(error);
      return;
    }
    respond(handle, failed, new NodeRequest(request, bodyOf(error)), response);
  };
}

/**
 * A `'clientError'` listener for a node:http server: answers the requests node's own parser
 * refused, as node would (431 for a header section past `maxHeaderSize`, 413 for chunk extensions
 * past their limit, 408 for a request that timed out, else 400), but through the collector, so
 * they are counted and carry its headers. Connection errors without a request (a reset) and
 * sockets already answering are closed without an answer, as node does.
 */
export type ClientErrorListener = (error: Error & { code?: string }, socket: Duplex) => void;

/** Where an answered request's status came from, for {@link createClientErrorListener}. */
const CLIENT_ERROR_REASONS: Readonly<Record<string, RejectReason>> = {
  HPE_HEADER_OVERFLOW: 'headers_too_large',
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 'body_too_large',
  ERR_HTTP_REQUEST_TIMEOUT: 'request_timeout',
};

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  413: 'Payload Too Large',
  431: 'Request Header Fields Too Large',
};

/** `answer` counts the request and gives its rejection for a reason. */
export function createClientErrorListener(
  answer: (reason: RejectReason) => CollectorResponse,
): ClientErrorListener {
  return (error, socket) => {
    const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent === true) {
      socket.destroy();
      return;
    }
    const reason = CLIENT_ERROR_REASONS[error.code ?? ''] ?? 'bad_request';
    const rejection = answer(reason);
    const body = Buffer.from(typeof rejection.body === 'string' ? rejection.body : '');
    let head = `HTTP/1.1 ${rejection.status} ${STATUS_TEXT[rejection.status] ?? 'Bad Request'}\r\n`;
    for (const [name, value] of Object.entries(rejection.headers)) {
      if (name !== 'connection') head += `${name}: ${value}\r\n`;
    }
    head += `content-length: ${body.length}\r\nconnection: close\r\n\r\n`;
    socket.end(Buffer.concat([Buffer.from(head, 'latin1'), body]));
    // The peer may never read or close: end the socket once the answer is flushed.
    socket.once('finish', () => socket.destroy());
  };
}
