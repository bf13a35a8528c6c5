// The one divolte-collector.conf both servers run: one browser source and one JSON source feeding
// every case's mapping, each mapping writing to its own hdfs sink on local disk. One file, one
// Divolte start (a JVM start and divolte.js's Closure compile take tens of seconds), every case.
import { join } from 'node:path';

/** One mapping of the shared configuration, with what its records need to be compared. */
export interface DifferentialCase {
  /** The mapping's and its sink's name in the configuration (HOCON key). */
  readonly name: string;
  /** Absolute path of the .avsc; absent for Divolte's built-in default mapping. */
  readonly schemaFile?: string;
  /** Absolute path of the mapping.groovy; absent for Divolte's built-in default mapping. */
  readonly mappingFile?: string;
  /** Whether the JSON source feeds it too (else only the browser source). */
  readonly json: boolean;
  /** Extra mapping settings, HOCON (`discard_corrupted = true`). */
  readonly settings?: string;
  /** Fields holding `timestamp()`, the receive time: checked against the traffic's time window. */
  readonly serverTimeFields: readonly string[];
  /**
   * Fields holding `userAgent()` values: Divolte classifies user agents with uadetector's 2014
   * database, Tributary with ua-parser-js (docs/migrating-from-divolte.md): a documented difference.
   */
  readonly userAgentFields: readonly string[];
}

/** Where the reference server keeps Divolte's own test mappings and schemas. */
export function upstreamTestResources(reference: string): string {
  return join(reference, 'upstream', 'src', 'test', 'resources');
}

/** The user-agent fields of Divolte's `TestRecord` that `flat-mapping.groovy` fills. */
const testRecordUserAgentFields = [
  'userAgentName',
  'userAgentFamily',
  'userAgentVendor',
  'userAgentType',
  'userAgentVersion',
  'userAgentDeviceCategory',
  'userAgentOsFamily',
  'userAgentOsVersion',
  'userAgentOsVendor',
];

/**
 * Divolte's own test mappings (upstream/src/test/resources) that run on Divolte, fed by one source.
 * Left out, and why:
 * - `geo-mapping.groovy`: needs a MaxMind GeoIP2 database (`global.mapper.ip2geo_database`), which
 *   is licensed and not here.
 * - `missing-field-mapping.groovy`, `wrong-types-literal.groovy`, `wrong-types-producer.groovy`:
 *   refused at start-up by design (unknown field, wrong types); in the shared configuration they
 *   would stop every other case.
 * - `upstream/examples/schema-mapping.groovy` (not a test mapping, but the obvious next candidate):
 *   its `match /re/ against x` slashy form does not compile on Groovy 3, so Divolte itself cannot
 *   run it.
 * - `event-param-all.groovy`: maps `eventParameters()` onto a record with required fields. For every
 *   event whose parameters lack one (a page view, most custom events), Divolte's mapper thread
 *   throws (AvroMissingFieldException) and, measured here, writes no record of any mapping for
 *   the rest of the run: it would silence every other case.
 */
export const upstreamMappings: readonly string[] = [
  'basic-stop',
  'basic-toplevel-exit',
  'boolean-logic',
  'chained-na-mapping',
  'client-timestamp',
  'correct-types-literal',
  'custom-cookie-mapping',
  'digest-bytebuffer',
  'digest-chaining',
  'digest-json',
  'digest-missing-value',
  'digest-string-literal',
  'digest-string-provider',
  // A Groovy list's .each { … } loop, the one loop of the corpus: both servers run it.
  'digest-with-documented-algorithms',
  'digest-with-seed',
  'digest-with-string-conversion',
  'event-param-jsonpath-mapping',
  'event-param-jsonpath-mismatch',
  'event-param-jsonpath-missing',
  'event-param-jsonpath-presence',
  'event-param-mapping',
  'flat-mapping',
  'funky-querystring-mapping',
  'header-mapping',
  'header-normalization-mapping',
  'minimal-mapping',
  'nested-conditional-exit',
  'nested-conditional-exit-closure',
  'nested-conditional-stop',
  'regex-mapping',
  'shorthand-conditional-stop',
  'shorthand-conditional-stop-closure',
  'uri-mapping',
  'uri-mapping-fragment',
  'uri-mapping-raw',
  'when-mapping',
];

