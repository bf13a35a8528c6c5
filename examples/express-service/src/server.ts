import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createGracefulShutdown,
  type ClientErrorListener,
  type GracefulShutdown,
} from '@tributary/collector';
import type { Express } from 'express';

/** Options of {@link startServer}. */
export interface ServerOptions {
  readonly app: Express;
  /**
   * Answers and counts the requests node's parser refuses: `collector.clientError`.
   * @default node's own answer (400, 408 or 431), uncounted
   */
  readonly clientError?: ClientErrorListener;
  /** @default 3000 */
  readonly port?: number;
  /** @default every interface, as `app.listen(port)` */
  readonly host?: string;
  /**
   * After `shutdown.close()`, how long requests in flight may take before every connection left
   * (a half-sent request, a slow client) is destroyed.
   * @default 10_000
   */
  readonly shutdownDeadlineMs?: number;
}

/** The running service. */
export interface RunningServer {
  readonly server: Server;
  /** `http://host:port` with the port actually bound. */
  readonly url: string;
  readonly shutdown: GracefulShutdown;
}

/** Thrown by {@link startServer} when it cannot listen; `code` is node's (`EADDRINUSE`, …). */
export class ListenError extends Error {
  override readonly name = 'ListenError';
  readonly code: string;
  constructor(port: number, host: string, cause: unknown) {
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

/** Serves the app over node:http with a bounded shutdown. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const port = options.port ?? 3000;
  const { host } = options;
  const server = createServer(options.app);
  if (options.clientError) server.on('clientError', options.clientError);
  const shutdown = createGracefulShutdown({
    server,
    deadlineMs: options.shutdownDeadlineMs ?? 10_000,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      const listening = (): void => {
        server.off('error', reject);
        resolve();
      };
      if (host === undefined) server.listen(port, listening);
      else server.listen(port, host, listening);
    });
  } catch (error) {
    throw new ListenError(port, host ?? 'every interface', error);
  }
  const bound = (server.address() as AddressInfo).port;
  const shown = host === undefined || host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  return { server, url: `http://${shown.includes(':') ? `[${shown}]` : shown}:${bound}`, shutdown };
}
