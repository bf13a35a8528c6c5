// A writer process for the crash test: opens the sink (recovering what an earlier run left),
// writes Divolte records numbered from <start> as fast as it can and prints "synced <n>" whenever
// flush() has made records start..n-1 durable, until it is killed.
import { createFileSink } from '../src/index.ts';
import { divolteBatch, divolteEventRecord } from './helpers.ts';

const [workingDirectory, publishDirectory, codec, start] = process.argv.slice(2);
if (!workingDirectory || !publishDirectory || (codec !== 'null' && codec !== 'deflate')) {
  throw new Error('usage: crash-writer <working dir> <publish dir> <null|deflate> <start>');
}
const sink = createFileSink({
  schema: divolteEventRecord,
  workingDirectory,
  publishDirectory,
  codec,
  hostname: 'crash-host',
  syncEveryRecords: 200,
  maxFileRecords: 3000, // a few files are published before the kill, one is left open
});
await sink.open();
process.stdout.write('ready\n');
let next = Number(start);
for (let round = 0; ; round++) {
  await sink.write(divolteBatch(next, next + 50));
  next += 50;
  if (round % 8 === 7) {
    await sink.flush();
    process.stdout.write(`synced ${next}\n`);
  }
}
