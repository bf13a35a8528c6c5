import {
  appendFileSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defineRecord, avro as types } from '@tributary/schema';
import { createFileSink, FileSinkError, type FileSinkOptions } from './index';
import {
  createTempDirs,
  divolteBatch,
  ioError,
  withFaults,
  divolteEventRecord,
  listFiles,
  numbers,
  range,
  readAll,
  readWithAvsc,
} from '../test/helpers.ts';
import { createManualTime } from '../test/manual-time.ts';
import type { DivolteEventRecord } from '@tributary/schema';

const START = Date.UTC(2026, 10, 28, 3, 59, 0); // 2026-11-28 03:59:00 UTC

let dirs: ReturnType<typeof createTempDirs>;
afterEach(() => {
  dirs.cleanup();
});

function sinkWith(options: Partial<FileSinkOptions<DivolteEventRecord>> = {}) {
  dirs = createTempDirs();
  const time = createManualTime(START);
  const sink = createFileSink({
    schema: divolteEventRecord,
    workingDirectory: dirs.work,
    publishDirectory: dirs.pub,
    hostname: 'test-host',
    clock: time.clock,
    scheduler: time.scheduler,
    ...options,
  });
  return { sink, time };
}

describe('createFileSink', () => {
  it('writes records to an Avro container published under a Divolte-style name', async () => {
    const { sink } = sinkWith();
    await sink.write(divolteBatch(0, 10));
    await sink.write(divolteBatch(10, 25));
    expect(listFiles(dirs.pub)).toEqual([]); // still open
    await sink.close();
    const files = listFiles(dirs.pub);
    expect(files).toEqual(['20261128035900-tributary-test-host-0.avro']);
    expect(listFiles(dirs.work)).toEqual([]);
    const records = await readWithAvsc(join(dirs.pub, files[0]!));
    expect(records).toEqual(divolteBatch(0, 25).map((r) => r.value));
    expect(sink.metrics()).toMatchObject({
      recordsWritten: 25,
      recordsSynced: 25,
      filesPublished: 1,
      bufferedRecords: 0,
      errors: 0,
      bytesSynced: statSync(join(dirs.pub, files[0]!)).size,
    });
  });

  it('keeps the .partial file a valid container after every sync', async () => {
    const { sink } = sinkWith({ syncEveryRecords: 10 });
    await sink.write(divolteBatch(0, 9));
    await new Promise((r) => setTimeout(r, 20));
    expect(sink.metrics().recordsSynced).toBe(0); // 9 < 10: buffered only
    await sink.write(divolteBatch(9, 10));
    await vi.waitFor(() => {
      expect(sink.metrics().recordsSynced).toBe(10);
    });
    const partial = listFiles(dirs.work);
    expect(partial).toEqual(['20261128035900-tributary-test-host-0.avro.partial']);
    expect(numbers(await readWithAvsc(join(dirs.work, partial[0]!)))).toEqual(range(0, 10));
    await sink.write(divolteBatch(10, 23));
    await vi.waitFor(() => {
      expect(sink.metrics().recordsSynced).toBe(23);
    });
    expect(numbers(await readWithAvsc(join(dirs.work, partial[0]!)))).toEqual(range(0, 23));
    expect(sink.metrics().syncs).toBe(2);
    await sink.close();
  });

  it('syncs buffered records once syncEveryMs has passed since the oldest arrived', async () => {
    const { sink, time } = sinkWith({ syncEveryMs: 30_000 });
    await sink.write(divolteBatch(0, 3));
    time.advance(29_999);
    await new Promise((r) => setTimeout(r, 20));
    expect(sink.metrics().recordsSynced).toBe(0);
    time.advance(1);
    await vi.waitFor(() => {
      expect(sink.metrics().recordsSynced).toBe(3);
    });
    await sink.close();
  });

  it('rolls on interval boundaries (UTC) into date/hour sub-directories', async () => {
    const { sink, time } = sinkWith({ subdirectories: 'hour', syncEveryRecords: 1 });
    await sink.write(divolteBatch(0, 5)); // opened 03:59:00, rolls at 04:00:00
    await vi.waitFor(() => {
      expect(sink.metrics().recordsSynced).toBe(5);
    });
    time.advance(59_999);
    await new Promise((r) => setTimeout(r, 20));
    expect(listFiles(dirs.pub)).toEqual([]);
    time.advance(1);
    await vi.waitFor(() => {
      expect(listFiles(dirs.pub)).toEqual([
        '2026-11-28/03/20261128035900-tributary-test-host-0.avro',
      ]);
    });
    time.advance(5 * 60_000);
    await sink.write(divolteBatch(5, 8));
    await sink.close();
    expect(listFiles(dirs.pub)).toEqual([
      '2026-11-28/03/20261128035900-tributary-test-host-0.avro',
      '2026-11-28/04/20261128040500-tributary-test-host-1.avro',
    ]);
    expect(numbers(await readAll(dirs.pub))).toEqual(range(0, 8));
  });

  it('rolls by record count, with Divolte’s file names', async () => {
    const { sink } = sinkWith({
      maxFileRecords: 10,
      syncEveryRecords: 4,
      prefix: 'divolte-tracking',
    });
    for (let n = 0; n < 25; n += 5) await sink.write(divolteBatch(n, n + 5));
    await sink.close();
    const files = listFiles(dirs.pub);
    expect(files).toEqual(
      [0, 1, 2].map((n) => `20261128035900-divolte-tracking-test-host-${n}.avro`),
    );
    const counts = await Promise.all(
      files.map(async (f) => (await readWithAvsc(join(dirs.pub, f))).length),
    );
    expect(counts).toEqual([10, 10, 5]);
    expect(numbers(await readAll(dirs.pub))).toEqual(range(0, 25));
  });

  it.each(['null', 'deflate'] as const)(
    'rolls by size, never past maxFileBytes (%s codec)',
    async (codec) => {
      const { sink } = sinkWith({ maxFileBytes: 4000, syncEveryRecords: 3, codec });
      await sink.write(divolteBatch(0, 40));
      await sink.close();
      const files = listFiles(dirs.pub);
      expect(files.length).toBeGreaterThan(codec === 'null' ? 4 : 1);
      for (const f of files) expect(statSync(join(dirs.pub, f)).size).toBeLessThanOrEqual(4000);
      expect(numbers(await readAll(dirs.pub))).toEqual(range(0, 40));
    },
  );

  it('gives a record larger than maxFileBytes a file of its own', async () => {
    const { sink } = sinkWith({ maxFileBytes: 100 });
    await sink.write(divolteBatch(0, 3));
    await sink.close();
    expect(listFiles(dirs.pub)).toHaveLength(3);
    expect(numbers(await readAll(dirs.pub))).toEqual(range(0, 3));
  });

  it('never publishes an empty file, and never drops records written since the last sync', async () => {
    const { sink } = sinkWith({ syncEveryRecords: 1000 });
    await sink.roll();
    expect(listFiles(dirs.pub)).toEqual([]);
    expect(listFiles(dirs.work)).toEqual([]);
    // Divolte deletes a file whose records all arrived after its last sync when it rolls.
    await sink.write(divolteBatch(0, 5));
    await sink.roll();
    expect(numbers(await readAll(dirs.pub))).toEqual(range(0, 5));
    await sink.roll();
    await sink.close();
    expect(listFiles(dirs.pub)).toHaveLength(1);
    expect(sink.metrics().filesDiscarded).toBe(0);
  });

  it('writes the deflate codec', async () => {
    const { sink } = sinkWith({ codec: 'deflate' });
    await sink.write(divolteBatch(0, 100));
    await sink.close();
    const [file] = listFiles(dirs.pub);
    expect(readFileSync(join(dirs.pub, file!)).includes('deflate')).toBe(true);
    expect(numbers(await readWithAvsc(join(dirs.pub, file!)))).toEqual(range(0, 100));
    // Repetitive clickstream records compress well.
    expect(sink.metrics().bytesSynced).toBeLessThan(100 * 100);
  });

  it('rejects a batch with an unencodable record, accepting none of it', async () => {
    const { sink } = sinkWith();
    await sink.write(divolteBatch(0, 2));
    const bad = divolteBatch(2, 5);
    (bad[1]!.value as { screenPixelWidth: unknown }).screenPixelWidth = 'wide';
    const error = await sink.write(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileSinkError);
    expect(error).toMatchObject({ name: 'FileSinkError', code: 'unencodable_record' });
    expect(sink.metrics()).toMatchObject({ recordsWritten: 2, bufferedRecords: 2 });
    await sink.write(divolteBatch(5, 6));
    await sink.close();
    expect(numbers(await readAll(dirs.pub))).toEqual([0, 1, 5]);
  });

  it('rejects writes after close; close is idempotent', async () => {
    const { sink } = sinkWith();
    await sink.write(divolteBatch(0, 1));
    await Promise.all([sink.close(), sink.close()]);
    await sink.close();
    await expect(sink.write(divolteBatch(1, 2))).rejects.toMatchObject({ code: 'closed' });
    expect(listFiles(dirs.pub)).toHaveLength(1);
  });

  it('rejects open and write with an io error when a directory cannot be made', async () => {
    dirs = createTempDirs();
    mkdirSync(dirs.root, { recursive: true });
    writeFileSync(join(dirs.root, 'file'), 'x');
    const sink = createFileSink({
      schema: divolteEventRecord,
      workingDirectory: join(dirs.root, 'file', 'work'),
      publishDirectory: dirs.pub,
    });
    await expect(sink.open()).rejects.toMatchObject({ name: 'FileSinkError', code: 'io' });
    await expect(sink.write(divolteBatch(0, 1))).rejects.toMatchObject({ code: 'io' });
    expect(sink.metrics().recordsWritten).toBe(0);
  });

  it('close() racing with writes: a write either resolves and is published, or rejects', async () => {
    const { sink } = sinkWith({ syncEveryRecords: 30, maxBufferedBytes: 20_000 });
    await sink.open();
    // The first writes fill the buffer; the others wait for room and meet the close.
    const writes = range(0, 60).map((i) =>
      sink.write(divolteBatch(i * 10, i * 10 + 10)).then(
        () => 'accepted' as const,
        (error: unknown) => (error as FileSinkError).code,
      ),
    );
    await writes[0];
    await sink.close();
    const outcomes = await Promise.all(writes);
    expect(new Set(outcomes)).toEqual(new Set(['accepted', 'closed']));
    const accepted = range(0, 60).filter((i) => outcomes[i] === 'accepted');
    expect(numbers(await readAll(dirs.pub))).toEqual(
      accepted.flatMap((i) => range(i * 10, i * 10 + 10)),
    );
    expect(sink.metrics().recordsWritten).toBe(accepted.length * 10);
  });

  it('validates its options', () => {
    dirs = createTempDirs();
    const base = {
      schema: divolteEventRecord,
      workingDirectory: dirs.work,
      publishDirectory: dirs.pub,
    };
    expect(() => createFileSink({ ...base, syncEveryRecords: 0 })).toThrow(FileSinkError);
    expect(() => createFileSink({ ...base, prefix: 'a/b' })).toThrow(/file name/);
    expect(() => createFileSink({ ...base, deflateLevel: 12 })).toThrow(/deflateLevel/);
    expect(() =>
      createFileSink({
        ...base,
        schema: { type: 'record', name: 'R', fields: [{ name: 'x', type: 'nope' }] },
      }),
    ).toThrow(expect.objectContaining({ code: 'invalid_options' }) as Error);
    // avsc takes a nested record without a name; Java and fastavro reject such a file.
    const anonymous = { type: 'record', fields: [{ name: 'x', type: 'int' }] };
    expect(() =>
      createFileSink({
        ...base,
        schema: { type: 'record', name: 'R', fields: [{ name: 'r', type: anonymous }] },
      } as unknown as typeof base),
    ).toThrow(expect.objectContaining({ code: 'invalid_options' }) as Error);
  });

  it('writes longs exactly over the whole safe-integer range (avsc 5.7 alone does not)', async () => {
    const record = defineRecord({ name: 'L', fields: { v: types.long() } });
    dirs = createTempDirs();
    const sink = createFileSink({
      schema: record,
      workingDirectory: dirs.work,
      publishDirectory: dirs.pub,
    });
    const values = [
      Number.MIN_SAFE_INTEGER,
      -(2 ** 52) - 1,
      -(2 ** 52),
      -1,
      0,
      2 ** 52 + 1,
      Number.MAX_SAFE_INTEGER,
    ];
    await sink.write(values.map((v) => ({ key: null, timestamp: 0, value: { v } })));
    await sink.close();
    expect(await readAll(dirs.pub)).toEqual(values.map((v) => ({ v })));
  });

  it('applies backpressure: write waits while the buffer is full', async () => {
    let release!: () => void;
    let gate = new Promise<void>((r) => (release = r));
    const slow = withFaults({
      datasync: async (real) => {
        await gate;
        await real.datasync();
      },
    });
    const { sink } = sinkWith({ fileSystem: slow, maxBufferedBytes: 4000, syncEveryRecords: 1000 });
    await sink.write(divolteBatch(0, 10)); // ~4 KB: full, a sync starts and blocks on the gate
    let resolved = false;
    const blocked = sink.write(divolteBatch(10, 11)).then(() => (resolved = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(resolved).toBe(false);
    release();
    await blocked;
    expect(resolved).toBe(true);
    gate = Promise.resolve();
    await sink.close();
    expect(numbers(await readAll(dirs.pub))).toEqual(range(0, 11));
  });

  it('retries failed syncs with backoff and loses nothing', async () => {
    let failuresLeft = 3;
    const flaky = withFaults({
      writev: async (real, buffers, position) => {
        if (failuresLeft > 0) {
          failuresLeft -= 1;
          // A short write, then the disk is full.
          await real.writev([buffers[0]!.subarray(0, 3)], position);
          throw ioError('ENOSPC');
        }
        return real.writev(buffers, position);
      },
    });
    const warnings: string[] = [];
    const logger = {
      debug() {},
      info() {},
      error() {},
      warn: (message: string) => warnings.push(message),
    };
    const { sink, time } = sinkWith({
      fileSystem: flaky,
      syncEveryRecords: 5,
      retryDelayMs: 100,
      logger,
    });
    await sink.write(divolteBatch(0, 5)); // the sync fails in the background
    await vi.waitFor(() => {
      expect(sink.metrics().errors).toBe(1);
    });
    await sink.write(divolteBatch(5, 12)); // accepted while failing; no retry before the backoff
    await new Promise((r) => setTimeout(r, 20));
    expect(sink.metrics().errors).toBe(1);
    await expect(sink.flush()).rejects.toMatchObject({ code: 'io' }); // failure 2
    time.advance(200); // failure 3 (backoff 200 ms after two failures)
    await vi.waitFor(() => {
      expect(sink.metrics().errors).toBe(3);
    });
    time.advance(400);
    await vi.waitFor(() => {
      expect(sink.metrics().recordsSynced).toBe(12);
    });
    await sink.close();
    expect(numbers(await readAll(dirs.pub))).toEqual(range(0, 12));
    expect(sink.metrics()).toMatchObject({ errors: 3, recordsWritten: 12, filesPublished: 1 });
    expect(warnings).toEqual([
      'file-sink: sync failed; retrying in 100 ms',
      'file-sink: flush failed; retrying in 200 ms',
      'file-sink: sync failed; retrying in 400 ms',
    ]);
  });

  it('abandons a file it cannot cut back, publishes it through recovery, and loses nothing', async () => {
    let writevFailures = 0;
    let truncateFailures = 0;
    const broken = withFaults({
      writev: async (real, buffers, position) => {
        if (writevFailures > 0) {
          writevFailures -= 1;
          await real.writev([buffers[0]!.subarray(0, 5)], position); // a torn block
          throw ioError('EIO');
        }
        return real.writev(buffers, position);
      },
      truncate: async (real, length) => {
        if (truncateFailures > 0) {
          truncateFailures -= 1;
          throw ioError('EIO');
        }
        await real.truncate(length);
      },
    });
    const { sink, time } = sinkWith({ fileSystem: broken, syncEveryRecords: 5 });
    await sink.write(divolteBatch(0, 5));
    await sink.flush(); // block 1 synced
    writevFailures = 1;
    truncateFailures = 1;
    await sink.write(divolteBatch(5, 10)); // its sync fails in the background
    await vi.waitFor(() => {
      expect(sink.metrics().errors).toBe(1);
    });
    expect(listFiles(dirs.work)).toHaveLength(1); // abandoned, still .partial, torn
    expect(sink.metrics()).toMatchObject({ bufferedRecords: 5, recordsSynced: 5 });
    time.advance(1000);
    await vi.waitFor(() => {
      expect(sink.metrics().recordsSynced).toBe(10);
      expect(sink.metrics().filesRecovered).toBe(1);
    });
    await sink.close();
    expect(listFiles(dirs.work)).toEqual([]);
    expect(listFiles(dirs.pub)).toHaveLength(2);
    expect(numbers(await readAll(dirs.pub))).toEqual(range(0, 10));
  });
});

describe('recovery at open', () => {
  async function crashedPartial(codec: 'null' | 'deflate' = 'null') {
    const { sink } = sinkWith({ syncEveryRecords: 10, codec });
    // Three blocks of ten.
    for (let n = 10; n <= 30; n += 10) {
      await sink.write(divolteBatch(n - 10, n));
      await vi.waitFor(() => {
        expect(sink.metrics().recordsSynced).toBe(n);
      });
    }
    // What a crash leaves: a copy of the .partial file as it is now, in directories of its own.
    const [partial] = listFiles(dirs.work);
    const crashed = createTempDirs();
    mkdirSync(crashed.work);
    copyFileSync(join(dirs.work, partial!), join(crashed.work, partial!));
    await sink.close();
    dirs.cleanup();
    dirs = crashed;
    return join(dirs.work, partial!);
  }

  function reopen(options: Partial<FileSinkOptions<DivolteEventRecord>> = {}) {
    return createFileSink({
      schema: divolteEventRecord,
      workingDirectory: dirs.work,
      publishDirectory: dirs.pub,
      hostname: 'test-host',
      ...options,
    });
  }

  it('publishes a partial file with every synced record', async () => {
    await crashedPartial();
    const sink = reopen();
    await sink.open();
    expect(listFiles(dirs.work)).toEqual([]);
    expect(listFiles(dirs.pub)).toEqual(['20261128035900-tributary-test-host-0.avro']);
    expect(numbers(await readAll(dirs.pub))).toEqual(range(0, 30));
    expect(sink.metrics()).toMatchObject({ filesRecovered: 1, recordsRecovered: 30 });
    await sink.close();
  });

  it('publishes into the sub-directory of the time in the file name', async () => {
    await crashedPartial();
    const sink = reopen({ subdirectories: 'date' });
    await sink.open();
    expect(listFiles(dirs.pub)).toEqual(['2026-11-28/20261128035900-tributary-test-host-0.avro']);
    await sink.close();
  });

  it.each(['null', 'deflate'] as const)(
    'truncates a torn last block so the file is a valid container (%s)',
    async (codec) => {
      const path = await crashedPartial(codec);
      const size = statSync(path).size;
      const bytes = readFileSync(path);
      // The start of a fourth block, cut off mid-way, as a kill -9 during a write leaves it.
      appendFileSync(path, bytes.subarray(size - 150, size - 40));
      const sink = reopen();
      await sink.open();
      const [file] = listFiles(dirs.pub);
      expect(statSync(join(dirs.pub, file!)).size).toBe(size);
      expect(numbers(await readWithAvsc(join(dirs.pub, file!)))).toEqual(range(0, 30));
      await sink.close();
    },
  );

  it('removes partial files that hold no complete block, and leaves foreign files alone', async () => {
    await crashedPartial();
    const path = listFiles(dirs.work)[0]!;
    const header = readFileSync(join(dirs.work, path)).subarray(0, 40);
    writeFileSync(join(dirs.work, '20261128035959-tributary-test-host-7.avro.partial'), header);
    writeFileSync(join(dirs.work, '20261128035959-other-test-host-0.avro.partial'), header);
    writeFileSync(join(dirs.work, 'notes.txt'), 'hello');
    const sink = reopen();
    await sink.open();
    expect(listFiles(dirs.work)).toEqual([
      '20261128035959-other-test-host-0.avro.partial',
      'notes.txt',
    ]);
    expect(sink.metrics()).toMatchObject({ filesRecovered: 1, filesDiscarded: 1 });
    await sink.close();
  });

  it('keeps damaged bytes aside instead of publishing or deleting them', async () => {
    const path = await crashedPartial();
    const bytes = readFileSync(path);
    // Invalid UTF-8 in a string of record 12, in the second block, with the third block after it.
    const at = bytes.indexOf('https://shop.example/products/12', 0, 'latin1');
    const damaged = Buffer.from(bytes);
    damaged[at] = 0xff;
    writeFileSync(path, damaged);
    // A second file whose header is damaged: the magic itself.
    const other = path.replace('-0.avro', '-5.avro');
    writeFileSync(other, Buffer.concat([Buffer.from('Obj\x02', 'latin1'), bytes.subarray(4)]));
    const sink = reopen();
    await sink.open();
    expect(sink.metrics()).toMatchObject({
      filesRecovered: 1,
      recordsRecovered: 10,
      filesSetAside: 2,
      filesDiscarded: 0,
    });
    const [published] = listFiles(dirs.pub);
    const kept = readFileSync(join(dirs.pub, published!));
    expect(numbers(await readWithAvsc(join(dirs.pub, published!)))).toEqual(range(0, 10));
    // Every byte is still there: the published prefix and the rest, and the other file whole.
    const work = listFiles(dirs.work);
    expect(work).toEqual([
      `${basename(path)}.corrupt-at-${kept.length}`,
      `${basename(other)}.corrupt`,
    ]);
    expect(Buffer.concat([kept, readFileSync(join(dirs.work, work[0]!))])).toEqual(damaged);
    await sink.close();
  });

  it('does not overwrite a published file of the same name', async () => {
    await crashedPartial();
    const [partial] = listFiles(dirs.work);
    const published = join(dirs.pub, partial!.replace('.partial', ''));
    mkdirSync(dirs.pub);
    writeFileSync(published, 'already here');
    const sink = reopen();
    await sink.open();
    expect(readFileSync(published, 'utf8')).toBe('already here');
    expect(existsSync(published.replace('.avro', '-r1.avro'))).toBe(true);
    await sink.close();
  });
});
