import type { ClickEvent, EventConsumer, Sink, SinkRecord } from '@tributary/schema';
import type { RunningMapping } from './mappings';

/** Counters of the events each mapping discarded on Divolte's switches. */
export interface DiscardCounts {
  corrupt: number;
  duplicate: number;
}

/** What {@link createEventRouter} wires. */
export interface EventRouterOptions {
  readonly mappings: readonly RunningMapping[];
  readonly sinks: ReadonlyMap<string, Sink<Record<string, unknown>>>;
}

/** The consumers of each source, and what the mappings discarded. */
export interface EventRouter {
  /** The `onEvent` of a source's collector. */
  consumerOf(source: string): EventConsumer;
  /** By mapping name. */
  readonly discarded: ReadonlyMap<string, DiscardCounts>;
}

/**
 * Routes a source's events as Divolte does: every mapping that reads the source maps each event
 * (skipping corrupt and duplicate events when the mapping says `discard_corrupted` /
 * `discard_duplicates`), and every sink of the mapping gets the record, keyed by party id. The
 * returned promise settles when every sink took the record, so the collector counts an event as
 * finished only then and a shutdown drains it.
 */
export function createEventRouter(options: EventRouterOptions): EventRouter {
  const discarded = new Map<string, DiscardCounts>();
  const routes = options.mappings.map((running) => {
    const counts = { corrupt: 0, duplicate: 0 };
    discarded.set(running.settings.name, counts);
    return {
      running,
      counts,
      sinks: running.settings.sinks
        .map((name) => options.sinks.get(name))
        .filter((sink): sink is Sink<Record<string, unknown>> => sink !== undefined),
    };
  });

  const consumerOf = (source: string): EventConsumer => {
    const mine = routes.filter(({ running }) => running.settings.sources.includes(source));
    return async (event: ClickEvent): Promise<void> => {
      const writes: Promise<void>[] = [];
      for (const { running, counts, sinks } of mine) {
        const { settings, mapper } = running;
        if (settings.discardCorrupted && event.corrupt) {
          counts.corrupt++;
          continue;
        }
        if (settings.discardDuplicates && event.duplicate) {
          counts.duplicate++;
          continue;
        }
        const mapped = mapper(event);
        if (!mapped.ok || mapped.dropped) continue;
        const batch: readonly SinkRecord<Record<string, unknown>>[] = [
          { key: event.partyId, timestamp: event.receivedAt, value: mapped.value },
        ];
        for (const sink of sinks) writes.push(sink.write(batch));
      }
      if (writes.length === 1) await writes[0];
      else if (writes.length > 1) await Promise.all(writes);
    };
  };

  return { consumerOf, discarded };
}
