import type { ClickEvent, Clock, EventConsumer, Logger, RequestContext } from '@tributary/schema';
import { parseJsonSourceEvent } from '@tributary/schema';
import {
  DEFAULT_BATCH_SUFFIX,
  DEFAULT_EVENT_SUFFIX,
  SENTINEL_ETAG,
  TRANSPARENT_GIF_HEX,
  decodeEventBatch,
  decodeEventQuery,
  parseIdentifier,
  type DecodedEvent,
} from '@tributary/schema/protocol';
import { isbot } from 'isbot';
import { CollectorError } from './collector-error';
import type { BodyFailure, CollectorRequest, CollectorResponse } from './collector-request';
import { createFetchHandler, type FetchHandler } from './fetch-handler';
import {
  countResponse,
  createMetricsState,
  formatPrometheus,
  observeLatency,
  snapshotMetrics,
  type CollectorMetrics,
  type DropReason,
  type RejectReason,
} from './metrics';
import { createNodeHandler, type NodeHandler } from './node-handler';
import { parseCookies } from './internal/cookies';
import { hasValidIdentifiers } from './internal/peek-identifiers';
import { createDuplicateMemory } from './internal/duplicate-memory';
import { acceptsEncoding, matchesEtag, mediaType } from './internal/http-headers';
import { anonymiseIpAddress } from './internal/ip-address';
import { constantResponse } from './internal/constant-response';
import { createPartyQueue } from './internal/party-queue';
import { resolveRemoteAddress } from './internal/remote-address';
import { createScriptAsset } from './internal/script-asset';
import { rejectStatus } from './internal/status';

/** What to do with events when the in-flight queue is full. */
export type QueueFullPolicy = 'reject' | 'drop';

/** The path names of the endpoints, each appended to the prefix. */
export interface CollectorPaths {
  /**
   * The pixel GET endpoint.
   * @default 'csc-event'
   */
  event?: string;
  /**
   * The batch POST endpoint.
   * @default 'csc-batch'
   */
  batch?: string;
  /**
   * The JSON source POST endpoint for apps and servers.
   * @default 'json-event'
   */
  json?: string;
  /**
   * The health endpoint.
   * @default 'ping'
   */
  ping?: string;
  /**
   * The tracker script, served when `script` is given.
   * @default 'tributary.js'
   */
  script?: string;
}

/** Request limits; past each one the request gets a 4xx and a counted reason. */
export interface CollectorLimits {
  /**
   * The longest request target (path and query), in characters: 414 past it.
   * @default 8192
   */
  urlLength?: number;
  /**
   * The largest header section (names and values), in bytes: 431 past it.
   * @default 16384
   */
  headerBytes?: number;
  /**
   * The largest batch body, in bytes: 413 past it. Browsers cap beacons at 64 KiB.
   * @default 65536
   */
  batchBodyBytes?: number;
  /**
   * The most events in one batch body.
   * @default 100
   */
  batchEvents?: number;
  /**
   * The largest JSON-source body, in bytes: 413 past it (Divolte's `maximum_body_size`).
   * @default 4096
   */
  jsonBodyBytes?: number;
}

/** Cross-origin rules for the batch endpoint (the pixel GET needs none). */
export interface CollectorCorsOptions {
  /**
   * Origins allowed to POST batches: `'*'` for any (answered `Access-Control-Allow-Origin: *`), a
   * list of exact origins (echoed, with credentials allowed), or a predicate. A request whose
   * `Origin` is not allowed gets 403.
   * @default '*'
   */
  origins?: '*' | readonly string[] | ((origin: string) => boolean);
  /**
   * How long browsers may cache a preflight answer, in seconds.
   * @default 86400
   */
  maxAge?: number;
}

/** The tracker script to serve. */
export interface CollectorScriptOptions {
  /** The script's bytes (for example `@tributary/tracker`'s drop-in build). */
  source: Uint8Array | string;
  /**
   * `Cache-Control: max-age` in seconds; browsers revalidate with the ETag afterwards.
   * @default 3600
   */
  maxAge?: number;
}

