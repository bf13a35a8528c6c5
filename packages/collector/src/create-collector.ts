import type { CollectorOptions } from './collector-options';
import type { CollectorRequest, CollectorResponse } from './collector-request';
import { createFetchHandler, type FetchHandler } from './fetch-handler';
import {
  createMetricsState,
  formatPrometheus,
  snapshotMetrics,
  type CollectorMetrics,
  type RejectReason,
} from './metrics';
import {
  createClientErrorListener,
  createNodeErrorHandler,
  createNodeHandler,
  type ClientErrorListener,
  type NodeErrorHandler,
  type NodeHandler,
} from './node-handler';
import { createBatchEndpoint } from './internal/endpoints/batch';
import { createJsonEndpoint } from './internal/endpoints/json';
import { createPingEndpoint } from './internal/endpoints/ping';
import { createPixelEndpoint } from './internal/endpoints/pixel';
import { createScriptEndpoint } from './internal/endpoints/script';
import { createInFlight } from './internal/in-flight';
import { createRequestFacts } from './internal/request-facts';
import { createResponses } from './internal/responses';
import { createReporter, resolveSettings } from './internal/settings';
import { createVerdicts } from './internal/verdicts';

export type {
  CollectorCorsOptions,
  CollectorLimits,
  CollectorOptions,
  CollectorPaths,
  CollectorScriptOptions,
  QueueFullPolicy,
} from './collector-options';

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
  /**
   * Express/Connect error middleware, mounted after `node` when a body parser
   * (`express.json()`, `express.text()`) runs before the collector: a body on the collector's
   * paths the parser failed on is answered by the collector (`invalid_json`, `body_too_large` …,
   * counted) instead of by Express's HTML error page. Other errors go on to `next`.
   * @example app.use(express.json()); app.use(collector.node); app.use(collector.nodeErrors);
   */
  readonly nodeErrors: NodeErrorHandler;
  /**
   * For a node:http server's `'clientError'` event: answers and counts the requests node's own
   * parser refuses (a malformed request line or header, a header section past `maxHeaderSize`),
   * which never reach `node`. Without it node answers them itself and the counters miss them.
   * @example server.on('clientError', collector.clientError);
   */
  readonly clientError: ClientErrorListener;
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

/** The sentences of the answers to requests node:http's parser refused. */
const CLIENT_ERROR_MESSAGES: Partial<Record<RejectReason, string>> = {
  headers_too_large: 'The header section is too large.',
  body_too_large: 'The chunk extensions are too large.',
  request_timeout: 'The request took too long to arrive.',
};

/**
 * Creates a collector: Divolte-compatible pixel (`GET <prefix>csc-event`), batch
 * (`POST <prefix>csc-batch`) and JSON-source endpoints, `/ping`, and the tracker script, with
 * checksum, duplicate, bot and privacy verdicts on every event, per-party ordering to `onEvent`,
 * a bounded queue, limits and metrics. The endpoints live in `internal/endpoints/`, one module
 * each; this function only wires them to the shared counters, responses and verdicts.
 * @throws {CollectorError} `invalid_options` when an option cannot work.
 * @example
 * const collector = createCollector({ onEvent: (event) => sink.write(event) });
 * http.createServer(collector.node).listen(8290);
 */
export function createCollector(options: CollectorOptions): Collector {
  const settings = resolveSettings(options);
  const { routes, maxUrlLength, maxHeaderBytes } = settings;
  const report = createReporter(settings.logger);
  const state = createMetricsState();
  const responses = createResponses(state, settings.retryAfter);
  const { reject } = responses;
  const readFacts = createRequestFacts(settings);
  const verdicts = createVerdicts(settings, options.onEvent, state, responses, report);
  const inFlight = createInFlight();
  let closing = false;
  let closed: Promise<void> | undefined;

  const pixel = createPixelEndpoint(settings, state, responses, readFacts, verdicts, report);
  const batch = createBatchEndpoint(settings, state, responses, readFacts, verdicts);
  const json = createJsonEndpoint(settings, state, responses, readFacts, verdicts);
  const script = createScriptEndpoint(settings, responses, options.script);
  const ping = createPingEndpoint(responses, () => closing);

  /**
   * Answers a request whose handling threw with a counted 500, and settles its events: those
   * received and neither accepted, invalid nor dropped are counted as `dropped.internal_error`, so
   * received = accepted + invalid + Σ dropped still holds. Every endpoint counts and settles its
   * events in one synchronous stretch (after its body is read), so when this runs the only events
   * received and not yet settled besides the failed request's are the answered pixels.
   */
  const failed = (error: unknown): CollectorResponse => {
    const dropped = Object.values(state.dropped).reduce((sum, count) => sum + count, 0);
    const unsettled = state.received - state.accepted - state.invalid - dropped - pixel.answered();
    if (unsettled > 0) state.dropped.internal_error += unsettled;
    report('A request failed; it was answered 500.', { error });
    return responses.internalError();
  };

  /** A throw in an adapter before the core saw the request: the request is counted here. */
  const unhandled = (error: unknown): CollectorResponse => {
    state.requests++;
    return failed(error);
  };

  const dispatch = (request: CollectorRequest): CollectorResponse | Promise<CollectorResponse> => {
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
    if (route === 'ping') return ping(request);
    if (closing) return reject('closing', 'Shutting down; retry with another instance.');
    const query = mark < 0 ? '' : url.slice(mark + 1);
    switch (route) {
      case 'event':
        return pixel.handle(request, query);
      case 'batch':
        return inFlight.track(batch(request).catch(failed));
      case 'json':
        return inFlight.track(json(request, query).catch(failed));
      case 'script':
        return script(request).catch(failed);
    }
  };

  const handle = (request: CollectorRequest): CollectorResponse | Promise<CollectorResponse> => {
    state.requests++;
    try {
      return dispatch(request);
    } catch (error) {
      return failed(error);
    }
  };

  const handles = (url: string): boolean => {
    const mark = url.indexOf('?');
    return routes.has(mark < 0 ? url : url.slice(0, mark));
  };

  return {
    handle,
    node: createNodeHandler(handle, handles, unhandled),
    nodeErrors: createNodeErrorHandler(handle, handles, unhandled),
    clientError: createClientErrorListener((reason) => {
      state.requests++;
      return reject(reason, CLIENT_ERROR_MESSAGES[reason] ?? 'The request is malformed.');
    }),
    fetch: createFetchHandler(handle, pixel.processAnswered, unhandled),
    handles,
    metrics: () => snapshotMetrics(state),
    prometheus: () => formatPrometheus(snapshotMetrics(state), settings.metricsPrefix),
    get closing() {
      return closing;
    },
    close: () => {
      closing = true;
      pixel.processAnswered();
      closed ??= (async () => {
        await inFlight.idle();
        await verdicts.queue.idle();
      })();
      return closed;
    },
  };
}
