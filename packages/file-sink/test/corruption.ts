import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import avro from 'avsc';
import type { AvroRecordSchema } from '@tributary/schema';
import { createFileSink } from '../src/index.ts';
import { readBlockLength } from '../src/internal/strict-decoder.ts';
import { SYNC_SIZE } from '../src/internal/container.ts';
import { createTempDirs, listFiles, readWithAvsc } from './helpers.ts';

// Partial files as a crash or a bad disk leaves them: real files the sink wrote, then one byte
// flipped, cut short, or followed by garbage. Recovery runs on each as on a sink's start.

/** A container file the sink wrote, with where each block starts and ends. */
export interface SourceFile {
  readonly bytes: Buffer;
  readonly records: readonly unknown[];
  readonly headerLength: number;
  /** Per block: its first byte, the byte after its sync marker, and its records [from, to). */
  readonly blocks: readonly { start: number; end: number; from: number; to: number }[];
}

/** Writes `records` with the sink, one block per `perBlock` records, and returns the one file. */
export async function writeSourceFile(
  schema: AvroRecordSchema,
  records: readonly unknown[],
  codec: 'null' | 'deflate',
  perBlock: number,
): Promise<SourceFile> {
  const dirs = createTempDirs();
  try {
    const sink = createFileSink<unknown>({
      schema,
      workingDirectory: dirs.work,
      publishDirectory: dirs.pub,
      codec,
      hostname: 'source',
    });
    for (let i = 0; i < records.length; i += perBlock) {
      const slice = records.slice(i, i + perBlock);
      await sink.write(slice.map((value) => ({ key: null, timestamp: 0, value })));
      await sink.flush();
    }
    await sink.close();
    const [name] = listFiles(dirs.pub);
    const path = join(dirs.pub, name!);
    const bytes = readFileSync(path);
    const written = await readWithAvsc(path);
    return { bytes, records: written, ...blocksOf(bytes, written.length) };
  } finally {
    dirs.cleanup();
  }
}

const headerType = avro.Type.forSchema({
  type: 'record',
  name: 'Header',
  fields: [
    { name: 'magic', type: { type: 'fixed', name: 'Magic', size: 4 } },
    { name: 'meta', type: { type: 'map', values: 'bytes' } },
    { name: 'sync', type: { type: 'fixed', name: 'Sync', size: 16 } },
  ],
});

function blocksOf(bytes: Buffer, total: number) {
  const headerLength = headerType.decode(bytes, 0).offset;
  const blocks = [];
  let pos = headerLength;
  let from = 0;
  while (pos < bytes.length) {
    const count = readBlockLength(bytes, pos) as { value: number; next: number };
    const size = readBlockLength(bytes, count.next) as { value: number; next: number };
    const end = size.next + size.value + SYNC_SIZE;
    blocks.push({ start: pos, end, from, to: from + count.value });
    from += count.value;
    pos = end;
  }
  if (from !== total) throw new Error(`blocks hold ${from} records, the file ${total}`);
  return { headerLength, blocks };
}

/** One way a partial file can be damaged. */
export type Damage =
  | { readonly kind: 'flip'; readonly at: number; readonly mask: number }
  | { readonly kind: 'truncate'; readonly length: number }
  | { readonly kind: 'garbage'; readonly length: number; readonly tail: Uint8Array };

/** The damaged bytes. `at` and `length` are taken modulo the file's length. */
export function damage(bytes: Buffer, d: Damage): Buffer {
  switch (d.kind) {
    case 'flip': {
      const out = Buffer.from(bytes);
      const at = d.at % bytes.length;
      out[at] = out[at]! ^ (d.mask || 1);
      return out;
    }
    case 'truncate':
      return bytes.subarray(0, d.length % (bytes.length + 1));
    case 'garbage':
      return Buffer.concat([bytes.subarray(0, d.length % (bytes.length + 1)), d.tail]);
  }
}

/** A directory tree where damaged partial files are recovered, each by a new sink's `open()`. */
export function createRecoveryBench(schema: AvroRecordSchema, codec: 'null' | 'deflate') {
  const dirs = createTempDirs();
  let n = 0;
  return {
    dirs,
    /**
     * Recovers `bytes` as a partial file in a working directory of its own, publishing into
     * `<pub>/<n>/`; returns the published files and the sink's metrics.
     */
    async recover(bytes: Buffer) {
      const id = n++;
      const work = join(dirs.work, String(id));
      const pub = join(dirs.pub, String(id));
      mkdirSync(work, { recursive: true });
      writeFileSync(join(work, `20261207120000-tributary-crashed-${id}.avro.partial`), bytes);
      const sink = createFileSink<unknown>({
        schema,
        workingDirectory: work,
        publishDirectory: pub,
        codec,
        hostname: 'crashed',
      });
      await sink.open();
      const metrics = sink.metrics();
      await sink.close();
      return {
        published: listFiles(pub).map((f) => join(pub, f)),
        /** What is left in the working directory, by name. */
        left: new Map(listFiles(work).map((f) => [f, readFileSync(join(work, f))])),
        metrics,
      };
    },
  };
}
