import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AvroRecordSchema } from '@tributary/schema';

const directory = fileURLToPath(new URL('../internal/fixtures/divolte/', import.meta.url));

/** The text of a file of the Divolte corpus (src/internal/fixtures/divolte). */
export function corpusFile(name: string): string {
  return readFileSync(directory + name, 'utf8');
}

/** A schema of the corpus; Divolte's .avsc files carry `//` comments, which Avro's Java parser skips. */
export function corpusSchema(name: string): AvroRecordSchema {
  return JSON.parse(corpusFile(name).replace(/^\s*\/\/.*$/gm, '')) as AvroRecordSchema;
}

/** Every mapping script of the corpus, by file name. */
export function corpusScripts(): string[] {
  return readdirSync(directory)
    .filter((name) => name.endsWith('.groovy'))
    .sort();
}

/** The 1-based line and column of the first occurrence of `snippet` in `text`. */
export function positionOf(text: string, snippet: string): { line: number; column: number } {
  const index = text.indexOf(snippet);
  if (index === -1) throw new Error(`${JSON.stringify(snippet)} is not in the text`);
  const before = text.slice(0, index).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}
