/** Bytes of `text` after gzip -9 by Node's zlib (whose header holds no file name). */
export function gzipSize(text: string): number;
/** The bytes GNU gzip's header adds for the drop-in's file name: `tributary.js` and its NUL. */
export const SCRIPT_NAME_BYTES: number;
/** Bytes of `text` by `gzip -9 -c tributary.js` (GNU gzip), or undefined without a `gzip` command. */
export function gnuGzipSize(text: string): number | undefined;
/** Gives the minified script's top-level names a scope of their own (no globals of the page). */
export function ownScope(code: string): string;
/** The drop-in script: an esbuild IIFE bundle of src/tributary.ts, minified by terser. */
export function buildScript(): Promise<string>;
/** An ESM entry that uses only createTracker, pageView and signal, from the published package. */
export const CORE_ENTRY: string;
/** Bundles `code` like a user's bundler would, `@tributary/tracker` resolved to `dist`. */
export function bundleEsm(code: string, dist?: string): Promise<string>;
