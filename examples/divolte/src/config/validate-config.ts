import type { HoconObject } from '../hocon';
import { ConfigFields, type ConfigIssue } from './config-fields';
import type {
  ConfiguredPath,
  DivolteSettings,
  KafkaSettings,
  MappingSettings,
  SinkSettings,
  SourceSettings,
} from './divolte-settings';
import { ignoredSettings } from './ignored-settings';

/** A checked configuration, or every setting that cannot work. */
export type ValidationResult =
  | { readonly ok: true; readonly value: DivolteSettings }
  | { readonly ok: false; readonly issues: readonly ConfigIssue[] };

const DAY_SECONDS = 86_400;

/**
 * Checks a read configuration (see `readDivolteConfig`) and turns it into {@link DivolteSettings},
 * with Divolte's implicit source, sinks and mapping when a section is absent, and Divolte's own
 * refusals (names that collide, mappings naming what does not exist, a sink given two schemas or
 * two Confluent ids, Confluent mode without an id).
 */
export function validateDivolteConfig(root: HoconObject): ValidationResult {
  const issues: ConfigIssue[] = [];
  const divolte = new ConfigFields(root, '', issues).child('divolte');
  const global = divolte.child('global');
  const server = global.child('server');
  const mapper = global.child('mapper');
  const hdfsEnabled = global.child('hdfs').boolean('enabled', true);
  const kafka = readKafka(global.child('kafka'));

  const sources = readSources(divolte);
  const allSinks = readSinks(divolte);
  const enabled = (sink: SinkSettings): boolean =>
    sink.type === 'hdfs' ? hdfsEnabled : kafka.enabled;
  const sinks = allSinks.filter(enabled);
  const mappings = readMappings(divolte, sources, allSinks, enabled);

  const settings: DivolteSettings = {
    server: {
      // Divolte binds a loopback address when no host is set.
      host: server.string('host', '127.0.0.1'),
      port: server.integer('port', 8290, 0, 65_535),
      useXForwardedFor: server.boolean('use_x_forwarded_for', false),
      serveStaticResources: server.boolean('serve_static_resources', true),
    },
    mapper: {
      duplicateMemorySize: mapper.integer('duplicate_memory_size', 1_000_000, 1),
      ...optional('ip2geoDatabase', configuredPath(mapper, 'ip2geo_database')),
      userAgentCacheSize: mapper.child('user_agent_parser').integer('cache_size', 1000, 1),
    },
    kafka,
    sources,
    sinks,
    mappings,
    ignored: [...ignoredSettings(root), ...compressionNote(global, kafka)],
  };
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value: settings };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** lz4 and zstd (lz4 is Divolte's default) have no codec in kafkajs here: said at start-up. */
function compressionNote(global: ConfigFields, kafka: KafkaSettings): string[] {
  const value = global.value('kafka.producer.compression.type');
  if (!kafka.enabled || value === undefined || value.kind !== 'scalar') return [];
  if (value.text !== 'lz4' && value.text !== 'zstd') return [];
  return [
    `divolte.global.kafka.producer.compression.type (${value.origin.file}:${value.origin.line}): ` +
      `kafkajs has no ${value.text} codec here; records are sent uncompressed (set gzip or snappy)`,
  ];
}

function readKafka(kafka: ConfigFields): KafkaSettings {
  const producer = kafka.child('producer');
  const brokers = producer.names('bootstrap.servers') ?? ['localhost:9092'];
  const acksText = producer.string('acks', '1');
  const acks =
    acksText === 'all' || acksText === '-1'
      ? -1
      : acksText === '0'
        ? 0
        : acksText === '1'
          ? 1
          : undefined;
  if (acks === undefined)
    producer.fail('acks', producer.value('acks'), `expected all, -1, 0 or 1, found "${acksText}"`);
  const idempotent = producer.boolean('enable.idempotence', false);
  if (idempotent && acks !== -1) {
    producer.fail(
      'enable.idempotence',
      producer.value('enable.idempotence'),
      'an idempotent producer needs acks = all',
    );
  }
  const compressionText = producer.string('compression.type', 'none');
  let compression: KafkaSettings['compression'] = 'none';
  if (compressionText === 'gzip' || compressionText === 'snappy' || compressionText === 'none') {
    compression = compressionText;
  } else if (compressionText !== 'lz4' && compressionText !== 'zstd') {
    producer.fail(
      'compression.type',
      producer.value('compression.type'),
      `expected none, gzip, snappy, lz4 or zstd, found "${compressionText}"`,
    );
  }
  // lz4 (Divolte's default) and zstd have no codec in kafkajs here: sent uncompressed, said at
  // start-up by the caller (see `kafkaCompressionNote`).
  const number = (name: string): number | undefined =>
    producer.value(name) === undefined ? undefined : producer.integer(name, 0);
  return {
    enabled: kafka.boolean('enabled', false),
    brokers,
    clientId: producer.string('client.id', 'divolte.collector'),
    acks: acks ?? 1,
    idempotent,
    compression,
    // kafkajs's own retries before the sink's retry takes over; Divolte's default 0 leaves the
    // sink's (it retries a failed batch until the broker takes it: no record is dropped).
    ...optional('retries', number('retries') || undefined),
    ...optional('lingerMs', number('linger.ms')),
    ...optional('batchBytes', number('batch.size')),
    ...optional('requestTimeoutMs', number('request.timeout.ms')),
  };
}

function readSources(divolte: ConfigFields): SourceSettings[] {
  const section = divolte.value('sources');
  // Divolte's implicit source, only when the section is absent altogether.
  const fields = section === undefined ? undefined : divolte.child('sources');
  const names = fields ? fields.keys() : ['browser'];
  const sources: SourceSettings[] = [];
  const paths = new Map<string, string>();
  for (const name of names) {
    const source = fields
      ? fields.child(name)
      : new ConfigFields(undefined, `divolte.sources.${name}`, divolte.issues);
    const type = fields ? source.choice('type', ['browser', 'json'], 'browser') : 'browser';
    if (fields && source.value('type') === undefined)
      source.fail('type', undefined, 'a source needs a type: browser or json');
    const claim = (path: string, key: string): void => {
      const other = paths.get(path);
      if (other !== undefined)
        source.fail(key, source.value(key), `the path ${path} is already ${other}'s`);
      paths.set(path, name);
    };
    if (type === 'browser') {
      const prefix = withSlashes(source.string('prefix', '/'));
      const javascript = source.child('javascript');
      const settings: SourceSettings = {
        type,
        name,
        prefix,
        eventSuffix: source.string('event_suffix', 'csc-event'),
        partyCookie: source.string('party_cookie', '_dvp'),
        partyTimeoutSeconds: Math.floor(
          source.duration('party_timeout', 730 * DAY_SECONDS * 1000, 1000) / 1000,
        ),
        sessionCookie: source.string('session_cookie', '_dvs'),
        sessionTimeoutSeconds: Math.floor(
          source.duration('session_timeout', 1800 * 1000, 1000) / 1000,
        ),
        ...optional('cookieDomain', source.string('cookie_domain') || undefined),
        javascript: {
          name: javascript.string('name', 'divolte.js'),
          logging: javascript.boolean('logging', false),
          debug: javascript.boolean('debug', false),
          autoPageViewEvent: javascript.boolean('auto_page_view_event', true),
          eventTimeoutMs: javascript.duration('event_timeout', 750),
        },
      };
      if (!/^[A-Za-z0-9._~-]+$/.test(settings.javascript.name)) {
        javascript.fail(
          'name',
          javascript.value('name'),
          'expected a file name such as divolte.js',
        );
      }
      claim(prefix + settings.eventSuffix, 'event_suffix');
      claim(prefix + settings.javascript.name, 'javascript.name');
      sources.push(settings);
    } else {
      const eventPath = source.string('event_path', '/');
      if (!eventPath.startsWith('/'))
        source.fail('event_path', source.value('event_path'), 'expected a path starting with /');
      claim(eventPath, 'event_path');
      sources.push({
        type,
        name,
        eventPath,
        partyIdParameter: source.string('party_id_parameter', 'p'),
        maximumBodySize: source.integer('maximum_body_size', 4096, 1),
      });
    }
  }
  return sources;
}

function configuredPath(fields: ConfigFields, key: string): ConfiguredPath | undefined {
  const path = fields.string(key);
  const value = fields.value(key);
  return path === undefined || value === undefined ? undefined : { path, origin: value.origin };
}

function withSlashes(prefix: string): string {
  let path = prefix.startsWith('/') ? prefix : '/' + prefix;
  if (!path.endsWith('/')) path += '/';
  return path;
}

function readSinks(divolte: ConfigFields): SinkSettings[] {
  const section = divolte.value('sinks');
  const fields = section === undefined ? undefined : divolte.child('sinks');
  if (fields === undefined) {
    // Divolte's implicit sinks: hdfs (to /tmp) and kafka, each only when its type is enabled.
    const none = new ConfigFields(undefined, 'divolte.sinks', divolte.issues);
    return [
      hdfsSink('hdfs', none),
      { type: 'kafka', name: 'kafka', topic: 'divolte', mode: 'naked' },
    ];
  }
  const sinks: SinkSettings[] = [];
  for (const name of fields.keys()) {
    const sink = fields.child(name);
    const type = sink.string('type');
    if (type === 'hdfs') sinks.push(hdfsSink(name, sink));
    else if (type === 'kafka') {
      sinks.push({
        type,
        name,
        topic: sink.string('topic', 'divolte'),
        mode: sink.choice('mode', ['naked', 'confluent'], 'naked'),
      });
    } else if (type === 'gcs' || type === 'gcps') {
      sink.fail(
        'type',
        sink.value('type'),
        `${type === 'gcs' ? 'Google Cloud Storage' : 'Google Cloud Pub/Sub'} sinks are not supported by this server: ` +
          'use an hdfs sink (local files) or a kafka sink, or keep the real Divolte for this sink',
      );
    } else {
      sink.fail(
        'type',
        sink.value('type'),
        `a sink needs a type: hdfs or kafka${type ? `, not "${type}"` : ''}`,
      );
    }
  }
  return sinks;
}

function hdfsSink(name: string, sink: ConfigFields): SinkSettings {
  const strategy = sink.child('file_strategy');
  return {
    type: 'hdfs',
    name,
    workingDir: strategy.string('working_dir', '/tmp'),
    publishDir: strategy.string('publish_dir', '/tmp'),
    rollEveryMs: strategy.duration('roll_every', 3_600_000, 1),
    syncFileAfterRecords: strategy.integer('sync_file_after_records', 1000, 1),
    syncFileAfterMs: strategy.duration('sync_file_after_duration', 30_000, 1),
    ...optional('origin', (strategy.value('working_dir') ?? sink.object)?.origin),
  };
}

function readMappings(
  divolte: ConfigFields,
  sources: readonly SourceSettings[],
  sinks: readonly SinkSettings[],
  enabled: (sink: SinkSettings) => boolean,
): MappingSettings[] {
  const sourceNames = new Set(sources.map((source) => source.name));
  const sinkNames = new Set(sinks.map((sink) => sink.name));
  const colliding = [...sourceNames].filter((name) => sinkNames.has(name));
  if (colliding.length > 0) {
    divolte.fail(
      'sinks',
      divolte.value('sinks'),
      `Source and sink names cannot collide (must be globally unique). The following names were both used as source and as sink: [${colliding.join(', ')}].`,
    );
  }
  const section = divolte.value('mappings');
  const fields = section === undefined ? undefined : divolte.child('mappings');
  if (fields === undefined) {
    return [
      {
        name: 'default',
        discardCorrupted: false,
        discardDuplicates: false,
        sources: [...sourceNames],
        sinks: sinks.filter(enabled).map((sink) => sink.name),
      },
    ];
  }
  const missing = new Set<string>();
  const mappings: MappingSettings[] = [];
  // Divolte checks sink sharing over every sink named, enabled or not.
  const configured: MappingSettings[] = [];
  for (const name of fields.keys()) {
    const mapping = fields.child(name);
    const mappingSources = mapping.names('sources') ?? [];
    const mappingSinks = mapping.names('sinks') ?? [];
    for (const source of mappingSources) if (!sourceNames.has(source)) missing.add(source);
    for (const sink of mappingSinks) if (!sinkNames.has(sink)) missing.add(sink);
    const file = (key: string): ConfiguredPath | undefined => configuredPath(mapping, key);
    const confluentId =
      mapping.value('confluent_id') === undefined ? undefined : mapping.integer('confluent_id', 0);
    const schemaFile = file('schema_file');
    const mappingScriptFile = file('mapping_script_file');
    const settings: MappingSettings = {
      name,
      ...optional('schemaFile', schemaFile),
      ...optional('mappingScriptFile', mappingScriptFile),
      discardCorrupted: mapping.boolean('discard_corrupted', false),
      discardDuplicates: mapping.boolean('discard_duplicates', false),
      ...optional('confluentId', confluentId),
      sources: mappingSources,
      sinks: mappingSinks,
    };
    configured.push(settings);
    mappings.push({
      ...settings,
      sinks: mappingSinks.filter((sink) => {
        const found = sinks.find((candidate) => candidate.name === sink);
        return found !== undefined && enabled(found);
      }),
    });
  }
  checkSinkSharing(divolte, configured, sinks);
  if (missing.size > 0) {
    divolte.fail(
      'mappings',
      section,
      `The following sources and/or sinks were used in a mapping but never defined: [${[...missing].join(', ')}].`,
    );
  }
  return mappings;
}

function checkSinkSharing(
  divolte: ConfigFields,
  mappings: readonly MappingSettings[],
  sinks: readonly SinkSettings[],
): void {
  // Divolte compares the schema_file settings as written (set or not), as here.
  const schemaOf = (mapping: MappingSettings): string => mapping.schemaFile?.path ?? '<built-in>';
  const multipleSchemas: string[] = [];
  const multipleIds: string[] = [];
  const withoutIds: string[] = [];
  for (const sink of sinks) {
    const users = mappings.filter((mapping) => mapping.sinks.includes(sink.name));
    if (new Set(users.map(schemaOf)).size > 1) multipleSchemas.push(sink.name);
    if (sink.type !== 'kafka' || sink.mode !== 'confluent') continue;
    if (
      new Set(users.map((mapping) => mapping.confluentId).filter((id) => id !== undefined)).size > 1
    ) {
      multipleIds.push(sink.name);
    }
    for (const mapping of users)
      if (mapping.confluentId === undefined) withoutIds.push(mapping.name);
  }
  const at = divolte.value('mappings');
  if (multipleSchemas.length > 0) {
    divolte.fail(
      'mappings',
      at,
      `Any sink can only use one schema. The following sinks have multiple mappings with different schema's linked to them: [${multipleSchemas.join(', ')}].`,
    );
  }
  if (multipleIds.length > 0) {
    divolte.fail(
      'mappings',
      at,
      `Any sink can only use one confluent identifier. The following sinks have multiple mappings with different 'confluent_id' attributes: [${multipleIds.join(', ')}].`,
    );
  }
  if (withoutIds.length > 0) {
    divolte.fail(
      'mappings',
      at,
      `Mappings used by sinks in Confluent-mode must have their 'confluent_id' attribute set. The following mappings are missing this: [${[...new Set(withoutIds)].join(', ')}].`,
    );
  }
}
