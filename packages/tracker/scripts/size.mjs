// Prints the tracker's sizes: the drop-in script and an ESM bundle of the core alone.
import { buildScript, bundleEsm, CORE_ENTRY, gzipSize } from './bundle.mjs';

const script = await buildScript();
console.log(
  `dist/tributary.js (every feature): ${script.length} B min, ${gzipSize(script)} B gzip -9`,
);
const core = await bundleEsm(CORE_ENTRY);
console.log(
  `ESM createTracker + pageView + signal: ${core.text.length} B min, ${gzipSize(core.text)} B gzip -9`,
);
if (process.argv.includes('--inputs')) console.log(core.inputs);
