// Writes the committed specs and Turnilo cubes for the built-in records (specs/). CI regenerates
// them (`pnpm check:generated`) and fails when the output differs from what is committed.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defaultArtifacts } from '../src/internal/default-artifacts.ts';

const directory = fileURLToPath(new URL('../specs/', import.meta.url));
for (const [name, text] of Object.entries(defaultArtifacts())) {
  writeFileSync(directory + name, text);
}
