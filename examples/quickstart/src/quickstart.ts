import { readFile } from 'node:fs/promises';
import http from 'node:http';
import { join } from 'node:path';
import {
  createCollector,
  createGracefulShutdown,
  type Collector,
  type GracefulShutdown,
} from '@tributary/collector';
import { createFileSink, type FileSink } from '@tributary/file-sink';
import { createTributaryEventMapper, type RecordMapper } from '@tributary/mapping';
import {
  tributaryEventRecord,
  type ClickEvent,
  type Logger,
  type Sink,
  type SinkRecord,
  type TributaryEventRecord,
} from '@tributary/schema';
import { shopEvents } from './events';
import { createLiveStats } from './live-stats';

/** What the quickstart needs from its caller: everything that is I/O or configuration. */
export interface QuickstartOptions {
  /** @default 8290 (Divolte's port) */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** Rolling Avro files go to `<dataDir>/published`, open ones to `<dataDir>/working`. */
  dataDir: string;
  /** The bytes of `@tributary/tracker`'s drop-in build, served at `/tributary.js`. */
  trackerScript: Uint8Array;
  /** Sinks beside the file sink (the Kafka sink when `KAFKA_BROKERS` is set). */
  extraSinks?: readonly { readonly name: string; readonly sink: Sink<TributaryEventRecord> }[];
  /** Roll the Avro files this often. @default 60_000 (a minute, so a demo sees files appear) */
  rollEveryMs?: number;
  /** @default 1000 records or 1 s, whichever comes first */
  syncEveryRecords?: number;
  syncEveryMs?: number;
  /**
   * After `close()`, how long requests in flight may take before every connection left (half-sent
   * requests, slow clients) is destroyed.
   * @default 10_000
   */
  shutdownDeadlineMs?: number;
  /**
   * Bytes a `/live/stream` listener may leave unread in the server's buffer; past it the listener
   * is disconnected (its EventSource reconnects and starts from a fresh snapshot).
   * @default 262_144 (256 KiB)
   */
  liveBufferBytes?: number;
  logger?: Logger;
}

/** A running quickstart: the URL it serves and a graceful stop. */
export interface Quickstart {
  readonly url: string;
  readonly collector: Collector;
  readonly mapper: RecordMapper<TributaryEventRecord>;
  readonly fileSink: FileSink<TributaryEventRecord>;
  /** The server's bounded shutdown; `shutdown.force()` ends its deadline at once. */
  readonly shutdown: GracefulShutdown;
  /**
   * Listeners of `/live/stream` now, those disconnected for falling behind, and the most bytes the
   * server held unread for one listener (at most `liveBufferBytes` plus one frame).
   */
  liveListeners(): {
    readonly connected: number;
    readonly disconnected: number;
    readonly peakBufferedBytes: number;
  };
  /**
   * Stops taking events: closes the server (connections left at the deadline are destroyed),
   * then drains every accepted event into the sinks and publishes the open file. Idempotent.
   */
  close(): Promise<void>;
}

/** Thrown by {@link startQuickstart} when it cannot listen; `code` is node's (`EADDRINUSE`, …). */
export class QuickstartListenError extends Error {
  override readonly name = 'QuickstartListenError';
  readonly code: string;
  constructor(
    readonly port: number,
    readonly host: string,
    cause: unknown,
  ) {
    const code = (cause as { code?: unknown } | null)?.code;
    super(
      code === 'EADDRINUSE'
        ? `Port ${port} on ${host} is in use: stop what uses it, or choose another port (PORT=${port + 1}).`
        : `Cannot listen on ${host}:${port}: ${String(cause)}`,
      { cause },
    );
    this.code = typeof code === 'string' ? code : 'UNKNOWN';
  }
}

const SITE_DIR = new URL('./site/', import.meta.url);
const LIVE_PAGE = new URL('./live.html', import.meta.url);
const TRACKER_TAG =
  '<script async src="/tributary.js" data-batch data-outbound data-divolte></script>';
// Every page of the demo site shares this navigation bar.
const NAV = `<nav>
      <a href="/">Home</a><a href="/products.html">Products</a><a href="/app/">Account (SPA)</a>
      <a href="/about.html">About</a><a href="/live">Live events →</a>
    </nav>`;
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/**
 * The path of a request target, without its query, or undefined when there is none. Never throws:
 * `new URL()` throws on targets like `//[` or `http://a:99999/`, and a throw in the request
 * listener kills the process with every event it accepted and had not written yet.
 */
