/** Why a request was answered with a 4xx or 503; each such response counts exactly one. */
export type RejectReason =
  | 'not_found'
  | 'method_not_allowed'
  | 'url_too_long'
  | 'headers_too_large'
  | 'body_too_large'
  | 'unsupported_media_type'
  | 'content_length_mismatch'
  | 'body_unreadable'
  | 'empty_body'
  | 'invalid_event'
  | 'invalid_batch'
  | 'invalid_json'
  | 'invalid_party_id'
  | 'too_deep'
  | 'origin_not_allowed'
  | 'queue_full'
  | 'closing'
  | 'bad_request'
  | 'request_timeout';

/**
 * Why an event that was received was not handed to the consumer (besides being invalid).
 * `internal_error`: code threw while the event was processed (an injected function such as
 * `isBot` or `clock`, or a bug); it is logged, and a request still waiting for its answer gets 500.
 */
export type DropReason =
  'queue_full' | 'bot' | 'do_not_track' | 'global_privacy_control' | 'internal_error';

/** Every {@link RejectReason}, in a stable order for exposition. */
export const REJECT_REASONS: readonly RejectReason[] = [
  'not_found',
  'method_not_allowed',
  'url_too_long',
  'headers_too_large',
  'body_too_large',
  'unsupported_media_type',
  'content_length_mismatch',
  'body_unreadable',
  'empty_body',
  'invalid_event',
  'invalid_batch',
  'invalid_json',
  'invalid_party_id',
  'too_deep',
  'origin_not_allowed',
  'queue_full',
  'closing',
  'bad_request',
  'request_timeout',
];

/** Every {@link DropReason}. */
export const DROP_REASONS: readonly DropReason[] = [
  'queue_full',
  'bot',
  'do_not_track',
  'global_privacy_control',
  'internal_error',
];

/** Upper bounds (seconds) of the consumer-latency histogram buckets. */
export const LATENCY_BUCKETS: readonly number[] = [
  0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10,
];

/** A snapshot of the collector's counters. Events: received = accepted + invalid + Σ dropped. */
export interface CollectorMetrics {
  /**
   * HTTP requests the collector handled (every one gets exactly one response), including those
   * node:http's parser refused when `clientError` is attached.
   */
  readonly requests: number;
  /** Responses by status code. */
  readonly responses: Readonly<Record<number, number>>;
  /** Requests answered 4xx or 503, by reason. */
  readonly rejected: Readonly<Record<RejectReason, number>>;
  /** Requests answered 500 because code threw (a bug or injected code); each is logged. */
  readonly internalErrors: number;
  /** Pixel revalidations answered 304 with the sentinel ETag; not recorded, as in Divolte. */
  readonly notModified: number;
  /** Events found in requests: one per pixel or JSON request, one per batch line. */
  readonly received: number;
  /** Events queued for the consumer. */
  readonly accepted: number;
  /** Events that did not decode (bad ids, missing fields, bad JSON fields). */
  readonly invalid: number;
  /** Received events not queued, by reason. */
  readonly dropped: Readonly<Record<DropReason, number>>;
  /** Accepted events whose checksum failed. */
  readonly corrupt: number;
  /** Accepted events the duplicate memory had seen. */
  readonly duplicate: number;
  /** Received events from a known bot user agent (accepted or dropped). */
  readonly bot: number;
  /** Events the consumer finished (returned or resolved). */
  readonly consumed: number;
  /** Events whose consumer threw or rejected; logged, never retried. */
  readonly consumerErrors: number;
  /** Events accepted but not yet finished by the consumer. */
  readonly queueDepth: number;
  /** Time from acceptance to the consumer finishing, in seconds. */
  readonly consumerLatency: {
    readonly count: number;
    readonly sum: number;
    /** Cumulative counts per upper bound, as Prometheus histograms are. */
    readonly buckets: readonly { readonly le: number; readonly count: number }[];
  };
}

/** The mutable counters behind {@link CollectorMetrics}. */
export interface MetricsState {
  requests: number;
  /** Responses by status code, indexed by the code (a plain array: one increment per response). */
  responses: number[];
  rejected: Record<RejectReason, number>;
  internalErrors: number;
  notModified: number;
  received: number;
  accepted: number;
  invalid: number;
  dropped: Record<DropReason, number>;
  corrupt: number;
  duplicate: number;
  bot: number;
  consumed: number;
  consumerErrors: number;
  queueDepth: number;
  latencyCount: number;
  latencySum: number;
  /** Non-cumulative counts per bucket; the last one is +Inf. */
  latencyBuckets: number[];
}

export function createMetricsState(): MetricsState {
  const zero = <TKey extends string>(keys: readonly TKey[]): Record<TKey, number> =>
    Object.fromEntries(keys.map((key) => [key, 0])) as Record<TKey, number>;
  return {
    requests: 0,
    responses: new Array<number>(600).fill(0),
    rejected: zero(REJECT_REASONS),
    internalErrors: 0,
    notModified: 0,
    received: 0,
    accepted: 0,
    invalid: 0,
    dropped: zero(DROP_REASONS),
    corrupt: 0,
    duplicate: 0,
    bot: 0,
    consumed: 0,
    consumerErrors: 0,
    queueDepth: 0,
    latencyCount: 0,
    latencySum: 0,
    latencyBuckets: new Array<number>(LATENCY_BUCKETS.length + 1).fill(0),
  };
}

