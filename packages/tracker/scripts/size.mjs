// Prints the tracker's sizes: the drop-in script, and an ESM bundle of createTracker + pageView +
// signal from the published build in dist/ (run `pnpm build` first).
import { existsSync } from 'node:fs';
import { buildScript, bundleEsm, CORE_ENTRY, gnuGzipSize, gzipSize } from './bundle.mjs';

if (!existsSync(new URL('../dist/index.js', import.meta.url))) {
  console.error('dist/index.js is missing: run `pnpm --filter @tributary/tracker build` first');
  process.exit(1);
}
const script = await buildScript();
console.log(
  `dist/tributary.js (every feature): ${script.length} B min, ${gzipSize(script)} B gzip -9 (zlib), ` +
    `${gnuGzipSize(script) ?? '?'} B by gzip -9 -c (GNU gzip, the budget's measure)`,
);
const core = await bundleEsm(CORE_ENTRY);
console.log(
  `ESM createTracker + pageView + signal (from dist/index.js): ${core.length} B min, ${gzipSize(core)} B gzip -9`,
);
