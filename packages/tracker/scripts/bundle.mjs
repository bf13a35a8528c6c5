// Builds the drop-in script and measures what the tracker costs a page: the minified IIFE with
// every feature, and an ESM bundle of only createTracker + pageView + signal, as a user's bundler
// (esbuild, minify, browser, es2020) would make it. Sizes are gzip -9 bytes.
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { minify } from 'terser';
import { SCRIPT_MANGLE, SCRIPT_REWRITES } from './mangle.mjs';

const root = new URL('..', import.meta.url).pathname;

/** Bytes of `text` after gzip -9. */
export function gzipSize(text) {
  return gzipSync(Buffer.from(text), { level: 9 }).length;
}

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
    // Inside the script, option and context names are private: shorten them (scripts/mangle.mjs).
    // Names that the page sees (window.tributary, window.divolte) or the DOM owns are not in the list.
    mangleProps: SCRIPT_MANGLE,
    legalComments: 'none',
    write: false,
    logLevel: 'silent',
    plugins: [
      {
        // Options the drop-in never passes keep only their defaults, the ones it always passes
        // lose theirs (SCRIPT_REWRITES in scripts/mangle.mjs): `options.maxQueue ?? 200` is `200`.
        // The tracker's and the features' sources only: src/script.ts is the start-up itself.
        name: 'drop-in-defaults',
        setup(build) {
          build.onLoad({ filter: /\.ts$/ }, async ({ path }) =>
            path.startsWith(root + 'src/') && !path.endsWith('/script.ts')
              ? {
                  contents: SCRIPT_REWRITES.reduce(
                    (text, [pattern, replacement]) => text.replace(pattern, replacement),
                    await readFile(path, 'utf8'),
                  ),
                  loader: 'ts',
                }
              : undefined,
          );
        },
      },
    ],
  });
  const { code } = await minify(result.outputFiles[0].text, {
    ecma: 2020,
    module: true,
    // Measured (gzip -9): hoist_vars saves 10 B; terser's other unsafe options, pure_getters,
    // toplevel, more passes and property mangling (esbuild did it) save nothing or cost bytes;
    // booleans_as_integers would save 8 B but turns public booleans into 0 and 1.
    compress: { passes: 3, unsafe_methods: true, hoist_vars: true },
    format: { comments: false },
  });
  return code;
}

/** An ESM entry that uses only createTracker, pageView and signal, from the published package. */
export const CORE_ENTRY = `import { createTracker } from '@tributary/tracker';
const tracker = createTracker({ endpoint: 'https://collector.example.com/csc-event' });
tracker.pageView();
tracker.signal('signup', { plan: 'pro' });`;

/**
 * Bundles `code` like a user's bundler would (esbuild, minify, browser, es2020), with
 * `@tributary/tracker` resolved to the published ESM build in `dist` (by default the package's
 * own dist/, made by `pnpm build`): what a user ships, internal names already shortened.
 */
export async function bundleEsm(code, dist = root + 'dist') {
  const result = await build({
    stdin: { contents: code, resolveDir: root, loader: 'js' },
    absWorkingDir: root,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
    plugins: [
      {
        name: 'published-tracker',
        setup(build) {
          build.onResolve({ filter: /^@tributary\/tracker$/ }, () => ({
            path: dist + '/index.js',
          }));
        },
      },
    ],
  });
  return result.outputFiles[0].text;
}