export function targetPath(target: string): string | undefined {
  if (target.startsWith('/')) {
    const end = target.search(/[?#]/);
    return end < 0 ? target : target.slice(0, end);
  }
  // Absolute form (`GET http://host/path`), which proxies send.
  try {
    return new URL(target).pathname;
  } catch {
    return undefined;
  }
}

/** Maps a site URL path to a file under the site directory, or undefined when there is none. */
export function sitePath(pathname: string): string | undefined {
  if (pathname === '/' || pathname === '/index.html') return 'index.html';
  if (pathname === '/app' || pathname.startsWith('/app/')) return 'app/index.html';
  if (pathname.startsWith('/site/')) pathname = pathname.slice('/site'.length);
  const match = /^\/([a-z-]+\.(?:html|css))$/.exec(pathname);
  return match?.[1];
}

function prometheusLines(
  name: string,
  help: string,
  type: 'counter' | 'gauge',
  values: readonly [string, number][],
): string {
  const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`];
  for (const [labels, value] of values) lines.push(`${name}${labels} ${value}`);
  return lines.join('\n') + '\n';
}

/**
 * Starts the quickstart: the collector with the tag, the demo site, the default mapping onto
 * Tributary's record, rolling Avro files (and any extra sinks), a live page and Prometheus metrics.
 */
export async function startQuickstart(options: QuickstartOptions): Promise<Quickstart> {
  const logger = options.logger ?? console;
  const live = createLiveStats();
  const listeners = new Set<http.ServerResponse>();
  // The newest records, replayed to a live page when it connects.
  const recent: TributaryEventRecord[] = [];
  let invalidCustomEvents = 0;
  let liveDisconnected = 0;
  let livePeakBuffered = 0;
  const liveBufferBytes = options.liveBufferBytes ?? 256 * 1024;

  const mapper = createTributaryEventMapper({
    onError: (issues) => {
      logger.warn('mapping failed', { issues });
    },
  });
  const fileSink: FileSink<TributaryEventRecord> = createFileSink({
    schema: tributaryEventRecord,
    workingDirectory: join(options.dataDir, 'working'),
    publishDirectory: join(options.dataDir, 'published'),
    rollEveryMs: options.rollEveryMs ?? 60_000,
    syncEveryRecords: options.syncEveryRecords ?? 1000,
    syncEveryMs: options.syncEveryMs ?? 1000,
    prefix: 'quickstart',
    logger,
  });
  await fileSink.open();
  const sinks = [
    { name: 'file', sink: fileSink as Sink<TributaryEventRecord> },
    ...(options.extraSinks ?? []),
  ];

  const broadcast = (event: string, data: unknown): void => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const response of listeners) send(response, frame);
  };

  /**
   * Writes a frame to one listener, or disconnects it when it left more than `liveBufferBytes`
   * unread: a listener that never reads would otherwise hold every frame in memory.
   */
  function send(response: http.ServerResponse, frame: string): void {
    if (response.writableLength > liveBufferBytes) {
      listeners.delete(response);
      liveDisconnected++;
      response.destroy();
      return;
    }
    response.write(frame);
    if (response.writableLength > livePeakBuffered) livePeakBuffered = response.writableLength;
  }

  const onEvent = async (event: ClickEvent): Promise<void> => {
    if (event.eventType !== undefined && event.eventType !== 'pageView') {
      const checked = shopEvents.validate(event);
      if (!checked.ok) {
        invalidCustomEvents++;
        logger.warn('custom event does not match the contract; recorded anyway', {
          eventType: event.eventType,
          issues: checked.issues,
        });
      }
    }
    const mapped = mapper(event);
    if (!mapped.ok || mapped.dropped) return;
    const record: SinkRecord<TributaryEventRecord> = {
      key: event.partyId,
      timestamp: event.receivedAt,
      value: mapped.value,
    };
    // Every sink must accept the record before the collector counts the event as finished.
    await Promise.all(sinks.map(({ sink }) => sink.write([record])));
    live.add(mapped.value);
    recent.push(mapped.value);
    if (recent.length > 50) recent.shift();
    broadcast('record', mapped.value);
  };

  const collector = createCollector({
    onEvent,
    script: { source: options.trackerScript },
    logger,
  });

  const metrics = (): string => {
    const file = fileSink.metrics();
    return (
      collector.prometheus() +
      prometheusLines(
        'tributary_mapping_events_total',
        'Events through the default mapping, by outcome.',
        'counter',
        [
          ['{outcome="mapped"}', mapper.stats.mapped],
          ['{outcome="dropped"}', mapper.stats.dropped],
          ['{outcome="failed"}', mapper.stats.failed],
        ],
      ) +
      prometheusLines(
        'tributary_quickstart_invalid_custom_events_total',
        'Custom events that failed the shop contract.',
        'counter',
        [['', invalidCustomEvents]],
      ) +
      prometheusLines(
        'tributary_quickstart_live_listeners',
        'Listeners of /live/stream now.',
        'gauge',
        [['', listeners.size]],
      ) +
      prometheusLines(
        'tributary_quickstart_live_listeners_disconnected_total',
        'Listeners of /live/stream disconnected for leaving too much unread.',
        'counter',
        [['', liveDisconnected]],
      ) +
      prometheusLines(
        'tributary_file_sink_records_total',
        'Records in the Avro file sink, by state.',
        'counter',
        [
          ['{state="written"}', file.recordsWritten],
          ['{state="synced"}', file.recordsSynced],
          ['{state="recovered"}', file.recordsRecovered],
        ],
      ) +
      prometheusLines(
        'tributary_file_sink_files_published_total',
        'Avro files published.',
        'counter',
        [['', file.filesPublished]],
      )
    );
  };

  const server = http.createServer((request, response) => {
    const target = request.url ?? '/';
    if (collector.handles(target)) {
      collector.node(request, response);
      return;
    }
    const pathname = targetPath(target);
    if (pathname === undefined) {
      response.writeHead(400, { 'content-type': 'text/plain' }).end('bad request target');
      return;
    }
    void serve(pathname, request, response).catch((error: unknown) => {
      logger.error('request failed', { error: String(error) });
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });

  async function serve(
    pathname: string,
    request: http.IncomingMessage,
    response: http.ServerResponse,
  ): Promise<void> {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (pathname === '/metrics') {
      response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(metrics());
      return;
    }
    if (pathname === '/live') {
      response
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(await readFile(LIVE_PAGE));
      return;
    }
    if (pathname === '/live/stream') {
      response.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
      });
      // A HEAD has no body to stream (node would hold its headers back until the first write).
      if (request.method === 'HEAD' || shutdown.closing) {
        response.end();
        return;
      }
      send(response, `event: stats\ndata: ${JSON.stringify(live.snapshot())}\n\n`);
      for (const record of recent)
        send(response, `event: record\ndata: ${JSON.stringify(record)}\n\n`);
      listeners.add(response);
      response.on('close', () => listeners.delete(response));
      return;
    }
    const file = sitePath(pathname);
    if (file === undefined) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    let body = await readFile(new URL(file, SITE_DIR), 'utf8');
    body = body.replace('<!--TRACKER-->', TRACKER_TAG).replace('<!--NAV-->', NAV);
    const type = CONTENT_TYPES[file.slice(file.lastIndexOf('.'))] ?? 'application/octet-stream';
    response.writeHead(200, { 'content-type': type, 'cache-control': 'no-cache' }).end(body);
  }

  const statsTimer = setInterval(() => {
    broadcast('stats', live.snapshot());
  }, 2000);
  statsTimer.unref();

  // Requests node's parser refuses: answered as node would (400, 408, 431) and counted by the
  // collector, as requests rejected for bad_request, request_timeout or headers_too_large.
  server.on('clientError', collector.clientError);
  const shutdown = createGracefulShutdown({
    server,
    deadlineMs: options.shutdownDeadlineMs ?? 10_000,
  });

  const port = options.port ?? 8290;
  const host = options.host ?? '127.0.0.1';
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    clearInterval(statsTimer);
    await collector.close();
    for (const { sink } of sinks) await sink.close();
    throw new QuickstartListenError(port, host, error);
  }
  const address = server.address();
  const actualPort = typeof address === 'object' && address !== null ? address.port : port;

  let closed: Promise<void> | undefined;
  return {
    url: `http://${host === '0.0.0.0' ? 'localhost' : host}:${actualPort}/`,
    collector,
    mapper,
    fileSink,
    shutdown,
    liveListeners: () => ({
      connected: listeners.size,
      disconnected: liveDisconnected,
      peakBufferedBytes: livePeakBuffered,
    }),
    close() {
      closed ??= (async () => {
        clearInterval(statsTimer);
        // Event streams never end by themselves: end them now rather than at the deadline.
        for (const response of listeners) response.end();
        listeners.clear();
        // No connection is left after this (at most the deadline): every request the collector
        // accepted has been read, so collector.close() cannot wait on a half-sent body.
        await shutdown.close();
        await collector.close();
        for (const { sink } of sinks) await sink.close();
      })();
      return closed;
    },
  };
}
