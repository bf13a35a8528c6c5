import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import avro from 'avsc';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileSink } from '../index';
import { getHeaderType } from './container';
import { scanContainer, type ReadableHandle } from './container-scan';
import {
  createTempDirs,
  divolteBatch,
  divolteEventRecord,
  listFiles,
  numbers,
  range,
} from '../../test/helpers.ts';

let dirs: ReturnType<typeof createTempDirs> | undefined;
afterEach(() => {
  dirs?.cleanup();
  dirs = undefined;
});

function memoryHandle(bytes: Uint8Array): ReadableHandle {
  return {
    read: (buffer, offset, length, position) => {
      const chunk = bytes.subarray(position, position + length);
      buffer.set(chunk, offset);
      return Promise.resolve({ bytesRead: chunk.length });
    },
  };
}

function decodeContainer(bytes: Uint8Array): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const records: unknown[] = [];
    const decoder = new avro.streams.BlockDecoder();
    decoder.on('data', (r: unknown) => records.push(r));
    decoder.on('end', () => {
      resolve(records);
    });
    decoder.on('error', reject);
    decoder.end(Buffer.from(bytes));
  });
}

/** A container of 60 records in blocks of 7 (one with the given codec). */
async function sampleFile(codec: 'null' | 'deflate'): Promise<Buffer> {
  dirs = createTempDirs();
  const sink = createFileSink({
    schema: divolteEventRecord,
    workingDirectory: dirs.work,
    publishDirectory: dirs.pub,
    syncEveryRecords: 7,
    codec,
  });
  for (let n = 0; n < 60; n += 7) {
    await sink.write(divolteBatch(n, Math.min(60, n + 7)));
    await sink.flush();
  }
  await sink.close();
  return readFileSync(join(dirs.pub, listFiles(dirs.pub)[0]!));
}

describe('scanContainer', () => {
  it.each(['null', 'deflate'] as const)(
    'finds, for a file cut anywhere, the longest prefix that is a valid container (%s)',
    async (codec) => {
      const file = await sampleFile(codec);
      const full = await scanContainer(memoryHandle(file), file.length);
      expect(full).toEqual({
        header: true,
        end: 'end',
        validLength: file.length,
        blocks: 9,
        records: 60,
      });
      // Every 23rd byte, and every byte of the header's start and the file's end.
      const cuts = range(0, file.length + 1).filter(
        (cut) => cut % 23 === 0 || cut < 64 || cut > file.length - 64,
      );
      let previous = 0;
      for (const cut of cuts) {
        const prefix = file.subarray(0, cut);
        const scan = await scanContainer(memoryHandle(prefix), cut);
        expect(scan.validLength).toBeLessThanOrEqual(cut);
        expect(scan.records).toBeGreaterThanOrEqual(previous);
        // A cut after the header is what a crash leaves: torn, never taken for damage. (Inside
        // the header, recovery compares with its own header: the scan cannot tell.)
        if (scan.header) expect(scan.end).toBe(scan.validLength === cut ? 'end' : 'torn');
        previous = scan.records;
        if (scan.header && cut % 5 === 0) {
          const records = await decodeContainer(prefix.subarray(0, scan.validLength));
          expect(numbers(records)).toEqual(range(0, scan.records));
        }
      }
    },
    30_000,
  );

  it('never throws on arbitrary bytes, and ignores garbage after the last block', async () => {
    const file = await sampleFile('null');
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), async (bytes) => {
        const alone = await scanContainer(memoryHandle(bytes), bytes.length);
        expect(alone.records).toBe(0);
        const withTail = Buffer.concat([file, bytes]);
        const scan = await scanContainer(memoryHandle(withTail), withTail.length);
        expect(scan.records).toBe(60);
        expect(scan.validLength).toBe(file.length);
      }),
      { numRuns: 200 },
    );
  });

  it('rejects a block whose sync marker or contents are damaged', async () => {
    const file = Buffer.from(await sampleFile('null'));
    const full = await scanContainer(memoryHandle(file), file.length);
    file[file.length - 1]! ^= 0xff; // the last block's sync marker
    const scan = await scanContainer(memoryHandle(file), file.length);
    // Nothing follows it, so it cannot be told from a write the crash cut inside the marker.
    expect(scan).toMatchObject({ blocks: full.blocks - 1, records: 56, end: 'torn' });
    // The first block's marker: later blocks show that synced data follows.
    file[file.length - 1]! ^= 0xff;
    const headerEnd = getHeaderType().decode(file, 0).offset;
    const sync = file.subarray(headerEnd - 16, headerEnd);
    const firstMarker = file.indexOf(sync, headerEnd);
    file[firstMarker]! ^= 0xff;
    const first = await scanContainer(memoryHandle(file), file.length);
    expect(first).toMatchObject({ blocks: 0, records: 0, end: 'damaged' });
    // The header's marker: every block ends with another one, as the second block's shows.
    file[firstMarker]! ^= 0xff;
    file[headerEnd - 1]! ^= 0xff;
    const header = await scanContainer(memoryHandle(file), file.length);
    expect(header).toMatchObject({ header: true, blocks: 0, end: 'damaged' });
  });

  it('calls damage with blocks after it damaged, and a bad tail with none after it torn', async () => {
    const file = await sampleFile('null');
    const full = await scanContainer(memoryHandle(file), file.length);
    // A byte of the third block's records made invalid UTF-8: later blocks' markers follow.
    const third = Buffer.from(file);
    const at = third.indexOf('https://shop.example/products/14', 0, 'latin1');
    third[at] = 0xff;
    const damaged = await scanContainer(memoryHandle(third), third.length);
    expect(damaged).toMatchObject({ blocks: 2, records: 14, end: 'damaged' });
    // Garbage after the last block, with no marker in it: never synced, so torn.
    const tail = Buffer.concat([file, Buffer.from('garbage that is no block at all')]);
    const torn = await scanContainer(memoryHandle(tail), tail.length);
    expect(torn).toMatchObject({ blocks: full.blocks, validLength: file.length, end: 'torn' });
  });
});
