import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tokenize } from './lexer';
import { parse } from './parser';

// The Groovy examples of docs/mapping.md are read by the parser as they are written (`{ … }`, the
// docs' ellipsis for a body, is taken as an empty block).
const docs = readFileSync(
  fileURLToPath(new URL('../../../../../docs/mapping.md', import.meta.url)),
  'utf8',
);
const examples = [...docs.matchAll(/```groovy\n([\s\S]*?)```/g)].map((match) => match[1]!);

describe('the Groovy examples of docs/mapping.md', () => {
  it('are there, one per statement and value source', () => {
    expect(examples.length).toBeGreaterThanOrEqual(15);
  });

  it.each(examples.map((example, index) => [index + 1, example] as const))(
    'example %i parses',
    (_index, example) => {
      const source = {
        fileName: 'docs.groovy',
        text: `mapping {\n${example.replaceAll('{ … }', '{ }')}\n}\n`,
      };
      expect(() => parse(source, tokenize(source))).not.toThrow();
    },
  );
});
