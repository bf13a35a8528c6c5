import {
  SENTINEL_ETAG,
  decodeEventQuery,
  mayExceedParameterDepth,
} from '@tributary/schema/protocol';
import type { CollectorRequest, CollectorResponse } from '../../collector-request';
import type { MetricsState } from '../../metrics';
import { browserEvent } from '../click-events';
import { matchesUndertowEtag } from '../http-headers';
import { hasValidIdentifiers } from '../peek-identifiers';
import type { ReadFacts } from '../request-facts';
import {
  PIXEL_NOT_MODIFIED,
  PIXEL_OK,
  TOO_DEEP,
  isTooDeep,
  issueMessage,
  type Responses,
} from '../responses';
import { ALLOW, type Settings } from '../settings';
import type { Verdicts } from '../verdicts';

/** The pixel endpoint: `GET <prefix>csc-event`. */
export interface PixelEndpoint {
  /** Answers one pixel request; `query` is the target after `?`. */
  readonly handle: (request: CollectorRequest, query: string) => CollectorResponse;
  /** Processes every answered pixel event now; also called by close() and the fetch adapter. */
  readonly processAnswered: () => void;
  /** How many events are answered and not yet processed (received, not yet settled). */
  readonly answered: () => number;
}

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

/** The sentinel ETag's opaque part, without its quotes. */
const SENTINEL_TAG = SENTINEL_ETAG.slice(1, -1);

/** The pixel endpoint over the shared counters, responses, request facts and verdicts. */
export function createPixelEndpoint(
  settings: Settings,
  state: MetricsState,
  responses: Responses,
  readFacts: ReadFacts,
  verdicts: Verdicts,
  report: (message: string, fields: Record<string, unknown>) => void,
): PixelEndpoint {
  const { clock, maxQueued, pixelQueueFull } = settings;
  const { respond, reject } = responses;
  const { verdict, enqueue, queue } = verdicts;

  /**
   * Decodes, judges and queues one answered pixel event. An invalid event is counted as `invalid`;
   * a failure of injected code (isBot, a logger …) or of the decoder as `dropped.internal_error`:
   * its answer is out.
   */
  const processPixel = (request: CollectorRequest, query: string, receivedAt: number): void => {
    try {
      const decoded = decodeEventQuery(query);
      if (!decoded.ok) {
        state.invalid++;
        return;
      }
      const facts = readFacts(request, 'browser');
      const event = verdict(browserEvent(decoded.value, facts, receivedAt), facts);
      if (event !== undefined) enqueue(event);
    } catch (error) {
      state.dropped.internal_error++;
      report('A pixel event could not be processed after its answer.', { error });
    }
  };

  // Pixel events answered and not yet decoded, in arrival order: processed together once the
  // answers of this turn of the event loop are written (see handle).
  let answeredRequests: CollectorRequest[] = [];
  let answeredQueries: string[] = [];
  let answeredTimes: number[] = [];
  let processScheduled = false;

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
   * the check, or whose parameters may nest too deep (`mayExceedParameterDepth`, an upper bound),
   * is decoded at once and answered 200 when it is a valid event, else 400 with its reason
   * (`too_deep` past MAX_PARAMETER_DEPTH). The receive time is taken when the request is answered.
   */
  const handle = (request: CollectorRequest, query: string): CollectorResponse => {
    if (request.method !== 'GET') return responses.methodNotAllowed(ALLOW.event);
    const revalidation = request.headerValues('if-none-match');
    if (revalidation !== undefined && matchesUndertowEtag(revalidation[0]!, SENTINEL_TAG)) {
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
    // Parameters that may nest past MAX_PARAMETER_DEPTH are decoded before the answer, so a
    // too-deep event gets its 400 instead of a 200 and a loss after it.
    if (hasValidIdentifiers(query) && !mayExceedParameterDepth(query)) {
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
      if (decoded.issues.some(isTooDeep)) return reject('too_deep', TOO_DEEP);
      return reject('invalid_event', issueMessage('The event is invalid', decoded.issues[0]));
    }
    // Valid, with ids the quick check could not read (escaped keys): judged before the answer, so
    // a failure of injected code is a 500 (see createCollector).
    const facts = readFacts(request, 'browser');
    const event = verdict(browserEvent(decoded.value, facts, receivedAt), facts);
    if (event !== undefined) enqueue(event);
    return respond(PIXEL_OK);
  };

  return { handle, processAnswered, answered: () => answeredRequests.length };
}
