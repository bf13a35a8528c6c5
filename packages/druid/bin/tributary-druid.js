#!/usr/bin/env node
// The `tributary-druid` command. This launcher is committed, so package managers find the bin when
// they link it at install time, before the workspace is built; the CLI itself is dist/bin.js.
try {
  await import('../dist/bin.js');
} catch (error) {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/bin.js')) {
    process.stderr.write(
      'tributary-druid: the package is not built yet; run `pnpm build` first.\n',
    );
    process.exit(1);
  }
  throw error;
}
