// Builds the drop-in script and measures what the tracker costs a page: the minified IIFE with
// every feature, and an ESM bundle of only createTracker + pageView + signal, as a user's bundler
// (esbuild, minify, browser, es2020) would make it. Sizes are gzip -9 bytes.
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { minify } from 'terser';

const root = new URL('..', import.meta.url).pathname;

/** Bytes of `text` after gzip -9. */
export function gzipSize(text) {
  return gzipSync(Buffer.from(text), { level: 9 }).length;
}

export const INTERNAL_PROPERTIES = new RegExp(
  '^(' +
    [
      // TrackerOptions and the feature options
      // (endpoint, partyCookie, sessionCookie, cookieDomain, partyTimeout and sessionTimeout are
      // also data- attributes of the script tag, passed on as they are: not mangled.)
      'features|autoPageView|cookieless|eventTimeout|randomBytes|batchEndpoint|maxQueue|maxBatch',
      'storageKey|retryDelay|maxRetryDelay|respectDoNotTrack|respectGlobalPrivacyControl',
      'initial|eventType|window|storage|hash|timeout|now',
      // TrackerContext, and ConsentOptions' pending
      'tracker|send|save|queue|pump|request|pending',
    ].join('|') +
    ')$',
);

/**
 * The drop-in script: an esbuild IIFE bundle of src/tributary.ts, minified by esbuild (which also
 * shortens the private property names) and then by terser (which compresses further).
 */
export async function buildScript() {
  const result = await build({
    entryPoints: [root + 'src/tributary.ts'],
    absWorkingDir: root,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    conditions: ['@tributary/source'],
    minify: true,
    // Inside the script, option, context and event-field names are private: shorten them. Names
    // that the page sees (window.tributary, window.divolte) or the DOM owns are not in the list.
    mangleProps: INTERNAL_PROPERTIES,
    legalComments: 'none',
    write: false,
    logLevel: 'silent',
  });
  const { code } = await minify(result.outputFiles[0].text, {
    ecma: 2020,
    module: true,
    // Measured: terser's other unsafe options make this script bigger, not smaller.
    compress: { passes: 3, unsafe_methods: true },
    format: { comments: false },
  });
  return code;
}

/** An ESM entry that uses only createTracker, pageView and signal. */
export const CORE_ENTRY = `import { createTracker } from './src/index.ts';
const tracker = createTracker({ endpoint: 'https://collector.example.com/csc-event' });
tracker.pageView();
tracker.signal('signup', { plan: 'pro' });`;

/** Bundles `code` like a user's bundler would: esbuild, minify, browser, es2020. */
export async function bundleEsm(code) {
  const result = await build({
    stdin: { contents: code, resolveDir: root, loader: 'ts' },
    absWorkingDir: root,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    conditions: ['@tributary/source'],
    write: false,
    metafile: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const [meta] = Object.values(result.metafile.outputs);
  return {
    text: result.outputFiles[0].text,
    inputs: Object.fromEntries(
      Object.entries(meta.inputs).map(([input, { bytesInOutput }]) => [input, bytesInOutput]),
    ),
  };
}
