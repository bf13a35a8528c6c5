/** Bytes of `text` after gzip -9. */
export function gzipSize(text: string): number;
/** The drop-in script: an esbuild IIFE bundle of src/tributary.ts, minified by terser. */
export function buildScript(): Promise<string>;
/** An ESM entry that uses only createTracker, pageView and signal, from the published package. */
export const CORE_ENTRY: string;
/** Bundles `code` like a user's bundler would, `@tributary/tracker` resolved to `dist`. */
export function bundleEsm(code: string, dist?: string): Promise<string>;
