// The quickstart's command line: reads the environment, starts everything, prints where it is,
// and drains without loss on Ctrl-C.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import type { Sink, TributaryEventRecord } from '@tributary/schema';
import { startQuickstart } from './quickstart';

const require = createRequire(import.meta.url);
const port = Number(process.env.PORT ?? 8290);
const host = process.env.HOST ?? '127.0.0.1';
const dataDir = resolve(process.env.DATA_DIR ?? 'data');
const trackerScript = await readFile(
  join(dirname(require.resolve('@tributary/tracker/package.json')), 'dist', 'tributary.js'),
);

const extraSinks: { name: string; sink: Sink<TributaryEventRecord> }[] = [];
if (process.env.KAFKA_BROKERS) {
  const { createKafkaSinkFromEnv } = await import('./kafka');
  extraSinks.push({ name: 'kafka', sink: await createKafkaSinkFromEnv(process.env) });
}

const quickstart = await startQuickstart({ port, host, dataDir, trackerScript, extraSinks });
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

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: draining…`);
    quickstart.close().then(
      () => {
        const metrics = quickstart.fileSink.metrics();
        console.log(
          `stopped: ${metrics.recordsSynced} records in ${metrics.filesPublished} published Avro files.`,
        );
        process.exit(0);
      },
      (error: unknown) => {
        console.error('failed to drain', error);
        process.exit(1);
      },
    );
  });
}
