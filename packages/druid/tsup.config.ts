import { defineConfig } from 'tsup';
import { definePackageBuild } from '../../tsup.preset';

export default defineConfig(
  definePackageBuild({ entry: { index: 'src/index.ts', bin: 'src/bin.ts' }, platform: 'node' }),
);
