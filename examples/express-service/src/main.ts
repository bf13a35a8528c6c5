// Runs the Express service: its own API on /api, the collector on /analytics/. Stops in bounded
// time on SIGTERM or Ctrl-C without losing an accepted event.
import { createApp } from './app';
import { ListenError, startServer } from './server';

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST; // every interface when unset
const shutdownDeadlineMs = Number(process.env.SHUTDOWN_DEADLINE_MS ?? 10_000);
const { app, collector } = createApp({
  trustedProxies: Number(process.env.TRUSTED_PROXIES ?? 0),
  onRecord: (record) => {
    console.log(JSON.stringify(record));
  },
});
const running = await startServer({
  app,
  port,
  shutdownDeadlineMs,
  clientError: collector.clientError,
  ...(host === undefined ? {} : { host }),
}).catch((error: unknown) => {
  console.error(error instanceof ListenError ? error.message : error);
  process.exit(1);
});
console.error(`API on ${running.url}/api/products, events on ${running.url}/analytics/csc-event`);

// First signal: stop listening, give requests in flight SHUTDOWN_DEADLINE_MS, destroy the
// connections left, let onRecord finish every accepted event, exit 0. Second signal: destroy the
// connections now; the accepted events are still finished before the exit.
let signals = 0;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    signals++;
    if (signals > 1) {
      console.error(`${signal} again: closing every connection now; still draining…`);
      void running.shutdown.force();
      return;
    }
    console.error(`${signal}: draining (requests in flight get ${shutdownDeadlineMs} ms)…`);
    running.shutdown
      .close()
      .then(() => collector.close())
      .then(
        () => {
          // stdout to a pipe is asynchronous: exit once the last record is written out.
          process.stdout.write('', () => process.exit(0));
        },
        (error: unknown) => {
          console.error('failed to drain', error);
          process.exit(1);
        },
      );
  });
}
