// Enforces the workspace's dependency rule on package manifests (ESLint enforces it on imports):
// a package under packages/ may depend on no workspace package except @tributary/schema.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const problems = [];
for (const dir of readdirSync(join(root, 'packages'))) {
  const manifestPath = join(root, 'packages', dir, 'package.json');
  if (!existsSync(manifestPath)) continue;
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  for (const field of [
    'dependencies',
    'devDependencies',
    'peerDependencies',
    'optionalDependencies',
  ]) {
    for (const name of Object.keys(manifest[field] ?? {})) {
      if (name.startsWith('@tributary/') && name !== '@tributary/schema') {
        problems.push(
          `${manifest.name}: ${field} names ${name}; only @tributary/schema may be shared.`,
        );
      }
    }
  }
  if (manifest.sideEffects !== false) {
    problems.push(
      `${manifest.name}: "sideEffects" must be false (packages have no import-time effects).`,
    );
  }
}
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log('workspace dependency rule: ok');
