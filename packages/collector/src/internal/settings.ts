import type { Logger } from '@tributary/schema';
import { DEFAULT_BATCH_SUFFIX, DEFAULT_EVENT_SUFFIX } from '@tributary/schema/protocol';
import { isbot } from 'isbot';
import { CollectorError } from '../collector-error';
import type { CollectorOptions, QueueFullPolicy } from '../collector-options';

/** The endpoints, by the name the router dispatches on. */
export type Route = 'event' | 'batch' | 'json' | 'ping' | 'script';

/** The methods each endpoint takes, for `Allow` on a 405. */
export const ALLOW: Readonly<Record<Route, string>> = {
  event: 'GET',
  batch: 'POST, OPTIONS',
  json: 'POST',
  ping: 'GET, HEAD',
  script: 'GET, HEAD',
};

/** The options of {@link CollectorOptions}, checked once, with every default applied. */
export interface Settings {
  readonly routes: ReadonlyMap<string, Route>;
  readonly maxUrlLength: number;
  readonly maxHeaderBytes: number;
  readonly maxBatchBytes: number;
  readonly maxBatchEvents: number;
  readonly maxJsonBytes: number;
  readonly trustedProxies: number;
  readonly maxQueued: number;
  readonly retryAfter: string;
  readonly memorySize: number;
  readonly pixelQueueFull: QueueFullPolicy;
  readonly postQueueFull: QueueFullPolicy;
  readonly partyParameter: string;
  readonly anonymise: boolean;
  readonly clock: () => number;
  readonly logger: Pick<Logger, 'error'>;
  readonly detectBot: (userAgent: string) => boolean;
  readonly detectBotsOnJson: boolean;
  readonly dropBots: boolean;
  readonly dropDoNotTrack: boolean;
  readonly dropGlobalPrivacyControl: boolean;
  readonly metricsPrefix: string;
  readonly scriptCacheControl: string;
  readonly corsOrigins: NonNullable<NonNullable<CollectorOptions['cors']>['origins']>;
  readonly corsMaxAge: string;
}

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
 * Checks the options and applies the defaults.
 * @throws {CollectorError} `invalid_options` when an option cannot work.
 */
export function resolveSettings(options: CollectorOptions): Settings {
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
  const memorySize = positiveInteger('duplicateMemorySize', options.duplicateMemorySize, 1_000_000);
  if (memorySize === 0) {
    throw new CollectorError('invalid_options', 'duplicateMemorySize must be > 0.');
  }
  return {
    routes,
    maxUrlLength: positiveInteger('limits.urlLength', limits.urlLength, 8192),
    maxHeaderBytes: positiveInteger('limits.headerBytes', limits.headerBytes, 16384),
    maxBatchBytes: positiveInteger('limits.batchBodyBytes', limits.batchBodyBytes, 65536),
    maxBatchEvents: positiveInteger('limits.batchEvents', limits.batchEvents, 100),
    maxJsonBytes: positiveInteger('limits.jsonBodyBytes', limits.jsonBodyBytes, 4096),
    trustedProxies: positiveInteger('trustedProxies', options.trustedProxies, 0),
    maxQueued: positiveInteger('maxQueuedEvents', options.maxQueuedEvents, 10_000),
    retryAfter: String(positiveInteger('retryAfterSeconds', options.retryAfterSeconds, 1)),
    memorySize,
    pixelQueueFull: options.queueFull?.pixel ?? 'drop',
    postQueueFull: options.queueFull?.post ?? 'reject',
    partyParameter: options.jsonPartyIdParameter ?? 'p',
    anonymise: options.anonymiseIp === true,
    clock: options.clock ?? Date.now,
    logger: options.logger ?? console,
    detectBot: options.isBot ?? isbot,
    detectBotsOnJson: options.detectBotsOnJson === true,
    dropBots: options.dropBots === true,
    dropDoNotTrack: options.dropDoNotTrack === true,
    dropGlobalPrivacyControl: options.dropGlobalPrivacyControl === true,
    metricsPrefix: options.metricsPrefix ?? 'tributary_collector_',
    scriptCacheControl: `public, max-age=${positiveInteger('script.maxAge', options.script?.maxAge, 3600)}`,
    corsOrigins: options.cors?.origins ?? '*',
    corsMaxAge: String(positiveInteger('cors.maxAge', options.cors?.maxAge, 86400)),
  };
}

/** Logs through the injected logger; a logger that throws must not take the process down. */
export function createReporter(
  logger: Pick<Logger, 'error'>,
): (message: string, fields: Record<string, unknown>) => void {
  return (message, fields) => {
    try {
      logger.error(message, fields);
    } catch {
      // Nothing better to do: the failure is counted in the metrics already.
    }
  };
}