/** Counts one response; codes outside 100–599 (which node:http refuses anyway) are not kept. */
export function countResponse(state: MetricsState, status: number): void {
  if (status >= 100 && status < 600) state.responses[status]!++;
}

export function observeLatency(state: MetricsState, seconds: number): void {
  state.latencyCount++;
  state.latencySum += seconds;
  // Most consumers finish within the first bucket: one comparison in the common case.
  let i = 0;
  while (i < LATENCY_BUCKETS.length && seconds > LATENCY_BUCKETS[i]!) i++;
  state.latencyBuckets[i]!++;
}

export function snapshotMetrics(state: MetricsState): CollectorMetrics {
  let cumulative = 0;
  const buckets = LATENCY_BUCKETS.map((le, i) => {
    cumulative += state.latencyBuckets[i]!;
    return { le, count: cumulative };
  });
  return {
    requests: state.requests,
    responses: Object.fromEntries(
      state.responses.flatMap((count, status) => (count > 0 ? [[status, count]] : [])),
    ),
    rejected: { ...state.rejected },
    internalErrors: state.internalErrors,
    notModified: state.notModified,
    received: state.received,
    accepted: state.accepted,
    invalid: state.invalid,
    dropped: { ...state.dropped },
    corrupt: state.corrupt,
    duplicate: state.duplicate,
    bot: state.bot,
    consumed: state.consumed,
    consumerErrors: state.consumerErrors,
    queueDepth: state.queueDepth,
    consumerLatency: { count: state.latencyCount, sum: state.latencySum, buckets },
  };
}

/**
 * The Prometheus text exposition format (version 0.0.4) of a snapshot. Written here rather than
 * with prom-client: a dozen series need no dependency, and prom-client is Node-only and keeps a
 * global registry, while this core also runs on edge runtimes and may be created many times.
 */
export function formatPrometheus(metrics: CollectorMetrics, prefix: string): string {
  const lines: string[] = [];
  const family = (name: string, type: string, help: string): string => {
    const full = prefix + name;
    lines.push(`# HELP ${full} ${help}`, `# TYPE ${full} ${type}`);
    return full;
  };
  const counter = (name: string, help: string, value: number): void => {
    lines.push(`${family(name, 'counter', help)} ${value}`);
  };
  const labelled = (
    name: string,
    help: string,
    label: string,
    values: Readonly<Record<string | number, number>>,
  ): void => {
    const full = family(name, 'counter', help);
    for (const [key, value] of Object.entries(values))
      lines.push(`${full}{${label}="${key}"} ${value}`);
  };
  counter('requests_total', 'HTTP requests handled.', metrics.requests);
  labelled('responses_total', 'HTTP responses by status code.', 'status', metrics.responses);
  labelled(
    'requests_rejected_total',
    'Requests answered 4xx or 503, by reason.',
    'reason',
    metrics.rejected,
  );
  counter(
    'internal_errors_total',
    'Requests answered 500 because code threw; each is logged.',
    metrics.internalErrors,
  );
  counter(
    'pixel_not_modified_total',
    'Pixel revalidations answered 304 and not recorded.',
    metrics.notModified,
  );
  counter('events_received_total', 'Events found in requests.', metrics.received);
  counter('events_accepted_total', 'Events queued for the consumer.', metrics.accepted);
  counter('events_invalid_total', 'Events that did not decode.', metrics.invalid);
  labelled(
    'events_dropped_total',
    'Received events not queued, by reason.',
    'reason',
    metrics.dropped,
  );
  counter('events_corrupt_total', 'Accepted events whose checksum failed.', metrics.corrupt);
  counter(
    'events_duplicate_total',
    'Accepted events seen before by the duplicate memory.',
    metrics.duplicate,
  );
  counter('events_bot_total', 'Received events from known bots.', metrics.bot);
  counter('events_consumed_total', 'Events the consumer finished.', metrics.consumed);
  counter(
    'consumer_errors_total',
    'Events whose consumer threw or rejected.',
    metrics.consumerErrors,
  );
  lines.push(
    `${family('queue_depth', 'gauge', 'Events accepted and not yet consumed.')} ${metrics.queueDepth}`,
  );
  const latency = family(
    'consumer_latency_seconds',
    'histogram',
    'Time from acceptance to the consumer finishing.',
  );
  for (const bucket of metrics.consumerLatency.buckets) {
    lines.push(`${latency}_bucket{le="${bucket.le}"} ${bucket.count}`);
  }
  lines.push(
    `${latency}_bucket{le="+Inf"} ${metrics.consumerLatency.count}`,
    `${latency}_sum ${metrics.consumerLatency.sum}`,
    `${latency}_count ${metrics.consumerLatency.count}`,
  );
  return lines.join('\n') + '\n';
}
