import { fileURLToPath } from 'node:url';
import { build } from 'tsup';
import { options } from '../tsup.config';

/**
 * Builds the published ESM dist with the package's own tsup config (internal property names
 * shortened, as in dist/index.js) into `tmp/dist/<name>` (ignored by git and ESLint) and returns that directory.
 * Tests use it rather than dist/, which may be stale.
 */
export async function buildPublished(name: string): Promise<string> {
  const outDir = fileURLToPath(new URL(`../tmp/dist/${name}`, import.meta.url));
  // Paths from the package: the tests may run from the workspace root.
  const path = (file: string): string => fileURLToPath(new URL('../' + file, import.meta.url));
  await build({
    ...options,
    entry: { index: path('src/index.ts') },
    tsconfig: path('tsconfig.src.json'),
    outDir,
    format: ['esm'],
    dts: false,
    sourcemap: false,
    silent: true,
  });
  return outDir;
}
