// The first line of the group: Tributary's packages composed by hand into the pipeline the
// Divolte-compatible server runs, in one process with no configuration reader and no workers —
// the collector, Divolte's default mapping onto DefaultEventRecord, the file sink with Divolte's
// HDFS defaults (sync every 1,000 records or 30 s, roll every hour). It shows what one Node process
// does with one core, whatever the server around it adds.
// Environment (set by run.ts): DIVOLTE_PORT, DIVOLTE_OUT (working/ and published/ under it).
// Prints `listening on http://…` when it serves; on SIGTERM drains, publishes, prints its counters
// as one JSON line and exits 0.
import { createServer } from 'node:http';
import { join } from 'node:path';
import { createCollector } from '@tributary/collector';
import { createFileSink } from '@tributary/file-sink';
import { createDivolteEventMapper } from '@tributary/mapping';
import { divolteEventRecord } from '@tributary/schema';

const port = Number(process.env.DIVOLTE_PORT ?? 18491);
const out = process.env.DIVOLTE_OUT ?? 'tmp/bench/divolte/pipeline';
let mappingFailures = 0;
const mapper = createDivolteEventMapper({
  onError: () => {
    mappingFailures++;
  },
});
const sink = createFileSink({
  schema: divolteEventRecord,
  workingDirectory: join(out, 'working'),
  publishDirectory: join(out, 'published'),
  syncEveryRecords: 1000,
  syncEveryMs: 30_000,
  rollEveryMs: 3_600_000,
  prefix: 'pipeline',
});
await sink.open();
const collector = createCollector({
  onEvent: async (event) => {
    const mapped = mapper(event);
    if (!mapped.ok || mapped.dropped) return;
    await sink.write([{ key: event.partyId, timestamp: event.receivedAt, value: mapped.value }]);
  },
});
const server = createServer({ keepAliveTimeout: 60_000 }, collector.node);
server.on('clientError', collector.clientError);
server.listen(port, '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${port}`);
});

let stopping = false;
process.on('SIGTERM', () => {
  if (stopping) return;
  stopping = true;
  void (async () => {
    await collector.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await sink.close();
    const metrics = collector.metrics();
    console.log(
      JSON.stringify({
        accepted: metrics.accepted,
        dropped: metrics.dropped,
        invalid: metrics.invalid,
        consumed: metrics.consumed,
        consumerErrors: metrics.consumerErrors,
        mappingFailures,
        recordsWritten: sink.metrics().recordsWritten,
      }),
    );
    process.exit(0);
  })();
});
