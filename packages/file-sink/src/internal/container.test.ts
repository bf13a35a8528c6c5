import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import avro from 'avsc';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileSink } from '../index';
import { scanContainer, type ReadableHandle } from './container';
import { safeLongType } from './safe-long';
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
      expect(full).toEqual({ header: true, validLength: file.length, blocks: 9, records: 60 });
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
        previous = scan.records;
        if (scan.header && cut % 5 === 0) {
          const records = await decodeContainer(prefix.subarray(0, scan.validLength));
          expect(numbers(records)).toEqual(range(0, scan.records));
        }
      }
    },
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
    expect(scan.blocks).toBe(full.blocks - 1);
    expect(scan.records).toBe(56);
  });
});

describe('the exact long type', () => {
  const reference = (n: number): Buffer => {
    let z = BigInt.asUintN(64, (BigInt(n) << 1n) ^ (BigInt(n) >> 63n));
    const out: number[] = [];
    do {
      let byte = Number(z & 0x7fn);
      z >>= 7n;
      if (z !== 0n) byte |= 0x80;
      out.push(byte);
    } while (z !== 0n);
    return Buffer.from(out);
  };

  it('encodes and decodes every safe integer exactly (zigzag varint)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.maxSafeInteger(), fc.integer()), (n) => {
        const encoded = safeLongType.toBuffer(n);
        expect(encoded).toEqual(reference(n));
        expect(safeLongType.fromBuffer(encoded)).toBe(n);
      }),
      { numRuns: 5000 },
    );
    for (const n of [
      Number.MIN_SAFE_INTEGER,
      -(2 ** 52) - 1,
      -(2 ** 52),
      2 ** 52,
      Number.MAX_SAFE_INTEGER,
    ]) {
      expect(safeLongType.fromBuffer(safeLongType.toBuffer(n))).toBe(n);
      expect(safeLongType.toBuffer(n)).toEqual(reference(n));
    }
  });

  it('is needed: avsc 5.7’s own long writes values below -2^52 wrongly', () => {
    const n = Number.MIN_SAFE_INTEGER + 1; // -(2^53 - 2)
    expect(avro.Type.forSchema('long').toBuffer(n)).not.toEqual(reference(n));
  });

  it('rejects unsafe or fractional values and decodes larger longs as an error', () => {
    expect(() => safeLongType.toBuffer(2 ** 53)).toThrow();
    expect(() => safeLongType.toBuffer(1.5)).toThrow();
    expect(safeLongType.isValid(2 ** 53)).toBe(false);
    const beyondSafe = Buffer.from([0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]);
    expect(() => {
      safeLongType.fromBuffer(beyondSafe);
    }).toThrow(/precision/);
  });
});
