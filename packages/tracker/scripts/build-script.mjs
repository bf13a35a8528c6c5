// Writes dist/tributary.js, the drop-in script, and prints its size.
import { mkdirSync, writeFileSync } from 'node:fs';
import { buildScript, gnuGzipSize, gzipSize } from './bundle.mjs';

const code = await buildScript();
mkdirSync(new URL('../dist', import.meta.url), { recursive: true });
writeFileSync(new URL('../dist/tributary.js', import.meta.url), code);
console.log(
  `dist/tributary.js: ${code.length} B minified, ${gzipSize(code)} B gzip -9 (zlib), ` +
    `${gnuGzipSize(code) ?? '?'} B by gzip -9 -c (GNU gzip, the budget's measure)`,
);
