import type { HoconObject, HoconValue } from '../hocon';
import { setByUser } from './config-fields';

// Every key of Divolte's configuration reference (docs/configuration.rst), as a pattern over the
// dotted key (`*` is a source, sink or mapping name): honoured (no reason), or why not.
const KNOWN: readonly (readonly [pattern: string, reason?: string])[] = [
  ['global.server.host'],
  ['global.server.port'],
  ['global.server.use_x_forwarded_for'],
  ['global.server.serve_static_resources'],
  ['global.server.debug_requests', 'requests are not logged; use /metrics'],
  [
    'global.server.shutdown_delay',
    'shutdown starts at once (/ping answers 503 from then on); SHUTDOWN_DEADLINE_MS bounds it',
  ],
  [
    'global.server.shutdown_timeout',
    'the shutdown deadline is SHUTDOWN_DEADLINE_MS (10 s by default)',
  ],
  ['global.mapper.buffer_size', 'each worker holds at most 10000 events in flight'],
  ['global.mapper.threads', 'workers take the place of threads: --workers or DIVOLTE_WORKERS'],
  ['global.mapper.duplicate_memory_size'],
  ['global.mapper.ip2geo_database'],
  ['global.mapper.user_agent_parser.type', 'one bundled parser; there is nothing to update online'],
  ['global.mapper.user_agent_parser.cache_size'],
  ['global.hdfs.enabled'],
  ['global.hdfs.threads', 'one file per hdfs sink per worker'],
  ['global.hdfs.buffer_size', 'the file sink buffers 8 MiB and then holds writers back'],
  ['global.hdfs.client.**', 'hdfs sinks write to the local file system'],
  ['global.kafka.enabled'],
  ['global.kafka.threads', 'one producer per kafka sink per worker'],
  ['global.kafka.buffer_size', 'the kafka sink buffers 5000 records and then holds writers back'],
  ['global.kafka.producer.bootstrap.servers'],
  ['global.kafka.producer.client.id'],
  ['global.kafka.producer.acks'],
  ['global.kafka.producer.retries'],
  ['global.kafka.producer.compression.type'],
  ['global.kafka.producer.enable.idempotence'],
  ['global.kafka.producer.linger.ms'],
  ['global.kafka.producer.batch.size'],
  ['global.kafka.producer.request.timeout.ms'],
  [
    'global.kafka.producer.max.in.flight.requests.per.connection',
    "one batch in flight per sink, so a party's records stay in order",
  ],
  ['global.kafka.producer.**', 'not a producer setting kafkajs has'],
  ['global.gcs.**', 'Google Cloud Storage is not supported'],
  ['global.gcps.**', 'Google Cloud Pub/Sub is not supported'],
  ['sources.*.type'],
  ['sources.*.prefix'],
  ['sources.*.event_suffix'],
  ['sources.*.party_cookie'],
  ['sources.*.party_timeout'],
  ['sources.*.session_cookie'],
  ['sources.*.session_timeout'],
  ['sources.*.cookie_domain'],
  ['sources.*.http_response_delay', 'events are answered at once'],
  ['sources.*.javascript.name'],
  ['sources.*.javascript.logging'],
  [
    'sources.*.javascript.debug',
    "Tributary's tag is served minified (6 KB); its source is in @tributary/tracker",
  ],
  ['sources.*.javascript.auto_page_view_event'],
  [
    'sources.*.javascript.event_timeout',
    "Tributary's tag waits 750 ms for an event before it sends the next",
  ],
  ['sources.*.event_path'],
  ['sources.*.party_id_parameter'],
  ['sources.*.maximum_body_size'],
  ['mappings.*.schema_file'],
  ['mappings.*.mapping_script_file'],
  ['mappings.*.discard_corrupted'],
  ['mappings.*.discard_duplicates'],
  ['mappings.*.confluent_id'],
  ['mappings.*.sources'],
  ['mappings.*.sinks'],
  ['sinks.*.type'],
  ['sinks.*.file_strategy.working_dir'],
  ['sinks.*.file_strategy.publish_dir'],
  ['sinks.*.file_strategy.roll_every'],
  ['sinks.*.file_strategy.sync_file_after_records'],
  ['sinks.*.file_strategy.sync_file_after_duration'],
  ['sinks.*.replication', 'hdfs sinks write to the local file system'],
  ['sinks.*.replication_factor', 'hdfs sinks write to the local file system'],
  ['sinks.*.topic'],
  ['sinks.*.mode'],
  // Settings of gcs and gcps sinks, which are refused at start-up.
  ['sinks.*.bucket', 'Google Cloud sinks are not supported'],
  ['sinks.*.retry_settings.**', 'Google Cloud sinks are not supported'],
  ['sinks.*.batching_settings.**', 'Google Cloud sinks are not supported'],
];

const MATCHERS = KNOWN.map(([pattern, reason]) => ({
  regex: new RegExp(
    '^divolte\\.' +
      pattern
        .split('.')
        .map((part) =>
          part === '**' ? '.+' : part === '*' ? '[^.]+' : part.replace(/[-]/g, '\\-'),
        )
        .join('\\.') +
      '$',
  ),
  reason,
}));

/**
 * What this server does with a dotted key: `'honoured'`, the reason it does not, or undefined when
 * Divolte documents no such key.
 */
export function settingStatus(key: string): 'honoured' | { readonly ignored: string } | undefined {
  const known = MATCHERS.find((matcher) => matcher.regex.test(key));
  if (known === undefined) return undefined;
  return known.reason === undefined ? 'honoured' : { ignored: known.reason };
}

/**
 * The keys the user's files set that this server does not honour, each with where and why: one
 * line per key, `divolte.global.server.debug_requests (conf:12): requests are not logged…`.
 * Keys that no Divolte version documents are listed as unknown (Divolte ignores them too).
 */
export function ignoredSettings(root: HoconObject): string[] {
  const lines: string[] = [];
  const walk = (value: HoconValue, key: string): void => {
    // Producer properties are dotted names (`bootstrap.servers`): HOCON made objects of them,
    // so every key is walked down to its leaves.
    if (value.kind === 'object' && value.fields.size > 0) {
      for (const [name, child] of value.fields)
        walk(child as HoconValue, key === '' ? name : `${key}.${name}`);
      return;
    }
    // An empty object (`mappings {}`) sets nothing.
    if (value.kind === 'object' || !setByUser(value) || !key.startsWith('divolte.')) return;
    const status = settingStatus(key);
    const where = `${value.origin.file}:${value.origin.line}`;
    if (status === undefined) lines.push(`${key} (${where}): not a Divolte setting`);
    else if (status !== 'honoured') lines.push(`${key} (${where}): ${status.ignored}`);
  };
  walk(root, '');
  return lines;
}
