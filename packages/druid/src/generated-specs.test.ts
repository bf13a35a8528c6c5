import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formattedArtifacts } from './internal/formatted-artifacts';

// specs/ is generated (`pnpm --filter @tributary/druid generate`); this fails when the committed
// files differ from what the current generator writes (both formatted by Prettier).
const directory = fileURLToPath(new URL('../specs/', import.meta.url));

const artifacts = await formattedArtifacts(directory);

describe('the committed specs and Turnilo cubes', () => {
  it('are exactly the files the generator writes', () => {
    expect(readdirSync(directory).sort()).toEqual(Object.keys(artifacts).sort());
  });

  it.each(Object.keys(artifacts))('%s is up to date', (name) => {
    expect(readFileSync(directory + name, 'utf8')).toBe(artifacts[name]);
  });
});
