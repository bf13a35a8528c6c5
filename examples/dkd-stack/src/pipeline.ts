// One collector endpoint of the stack: the demo site with the drop-in tag, the collector (node:http
// adapter, one trusted proxy), the mapping onto Tributary's record and a shared sink. The stack
// runs one for today and, for last week's and three days ago's traffic, one each whose collector
// clock is set back: their events go through exactly the same code with an older receive time.
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import {
  createCollector,
  createGracefulShutdown,
  type Collector,
  type GracefulShutdown,
} from '@tributary/collector';
import type { RecordMapper } from '@tributary/mapping';
import type {
  ClickEvent,
  Clock,
  Logger,
  Sink,
  SinkRecord,
  TributaryEventRecord,
} from '@tributary/schema';

/** Options of {@link startCollectorEndpoint}. */
export interface CollectorEndpointOptions {
  /** The shared mapper (default mapping onto `tributaryEventRecord`, with the GeoIP database). */
  mapper: RecordMapper<TributaryEventRecord>;
  /** The shared Kafka sink. */
  sink: Sink<TributaryEventRecord>;
  /** The bytes of `@tributary/tracker`'s `dist/tributary.js`. */
  trackerScript: Uint8Array;
  /** The collector's receive-time clock. @default Date.now */
  clock?: Clock;
  /** @default 0 (any free port) */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /**
   * After `close()`, how long requests in flight may take before every connection left is
   * destroyed.
   * @default 10_000
   */
  shutdownDeadlineMs?: number;
  logger: Logger;
}

/** Counters of one endpoint. */
export interface EndpointCounts {
  /** Events handed to the consumer by the collector. */
  received: number;
  /** Records the sink accepted. */
  written: number;
  /** Events the mapping could not map (logged). */
  unmapped: number;
}

/** A running endpoint. */
export interface CollectorEndpoint {
  /** The site's (and the collector's) base URL, with a trailing `/`. */
  readonly url: string;
  readonly collector: Collector;
  readonly counts: EndpointCounts;
  /** The server's bounded shutdown; `shutdown.force()` ends its deadline at once. */
  readonly shutdown: GracefulShutdown;
  /** Resolves once `written` reaches `count` (or rejects after `timeoutMs`). */
  waitForWritten(count: number, timeoutMs?: number): Promise<void>;
  /**
   * Stops taking events (connections left at the deadline are destroyed) and drains accepted
   * ones into the sink (the sink stays open).
   */
  close(): Promise<void>;
}

const SITE_DIR = new URL('./site/', import.meta.url);
const TRACKER_TAG = '<script async src="/tributary.js" data-divolte></script>';
// Each page is its <main> content, put into layout.html with its title and the tag.
const PAGE_TITLES: Record<string, string> = {
  'index.html': 'Home',
  'features.html': 'Features',
  'pricing.html': 'Pricing',
  'blog.html': 'Blog',
};

/**
 * The site file for a request target, or undefined. Reads the path by hand: `new URL()` throws on
 * targets like `//[` or `http://a:99999/`, and a throw in the request listener kills the process.
 */
export function sitePath(target: string): string | undefined {
  const end = target.search(/[?#]/);
  const pathname = end < 0 ? target : target.slice(0, end);
  if (pathname === '/') return 'index.html';
  const name = pathname.slice(1);
  return name in PAGE_TITLES || name === 'site.css' ? name : undefined;
}

async function renderSiteFile(file: string): Promise<string> {
  const body = await readFile(new URL(file, SITE_DIR), 'utf8');
  const title = PAGE_TITLES[file];
  if (title === undefined) return body;
  const layout = await readFile(new URL('layout.html', SITE_DIR), 'utf8');
  return layout
    .replace('<!--TITLE-->', title)
    .replace('<!--TRACKER-->', TRACKER_TAG)
    .replace('<!--MAIN-->', body);
}

/** Starts a collector endpoint serving the demo site. */
export async function startCollectorEndpoint(
  options: CollectorEndpointOptions,
): Promise<CollectorEndpoint> {
  const { mapper, sink, logger } = options;
  const counts: EndpointCounts = { received: 0, written: 0, unmapped: 0 };
  const waiters = new Set<() => void>();

  const onEvent = async (event: ClickEvent): Promise<void> => {
    counts.received++;
    const mapped = mapper(event);
    if (!mapped.ok) {
      counts.unmapped++;
      logger.warn('mapping failed', { issues: mapped.issues });
      return;
    }
    if (mapped.dropped) return;
    const record: SinkRecord<TributaryEventRecord> = {
      key: event.partyId,
      timestamp: event.receivedAt,
      value: mapped.value,
    };
    await sink.write([record]);
    counts.written++;
    for (const wake of waiters) wake();
  };

  const collector = createCollector({
    onEvent,
    script: { source: options.trackerScript },
    // A load balancer in front appends the client's address to X-Forwarded-For.
    trustedProxies: 1,
    ...(options.clock ? { clock: options.clock } : {}),
    logger,
  });

  const server = http.createServer((request, response) => {
    if (collector.handles(request.url ?? '/')) {
      collector.node(request, response);
      return;
    }
    const file = request.method === 'GET' ? sitePath(request.url ?? '/') : undefined;
    if (file === undefined) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    renderSiteFile(file).then(
      (body) => {
        const type = file.endsWith('.css') ? 'text/css' : 'text/html; charset=utf-8';
        response.writeHead(200, { 'content-type': type, 'cache-control': 'no-cache' }).end(body);
      },
      (error: unknown) => {
        logger.error('site file failed', { file, error: String(error) });
        response.writeHead(500).end();
      },
    );
  });
  // Requests node's parser refuses: answered as node would (400, 408, 431), counted by the collector.
  server.on('clientError', collector.clientError);
  const shutdown = createGracefulShutdown({
    server,
    deadlineMs: options.shutdownDeadlineMs ?? 10_000,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;

  let closed: Promise<void> | undefined;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}/`,
    collector,
    counts,
    shutdown,
    waitForWritten(count, timeoutMs = 30_000) {
      return new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (counts.written < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `${counts.written} of ${count} events reached the sink within ${timeoutMs} ms ` +
                `(${counts.received} received, ${counts.unmapped} unmapped)`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close() {
      closed ??= (async () => {
        // The server first: once no connection is left, no half-sent body can hold the drain.
        await shutdown.close();
        await collector.close();
      })();
      return closed;
    },
  };
}
