// The quickstart's command line: reads the environment, starts everything, prints where it is,
// and drains without loss on Ctrl-C or SIGTERM, in bounded time.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import type { Sink, TributaryEventRecord } from '@tributary/schema';
import { QuickstartListenError, startQuickstart } from './quickstart';

const require = createRequire(import.meta.url);
const port = Number(process.env.PORT ?? 8290);
const host = process.env.HOST ?? '127.0.0.1';
const dataDir = resolve(process.env.DATA_DIR ?? 'data');
const shutdownDeadlineMs = Number(process.env.SHUTDOWN_DEADLINE_MS ?? 10_000);
for (const [name, value] of [
  ['PORT', port],
  ['SHUTDOWN_DEADLINE_MS', shutdownDeadlineMs],
] as const) {
  if (!Number.isInteger(value) || value < 0) {
    console.error(`${name} must be a whole number ≥ 0, not ${JSON.stringify(process.env[name])}.`);
    process.exit(1);
  }
}
const trackerPath = join(
  dirname(require.resolve('@tributary/tracker/package.json')),
  'dist',
  'tributary.js',
);
const trackerScript = await readFile(trackerPath).catch(() => {
  console.error(
    `The tag is not built (${trackerPath}): run pnpm build, or pnpm demo from the root.`,
  );
  process.exit(1);
});

const extraSinks: { name: string; sink: Sink<TributaryEventRecord> }[] = [];
if (process.env.KAFKA_BROKERS) {
  const { createKafkaSinkFromEnv } = await import('./kafka');
  extraSinks.push({ name: 'kafka', sink: await createKafkaSinkFromEnv(process.env) });
}

const quickstart = await startQuickstart({
  port,
  host,
  dataDir,
  trackerScript,
  extraSinks,
  shutdownDeadlineMs,
}).catch((error: unknown) => {
  // A port in use is a newcomer's first error: one line that says what to do, no stack trace.
  if (error instanceof QuickstartListenError) console.error(error.message);
  else console.error(error);
  process.exit(1);
});
const url = quickstart.url;
console.log(`
Tributary quickstart is running.

  demo site        ${url}
  live events      ${url}live
  metrics          ${url}metrics
  tracker script   ${url}tributary.js
  events endpoint  ${url}csc-event (and ${url}csc-batch for beacons)
  Avro files       ${dataDir}/published (open file in ${dataDir}/working)
  Kafka            ${process.env.KAFKA_BROKERS ? `${process.env.KAFKA_BROKERS}, topic ${process.env.KAFKA_TOPIC ?? 'tributary'}` : 'off (set KAFKA_BROKERS to publish to Kafka too)'}

Press Ctrl-C to stop; accepted events are drained into the files first.
`);

// First signal: stop listening, give requests in flight SHUTDOWN_DEADLINE_MS, then destroy the
// connections left, drain every accepted event into the sinks and exit 0. Second signal: destroy
// the connections now instead of at the deadline; the drain still runs to the end, so no
// accepted event is lost. Later signals only say so (kill -9 is what loses events).
let signals = 0;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    signals++;
    if (signals === 2) {
      console.log(
        `\n${signal} again: closing every connection now; still draining accepted events…`,
      );
      void quickstart.shutdown.force();
      return;
    }
    if (signals > 2) {
      console.log(`\n${signal}: still draining accepted events into the sinks…`);
      return;
    }
    console.log(
      `\n${signal}: draining (requests in flight get ${shutdownDeadlineMs} ms; Ctrl-C again to cut that short)…`,
    );
    quickstart.close().then(
      () => {
        const metrics = quickstart.fileSink.metrics();
        console.log(
          `stopped: ${metrics.recordsSynced} records in ${metrics.filesPublished} published Avro files.`,
        );
        // stdout to a pipe is asynchronous: exit once that line is written out.
        process.stdout.write('', () => process.exit(0));
      },
      (error: unknown) => {
        console.error('failed to drain', error);
        process.exit(1);
      },
    );
  });
}
