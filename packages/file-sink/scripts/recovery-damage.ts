// Measures recovery on damaged partial files: writes real files with the sink, damages copies
// (one flipped byte, a cut, a garbage tail), recovers each with a new sink's open(), and counts
// how many published files fastavro cannot read completely. Run from the package directory:
//   node --import tsx scripts/recovery-damage.ts [trials per kind and codec, default 300]
import fc from 'fast-check';
import { checkWithReference } from '../test/reference-reader.ts';
import { createRecoveryBench, damage, writeSourceFile, type Damage } from '../test/corruption.ts';
import { divolteBatch, divolteEventRecord, readWithAvsc } from '../test/helpers.ts';

const trials = Number(process.argv[2] ?? 300);
const records = divolteBatch(0, 300).map((r) => r.value);

for (const codec of ['null', 'deflate'] as const) {
  const source = await writeSourceFile(divolteEventRecord.schema, records, codec, 30);
  const kinds: Record<string, fc.Arbitrary<Damage>> = {
    flip: fc.record({
      kind: fc.constant('flip' as const),
      at: fc.integer({ min: source.headerLength, max: source.bytes.length - 1 }),
      mask: fc.integer({ min: 1, max: 255 }),
    }),
    truncate: fc.record({ kind: fc.constant('truncate' as const), length: fc.nat() }),
    garbage: fc.record({
      kind: fc.constant('garbage' as const),
      length: fc.nat(),
      tail: fc.uint8Array({ minLength: 1, maxLength: 4096 }),
    }),
  };
  for (const [kind, arbitrary] of Object.entries(kinds)) {
    const bench = createRecoveryBench(divolteEventRecord.schema, codec);
    const published: string[] = [];
    let altered = 0;
    for (const d of fc.sample(arbitrary, { numRuns: trials, seed: 7 })) {
      const result = await bench.recover(damage(source.bytes, d));
      published.push(...result.published);
      for (const path of result.published) {
        // Records that are not the first ones written, in order: changed by the damage.
        const read = await readWithAvsc(path).catch(() => undefined);
        if (!read || JSON.stringify(read) !== JSON.stringify(source.records.slice(0, read.length)))
          altered++;
      }
    }
    const checks = await checkWithReference(published);
    const bad = checks.filter((c) => !c.ok);
    console.log(
      `${codec} ${kind}: ${trials} damaged files, ${published.length} published, ` +
        `${bad.length} of them unreadable by fastavro (${((100 * bad.length) / trials).toFixed(1)} % of trials), ` +
        `${altered} with records other than a prefix of those written` +
        (bad[0] ? `; e.g. ${bad[0].error}` : ''),
    );
    bench.dirs.cleanup();
  }
}
