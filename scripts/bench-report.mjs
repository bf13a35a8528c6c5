// Turns the Vitest benchmark reports of one `pnpm bench` run (tmp/bench/*.json) into
// docs/performance.md. Each group pairs our code with a baseline measured in the same run, so
// the table reports ratios, which survive a noisy 2-core machine far better than raw rates.
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const reportDir = join(root, 'tmp', 'bench');
const files = existsSync(reportDir)
  ? readdirSync(reportDir).filter((f) => f.endsWith('.json'))
  : [];
if (files.length === 0) {
  console.error('No benchmark reports in tmp/bench; run `pnpm bench`.');
  process.exit(1);
}

const format = (n) => Math.round(n).toLocaleString('en-US');
const lines = [
  '# Performance',
  '',
  'Written by `pnpm bench` (`scripts/bench-report.mjs`); do not edit by hand. Every group measures',
  'a baseline in the same run, and the ratio column compares each line with it: ratios are what',
  'the targets are stated in, because absolute rates on a shared 2-core machine move from run to run.',
  '',
  `Last run: ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}.`,
  '',
];
for (const file of files.sort()) {
  const report = JSON.parse(readFileSync(join(reportDir, file), 'utf8'));
  lines.push(`## ${file.replace(/\.json$/, '')}`, '');
  for (const benchFile of report.files) {
    for (const group of benchFile.groups) {
      const baseline = group.benchmarks.find((b) => b.name.startsWith('baseline'));
      lines.push(`### ${group.fullName.split(' > ').slice(1).join(' > ')}`, '');
      lines.push('| benchmark | ops/s | ± | ratio to baseline |', '| --- | ---: | ---: | ---: |');
      for (const b of group.benchmarks) {
        const ratio = baseline ? (b.hz / baseline.hz).toFixed(2) : '—';
        lines.push(`| ${b.name} | ${format(b.hz)} | ${(b.rme ?? 0).toFixed(1)}% | ${ratio} |`);
      }
      lines.push('');
      for (const note of group.notes ?? []) lines.push(`- ${note}`);
      if ((group.notes ?? []).length > 0) lines.push('');
    }
  }
}
writeFileSync(join(root, 'docs', 'performance.md'), lines.join('\n'));
console.log('wrote docs/performance.md');