/** Options of {@link createCollector}. */
export interface CollectorOptions {
  /**
   * Receives each accepted event, in order per party. A returned promise holds back that party's
   * next event until it settles; a throw or rejection is counted and logged.
   */
  onEvent: EventConsumer;
  /**
   * The path prefix of every endpoint; a leading and a trailing `/` are added when missing.
   * @default '/'
   */
  prefix?: string;
  /** Endpoint names after the prefix. */
  paths?: CollectorPaths;
  /** The tracker script to serve at `<prefix><paths.script>`; no script endpoint without it. */
  script?: CollectorScriptOptions;
  /** Cross-origin rules for the batch endpoint. */
  cors?: CollectorCorsOptions;
  /**
   * How many proxies in front of the collector append to X-Forwarded-For. 0 uses the socket peer;
   * 1 is Divolte's `use_x_forwarded_for` (the right-most entry).
   * @default 0
   */
  trustedProxies?: number;
  /**
   * Truncate client addresses (IPv4 to /24, IPv6 to /48) in everything handed to `onEvent`,
   * X-Forwarded-For included; other address headers (Forwarded, X-Real-IP, …) are removed.
   * @default false
   */
  anonymiseIp?: boolean;
  /**
   * Drop events from known bots (still counted as `bot` and `dropped.bot`).
   * @default false
   */
  dropBots?: boolean;
  /**
   * Drop events whose request carried `DNT: 1`.
   * @default false
   */
  dropDoNotTrack?: boolean;
  /**
   * Drop events whose request carried `Sec-GPC: 1`.
   * @default false
   */
  dropGlobalPrivacyControl?: boolean;
  /**
   * Tells bots from people by user agent.
   * @default `isbot` from the `isbot` package
   */
  isBot?: (userAgent: string) => boolean;
  /**
   * Classify JSON-source events by user agent too. Off by default: apps and servers send the
   * user agent of their HTTP library (okhttp, node, curl), which bot lists flag.
   * @default false
   */
  detectBotsOnJson?: boolean;
  /**
   * Slots of the duplicate memory (8 bytes each); Divolte's default.
   * @default 1000000
   */
  duplicateMemorySize?: number;
  /**
   * The most events accepted and not yet finished by the consumer.
   * @default 10000
   */
  maxQueuedEvents?: number;
  /** What to do when the queue is full, per endpoint. Either way it is counted. */
  queueFull?: {
    /**
     * The pixel: `'drop'` answers 200 and counts `dropped.queue_full`; `'reject'` answers 503.
     * @default 'drop'
     */
    pixel?: QueueFullPolicy;
    /**
     * Batches and JSON events: `'reject'` answers 503 with Retry-After, so the client retries.
     * @default 'reject'
     */
    post?: QueueFullPolicy;
  };
  /**
   * The Retry-After value of 503 answers, in seconds.
   * @default 1
   */
  retryAfterSeconds?: number;
  /** Request limits. */
  limits?: CollectorLimits;
  /**
   * The query parameter of the JSON source that carries the party id.
   * @default 'p'
   */
  jsonPartyIdParameter?: string;
  /**
   * The receive-time clock.
   * @default Date.now
   */
  clock?: Clock;
  /**
   * Where consumer failures are reported.
   * @default console
   */
  logger?: Logger;
  /**
   * The prefix of every Prometheus series name.
   * @default 'tributary_collector_'
   */
  metricsPrefix?: string;
}

/** A collector: the core handler, its adapters, metrics and shutdown. */
export interface Collector {
  /**
   * The transport-neutral core: answers one request. Synchronous for everything without a body.
   * A pixel event is answered first and processed (decoded, judged, queued) with the other pixels
   * of the same event-loop turn, in a `setImmediate` task: the request's headers must stay
   * readable until then.
   */
  readonly handle: (request: CollectorRequest) => CollectorResponse | Promise<CollectorResponse>;
  /** For `http.createServer(handler)`, Express/Connect (calls `next` off its paths) and Fastify. */
  readonly node: NodeHandler;
  /** For fetch runtimes (Hono, Bun, Deno, edge workers): `(Request) => Promise<Response>`. */
  readonly fetch: FetchHandler;
  /** Whether a request target (path and query) falls on one of the collector's paths. */
  readonly handles: (url: string) => boolean;
  /** A snapshot of the counters. */
  readonly metrics: () => CollectorMetrics;
  /** The counters in the Prometheus text format (content type `text/plain; version=0.0.4`). */
  readonly prometheus: () => string;
  /** Whether `close()` was called. */
  readonly closing: boolean;
  /**
   * Shuts down gracefully: `/ping` answers 503 at once, new requests get 503, requests already
   * reading their body finish, and the promise resolves once the consumer finished every accepted
   * event. Idempotent.
   */
  readonly close: () => Promise<void>;
}

type Route = 'event' | 'batch' | 'json' | 'ping' | 'script';

