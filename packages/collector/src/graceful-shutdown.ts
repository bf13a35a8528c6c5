import type { Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** Options of {@link createGracefulShutdown}. */
export interface GracefulShutdownOptions {
  /** The node:http server to close. Connections are tracked from this call on: call it before `listen`. */
  readonly server: Server;
  /**
   * How long requests in flight may take once `close()` was called. Past it every connection left
   * (a half-sent header or body, a slow response, an event stream) is destroyed.
   * @default 10_000
   */
  readonly deadlineMs?: number;
  /** @default globalThis.setTimeout */
  readonly setTimeout?: (callback: () => void, ms: number) => unknown;
  /** @default globalThis.clearTimeout */
  readonly clearTimeout?: (handle: unknown) => void;
}

/** What a shutdown did. */
export interface GracefulShutdownResult {
  /** Connections still open at the deadline (or at `force()`), destroyed. */
  readonly destroyed: number;
  /** Whether the deadline passed (or `force()` was called) before the last connection ended. */
  readonly forced: boolean;
}

/** A server's bounded shutdown. */
export interface GracefulShutdown {
  /** Whether `close()` was called. */
  readonly closing: boolean;
  /** Connections open now. */
  readonly connections: number;
  /**
   * Stops accepting connections, closes idle keep-alive connections at once and each busy one
   * after its response, and destroys whatever is left at the deadline. Resolves once the server
   * is closed. Idempotent: every call returns the same promise.
   */
  close(): Promise<GracefulShutdownResult>;
  /** Ends the deadline now: destroys every connection left. Starts `close()` if it was not. */
  force(): Promise<GracefulShutdownResult>;
}

/**
 * Bounds a node:http server's shutdown. `server.close()` alone waits for every connection to end,
 * and one client holding half a request header keeps it open indefinitely (half a body: until
 * node's 300 s request timeout); an orchestrator then kills the process, with whatever it had
 * accepted. This closes what is idle at once, lets requests in flight finish until the deadline,
 * then destroys the rest, so the caller can drain its accepted events (`collector.close()`) and
 * exit in bounded time.
 *
 * @example
 * ```ts
 * const server = http.createServer(collector.node);
 * const shutdown = createGracefulShutdown({ server, deadlineMs: 10_000 });
 * server.listen(8290);
 * process.once('SIGTERM', async () => {
 *   await shutdown.close(); // no connection left after at most 10 s
 *   await collector.close(); // every accepted event reached onEvent
 *   await sink.close();
 *   process.exit(0);
 * });
 * ```
 */
export function createGracefulShutdown(options: GracefulShutdownOptions): GracefulShutdown {
  const { server } = options;
  const deadlineMs = options.deadlineMs ?? 10_000;
  const startTimer = options.setTimeout ?? ((callback, ms) => setTimeout(callback, ms));
  const stopTimer =
    options.clearTimeout ??
    ((handle) => {
      clearTimeout(handle as ReturnType<typeof setTimeout>);
    });
  const sockets = new Set<Socket>();
  // Responses not finished yet: at close their connection must not stay for keep-alive.
  const responses = new Set<ServerResponse>();
  let closing = false;
  let forced = false;
  let destroyed = 0;
  let timer: unknown;
  let closed: Promise<GracefulShutdownResult> | undefined;

  const closeIdleSoon = (): void => {
    // After 'finish' node still marks the socket busy until the response is detached from it.
    setImmediate(() => {
      server.closeIdleConnections();
    });
  };

  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('request', (_request, response: ServerResponse) => {
    if (closing && !response.headersSent) response.setHeader('connection', 'close');
    responses.add(response);
    response.once('close', () => responses.delete(response));
    response.once('finish', () => {
      if (closing) closeIdleSoon();
    });
  });

  const destroyAll = (): void => {
    forced = true;
    for (const socket of sockets) {
      sockets.delete(socket);
      if (socket.destroyed) continue;
      destroyed++;
      socket.destroy();
    }
  };

  const close = (): Promise<GracefulShutdownResult> => {
    closed ??= new Promise<GracefulShutdownResult>((resolve) => {
      closing = true;
      for (const response of responses) {
        if (!response.headersSent) response.setHeader('connection', 'close');
      }
      timer = startTimer(destroyAll, deadlineMs);
      // Node ≥ 19 closes idle keep-alive connections in close() already; this covers the
      // connection that turned idle between the two calls, too.
      // The callback runs once the last connection is gone (with an error when the server was
      // not listening, which changes nothing here).
      server.close(() => {
        stopTimer(timer);
        resolve({ destroyed, forced });
      });
      server.closeIdleConnections();
    });
    return closed;
  };

  return {
    get closing() {
      return closing;
    },
    get connections() {
      return sockets.size;
    },
    close,
    force() {
      const result = close();
      stopTimer(timer);
      destroyAll();
      return result;
    },
  };
}
