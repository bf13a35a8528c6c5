import { appendFile, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeFrames, encodeFrames, Spool, type EncodedRecord } from './spool';

const record = (i: number, key: string | null = `k${i % 5}`): EncodedRecord => ({
  key: key === null ? null : Buffer.from(key),
  value: Buffer.from(`value-${i}-${'v'.repeat(i % 40)}`),
  timestamp: String(1_700_000_000_000 + i),
});

async function drain(spool: Spool, chunk = 7): Promise<EncodedRecord[]> {
  const out: EncodedRecord[] = [];
  for (let next = await spool.next(chunk); next !== null; next = await spool.next(chunk)) {
    out.push(...next.records);
    await next.commit();
  }
  return out;
}

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'spool-test-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('spool frames', () => {
  it('round-trip any records', () => {
    const arbitrary = fc.record({
      key: fc.option(
        fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b)),
        { nil: null },
      ),
      value: fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
      timestamp: fc.integer({ min: 0, max: 2 ** 45 }).map(String),
    });
    fc.assert(
      fc.property(fc.array(arbitrary, { maxLength: 20 }), (records) => {
        const frames = encodeFrames(records);
        const { records: decoded, end } = decodeFrames(frames, 0, Infinity);
        expect(end).toBe(frames.length);
        expect(decoded).toEqual(records);
      }),
    );
  });

  it('stop at a torn or corrupt frame and never throw on arbitrary bytes', () => {
    const frames = encodeFrames([record(1), record(2), record(3)]);
    expect(decodeFrames(frames.subarray(0, frames.length - 3), 0, Infinity).records).toHaveLength(
      2,
    );
    const corrupt = Buffer.from(frames);
    corrupt[frames.length - 1]! ^= 0xff;
    expect(decodeFrames(corrupt, 0, Infinity).records).toHaveLength(2);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        decodeFrames(Buffer.from(bytes), 0, Infinity);
      }),
    );
  });
});

describe('Spool', () => {
  it('replays appended records in order across segments and deletes what it delivered', async () => {
    const spool = await Spool.open(directory, 300);
    const written = Array.from({ length: 60 }, (_, i) =>
      record(i, i % 9 === 0 ? null : `k${i % 5}`),
    );
    // Concurrent appends are group-committed and keep call order.
    await Promise.all([
      spool.append(written.slice(0, 10)),
      spool.append(written.slice(10, 25)),
      spool.append(written.slice(25)),
    ]);
    expect((await readdir(directory)).filter((n) => n.endsWith('.spool')).length).toBeGreaterThan(
      1,
    );
    expect(spool.hasData).toBe(true);
    expect(await drain(spool)).toEqual(written);
    expect(spool.hasData).toBe(false);
    expect(await spool.next(10)).toBeNull();
    await spool.close();
    expect(await readdir(directory)).toEqual([]);
  });

  it('resumes after a restart from the last committed chunk, ignoring a torn tail', async () => {
    const first = await Spool.open(directory, 1 << 20);
    const written = Array.from({ length: 30 }, (_, i) => record(i));
    await first.append(written);
    const chunk = await first.next(12);
    await chunk!.commit();
    // The process dies here: a record was half-written after the last fsync.
    await first.close();
    const [segment] = (await readdir(directory)).filter((n) => n.endsWith('.spool'));
    await appendFile(join(directory, segment!), encodeFrames([record(99)]).subarray(0, 9));

    const second = await Spool.open(directory, 1 << 20);
    expect(second.hasData).toBe(true);
    expect(await drain(second)).toEqual(written.slice(12));
    await second.close();
    expect(await readdir(directory)).toEqual([]);
  });

  it('ignores a checkpoint it cannot read', async () => {
    const first = await Spool.open(directory, 1 << 20);
    await first.append([record(1), record(2)]);
    await first.close();
    await writeFile(join(directory, 'checkpoint.json'), '{"sequence":');
    const second = await Spool.open(directory, 1 << 20);
    expect(await drain(second)).toEqual([record(1), record(2)]);
  });
});
