import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getHeaderType } from './internal/container';
import { describeWithServices } from '../../../test/services.ts';
import { AVRO_TOOLS_INSTALL, countWithAvroTools, hasAvroTools } from '../test/avro-tools.ts';
import {
  createRecoveryBench,
  damage,
  writeSourceFile,
  type Damage,
  type SourceFile,
} from '../test/corruption.ts';
import { divolteBatch, divolteEventRecord, readWithAvsc } from '../test/helpers.ts';
import {
  checkWithReference,
  hasReferenceReader,
  REFERENCE_READER_INSTALL,
} from '../test/reference-reader.ts';
import { richRecordWith, richSchemaWith } from '../test/all-types.ts';

// Recovery of damaged partial files, judged by three readers that share no code: avsc, fastavro
// (Python) and Apache Avro's Java tools. Real files written by the sink get one byte flipped, are
// cut anywhere, or get a garbage tail; every file recovery publishes must read completely with
// all three, and hold the records that were written, in order, and no others.

// Every kind of Avro value except logical types (fastavro turns those into Python objects with
// ranges of their own, a limit of the reader, not of the files), nested.
const richSchema = richSchemaWith([{ name: 'n', type: ['null', 'double', 'Color'] }]);
const richRecord = richRecordWith({
  n: fc.oneof(fc.constant(null), fc.double(), fc.constantFrom('RED', 'GREEN', 'BLUE')),
});

/** The damage fast-check draws for a file: a flip in the blocks or the header, a cut, a tail. */
function damageOf(source: SourceFile): fc.Arbitrary<Damage> {
  const size = source.bytes.length;
  return fc.oneof(
    fc.record({
      kind: fc.constant('flip' as const),
      at: fc.integer({ min: source.headerLength, max: size - 1 }),
      mask: fc.integer({ min: 1, max: 255 }),
    }),
    fc.record({
      kind: fc.constant('flip' as const),
      at: fc.integer({ min: 0, max: source.headerLength - 1 }),
      mask: fc.integer({ min: 1, max: 255 }),
    }),
    fc.record({
      kind: fc.constant('truncate' as const),
      length: fc.integer({ min: 0, max: size }),
    }),
    fc.record({
      kind: fc.constant('garbage' as const),
      length: fc.integer({ min: 0, max: size }),
      tail: fc.oneof(
        fc.uint8Array({ minLength: 1, maxLength: 2048 }),
        // What a power loss can leave: zeros where the file was extended.
        fc.integer({ min: 1, max: 2048 }).map((n) => new Uint8Array(n)),
      ),
    }),
  );
}

/**
 * The records of the recovered file against those written: the same, in order, from the first,
 * ending on a block boundary. A flipped byte that leaves its block decodable (an `a` that became
 * a `q`) can change that block's records: Avro has no checksum to tell. A flipped header byte can
 * rename a field.
 */
function expectWrittenPrefix(source: SourceFile, d: Damage, recovered: unknown[]): void {
  const written = source.records;
  const ends = [0, ...source.blocks.map((b) => b.to)];
  expect(ends).toContain(recovered.length);
  if (d.kind === 'flip' && d.at < source.headerLength) return;
  const hit =
    d.kind === 'flip' ? source.blocks.find((b) => d.at >= b.start && d.at < b.end) : undefined;
  for (let i = 0; i < recovered.length; i++) {
    if (hit && i >= hit.from && i < hit.to) continue;
    expect(JSON.stringify(recovered[i])).toBe(JSON.stringify(written[i]));
  }
  if (d.kind !== 'flip') {
    // A cut or a tail after the last whole block loses nothing before it.
    const kept = source.blocks.filter((b) => b.end <= d.length);
    expect(recovered.length).toBe(kept.at(-1)?.to ?? 0);
  }
}

// The schema and codec of a published file, to read files of one schema in one avro-tools run.
function schemaOf(path: string): string {
  const { meta } = getHeaderType().decode(readFileSync(path), 0).value as {
    meta: Record<string, Buffer>;
  };
  return `${meta['avro.codec']?.toString() ?? 'null'} ${meta['avro.schema']?.toString() ?? ''}`;
}

const fastavro = {
  name: 'Python with fastavro',
  available: hasReferenceReader(),
  start: REFERENCE_READER_INSTALL,
};
const avroTools = {
  name: 'Java with avro-tools',
  available: hasAvroTools(),
  start: AVRO_TOOLS_INSTALL,
};

