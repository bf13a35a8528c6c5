import type { EventRouter } from './event-router';
import type { RunningMapping } from './mappings';
import { prometheusBlock, sumPrometheus, withLabel } from './metrics';
import type { RunningSink } from './sinks';
import type { RunningSources } from './sources';

/**
 * One worker's metrics in Prometheus text: each source's collector series labelled
 * `source="<name>"`, each mapping's outcomes and discards, each sink's counters.
 */
export function serverMetrics(
  sources: RunningSources,
  mappings: readonly RunningMapping[],
  router: EventRouter,
  sinks: readonly RunningSink[],
): string {
  const collectors = sources.collectors.map(({ source, collector }) =>
    withLabel(collector.prometheus(), 'source', source.name),
  );
  const label = (name: string, value: string) => `${name}=${JSON.stringify(value)}`;
  const mapped = prometheusBlock(
    'divolte_mapping_events_total',
    'Events through each mapping, by outcome (discarded: by discard_corrupted or discard_duplicates).',
    'counter',
    mappings.flatMap(({ settings, mapper }) => {
      const discarded = router.discarded.get(settings.name)!;
      const m = label('mapping', settings.name);
      return [
        [`{${m},outcome="mapped"}`, mapper.stats.mapped],
        [`{${m},outcome="dropped"}`, mapper.stats.dropped],
        [`{${m},outcome="failed"}`, mapper.stats.failed],
        [`{${m},outcome="discarded_corrupt"}`, discarded.corrupt],
        [`{${m},outcome="discarded_duplicate"}`, discarded.duplicate],
      ] as const;
    }),
  );
  const files = sinks.flatMap((running) =>
    running.type === 'hdfs' ? [{ name: running.name, m: running.sink.metrics() }] : [],
  );
  const kafka = sinks.flatMap((running) =>
    running.type === 'kafka' ? [{ name: running.name, m: running.sink.metrics() }] : [],
  );
  const fileRecords = prometheusBlock(
    'divolte_file_sink_records_total',
    'Records in each hdfs (local file) sink, by state.',
    'counter',
    files.flatMap(
      ({ name, m }) =>
        [
          [`{${label('sink', name)},state="written"}`, m.recordsWritten],
          [`{${label('sink', name)},state="synced"}`, m.recordsSynced],
          [`{${label('sink', name)},state="recovered"}`, m.recordsRecovered],
        ] as const,
    ),
  );
  const filesPublished = prometheusBlock(
    'divolte_file_sink_files_published_total',
    'Avro files moved to the publish directory.',
    'counter',
    files.map(({ name, m }) => [`{${label('sink', name)}}`, m.filesPublished] as const),
  );
  const kafkaRecords = prometheusBlock(
    'divolte_kafka_sink_records_total',
    'Records of each kafka sink, by state.',
    'counter',
    kafka.flatMap(
      ({ name, m }) =>
        [
          [`{${label('sink', name)},state="sent"}`, m.sent],
          [`{${label('sink', name)},state="retried"}`, m.retried],
          [`{${label('sink', name)},state="failed"}`, m.failed],
          [`{${label('sink', name)},state="buffered"}`, m.buffered],
        ] as const,
    ),
  );
  return sumPrometheus([...collectors, mapped, fileRecords, filesPublished, kafkaRecords]);
}
