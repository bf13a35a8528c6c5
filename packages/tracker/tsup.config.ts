import { defineConfig, type Options } from 'tsup';
import { definePackageBuild } from '../../tsup.preset';
import { DIST_MANGLE } from './scripts/mangle.mjs';

/** The published build (also made by the size and published-build tests). */
export const options: Options = {
  ...definePackageBuild({ entry: { index: 'src/index.ts' }, platform: 'browser' }),
  // Ship what users get pre-shortened: the internal property names (scripts/mangle.mjs) become
  // one or two letters, so a user's bundler starts from the smaller code.
  esbuildOptions(esbuild) {
    esbuild.mangleProps = DIST_MANGLE;
  },
};

export default defineConfig(options);
