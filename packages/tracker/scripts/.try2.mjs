import { build } from 'esbuild';
import { minify } from 'terser';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
const root = new URL('..', import.meta.url).pathname;
const src0 = readFileSync(root + 'scripts/bundle.mjs', 'utf8');
const regex = eval(src0.slice(src0.indexOf('new RegExp('), src0.indexOf(');\n\n/** The drop-in') + 1));
async function m(contents) {
  const r = await build({ stdin: { contents, resolveDir: root, loader: 'ts' }, bundle: true, format: 'iife', platform: 'browser', target: 'es2020', conditions: ['@tributary/source'], write: false, logLevel: 'silent' });
  const { code } = await minify(r.outputFiles[0].text, { ecma: 2020, toplevel: true, compress: { passes: 3, unsafe: true, unsafe_arrows: true, pure_getters: true }, mangle: { properties: { regex, builtins: true } }, format: { comments: false } });
  return gzipSync(code, { level: 9 }).length;
}
const imp = `import { createTracker, createConsent, trackNavigation, trackOutboundLinks, reliableDelivery, startScript } from './src/index.ts';\n`;
const all = `window.t = [createConsent(), trackNavigation(), trackOutboundLinks(), reliableDelivery()];`;
const full = await m(imp + `startScript(window);`);
console.log('full', full);
console.log('protocol only', await m(`import { encodeEventQuery, createIdentifier, createPageViewId, createEventId, encodeEventBatch } from '@tributary/schema/protocol'; window.x = [encodeEventQuery, createIdentifier, createPageViewId, createEventId, encodeEventBatch];`));
console.log('core only', await m(imp + `window.t = createTracker({});`));
for (const f of ['createConsent()', 'trackNavigation()', 'trackOutboundLinks()', 'reliableDelivery()']) {
  console.log('core +', f, await m(imp + `window.t = createTracker({features:[${f}]});`));
}
