import { divolteEventRecord } from '@tributary/schema';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDivolteEventMapper } from './default-mappings';
import { compileGroovyMapping } from './groovy-mapping';
import { MappingError } from './mapping-error';
import { clickEventArbitrary } from './test-support/arbitraries';
import {
  corpusFile,
  corpusSchema,
  corpusScripts,
  examplePage,
  examplePages,
  expectedPage,
  positionOf,
} from './test-support/divolte-corpus';
import { browserEvent, CHROME_MAC_UA } from './test-support/events';
import { testGeoDatabase } from './test-support/geo-database';

const testRecord = corpusSchema('TestRecord.avsc');

// The corpus files Divolte refuses at start-up, with the code and the statement it refuses.
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
  it.each(examplePages)('classifies %s', (path, expected) => {
    expect(examplePage(mapper, path)).toEqual(expectedPage(expected));
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

// A schema with a nullable field of each type the DSL maps onto.
const probe = {
  type: 'record' as const,
  name: 'Probe',
  fields: [
    ['s1', 'string'],
    ['s2', 'string'],
    ['s3', 'string'],
    ['b1', 'boolean'],
    ['b2', 'boolean'],
    ['b3', 'boolean'],
    ['b4', 'boolean'],
    ['i1', 'int'],
    ['l1', 'long'],
    ['f1', 'float'],
    ['d1', 'double'],
    ['bytes', 'bytes'],
  ].map(([name, type]) => ({ name: name!, type: ['null', type!], default: null })),
};

const mapWith = (body: string, event = browserEvent()) => {
  const mapper = compileGroovyMapping({ script: `mapping {\n${body}\n}\n`, schema: probe });
  const result = mapper(event);
  if (!result.ok || result.dropped) throw new Error(JSON.stringify(result));
  return result.value;
};

describe("where Divolte's semantics differ from the TypeScript API, a script behaves as Divolte", () => {
  it('literals fit only the field of their Java class: 42 an int, 42L a long, 1.5F a float, 1.5D a double', () => {
    expect(
      mapWith(
        "map 42 onto 'i1'\nmap 42L onto 'l1'\nmap 1.5F onto 'f1'\nmap 1.5D onto 'd1'\nmap 'x' onto 's1'\nmap false onto 'b1'",
      ),
    ).toMatchObject({ i1: 42, l1: 42, f1: 1.5, d1: 1.5, s1: 'x', b1: false });
    for (const [literal, field] of [
      ['42', 'l1'],
      ['42', 'd1'],
      ['42L', 'i1'],
      ['1.5', 'd1'],
      ['1.5D', 'f1'],
      ["'42'", 'i1'],
    ]) {
      expect(() => mapWith(`map ${literal} onto '${field}'`)).toThrow(MappingError);
    }
  });

  it('equalTo compares as Java equals: values of different classes are never equal', () => {
    const event = browserEvent({
      receivedAt: 5,
      parameters: { foo: 'x' },
      viewportWidth: undefined,
    });
    expect(
      mapWith(
        [
          "map timestamp().equalTo(5) onto 'b1'", // a Long is not the Integer 5
          "map timestamp().equalTo(5L) onto 'b2'",
          "map eventParameters().path('$.foo').equalTo('x') onto 'b3'", // a JsonNode is no String
          "map viewportPixelWidth().equalTo(timestamp()) onto 'b4'",
        ].join('\n'),
        event,
      ),
    ).toMatchObject({ b1: false, b2: true, b3: false, b4: false });
    // Two absent values of different types are equal: Optional.empty() equals Optional.empty().
    expect(
      mapWith("map viewportPixelWidth().equalTo(clientTimestamp()) onto 'b1'", {
        ...event,
        clientTimestamp: undefined as never,
      }),
    ).toMatchObject({ b1: true });
  });

  it("a digester is Divolte's mutable list of pieces: a piece added after result() counts too", () => {
    const event = browserEvent();
    const value = mapWith(
      [
        "def d = digest('SHA-256')",
        "map d.add(eventId()).result().toBase64() onto 's1'",
        "map d.add('x').result().toBase64() onto 's2'",
        "map digest('SHA-256').add(eventId()).result().toBase64() onto 's3'",
      ].join('\n'),
      event,
    );
    const both = createHash('sha256').update(event.eventId).update('x').digest('base64');
    // s2 is computed again over the pieces s1 consumed (nothing left); s3 has s1's name
    // (digester("SHA-256").add(eventId()).result()), so Divolte's memo gives it s1's digest.
    expect(value).toMatchObject({
      s1: both,
      s2: createHash('sha256').digest('base64'),
      s3: both,
    });
  });
});

describe('.each over a list literal and GStrings of names known when the mapping is built', () => {
  it('runs the closure once per item, with the item as its parameter or as it', () => {
    expect(
      mapWith(
        "['a', 'b'].each { x ->\n  map \"v-$x\" onto 's1'\n}\n['c'].each { map \"w-${it}\" onto 's2' }",
      ),
    ).toMatchObject({ s1: 'v-b', s2: 'w-c' });
  });

  it('puts in null for the it of a mapping closure, which Divolte calls without an argument', () => {
    expect(mapWith(`def n = 42\n['x'].each { y -> map "$y-$it-$n" onto 's1' }`)).toMatchObject({
      s1: 'x-null-42',
    });
  });
});

describe('every statement in every form Groovy allows gives the same record', () => {
  const event = browserEvent({
    location: 'http://www.example.com/Shop/42?q=a+b&q=c',
    request: {
      ...browserEvent().request,
      headers: { ...browserEvent().request.headers, 'x-forwarded-for': ['10.0.0.1, 81.2.69.160'] },
    },
  });
  const forms: [string, string, string][] = [
    ['map without and with parentheses', "map location() onto 's1'", "map(location()).onto('s1')"],
    [
      'map of a closure',
      "map { def u = parse location() to uri\n u.path() } onto 's1'",
      "map({ def u = parse(location()).to(uri); u.path() }).onto('s1')",
    ],
    [
      'parse',
      "def u = parse location() to uri\nmap u.query().value('q') onto 's1'",
      "def u = parse(location()).to(uri)\nmap(u.query().value('q')).onto('s1')",
    ],
    [
      'parse to a number',
      "map { parse eventParameter('quantity') to int32 } onto 'i1'",
      "map(parse(eventParameter('quantity')).to(int32)).onto('i1')",
    ],
    [
      'match with a slashy, a single- and a double-quoted regex',
      "def m = match /^.*\\/(\\d+)\\?.*$/ against location()\nmap m.group(1) onto 's1'",
      "def m = match('^.*/(\\\\d+)\\\\?.*$').against(location())\nmap(m.group(1)).onto('s1')",
    ],
    ['a double-quoted and a triple-quoted string', 'map "x" onto \'s1\'', "map '''x''' onto 's1'"],
    [
      'when … apply',
      "when location().isPresent() apply { map 'yes' onto 's1' }",
      "when(location().isPresent()).apply({ map('yes').onto('s1') })",
    ],
    [
      'when with a closure condition',
      "when { def u = parse location() to uri\n u.host().equalTo('www.example.com') } apply {\n map 'yes' onto 's1'\n}",
      "when { location() equalTo 'http://www.example.com/Shop/42?q=a+b&q=c' } apply { map 'yes' onto 's1' }",
    ],
    [
      'when … exit() and stop()',
      "section {\n when location().isPresent() exit()\n map 'no' onto 's1'\n}\nmap 'yes' onto 's2'\nwhen referer().isPresent() stop()\nmap 'no' onto 's3'",
      "section({\n when(location().isPresent()).exit()\n map('no').onto('s1')\n})\nmap('yes').onto('s2'); when(referer().isPresent()).stop(); map('no').onto('s3')",
    ],
    [
      'not, and, or',
      "map not(location().isAbsent()).and(referer().isPresent().or(location().isAbsent())) onto 'b1'",
      "map not(location().isAbsent()).and(referer().isPresent().or(location().isAbsent())) onto 'b1'",
    ],
    [
      "the reference's shorthand `when c.isAbsent stop()`",
      "when referer().isAbsent stop()\nmap 'yes' onto 's1'",
      "when(referer().isAbsent()).stop()\nmap('yes').onto('s1')",
    ],
    [
      'a method without parentheses (Groovy calls its method closure)',
      "def m = match '.*' against location()\nwhen m.matches apply { map 'yes' onto 's1' }",
      "def m = match('.*').against(location())\nwhen(m.matches()).apply { map('yes').onto('s1') }",
    ],
    [
      'a chain over several lines',
      "map digest('SHA-256')\n  .add(location())\n  .add(eventId())\n  .result() onto 'bytes'",
      "map(digest('SHA-256').add(location()).add(eventId()).result()).onto('bytes')",
    ],
    [
      'comments',
      "// a comment\nmap /* inline */ location() onto 's1' // trailing",
      "map location() onto 's1'",
    ],
    [
      'ip2geo of a header',
      "map ip2geo(header('X-Forwarded-For').last()).countryCode() onto 's1'",
      "def ip = header('X-Forwarded-For').get(-1)\nmap ip2geo(ip).countryCode() onto 's1'",
    ],
    [
      'eventParameter and eventParameters().value',
      "map eventParameter('sku') onto 's1'",
      "map eventParameters().value('sku') onto 's1'",
    ],
    [
      "Java's inline (?i) flag",
      "def m = match '(?i)http://WWW.example.com/shop/42.*' against location()\nmap m.matches() onto 'b1'",
      "map true onto 'b1'",
    ],
  ];
  const build = (body: string) =>
    compileGroovyMapping({
      script: `mapping {\n${body}\n}\n`,
      schema: probe,
      geoIpDatabase: testGeoDatabase(),
    })(event);

  it.each(forms)('%s', (_name, one, other) => {
    const first = build(one);
    expect(first.ok).toBe(true);
    expect(build(other)).toEqual(first);
    // Something was mapped: the form is not a silent no-op.
    expect(
      Object.values((first as { value: Record<string, unknown> }).value).some((v) => v !== null),
    ).toBe(true);
  });
});
