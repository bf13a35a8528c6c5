import { defineConfig } from 'tsup';
import { definePackageBuild } from '../../tsup.preset';

export default defineConfig(
  definePackageBuild({
    entry: { index: 'src/index.ts', testing: 'src/testing.ts' },
    platform: 'node',
  }),
);
