import type { Options } from 'tsup';

/** What a package tells the shared preset about itself. */
export interface PackageBuildOptions {
  /** Entry points, keyed by output name (`index` → `dist/index.js`). */
  entry: Record<string, string>;
  /** `node` for server packages, `browser` for code that also runs in pages. */
  platform: 'node' | 'browser';
}

/**
 * The one build preset of the monorepo: ESM and CJS with declarations for both, source maps, no
 * bundled dependencies. Browser-safe packages target ES2020 so bundlers need no down-levelling.
 */
export function definePackageBuild(options: PackageBuildOptions): Options {
  return {
    entry: options.entry,
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    treeshake: true,
    splitting: true,
    platform: options.platform,
    target: options.platform === 'browser' ? 'es2020' : 'node20',
    outDir: 'dist',
    // Declarations come from the sources alone, with the package's runtime typings only.
    tsconfig: 'tsconfig.src.json',
  };
}
