import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { open, readdir, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, bench, describe } from 'vitest';
import { createFileSink } from './index';
import { createRecordType, encodeHeader, encodeVarLong } from './internal/container';
import { BATCH, createWorkload, SYNC_EVERY } from '../scripts/bench-workload.ts';
import { divolteEventRecord } from '../test/helpers.ts';

const root = mkdtempSync(join(tmpdir(), 'tributary-file-sink-bench-'));
const work = join(root, 'work');
const pub = join(root, 'pub');
mkdirSync(work);
mkdirSync(pub);
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

const { records, blocks } = createWorkload();
const sync = Buffer.alloc(16, 7);
// Exactly the container the sink writes with the null codec: header, then framed blocks.
const containerBlocks = [
  encodeHeader(JSON.stringify(divolteEventRecord.schema), 'null', sync),
  ...blocks.map((b) =>
    Buffer.concat([encodeVarLong(SYNC_EVERY), encodeVarLong(b.length), b, sync]),
  ),
];

const type = createRecordType(divolteEventRecord.schema);
const scratch = Buffer.alloc(8 * 1024 * 1024);

async function clearPublished() {
  for (const name of await readdir(pub)) await unlink(join(pub, name));
}

async function viaSink(codec: 'null' | 'deflate') {
  const sink = createFileSink({
    schema: divolteEventRecord,
    workingDirectory: work,
    publishDirectory: pub,
    codec,
    syncEveryRecords: SYNC_EVERY,
  });
  for (let i = 0; i < records.length; i += BATCH) await sink.write(records.slice(i, i + BATCH));
  await sink.close();
  await clearPublished();
}

const options = { time: 4000, iterations: 8, warmupIterations: 2 };

describe('write 10,000 Divolte records (4.7 MB), fsync every 1,000', () => {
  bench(
    'baseline: raw write + fdatasync of the same Avro bytes',
    async () => {
      const path = join(work, 'raw.avro');
      const handle = await open(path, 'w');
      let position = 0;
      for (const block of containerBlocks) {
        await handle.write(block, 0, block.length, position);
        position += block.length;
        await handle.datasync();
      }
      await handle.close();
      await unlink(path);
    },
    options,
  );
  // Not a sink: what encoding the records costs (avsc with the sink's long and string types),
  // which the baseline gets for free.
  bench(
    'encoding alone, no I/O (for context)',
    () => {
      let position = 0;
      for (const record of records) position = type.encode(record.value, scratch, position);
    },
    options,
  );
  bench('file-sink, null codec (encode + write + fsync + publish)', () => viaSink('null'), options);
  bench('file-sink, deflate codec', () => viaSink('deflate'), options);
});
