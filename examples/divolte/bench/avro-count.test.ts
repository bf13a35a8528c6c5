import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileSink } from '@tributary/file-sink';
import type { AvroRecordSchema } from '@tributary/schema';
import avro from 'avsc';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { countContainerRecords, countRecordsIn } from './avro-count';

// The bench's proof that every accepted event reached the Avro output rests on this counter, so
// it is checked against files written by the real file sink and read back by avsc.
const schema: AvroRecordSchema = {
  type: 'record',
  name: 'BenchRecord',
  namespace: 'io.tributary.bench',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'text', type: 'string' },
  ],
};

const directories: string[] = [];
afterEach(async () => {
  await Promise.all(directories.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Writes `count` records through the file sink in blocks of `every`; returns the published files. */
async function writeFiles(
  count: number,
  every: number,
  codec: 'null' | 'deflate',
): Promise<{ dir: string; files: Uint8Array[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'tributary-avro-count-'));
  directories.push(dir);
  const sink = createFileSink({
    schema,
    workingDirectory: join(dir, 'working'),
    publishDirectory: join(dir, 'published'),
    syncEveryRecords: every,
    codec,
  });
  await sink.open();
  // A flush after each `every` records makes one block each, as the sink's syncs do under load.
  for (let first = 0; first < count; first += every) {
    const ids = Array.from({ length: Math.min(every, count - first) }, (_, i) => first + i);
    await sink.write(
      ids.map((id) => ({ key: String(id), timestamp: 0, value: { id, text: `record ${id}` } })),
    );
    await sink.flush();
  }
  await sink.close();
  const names = await readdir(join(dir, 'published'));
  return {
    dir,
    files: await Promise.all(names.map((name) => readFile(join(dir, 'published', name)))),
  };
}

/** Records avsc decodes from a whole container file: the independent reference. */
function decodedCount(bytes: Uint8Array): Promise<number> {
  return new Promise((resolve, reject) => {
    let records = 0;
    const decoder = new avro.streams.BlockDecoder();
    decoder.on('data', () => records++);
    decoder.on('end', () => {
      resolve(records);
    });
    decoder.on('error', reject);
    decoder.end(Buffer.from(bytes));
  });
}

describe('countContainerRecords', () => {
  it('counts what avsc decodes, for the null and the deflate codec', async () => {
    for (const codec of ['null', 'deflate'] as const) {
      const { files } = await writeFiles(2_345, 100, codec);
      let counted = 0;
      for (const file of files) {
        const records = countContainerRecords(file);
        expect(records).toBe(await decodedCount(file));
        counted += records;
      }
      expect(counted).toBe(2_345);
    }
  });

  it('counts only the whole blocks of a file cut anywhere (a .partial being written)', async () => {
    const { files } = await writeFiles(250, 40, 'null');
    const file = Buffer.from(files[0]!);
    // Where each block ends, found independently: a container file ends with its sync marker, which
    // also follows the header and every block. Blocks hold 40 records (the sync every 40), the last 10.
    const marker = file.subarray(file.length - 16);
    const blockEnds: number[] = [];
    for (let at = file.indexOf(marker); at >= 0; at = file.indexOf(marker, at + 1)) {
      blockEnds.push(at + 16);
    }
    blockEnds.shift(); // the header's
    expect(blockEnds).toHaveLength(7);
    for (let end = 0; end <= file.length; end++) {
      const whole = blockEnds.filter((blockEnd) => blockEnd <= end).length;
      const expected = whole === 7 ? 250 : whole * 40;
      expect(countContainerRecords(file.subarray(0, end))).toBe(expected);
    }
  });

  it('returns a count for any bytes and never throws', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        const withMagic = Uint8Array.from([0x4f, 0x62, 0x6a, 0x01, ...bytes]);
        for (const input of [bytes, withMagic]) {
          const counted = countContainerRecords(input);
          expect(Number.isFinite(counted)).toBe(true);
        }
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('countRecordsIn', () => {
  it('sums the files of a folder tree by suffix and reads a missing folder as empty', async () => {
    const { dir } = await writeFiles(1_000, 100, 'null');
    expect(await countRecordsIn(dir)).toEqual({ records: 1_000, files: 1 });
    expect(await countRecordsIn(dir, ['.partial'])).toEqual({ records: 0, files: 0 });
    expect(await countRecordsIn(join(dir, 'absent'))).toEqual({ records: 0, files: 0 });
  });
});
