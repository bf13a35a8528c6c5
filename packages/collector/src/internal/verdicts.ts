import type { ClickEvent, EventConsumer } from '@tributary/schema';
import type { CollectorResponse } from '../collector-request';
import { observeLatency, type MetricsState } from '../metrics';
import { createDuplicateMemory } from './duplicate-memory';
import { createPartyQueue, type PartyQueue } from './party-queue';
import type { RequestFacts } from './request-facts';
import type { Responses } from './responses';
import type { Settings } from './settings';

/** What happens to a received, valid event: judged, counted, queued for the consumer. */
export interface Verdicts {
  /** The consumer's queue: its depth bounds admission, `idle()` ends a close. */
  readonly queue: PartyQueue;
  /** Counts and decides one received, valid event; returns it when it should be queued. */
  readonly verdict: (event: ClickEvent, facts: RequestFacts) => ClickEvent | undefined;
  /** Queues a kept event for the consumer. */
  readonly enqueue: (event: ClickEvent) => void;
  /**
   * Admits a request's events all or nothing: the room is checked before any verdict, so a batch
   * refused with 503 leaves no trace in the duplicate memory and its retry is not a duplicate.
   * Returns the rejection when they do not fit and the POST policy is `reject`.
   */
  readonly admit: (
    events: readonly ClickEvent[],
    facts: RequestFacts,
    cors: Readonly<Record<string, string>>,
  ) => CollectorResponse | undefined;
}

/** The duplicate memory, the consumer's queue and the verdicts over them. */
export function createVerdicts(
  settings: Settings,
  onEvent: EventConsumer,
  state: MetricsState,
  responses: Responses,
  report: (message: string, fields: Record<string, unknown>) => void,
): Verdicts {
  const { maxQueued, postQueueFull } = settings;
  const memory = createDuplicateMemory(settings.memorySize);
  const queue = createPartyQueue(onEvent, {
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

  return {
    queue,
    verdict,
    enqueue,
    admit: (events, facts, cors) => {
      if (queue.depth + events.length > maxQueued) {
        state.dropped.queue_full += events.length;
        if (postQueueFull === 'reject') {
          return responses.reject('queue_full', 'The collector is busy; retry later.', cors);
        }
        return undefined;
      }
      for (const event of events) {
        const kept = verdict(event, facts);
        if (kept !== undefined) enqueue(kept);
      }
      return undefined;
    },
  };
}
