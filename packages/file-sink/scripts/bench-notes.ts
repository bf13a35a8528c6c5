// Annotates the Vitest benchmark report of this package with MB/s and records/s, and names its
// groups `file-sink > …` for scripts/bench-report.mjs.
import { readFileSync, writeFileSync } from 'node:fs';
import { createWorkload, RECORDS } from './bench-workload.ts';

interface Report {
  files: {
    filepath: string;
    groups: { fullName: string; notes?: string[]; benchmarks: { name: string; hz: number }[] }[];
  }[];
}

const path = process.argv[2];
if (path === undefined) throw new Error('usage: bench-notes <report.json>');
const report = JSON.parse(readFileSync(path, 'utf8')) as Report;
const { recordBytes } = createWorkload();
for (const file of report.files) {
  for (const group of file.groups) {
    group.fullName = ['file-sink', ...group.fullName.split(' > ').slice(1)].join(' > ');
    const baseline = group.benchmarks.find((b) => b.name.startsWith('baseline'));
    group.notes = [
      `Each operation writes ${RECORDS.toLocaleString('en-US')} records, ${(recordBytes / 1e6).toFixed(2)} MB of Avro-encoded records; MB/s counts those bytes (before deflate).`,
      ...group.benchmarks.map((b) => {
        const ratio = baseline
          ? ` (${((b.hz / baseline.hz) * 100).toFixed(0)} % of the baseline)`
          : '';
        return `${b.name}: ${((b.hz * recordBytes) / 1e6).toFixed(1)} MB/s, ${Math.round(b.hz * RECORDS).toLocaleString('en-US')} records/s${ratio}`;
      }),
    ];
  }
}
writeFileSync(path, JSON.stringify(report, null, 2));
for (const group of report.files.flatMap((f) => f.groups)) {
  console.log(group.fullName);
  for (const note of group.notes ?? []) console.log(`  ${note}`);
}
