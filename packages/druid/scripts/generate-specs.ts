// Writes the committed specs and Turnilo cubes for the built-in records (specs/), formatted as
// the repository's Prettier would. CI regenerates them (`pnpm check:generated`) and
// src/generated-specs.test.ts fails when the committed files differ from the generator's output.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formattedArtifacts } from '../src/internal/formatted-artifacts.ts';

const directory = fileURLToPath(new URL('../specs/', import.meta.url));
for (const [name, text] of Object.entries(await formattedArtifacts(directory))) {
  writeFileSync(directory + name, text);
}