describeWithServices([fastavro, avroTools], 'recovery of damaged partial files', () => {
  const cases = [
    {
      name: 'Divolte records',
      schema: divolteEventRecord.schema,
      records: () => divolteBatch(0, 240).map((r) => r.value),
      perBlock: 24,
    },
    {
      name: 'every Avro type',
      schema: richSchema,
      records: () => fc.sample(richRecord, { numRuns: 200, seed: 15 }),
      perBlock: 20,
    },
  ];
  for (const { name, schema, records, perBlock } of cases) {
    for (const codec of ['null', 'deflate'] as const) {
      describe(`${name}, ${codec}`, () => {
        let source: SourceFile;
        let bench: ReturnType<typeof createRecoveryBench>;
        const published: { path: string; records: number }[] = [];
        const outcome = { trials: 0, cut: 0, discarded: 0 };
        beforeAll(async () => {
          source = await writeSourceFile(schema, records(), codec, perBlock);
          bench = createRecoveryBench(schema, codec);
        });
        afterAll(() => {
          bench.dirs.cleanup();
        });

        it('publishes only what avsc reads completely: the written records, in order, and keeps every damaged byte (fast-check)', async () => {
          expect(source.blocks).toHaveLength(10);
          await fc.assert(
            fc.asyncProperty(damageOf(source), async (d) => {
              const bytes = damage(source.bytes, d);
              const result = await bench.recover(bytes);
              const { filesRecovered, filesDiscarded, filesSetAside } = result.metrics;
              outcome.trials += 1;
              expect(result.published).toHaveLength(filesRecovered);
              const kept = [...result.left.entries()];
              // No partial file is left; only damaged bytes are kept, under names never recovered.
              expect(kept.every(([f]) => /\.avro\.partial\.corrupt(-at-\d+)?$/.test(f))).toBe(true);
              expect(kept).toHaveLength(filesSetAside);
              // What a crash leaves (a cut, a tail of garbage or zeros) is torn, never damage: it
              // is dropped, not kept. Only garbage inside the header cannot be told from damage.
              if (
                d.kind === 'truncate' ||
                (d.kind === 'garbage' && d.length >= source.headerLength)
              ) {
                expect(kept).toEqual([]);
              }
              if (result.published.length === 0) {
                expect(filesDiscarded + filesSetAside).toBe(1);
                if (filesSetAside === 1) {
                  expect(kept[0]![1]).toEqual(bytes); // all of it, as it was
                } else {
                  // Removed only when no block was whole: nothing had been synced.
                  expect(d.kind).not.toBe('flip');
                  expect(bytes.length).toBeLessThan(source.blocks[0]!.end + 2048 + 1);
                  outcome.discarded += 1;
                }
                return;
              }
              const path = result.published[0]!;
              // The published file is the damaged one cut at a block end; a copy keeps the rest.
              const head = readFileSync(path);
              expect(head).toEqual(bytes.subarray(0, head.length));
              if (kept.length === 1) {
                expect(kept[0]![0]).toMatch(new RegExp(`-at-${head.length}$`));
                expect(kept[0]![1]).toEqual(bytes.subarray(head.length));
              }
              const recovered = await readWithAvsc(path);
              expect(recovered).toHaveLength(result.metrics.recordsRecovered);
              expectWrittenPrefix(source, d, recovered);
              if (recovered.length < source.records.length) outcome.cut += 1;
              published.push({ path, records: recovered.length });
            }),
            { numRuns: 60 },
          );
          // The damage reached the blocks: files were cut, and whole ones kept.
          expect(outcome.cut).toBeGreaterThan(0);
          expect(published.length).toBeGreaterThan(outcome.cut / 2);
        }, 120_000);

        it('every published file reads completely with fastavro', async () => {
          const checks = await checkWithReference(published.map((p) => p.path));
          expect(checks.filter((c) => !c.ok)).toEqual([]);
          expect(checks.map((c) => c.records)).toEqual(published.map((p) => p.records));
        }, 120_000);

        it('every published file reads completely with avro-tools (Java)', async () => {
          const bySchema = new Map<string, { paths: string[]; records: number }>();
          for (const p of published) {
            const group = bySchema.get(schemaOf(p.path)) ?? { paths: [], records: 0 };
            group.paths.push(p.path);
            group.records += p.records;
            bySchema.set(schemaOf(p.path), group);
          }
          for (const group of bySchema.values()) {
            expect(await countWithAvroTools(group.paths)).toBe(group.records);
          }
        }, 300_000);
      });
    }
  }
});
