import type { Clock, EventConsumer, Logger } from '@tributary/schema';

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
   * Truncate client addresses in everything handed to `onEvent`: the remote address, and every
   * IPv4 or IPv6 address found in any header value (X-Forwarded-For, Forwarded, X-Real-IP and every
   * other header, known or not; cookies and the user agent are read from the cut headers). IPv4 is
   * cut to its /24 (`203.0.113.0`), IPv6 to its /48 (`2001:db8:1::`); an IPv6 address that carries
   * an IPv4 address (IPv4-mapped or -compatible, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`, Teredo
   * `2001:0::/32`) becomes that IPv4 address's /24. No header is dropped.
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
