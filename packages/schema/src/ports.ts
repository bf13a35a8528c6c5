import type { ClickEvent } from './click-event';
import type { Issue } from './protocol/result';

/** One record on its way to a sink, with what a keyed log needs beside the value. */
export interface SinkRecord<TRecord> {
  /** The partitioning key: the party id by default, so a party's events stay in order. */
  readonly key: string | null;
  /** The record's time, ms since the epoch: the collector's receive time by default. */
  readonly timestamp: number;
  /** The record itself. */
  readonly value: TRecord;
}

/**
 * Where records go: Kafka, Avro files, anything that implements it.
 *
 * Semantics every implementation keeps:
 * - **Acceptance.** `write` resolves once the sink has taken responsibility for every record of the
 *   batch: held in its bounded buffer, sent, or spooled to durable storage. From then on the sink
 *   must deliver them (retrying transient failures itself) or keep them durably; a record that was
 *   accepted is never silently lost.
 * - **Backpressure.** When the buffer is full, `write` stays pending until there is room. Callers
 *   await it before writing more, so memory stays bounded; a caller that cannot wait (an HTTP
 *   handler) decides what to do itself, for example answering 503.
 * - **Errors.** `write` rejects only when the batch cannot be accepted at all (the sink is closed, a
 *   record cannot be serialised); such a rejection means none of the batch's unwritten records was
 *   accepted. Transient delivery failures never reject `write`; they surface in the sink's metrics.
 * - **Order.** Records with the same key are delivered in the order they were written.
 * - `flush` resolves when every record accepted before the call is delivered or durably stored.
 * - `close` flushes, releases resources and makes later writes reject. It is idempotent.
 */
export interface Sink<TRecord> {
  write(records: readonly SinkRecord<TRecord>[]): Promise<void>;
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** What a mapping made of one event: a record, a deliberate drop, or the issues that stopped it. */
export type MapResult<TRecord> =
  | { readonly ok: true; readonly dropped: false; readonly value: TRecord }
  | { readonly ok: true; readonly dropped: true }
  | { readonly ok: false; readonly issues: readonly Issue[] };

/** Turns a collected event into a record. Never throws: failures are results. */
export type Mapper<TRecord> = (event: ClickEvent) => MapResult<TRecord>;

/**
 * Receives each accepted event from the collector, in order per party. A returned promise holds
 * back the party's next event until it settles; a rejection is counted and reported, never lost
 * silently.
 */
export type EventConsumer = (event: ClickEvent) => void | Promise<void>;

/** A structured logger. `console` and winston fit as they are; pino takes a small wrapper. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Returns the current time in ms since the epoch; injected so tests control time. */
export type Clock = () => number;
