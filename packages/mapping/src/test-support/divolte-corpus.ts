import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AvroRecordSchema, ClickEvent, MapResult } from '@tributary/schema';
import { browserEvent } from './events';

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

/** Pages of Divolte's example site and the page fields its example mapping sets for each. */
export const examplePages: [string, Record<string, string>][] = [
  ['/', { pageType: 'home' }],
  ['/index.html', { pageType: 'home' }],
  ['/product/311381', { pageType: 'product_detail', productId: '311381' }],
  ['/search?q=search+phrase', { pageType: 'searchResults', searchPhrase: 'search phrase' }],
  ['/basket', { pageType: 'basket' }],
  ['/checkout', { pageType: 'checkout' }],
  [
    '/fashion/jeans/regular/',
    { pageType: 'category', shop: 'fashion', section: 'jeans', category: 'regular' },
  ],
  ['/fashion/jeans/', { pageType: 'section', shop: 'fashion', section: 'jeans' }],
  ['/fashion/', { pageType: 'section', shop: 'fashion' }],
  ['/product/12', {}],
];

/** The page fields of the example mapping's record for a page of www.example.com; unset ones null. */
export function examplePage(
  mapper: (event: ClickEvent) => MapResult<object>,
  path: string,
): Record<string, unknown> {
  const result = mapper(browserEvent({ location: `http://www.example.com${path}` }));
  if (!result.ok || result.dropped) throw new Error(JSON.stringify(result));
  const { pageType, productId, searchPhrase, shop, section, category } = result.value as Record<
    string,
    unknown
  >;
  return { pageType, productId, searchPhrase, shop, section, category };
}

/** What {@link examplePage} gives when the mapping sets `expected`. */
export function expectedPage(expected: Record<string, string>): Record<string, unknown> {
  const none = { pageType: null, productId: null, searchPhrase: null, shop: null, section: null };
  return { ...none, category: null, ...expected };
}
