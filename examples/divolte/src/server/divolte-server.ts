import { readFileSync } from 'node:fs';
import http from 'node:http';
import { createGracefulShutdown, type GracefulShutdown } from '@tributary/collector';
import type { Logger, Sink } from '@tributary/schema';
import type { DivolteSettings } from '../config/divolte-settings';
import { DivolteServerError } from './divolte-server-error';
import { createEventRouter } from './event-router';
import { createMappings } from './mappings';
import { closeSinks, createSinks } from './sinks';
import { createSources } from './sources';
import { serverMetrics } from './server-metrics';
import { staticPage } from './static-page';

/** Options of {@link startDivolteServer}. */
export interface DivolteServerOptions {
  /** A checked configuration (`validateDivolteConfig`). */
  readonly settings: DivolteSettings;
  /** The bytes of `@tributary/tracker`'s drop-in script (dist/tributary.js). */
  readonly trackerScript: Uint8Array;
  /**
   * The worker's number, part of every file name.
   * @default 0
   */
  readonly workerId?: number;
  /**
   * After `close()`, how long requests in flight may take before the connections left are destroyed.
   * @default 10_000
   */
  readonly shutdownDeadlineMs?: number;
  /**
   * The text `GET /metrics` answers: in a cluster, the sum over every worker.
   * @default this server's own metrics
   */
  readonly metrics?: (own: () => string) => Promise<string>;
  /** @default fs.readFileSync */
  readonly readFile?: (path: string) => Uint8Array;
  /** @default console */
  readonly logger?: Logger;
}

/** A running Divolte-compatible server. */
export interface DivolteServer {
  /** `http://host:port`, with the port actually bound. */
  readonly url: string;
  readonly port: number;
  /** The bounded shutdown; `shutdown.force()` ends its deadline at once. */
  readonly shutdown: GracefulShutdown;
  /** This server's metrics in Prometheus text. */
  metrics(): string;
  /** Stops taking requests, drains every accepted event into the sinks, publishes the files. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts a Divolte-compatible server from a checked configuration: a collector per source, a
 * mapper per mapping, the sinks, `GET /ping`, `GET /metrics` and Divolte's test page.
 * @throws {DivolteServerError} `invalid_file` (schema, script, database) or `listen_failed`.
 * @example
 * const settings = validateDivolteConfig(readDivolteConfig({ file, env: process.env }));
 * if (settings.ok) await startDivolteServer({ settings: settings.value, trackerScript });
 */
export async function startDivolteServer(options: DivolteServerOptions): Promise<DivolteServer> {
  const { settings } = options;
  const logger = options.logger ?? console;
  const readFile = options.readFile ?? ((path: string) => readFileSync(path));
  const mappings = createMappings({
    mappings: settings.mappings,
    mapper: settings.mapper,
    readFile,
    logger,
  });
  const used = settings.sinks.filter((sink) =>
    mappings.some((m) => m.settings.sinks.includes(sink.name)),
  );
  const mappingOf = (sink: string) => mappings.find((m) => m.settings.sinks.includes(sink))!;
  const sinks = await createSinks({
    sinks: used,
    kafka: settings.kafka,
    schemaOf: (sink) => mappingOf(sink).schema,
    confluentIdOf: (sink) => mappingOf(sink).settings.confluentId,
    workerId: options.workerId ?? 0,
    logger,
  });
  const router = createEventRouter({
    mappings,
    sinks: new Map(sinks.map(({ name, sink }) => [name, sink as Sink<Record<string, unknown>>])),
  });
  const sources = createSources({
    settings,
    trackerScript: options.trackerScript,
    consumerOf: (source) => router.consumerOf(source),
    logger,
  });
  const ownMetrics = (): string => serverMetrics(sources, mappings, router, sinks);
  const page = settings.server.serveStaticResources ? staticPage(settings) : undefined;

  const server = http.createServer((request, response) => {
    const target = request.url ?? '/';
    const mark = target.indexOf('?');
    const path = mark < 0 ? target : target.slice(0, mark);
    const getting = request.method === 'GET' || request.method === 'HEAD';
    if (page !== undefined && getting && (path === '/' || path === '/index.html')) {
      response
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(request.method === 'HEAD' ? undefined : page);
      return;
    }
    const collector = sources.routes.get(path);
    if (collector !== undefined) {
      collector.node(request, response);
      return;
    }
    if (path === '/ping' && getting) {
      // As Divolte: 503 from the start of a shutdown, so load balancers stop sending.
      const closing = shutdown.closing;
      response.writeHead(closing ? 503 : 200, {
        'content-type': 'text/plain; charset=utf-8',
        'cache-control': 'no-store',
      });
      response.end(request.method === 'HEAD' ? undefined : closing ? 'shutting down' : 'pong');
      return;
    }
    if (path === '/metrics' && getting) {
      (options.metrics ?? ((own) => Promise.resolve(own())))(ownMetrics).then(
        (text) =>
          response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(text),
        (error: unknown) => {
          logger.error('metrics failed', { error: String(error) });
          response.writeHead(503, { 'content-type': 'text/plain' }).end('metrics unavailable');
        },
      );
      return;
    }
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found.');
  });
  const first = sources.collectors[0]?.collector;
  // Requests node's parser refuses: answered as node would and counted by the first source.
  if (first) server.on('clientError', first.clientError);
  const shutdown = createGracefulShutdown({
    server,
    deadlineMs: options.shutdownDeadlineMs ?? 10_000,
  });

  const { host, port } = settings.server;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await Promise.all(sources.collectors.map(({ collector }) => collector.close()));
    await closeSinks(sinks);
    throw new DivolteServerError(
      'listen_failed',
      `Cannot listen on ${host}:${port}: ${String(error)}`,
      { cause: error },
    );
  }
  const address = server.address();
  const bound = typeof address === 'object' && address !== null ? address.port : port;

  let closed: Promise<void> | undefined;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    port: bound,
    shutdown,
    metrics: ownMetrics,
    close() {
      closed ??= (async () => {
        await shutdown.close();
        await Promise.all(sources.collectors.map(({ collector }) => collector.close()));
        await closeSinks(sinks);
      })();
      return closed;
    },
  };
}
