// Writes the .avsc files of the built-in records from their declarations. CI runs it and fails
// when the committed files differ (`pnpm check:generated`).
import { writeFileSync } from 'node:fs';
import { avscFiles } from '../src/records/avsc-files';

for (const [path, text] of avscFiles()) {
  writeFileSync(new URL(`../${path}`, import.meta.url), text);
  console.log(`wrote ${path}`);
}