/** Every case: the built-in default mapping (as is and discarding), the seed article's files, Divolte's test mappings. */
export function differentialCases(options: {
  /** The reference server's folder (`../shared/reference/divolte-server`). */
  reference: string;
  /** This folder (examples/divolte/test/differential); the seed article's files are in ../../conf/article. */
  here: string;
}): DifferentialCase[] {
  const resources = upstreamTestResources(options.reference);
  const defaultUserAgentFields = testRecordUserAgentFields;
  return [
    {
      name: 'default',
      json: true,
      serverTimeFields: ['timestamp'],
      userAgentFields: defaultUserAgentFields,
    },
    {
      name: 'default-discarding',
      json: true,
      settings: 'discard_corrupted = true\n      discard_duplicates = true',
      serverTimeFields: ['timestamp'],
      userAgentFields: defaultUserAgentFields,
    },
    {
      name: 'seed-article',
      // The seed article's files as the example ships them (examples/divolte/conf/article).
      schemaFile: join(options.here, '..', '..', 'conf', 'article', 'javadoc.avsc'),
      mappingFile: join(options.here, '..', '..', 'conf', 'article', 'mapping.groovy'),
      json: false,
      serverTimeFields: ['timestamp'],
      userAgentFields: ['browser'],
    },
    ...upstreamMappings.map((name): DifferentialCase => ({
      name,
      schemaFile: join(resources, 'TestRecord.avsc'),
      mappingFile: join(resources, `${name}.groovy`),
      json: name === 'flat-mapping' || name === 'event-param-mapping',
      serverTimeFields: name === 'client-timestamp' ? [] : ['ts'],
      userAgentFields: name === 'flat-mapping' ? testRecordUserAgentFields : [],
    })),
  ];
}

/** The path of the JSON source. */
export const JSON_EVENT_PATH = '/json-event';

/**
 * The configuration text. Port and output folder come from the environment (`${?DIVOLTE_PORT}`,
 * `${DIVOLTE_OUT}`), so both servers read the same file: that is the point.
 */
export function differentialConfig(cases: readonly DifferentialCase[]): string {
  const quote = (text: string): string => JSON.stringify(text);
  const sinks = cases.map(
    (c) => `    ${c.name} {
      type = hdfs
      replication = 1
      file_strategy {
        working_dir = \${DIVOLTE_OUT}/${c.name}/working
        publish_dir = \${DIVOLTE_OUT}/${c.name}/published
        roll_every = 1 hour
      }
    }`,
  );
  const mappings = cases.map((c) => {
    const lines = [`sources = [${c.json ? 'browser, json' : 'browser'}]`, `sinks = [${c.name}]`];
    if (c.schemaFile !== undefined) lines.push(`schema_file = ${quote(c.schemaFile)}`);
    if (c.mappingFile !== undefined) lines.push(`mapping_script_file = ${quote(c.mappingFile)}`);
    if (c.settings !== undefined) lines.push(c.settings);
    return `    ${c.name} {\n      ${lines.join('\n      ')}\n    }`;
  });
  return `// Written by the differential suite (examples/divolte/test/differential): the same file runs on
// the real Divolte and on the Divolte-compatible server.
divolte {
  global {
    server {
      host = 127.0.0.1
      port = 18391
      port = \${?DIVOLTE_PORT}
    }
    // One mapper thread keeps Divolte's records in arrival order, as one worker does here.
    mapper.threads = 1
    hdfs {
      enabled = true
      threads = 1
      // Hadoop's raw local file system: no .crc side files next to the Avro files.
      client {
        "fs.file.impl" = org.apache.hadoop.fs.RawLocalFileSystem
        "fs.file.impl.disable.cache" = true
      }
    }
  }
  sources {
    browser = { type = browser }
    json = { type = json, event_path = ${JSON_EVENT_PATH} }
  }
  sinks {
${sinks.join('\n')}
  }
  mappings {
${mappings.join('\n')}
  }
}
`;
}
