import type { Logger } from '@tributary/schema';
import type { DivolteSettings } from '../config/divolte-settings';
import { startDivolteServer, type DivolteServer } from '../server/divolte-server';
import type { ToPrimary, ToWorker } from './messages';

/** Options of {@link runWorker}. */
export interface WorkerOptions {
  readonly settings: DivolteSettings;
  readonly trackerScript: Uint8Array;
  readonly workerId: number;
  readonly shutdownDeadlineMs: number;
  readonly logger: Logger;
  /** The IPC channel to the primary (`process` in a cluster worker). */
  readonly channel: {
    send(message: ToPrimary): void;
    on(event: 'message', listener: (message: ToWorker) => void): void;
    on(event: 'disconnect', listener: () => void): void;
  };
  /** Exits the process once the worker has drained (0) or failed to (1). */
  readonly exit: (code: number) => void;
}

/** A running worker: its server, and the shutdown the signal handlers call. */
export interface RunningWorker {
  readonly server: DivolteServer;
  /** First call drains; later calls (a second signal) end the connection deadline at once. */
  stop(force: boolean): void;
}

/**
 * Runs one worker: its own collectors, mappers and sinks (files named with its id), its own
 * duplicate memory; `/metrics` asks the primary for the sum over every worker. On `shutdown` (or
 * when the primary goes away) it drains every accepted event, publishes its files and exits 0.
 */
export async function runWorker(options: WorkerOptions): Promise<RunningWorker> {
  const { channel } = options;
  let nextId = 0;
  const waiting = new Map<number, (text: string) => void>();
  const server = await startDivolteServer({
    settings: options.settings,
    trackerScript: options.trackerScript,
    workerId: options.workerId,
    shutdownDeadlineMs: options.shutdownDeadlineMs,
    logger: options.logger,
    metrics: () =>
      new Promise<string>((resolve) => {
        const id = nextId++;
        waiting.set(id, resolve);
        channel.send({ type: 'metrics-request', id });
      }),
  });
  let stopping = false;
  const stop = (force: boolean): void => {
    if (stopping) {
      if (force) void server.shutdown.force();
      return;
    }
    stopping = true;
    // Metrics requests left unanswered would hold their connections until the deadline.
    for (const resolve of waiting.values()) resolve(server.metrics());
    waiting.clear();
    server.close().then(
      () => {
        options.exit(0);
      },
      (error: unknown) => {
        console.error(`worker ${options.workerId}: failed to drain`, error);
        options.exit(1);
      },
    );
  };
  channel.on('message', (message) => {
    switch (message.type) {
      case 'shutdown':
        stop(false);
        return;
      case 'force':
        stop(true);
        return;
      case 'metrics-collect':
        channel.send({ type: 'metrics', id: message.id, text: server.metrics() });
        return;
      case 'metrics-result': {
        const resolve = waiting.get(message.id);
        waiting.delete(message.id);
        resolve?.(message.text);
        return;
      }
    }
  });
  // The primary died: nobody will say when to stop, so drain now.
  channel.on('disconnect', () => {
    stop(false);
  });
  channel.send({ type: 'listening', url: server.url });
  return { server, stop };
}