const GIF = Uint8Array.from(TRANSPARENT_GIF_HEX.match(/../g) ?? [], (byte) => parseInt(byte, 16));

const NO_CACHE = {
  'cache-control': 'private, no-cache, proxy-revalidate',
  pragma: 'no-cache',
  expires: 'Fri, 14 Apr 1995 11:30:00 GMT',
};

const PIXEL_OK: CollectorResponse = constantResponse({
  status: 200,
  headers: {
    'content-type': 'image/gif',
    'content-length': String(GIF.length),
    etag: SENTINEL_ETAG,
    ...NO_CACHE,
  },
  body: GIF,
});

const PIXEL_NOT_MODIFIED: CollectorResponse = constantResponse({
  status: 304,
  headers: { etag: SENTINEL_ETAG, ...NO_CACHE },
  body: undefined,
});

const NO_CONTENT: CollectorResponse = { status: 204, headers: {}, body: undefined };

const ALLOW: Readonly<Record<Route, string>> = {
  event: 'GET',
  batch: 'POST, OPTIONS',
  json: 'POST',
  ping: 'GET, HEAD',
  script: 'GET, HEAD',
};

/**
 * Runs a task after the I/O callbacks of this turn of the event loop: `setImmediate` where the
 * runtime has it (Node, Bun), else a zero timeout.
 */
const schedule: (task: () => void) => void =
  typeof (globalThis as { setImmediate?: unknown }).setImmediate === 'function'
    ? (task) => {
        setImmediate(task);
      }
    : (task) => {
        setTimeout(task, 0);
      };

/** How many user agents' bot verdicts are remembered. */
const BOT_CACHE_SIZE = 1000;

/** Headers that carry client addresses other than X-Forwarded-For; dropped when anonymising. */
const ADDRESS_HEADERS = [
  'forwarded',
  'x-real-ip',
  'x-client-ip',
  'cf-connecting-ip',
  'true-client-ip',
  'fastly-client-ip',
  'x-cluster-client-ip',
];

function normalisePrefix(prefix: string): string {
  let normal = prefix.startsWith('/') ? prefix : '/' + prefix;
  if (!normal.endsWith('/')) normal += '/';
  return normal;
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0) {
    throw new CollectorError('invalid_options', `${name} must be a non-negative integer.`);
  }
  return value;
}

/**
 * Creates a collector: Divolte-compatible pixel (`GET <prefix>csc-event`), batch
 * (`POST <prefix>csc-batch`) and JSON-source endpoints, `/ping`, and the tracker script, with
 * checksum, duplicate, bot and privacy verdicts on every event, per-party ordering to `onEvent`,
 * a bounded queue, limits and metrics.
 * @throws {CollectorError} `invalid_options` when an option cannot work.
 * @example
 * const collector = createCollector({ onEvent: (event) => sink.write(event) });
 * http.createServer(collector.node).listen(8290);
 */
