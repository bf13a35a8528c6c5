import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { AvroRecordSchema } from '@tributary/schema';
import { createFileSink } from './index';
import { describeWithServices } from '../../../test/services.ts';
import {
  createTempDirs,
  divolteBatch,
  divolteEventRecord,
  listFiles,
  readAll,
} from '../test/helpers.ts';
import {
  asReferenceJson,
  hasReferenceReader,
  readWithReference,
  REFERENCE_READER_INSTALL,
} from '../test/reference-reader.ts';
import { richRecordWith, richSchemaWith } from '../test/all-types.ts';

// Every type Avro has, nested, so the files are read by an implementation that shares no code
// with avsc (fastavro, Python) and compared record by record.
const richSchema = richSchemaWith([
  { name: 'n', type: ['null', 'double'] },
  { name: 'ts', type: { type: 'long', logicalType: 'timestamp-millis' } },
]);

const richRecord = richRecordWith({
  n: fc.option(fc.double(), { nil: null }),
  // fastavro turns timestamp-millis into datetimes, which span years 1 to 9999.
  ts: fc.integer({ min: -62_135_596_800_000, max: 253_402_300_799_999 }),
});

let dirs: ReturnType<typeof createTempDirs> | undefined;
afterEach(() => {
  dirs?.cleanup();
  dirs = undefined;
});

async function writeFiles(
  records: readonly unknown[],
  codec: 'null' | 'deflate',
  schema: AvroRecordSchema = richSchema,
) {
  dirs = createTempDirs();
  const sink = createFileSink<unknown>({
    schema,
    workingDirectory: dirs.work,
    publishDirectory: dirs.pub,
    codec,
    syncEveryRecords: 7,
    maxFileRecords: 40,
  });
  for (let i = 0; i < records.length; i += 9) {
    await sink.write(records.slice(i, i + 9).map((value) => ({ key: null, timestamp: 0, value })));
  }
  await sink.close();
  return listFiles(dirs.pub).map((f) => join(dirs!.pub, f));
}

describe('round trip through avsc (fast-check)', () => {
  it('any records written come back equal, in order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(richRecord, { maxLength: 60 }),
        fc.boolean(),
        async (records, deflate) => {
          await writeFiles(records, deflate ? 'deflate' : 'null');
          expect(await readAll(dirs!.pub)).toEqual(records);
          dirs!.cleanup();
        },
      ),
      { numRuns: 25 },
    );
  });

  it('handles a record far larger than the initial buffer', async () => {
    const big = fc.sample(richRecord, { numRuns: 1, seed: 1 })[0]!;
    big.s = 'x'.repeat(300_000);
    await writeFiles([big, big], 'null');
    expect(await readAll(dirs!.pub)).toEqual([big, big]);
  });
});

const fastavro = {
  name: 'Python with fastavro',
  available: hasReferenceReader(),
  start: REFERENCE_READER_INSTALL,
};

describeWithServices([fastavro], 'read back by the reference implementation (fastavro)', () => {
  it.each(['null', 'deflate'] as const)(
    'reads arbitrary records of every Avro type, across blocks and files (%s)',
    async (codec) => {
      const records = fc.sample(richRecord, { numRuns: 300, seed: 42 });
      const paths = await writeFiles(records, codec);
      expect(paths.length).toBeGreaterThan(5);
      const files = await readWithReference(paths);
      expect(files.every((f) => f.codec === codec)).toBe(true);
      expect(files.flatMap((f) => f.records)).toEqual(records.map(asReferenceJson));
    },
    60_000,
  );

  it('reads Divolte’s DefaultEventRecord files', async () => {
    const batch = divolteBatch(0, 100).map((r) => r.value);
    const paths = await writeFiles(batch, 'deflate', divolteEventRecord.schema);
    const files = await readWithReference(paths);
    expect(files.flatMap((f) => f.records)).toEqual(batch);
  });
});
