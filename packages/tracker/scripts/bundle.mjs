// Builds the drop-in script and measures what the tracker costs a page: the minified IIFE with
// every feature, and an ESM bundle of only createTracker + pageView + signal, as a user's bundler
// (esbuild, minify, browser, es2020) would make it. Sizes are gzip -9 bytes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { minify } from 'terser';
import { SCRIPT_MANGLE, SCRIPT_NAMES, SCRIPT_REWRITES } from './mangle.mjs';

const root = new URL('..', import.meta.url).pathname;

/** Bytes of `text` after gzip -9 by Node's zlib (whose header holds no file name). */
export function gzipSize(text) {
  return gzipSync(Buffer.from(text), { level: 9 }).length;
}

/** The bytes GNU gzip's header adds for the drop-in's file name: `tributary.js` and its NUL. */
export const SCRIPT_NAME_BYTES = 'tributary.js'.length + 1;

/**
 * Bytes of `text` as `gzip -9 -c tributary.js` makes them, the drop-in budget's own measure, or
 * undefined without a `gzip` command. Not zlib plus the header's name: GNU gzip's deflate picks
 * other matches than Node's zlib (Chromium's fork), some bytes either way (14 B more on the drop-in
 * before the sixth size pass).
 */
export function gnuGzipSize(text) {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-size-'));
  try {
    writeFileSync(join(dir, 'tributary.js'), text);
    return execFileSync('gzip', ['-9', '-c', 'tributary.js'], { cwd: dir, stdio: 'pipe' }).length;
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The letters terser gives the drop-in's variables, most used first: terser's own order is the
 * letters' frequency in its output, but which letter gzip matches best depends on its neighbours.
 * Chosen by measurement (a greedy search over swaps of two letters: 10 B under terser's order by
 * `gzip -9 -c`); valid for any code, only less tuned once the code changes.
 */
const NAME_ORDER = 'etsnaliohdcwupmbfgyIrSvjkqxzABCDEFGHJKLMNOPQRTUVWXYZ$_0123456789';

/** terser's `nth_identifier` (its base54: 54 leading characters, then 64) over NAME_ORDER. */
const nthIdentifier = {
  get(n) {
    let name = '';
    let base = 54;
    n++;
    do {
      n--;
      name += NAME_ORDER[n % base];
      n = Math.floor(n / base);
      base = 64;
    } while (n > 0);
    return name;
  },
  // The order is fixed: nothing to count or sort.
  consider() {},
  reset() {},
  sort() {},
};

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
    // A copy: esbuild adds the names it picks to the cache it is given.
    mangleCache: { ...SCRIPT_NAMES },
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
    mangle: { nth_identifier: nthIdentifier },
    // ascii_only: the script runs whatever charset the page or the server declares (and saves 4 B:
    // `\ufffd` is six ASCII bytes that gzip matches better than U+FFFD's three).
    format: { comments: false, ascii_only: true },
  });
  return ownScope(code);
}

/**
 * Puts the script's top-level names in a scope of their own. `module: true` lets terser treat the
 * top level as private (which its naming needs to stay small), but the drop-in runs as a classic
 * script, where a top-level `var e,t,n` would be globals of the page: the page could overwrite
 * them, and the tag would overwrite the page's. The hoisted `var` list becomes the parameters of an
 * arrow function called at once (5 B more than the bare script, less than a plain wrapper).
 */
export function ownScope(code) {
  const hoisted = /^var ([\w$]+(?:,[\w$]+)*);/.exec(code);
  return hoisted
    ? `((${hoisted[1]})=>{${code.slice(hoisted[0].length).replace(/;$/, '')}})()`
    : `(()=>{${code}})()`;
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