export function createCollector(options: CollectorOptions): Collector {
  if (typeof options.onEvent !== 'function') {
    throw new CollectorError('invalid_options', 'onEvent must be a function.');
  }
  const prefix = normalisePrefix(options.prefix ?? '/');
  const paths = options.paths ?? {};
  const routes = new Map<string, Route>();
  const addRoute = (name: string, route: Route): void => {
    const path = prefix + name;
    if (routes.has(path)) {
      throw new CollectorError('invalid_options', `Two endpoints share the path ${path}.`);
    }
    routes.set(path, route);
  };
  addRoute(paths.event ?? DEFAULT_EVENT_SUFFIX, 'event');
  addRoute(paths.batch ?? DEFAULT_BATCH_SUFFIX, 'batch');
  addRoute(paths.json ?? 'json-event', 'json');
  addRoute(paths.ping ?? 'ping', 'ping');
  if (options.script !== undefined) addRoute(paths.script ?? 'tributary.js', 'script');

  const limits = options.limits ?? {};
  const maxUrlLength = positiveInteger('limits.urlLength', limits.urlLength, 8192);
  const maxHeaderBytes = positiveInteger('limits.headerBytes', limits.headerBytes, 16384);
  const maxBatchBytes = positiveInteger('limits.batchBodyBytes', limits.batchBodyBytes, 65536);
  const maxBatchEvents = positiveInteger('limits.batchEvents', limits.batchEvents, 100);
  const maxJsonBytes = positiveInteger('limits.jsonBodyBytes', limits.jsonBodyBytes, 4096);
  const trustedProxies = positiveInteger('trustedProxies', options.trustedProxies, 0);
  const maxQueued = positiveInteger('maxQueuedEvents', options.maxQueuedEvents, 10_000);
  const retryAfter = String(positiveInteger('retryAfterSeconds', options.retryAfterSeconds, 1));
  const memorySize = positiveInteger('duplicateMemorySize', options.duplicateMemorySize, 1_000_000);
  if (memorySize === 0)
    throw new CollectorError('invalid_options', 'duplicateMemorySize must be > 0.');
  const pixelQueueFull = options.queueFull?.pixel ?? 'drop';
  const postQueueFull = options.queueFull?.post ?? 'reject';
  const partyParameter = options.jsonPartyIdParameter ?? 'p';
  const anonymise = options.anonymiseIp === true;
  const clock = options.clock ?? Date.now;
  const logger: Pick<Logger, 'error'> = options.logger ?? console;
  const detectBot = options.isBot ?? isbot;
  const metricsPrefix = options.metricsPrefix ?? 'tributary_collector_';
  const script =
    options.script === undefined ? undefined : createScriptAsset(options.script.source);
  const scriptCacheControl = `public, max-age=${positiveInteger('script.maxAge', options.script?.maxAge, 3600)}`;
  const corsOrigins = options.cors?.origins ?? '*';
  const corsMaxAge = String(positiveInteger('cors.maxAge', options.cors?.maxAge, 86400));

  /** Logs through the injected logger; a logger that throws must not take the process down. */
  const report = (message: string, fields: Record<string, unknown>): void => {
    try {
      logger.error(message, fields);
    } catch {
      // Nothing better to do: the failure is counted in the metrics already.
    }
  };

  const state = createMetricsState();
  const memory = createDuplicateMemory(memorySize);
  const queue = createPartyQueue(options.onEvent, {
    settled(event, seconds, error, failed) {
      state.queueDepth--;
      observeLatency(state, seconds);
      if (failed) {
        state.consumerErrors++;
        report('onEvent failed; the event is not retried.', {
          error,
          partyId: event.partyId,
          eventId: event.eventId,
        });
      } else {
        state.consumed++;
      }
    },
  });
  // User agents repeat a lot and bot detection is a large regular expression: remember the
  // verdicts of the last BOT_CACHE_SIZE agents seen (a Map iterates in insertion order, so its
  // first key is the oldest; a hit moves the agent to the end).
  const botCache = new Map<string, boolean>();
  const isBotAgent = (userAgent: string | undefined): boolean => {
    if (userAgent === undefined || userAgent === '') return false;
    let verdict = botCache.get(userAgent);
    if (verdict === undefined) {
      verdict = detectBot(userAgent);
      if (botCache.size >= BOT_CACHE_SIZE) botCache.delete(botCache.keys().next().value!);
      botCache.set(userAgent, verdict);
    } else if (botCache.size >= BOT_CACHE_SIZE >> 1) {
      // Only a full-ish cache can evict: refresh this agent so the busy ones stay.
      botCache.delete(userAgent);
      botCache.set(userAgent, verdict);
    }
    return verdict;
  };

  let closing = false;
  let closed: Promise<void> | undefined;
  let bodiesInFlight = 0;
  let bodyWaiters: (() => void)[] = [];

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
        ...extra,
        ...headers,
      },
      body: JSON.stringify({ reason, message }),
    });
  };

  const methodNotAllowed = (route: Route): CollectorResponse =>
    reject('method_not_allowed', `Use ${ALLOW[route]}.`, { allow: ALLOW[route] });

  /** The request context and verdicts shared by every event of one request. */
  interface RequestFacts {
    readonly context: RequestContext;
    readonly isBot: boolean;
    readonly doNotTrack: boolean;
    readonly globalPrivacyControl: boolean;
    readonly dropReason: DropReason | undefined;
  }

  const requestFacts = (request: CollectorRequest, source: ClickEvent['source']): RequestFacts => {
    let remoteAddress = resolveRemoteAddress(
      request.remoteAddress,
      trustedProxies > 0 ? request.headerValues('x-forwarded-for') : undefined,
      trustedProxies,
    );
    let headers: Record<string, string[]> | undefined;
    if (anonymise) {
      headers = { ...request.headers() };
      remoteAddress = anonymiseIpAddress(remoteAddress) ?? '';
      for (const name of ADDRESS_HEADERS) Reflect.deleteProperty(headers, name);
      const forwarded = headers['x-forwarded-for'];
      if (forwarded !== undefined) {
        headers['x-forwarded-for'] = forwarded.map((value) =>
          value
            .split(',')
            .map((entry) => anonymiseIpAddress(entry.trim()) ?? 'unknown')
            .join(', '),
        );
      }
    }
    const userAgent = request.header('user-agent');
    const context: RequestContext = {
      remoteAddress,
      headers: headers ?? request.headers(),
      cookies: parseCookies(request.header('cookie')),
    };
    if (userAgent !== undefined) context.userAgent = userAgent;
    const isBot =
      source === 'browser' || options.detectBotsOnJson === true ? isBotAgent(userAgent) : false;
    const doNotTrack = request.header('dnt') === '1';
    const globalPrivacyControl = request.header('sec-gpc') === '1';
    const dropReason: DropReason | undefined =
      isBot && options.dropBots === true
        ? 'bot'
        : doNotTrack && options.dropDoNotTrack === true
          ? 'do_not_track'
          : globalPrivacyControl && options.dropGlobalPrivacyControl === true
            ? 'global_privacy_control'
            : undefined;
    return { context, isBot, doNotTrack, globalPrivacyControl, dropReason };
  };

  /** Counts and decides one received, valid event; returns it when it should be queued. */
  const verdict = (event: ClickEvent, facts: RequestFacts): ClickEvent | undefined => {
    if (facts.isBot) state.bot++;
    if (facts.dropReason !== undefined) {
      state.dropped[facts.dropReason]++;
      return undefined;
    }
    event.duplicate = memory.observe(event.partyId, event.sessionId, event.eventId);
    if (event.duplicate) state.duplicate++;
    if (event.corrupt) state.corrupt++;
    return event;
  };

  const enqueue = (event: ClickEvent): void => {
    state.accepted++;
    state.queueDepth++;
    queue.push(event);
  };

  /** The fields every event has, with the request's verdicts; `duplicate` is set by `verdict`. */
  const clickEvent = (
    sent: Pick<
      ClickEvent,
      | 'source'
      | 'receivedAt'
      | 'clientTimestamp'
      | 'partyId'
      | 'sessionId'
      | 'eventId'
      | 'newParty'
      | 'firstInSession'
      | 'corrupt'
    >,
    facts: RequestFacts,
  ): ClickEvent => ({
    // Field by field rather than a spread: a spread leaves V8 a slower object shape (measured).
    source: sent.source,
    receivedAt: sent.receivedAt,
    clientTimestamp: sent.clientTimestamp,
    partyId: sent.partyId,
    sessionId: sent.sessionId,
    eventId: sent.eventId,
    newParty: sent.newParty,
    firstInSession: sent.firstInSession,
    corrupt: sent.corrupt,
    duplicate: false,
    isBot: facts.isBot,
    doNotTrack: facts.doNotTrack,
    globalPrivacyControl: facts.globalPrivacyControl,
    request: facts.context,
  });

  const browserEvent = (
    decoded: DecodedEvent,
    facts: RequestFacts,
    receivedAt: number,
  ): ClickEvent => {
    // The fields of clickEvent(), written out: one object per event instead of two.
    const event: ClickEvent = {
      source: 'browser',
      receivedAt,
      clientTimestamp: decoded.clientTimestamp,
      partyId: decoded.partyId,
      sessionId: decoded.sessionId,
      eventId: decoded.eventId,
      newParty: decoded.newParty,
      firstInSession: decoded.firstInSession,
      corrupt: decoded.corrupt,
      duplicate: false,
      isBot: facts.isBot,
      doNotTrack: facts.doNotTrack,
      globalPrivacyControl: facts.globalPrivacyControl,
      request: facts.context,
    };
    event.pageViewId = decoded.pageViewId;
    if (decoded.eventType !== undefined) event.eventType = decoded.eventType;
    if (decoded.parameters !== undefined) event.parameters = decoded.parameters;
    if (decoded.location !== undefined) event.location = decoded.location;
    if (decoded.referrer !== undefined) event.referrer = decoded.referrer;
    if (decoded.viewportWidth !== undefined) event.viewportWidth = decoded.viewportWidth;
    if (decoded.viewportHeight !== undefined) event.viewportHeight = decoded.viewportHeight;
    if (decoded.screenWidth !== undefined) event.screenWidth = decoded.screenWidth;
    if (decoded.screenHeight !== undefined) event.screenHeight = decoded.screenHeight;
    if (decoded.devicePixelRatio !== undefined) event.devicePixelRatio = decoded.devicePixelRatio;
    return event;
  };

  /**
   * Decodes, judges and queues one answered pixel event. An invalid event is counted as `invalid`;
   * a failure of injected code (isBot, a logger …) as `dropped.internal_error`: its answer is out.
   */
  const processPixel = (request: CollectorRequest, query: string, receivedAt: number): void => {
    const decoded = decodeEventQuery(query);
    if (!decoded.ok) {
      state.invalid++;
      return;
    }
    try {
      const facts = requestFacts(request, 'browser');
      const event = verdict(browserEvent(decoded.value, facts, receivedAt), facts);
      if (event !== undefined) enqueue(event);
    } catch (error) {
      state.dropped.internal_error++;
      report('A pixel event could not be processed after its answer.', { error });
    }
  };

  // Pixel events answered and not yet decoded, in arrival order: processed together once the
  // answers of this turn of the event loop are written (see handlePixel).
  let answeredRequests: CollectorRequest[] = [];
  let answeredQueries: string[] = [];
  let answeredTimes: number[] = [];
  let processScheduled = false;

  /** Processes every answered pixel event now; also called by close() and the fetch adapter. */
  const processAnswered = (): void => {
    processScheduled = false;
    const count = answeredRequests.length;
    if (count === 0) return;
    const requests = answeredRequests;
    const queries = answeredQueries;
    const times = answeredTimes;
    answeredRequests = [];
    answeredQueries = [];
    answeredTimes = [];
    for (let i = 0; i < count; i++) processPixel(requests[i]!, queries[i]!, times[i]!);
  };

  /**
   * The pixel, with Divolte's outcomes and in Divolte's order: when the party and session ids pass
   * the check Divolte makes before it answers (see {@link hasValidIdentifiers}), the answer (200,
   * the GIF) goes out first and the event is decoded, judged and queued after it, together with
   * the other pixels answered in the same turn of the event loop (`setImmediate`, which runs once
   * node:http has handled every request that arrived). Answering a burst of requests back to back
   * and then decoding their events costs the server less than decoding between answers: the
   * clients' sockets are woken once per burst, and the decoder runs hot. A request whose ids fail
   * the check is decoded at once and answered 200 when it is a valid event, else 400 with its
   * reason. The receive time is taken when the request is answered.
   */
  const handlePixel = (request: CollectorRequest, query: string): CollectorResponse => {
    if (request.method !== 'GET') return methodNotAllowed('event');
    if (request.header('if-none-match') === SENTINEL_ETAG) {
      state.notModified++;
      return respond(PIXEL_NOT_MODIFIED);
    }
    state.received++;
    if (queue.depth + answeredRequests.length >= maxQueued) {
      state.dropped.queue_full++;
      if (pixelQueueFull === 'reject') {
        return reject('queue_full', 'The collector is busy; retry later.');
      }
      return respond(PIXEL_OK);
    }
    const receivedAt = clock();
    if (hasValidIdentifiers(query)) {
      answeredRequests.push(request);
      answeredQueries.push(query);
      answeredTimes.push(receivedAt);
      if (!processScheduled) {
        processScheduled = true;
        schedule(processAnswered);
      }
      return respond(PIXEL_OK);
    }
    const decoded = decodeEventQuery(query);
    if (!decoded.ok) {
      state.invalid++;
      return reject('invalid_event', decoded.issues[0]?.message ?? 'Invalid event.');
    }
    // Valid, with ids the quick check could not read (escaped keys): judged before the answer, so
    // a failure of injected code is the adapter's 500.
    const facts = requestFacts(request, 'browser');
    const event = verdict(browserEvent(decoded.value, facts, receivedAt), facts);
    if (event !== undefined) enqueue(event);
    return respond(PIXEL_OK);
  };

  const bodyFailure = (reason: BodyFailure, limit: number): CollectorResponse =>
    reject(
      reason,
      reason === 'body_too_large'
        ? `The body is larger than ${limit} bytes.`
        : reason === 'content_length_mismatch'
          ? 'The body length differs from Content-Length.'
          : 'The body could not be read.',
    );

  /** Counts a body-reading request as in flight until it is answered, so close() waits for it. */
  const track = async (handling: Promise<CollectorResponse>): Promise<CollectorResponse> => {
    bodiesInFlight++;
    try {
      return await handling;
    } finally {
      bodiesInFlight--;
      if (bodiesInFlight === 0 && bodyWaiters.length > 0) {
        const waiters = bodyWaiters;
        bodyWaiters = [];
        for (const resolve of waiters) resolve();
      }
    }
  };

  const corsHeaders = (origin: string | undefined): Record<string, string> | undefined => {
    if (origin === undefined) return {};
    if (corsOrigins === '*') return { 'access-control-allow-origin': '*' };
    const allowed =
      typeof corsOrigins === 'function' ? corsOrigins(origin) : corsOrigins.includes(origin);
    if (!allowed) return undefined;
    return {
      'access-control-allow-origin': origin,
      'access-control-allow-credentials': 'true',
      vary: 'Origin',
    };
  };

  /**
   * Admits a request's events all or nothing: the room is checked before any verdict, so a batch
   * refused with 503 leaves no trace in the duplicate memory and its retry is not a duplicate.
   * Returns the rejection when they do not fit and the policy is `reject`.
   */
  const admit = (
    events: readonly ClickEvent[],
    facts: RequestFacts,
    cors: Record<string, string>,
  ): CollectorResponse | undefined => {
    if (queue.depth + events.length > maxQueued) {
      state.dropped.queue_full += events.length;
      if (postQueueFull === 'reject') {
        return reject('queue_full', 'The collector is busy; retry later.', cors);
      }
      return undefined;
    }
    for (const event of events) {
      const kept = verdict(event, facts);
      if (kept !== undefined) enqueue(kept);
    }
    return undefined;
  };

  const handleBatch = async (request: CollectorRequest): Promise<CollectorResponse> => {
    const cors = corsHeaders(request.header('origin'));
    if (request.method === 'OPTIONS') {
      if (cors === undefined)
        return reject('origin_not_allowed', 'This origin may not send events.');
      return respond({
        status: 204,
        headers: {
          ...cors,
          'access-control-allow-methods': 'POST',
          'access-control-allow-headers': 'content-type',
          'access-control-max-age': corsMaxAge,
        },
        body: undefined,
      });
    }
    if (request.method !== 'POST') return methodNotAllowed('batch');
    if (cors === undefined) return reject('origin_not_allowed', 'This origin may not send events.');
    const type = mediaType(request.header('content-type'));
    if (type !== undefined && type !== 'text/plain') {
      return reject('unsupported_media_type', 'A batch is text/plain.', cors);
    }
    const body = await request.readBody(maxBatchBytes);
    if (!body.ok) return bodyFailure(body.reason, maxBatchBytes);
    if (body.body.length === 0) return reject('empty_body', 'The body is empty.', cors);
    const decoded = decodeEventBatch(new TextDecoder().decode(body.body), {
      maxEvents: maxBatchEvents,
    });
    if (!decoded.ok) {
      return reject('invalid_batch', decoded.issues[0]?.message ?? 'Invalid batch.', cors);
    }
    const receivedAt = clock();
    let facts: RequestFacts | undefined;
    const valid: ClickEvent[] = [];
    let invalid = 0;
    let firstIssue = '';
    for (const line of decoded.value.events) {
      state.received++;
      if (!line.ok) {
        state.invalid++;
        invalid++;
        firstIssue ||= line.issues[0]?.message ?? 'Invalid event.';
        continue;
      }
      facts ??= requestFacts(request, 'browser');
      valid.push(browserEvent(line.value, facts, receivedAt));
    }
    if (facts === undefined) {
      return reject('invalid_event', `No event of the batch is valid: ${firstIssue}`, cors);
    }
    const full = admit(valid, facts, cors);
    if (full !== undefined) return full;
    if (invalid === 0) return respond({ ...NO_CONTENT, headers: cors });
    return respond({
      status: 200,
      headers: { ...cors, 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({
        accepted: decoded.value.events.length - invalid,
        invalid,
        message: firstIssue,
      }),
    });
  };

  const handleJson = async (
    request: CollectorRequest,
    query: string,
  ): Promise<CollectorResponse> => {
    if (request.method !== 'POST') return methodNotAllowed('json');
    const contentType = request.header('content-type');
    const type = mediaType(contentType);
    // Divolte wants exactly application/json; a UTF-8 charset parameter is allowed too, since
    // common mobile HTTP clients always add it.
    const parameters = contentType
      ?.slice(contentType.indexOf(';') + 1)
      .trim()
      .toLowerCase();
    if (
      type !== 'application/json' ||
      (contentType?.includes(';') === true && parameters !== 'charset=utf-8')
    ) {
      return reject('unsupported_media_type', 'The body must be application/json.');
    }
    const party = new URLSearchParams(query).get(partyParameter);
    if (party === null || !parseIdentifier(party).ok) {
      return reject(
        'invalid_party_id',
        `The query parameter ${partyParameter} must be a Divolte identifier.`,
      );
    }
    const body = await request.readBody(maxJsonBytes);
    if (!body.ok) return bodyFailure(body.reason, maxJsonBytes);
    if (body.body.length === 0) return reject('empty_body', 'The body is empty.');
    state.received++;
    const parsed = parseJsonSourceEvent(new TextDecoder().decode(body.body));
    if (!parsed.ok) {
      state.invalid++;
      const issue = parsed.issues[0];
      const where =
        issue === undefined || issue.path.length === 0 ? '' : ` (${issue.path.join('.')})`;
      return reject('invalid_json', `${issue?.message ?? 'Invalid event.'}${where}`);
    }
    const facts = requestFacts(request, 'json');
    const json = parsed.value;
    const event = clickEvent(
      {
        source: 'json',
        receivedAt: clock(),
        clientTimestamp: json.client_timestamp_iso,
        partyId: party,
        sessionId: json.session_id,
        eventId: json.event_id,
        newParty: json.is_new_party,
        firstInSession: json.is_new_session,
        corrupt: false,
      },
      facts,
    );
    if (json.event_type !== undefined) event.eventType = json.event_type;
    if (json.parameters !== undefined) event.parameters = json.parameters;
    return admit([event], facts, {}) ?? respond(NO_CONTENT);
  };

  const handleScript = async (request: CollectorRequest): Promise<CollectorResponse> => {
    if (script === undefined) return reject('not_found', 'No script is configured.');
    if (request.method !== 'GET' && request.method !== 'HEAD') return methodNotAllowed('script');
    const gzip = acceptsEncoding(request.header('accept-encoding'), 'gzip')
      ? await script.gzip()
      : undefined;
    const etag = gzip === undefined ? script.etag : script.gzipEtag;
    const headers: Record<string, string> = {
      etag,
      'cache-control': scriptCacheControl,
      vary: 'Accept-Encoding',
    };
    if (matchesEtag(request.header('if-none-match'), etag)) {
      return respond({ status: 304, headers, body: undefined });
    }
    const bytes = gzip ?? script.identity;
    headers['content-type'] = 'text/javascript; charset=utf-8';
    headers['content-length'] = String(bytes.length);
    if (gzip !== undefined) headers['content-encoding'] = 'gzip';
    return respond({
      status: 200,
      headers,
      body: request.method === 'HEAD' ? undefined : bytes,
    });
  };

  const handle = (request: CollectorRequest): CollectorResponse | Promise<CollectorResponse> => {
    state.requests++;
    const url = request.url;
    if (url.length > maxUrlLength) {
      return reject('url_too_long', `The request target is longer than ${maxUrlLength}.`);
    }
    const mark = url.indexOf('?');
    const path = mark < 0 ? url : url.slice(0, mark);
    const route = routes.get(path);
    if (route === undefined) return reject('not_found', 'No such endpoint.');
    if (request.headerBytes() > maxHeaderBytes) {
      return reject('headers_too_large', `The headers are larger than ${maxHeaderBytes} bytes.`);
    }
    if (route === 'ping') {
      if (closing) return reject('closing', 'Shutting down.');
      return respond({
        status: 200,
        headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
        body: request.method === 'HEAD' ? undefined : 'pong',
      });
    }
    if (closing) return reject('closing', 'Shutting down; retry with another instance.');
    const query = mark < 0 ? '' : url.slice(mark + 1);
    switch (route) {
      case 'event':
        return handlePixel(request, query);
      case 'batch':
        return track(handleBatch(request));
      case 'json':
        return track(handleJson(request, query));
      case 'script':
        return handleScript(request);
    }
  };

  const handles = (url: string): boolean => {
    const mark = url.indexOf('?');
    return routes.has(mark < 0 ? url : url.slice(0, mark));
  };

  const collector: Collector = {
    handle,
    node: createNodeHandler(handle, handles),
    fetch: createFetchHandler(handle, processAnswered),
    handles,
    metrics: () => snapshotMetrics(state),
    prometheus: () => formatPrometheus(snapshotMetrics(state), metricsPrefix),
    get closing() {
      return closing;
    },
    close: () => {
      closing = true;
      processAnswered();
      closed ??= (async () => {
        if (bodiesInFlight > 0) {
          await new Promise<void>((resolve) => {
            bodyWaiters.push(resolve);
          });
        }
        await queue.idle();
      })();
      return closed;
    },
  };
  return collector;
}
