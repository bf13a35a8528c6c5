import { divolteEventRecord } from '@tributary/schema';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDivolteEventMapper } from './default-mappings';
import { compileGroovyMapping } from './groovy-mapping';
import { MappingError } from './mapping-error';
import { clickEventArbitrary } from './test-support/arbitraries';
import { corpusFile, corpusSchema, corpusScripts, positionOf } from './test-support/divolte-corpus';
import { browserEvent, CHROME_MAC_UA } from './test-support/events';
import { testGeoDatabase } from './test-support/geo-database';

const testRecord = corpusSchema('TestRecord.avsc');

// The corpus files Divolte refuses at start-up, with the code and the statement it refuses; and
// the one file refused here although Divolte runs it (see docs/mapping.md).
const refused: Record<string, { code: string; at: string }> = {
  'missing-field-mapping.groovy': {
    code: 'unknown_field',
    at: "map location() onto 'missing_field_name'",
  },
  'wrong-types-literal.groovy': {
    code: 'type_mismatch',
    at: "map 'string literal' onto 'pathBoolean'",
  },
  'wrong-types-producer.groovy': {
    code: 'type_mismatch',
    at: "map location().equalTo('not the location') onto 'pathInteger'",
  },
  'digest-with-documented-algorithms.groovy': { code: 'invalid_script', at: '$it' },
};

const schemaOf = (file: string) =>
  file.startsWith('example-')
    ? corpusSchema('example-schema.avsc')
    : file.startsWith('seed-article')
      ? corpusSchema('seed-article.avsc')
      : file === 'default-mapping.groovy'
        ? (divolteEventRecord.schema as never)
        : testRecord;

describe('the corpus: every mapping of Divolte and of the seed article', () => {
  it.each(corpusScripts())('%s builds, or is refused as Divolte refuses it', (file) => {
    const script = corpusFile(file);
    const build = () =>
      compileGroovyMapping({
        script,
        schema: schemaOf(file),
        fileName: file,
        geoIpDatabase: testGeoDatabase(),
      });
    const refusal = refused[file];
    if (refusal === undefined) {
      const mapper = build();
      const result = mapper(browserEvent());
      expect(result.ok).toBe(true);
      return;
    }
    let error: unknown;
    try {
      build();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(MappingError);
    const { line, column } = positionOf(script, refusal.at);
    expect(error).toMatchObject({
      code: refusal.code,
      position: { line, column, fileName: file },
    });
    expect((error as Error).message.startsWith(`${file}:${line}:${column}: `)).toBe(true);
  });
});

describe('the seed article', () => {
  const mapper = compileGroovyMapping({
    script: corpusFile('seed-article.groovy'),
    schema: corpusSchema('seed-article.avsc'),
  });

  it('gives the record Divolte gives for a page view', () => {
    const event = browserEvent();
    expect(mapper(event)).toEqual({
      ok: true,
      dropped: false,
      value: {
        timestamp: event.receivedAt,
        remoteHost: '81.2.69.160',
        eventType: 'pageView',
        location: event.location,
        path: '/p/42',
        firstInSession: true,
        referrer: 'https://www.google.com/',
        sessionId: event.sessionId,
        userAgentString: CHROME_MAC_UA,
        browser: 'Chrome',
      },
    });
  });

  it('leaves the path unset for a location java.net.URI does not parse', () => {
    const result = mapper(browserEvent({ location: 'http://x.example/a b' }));
    expect(result).toMatchObject({
      ok: true,
      value: { path: null, location: 'http://x.example/a b' },
    });
  });
});

describe("Divolte's built-in mapping as a script", () => {
  it('gives the records of createDivolteEventMapper for any event', () => {
    const fromScript = compileGroovyMapping({
      script: corpusFile('default-mapping.groovy'),
      schema: divolteEventRecord.schema,
    });
    const builtIn = createDivolteEventMapper();
    fc.assert(
      fc.property(clickEventArbitrary, (event) => {
        expect(fromScript(event)).toEqual(builtIn(event));
      }),
      { numRuns: 200 },
    );
  });
});

describe("Divolte's example mapping (examples/schema-mapping.groovy), slashy regexes and all", () => {
  const mapper = compileGroovyMapping({
    script: corpusFile('example-schema-mapping.groovy'),
    schema: corpusSchema('example-schema.avsc'),
  });
  const page = (path: string) => {
    const result = mapper(browserEvent({ location: `http://www.example.com${path}` }));
    if (!result.ok || result.dropped) throw new Error(JSON.stringify(result));
    const { pageType, productId, searchPhrase, shop, section, category } = result.value;
    return { pageType, productId, searchPhrase, shop, section, category };
  };

  it.each([
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
  ])('classifies %s', (path, expected) => {
    expect(page(path)).toEqual({
      pageType: null,
      productId: null,
      searchPhrase: null,
      shop: null,
      section: null,
      category: null,
      ...expected,
    });
  });

  it('maps devicePixelRatio() onto its int field as Divolte does: a whole ratio, and absent for 1.5', () => {
    expect(mapper(browserEvent({ devicePixelRatio: 2 }))).toMatchObject({
      ok: true,
      value: { devicePixelRatio: 2 },
    });
    expect(mapper(browserEvent({ devicePixelRatio: 1.5 }))).toMatchObject({
      ok: true,
      value: { devicePixelRatio: null },
    });
  });
});
