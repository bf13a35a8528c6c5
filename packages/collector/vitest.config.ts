import { definePackageProject } from '../../vitest.shared.ts';

const project = definePackageProject('collector');
// Vitest passes ssr.resolve.conditions to the worker as `node --conditions`. With `import` among
// them, Node ≥ 20.19 (require(esm)) makes Express's router `require('is-promise')` load the ESM
// build and get a namespace instead of a function. Keep the conditions the sources need only.
if (project.ssr?.resolve !== undefined) {
  project.ssr.resolve.conditions = ['@tributary/source', 'node', 'default'];
}
export default project;
