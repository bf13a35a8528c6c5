// Every configuration Divolte ships (its test resources, its example, the reference server's) is
// read and either runs or is refused with the reason Divolte gives.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { describeWithServices } from '../../../../test/services';
import { loadSettings } from '../load-settings';
import { parseSchemaText } from '../server/schema-text';

const reference = join(
  process.env.TRIBUTARY_SHARED ?? resolve(import.meta.dirname, '../../../../../shared'),
  'reference/divolte-server',
);
const resources = join(reference, 'upstream/src/test/resources');
const present = existsSync(resources);

// What Divolte says about the ones it refuses (its validation messages), or ours for the sink
// types this server does not have.
const REFUSED: Record<string, RegExp> = {
  'gcs-both-jitter-invalid.conf':
    /divolte\.sinks\.gcs\.type: Google Cloud Storage sinks are not supported/,
  'gcs-jitter-factor.conf':
    /divolte\.sinks\.gcs\.type: Google Cloud Storage sinks are not supported/,
  'gcs-sink.conf': /divolte\.sinks\.gcs\.type: Google Cloud Storage sinks are not supported/,
  'kafka-sink-confluent-partially-without-confluent-id.conf':
    /Mappings used by sinks in Confluent-mode must have their 'confluent_id' attribute set\. The following mappings are missing this: \[test-2\]/,
  'kafka-sink-confluent-with-confluent-id-conflict.conf':
    /Any sink can only use one confluent identifier\. The following sinks have multiple mappings with different 'confluent_id' attributes: \[kafka\]/,
  'kafka-sink-confluent-without-confluent-id.conf':
    /Mappings used by sinks in Confluent-mode must have their 'confluent_id' attribute set\. The following mappings are missing this: \[test\]/,
  'missing-sources-sinks.conf':
    /The following sources and\/or sinks were used in a mapping but never defined: \[missing-source, missing-sink\]/,
  'multiple-mappings-different-schema-shared-sink.conf':
    /Any sink can only use one schema\. The following sinks have multiple mappings with different schema's linked to them: \[kafka\]/,
  'source-sink-collisions.conf':
    /Source and sink names cannot collide \(must be globally unique\)\. The following names were both used as source and as sink: \[foo, bar\]/,
};

const shared = {
  name: `Divolte's sources in ${reference}`,
  available: present,
  start: 'the shared folder beside the repository (../shared)',
};

describeWithServices([shared], "Divolte's own configuration files", () => {
  const files = present ? readdirSync(resources).filter((name) => name.endsWith('.conf')) : [];

  it('are all here (37 test configurations)', () => {
    expect(files).toHaveLength(37);
  });

  it.each(files)('%s runs or is refused as Divolte refuses it', (name) => {
    const loaded = loadSettings(join(resources, name), {});
    const refusal = REFUSED[name];
    if (refusal === undefined) {
      expect(loaded.ok ? [] : loaded.errors).toEqual([]);
      return;
    }
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(loaded.errors.join('\n')).toMatch(refusal);
    // Every refusal says where: the file and the line.
    for (const line of loaded.errors) expect(line).toMatch(/^\/.+\.conf:\d+: divolte\./);
  });

  it("reads upstream's example and the reference server's configuration", () => {
    const example = loadSettings(join(reference, 'upstream/examples/divolte-collector.conf'), {});
    expect(example.ok).toBe(true);
    const conf = loadSettings(join(reference, 'conf/divolte-collector.conf'), {
      DIVOLTE_OUT: '/data',
    });
    if (!conf.ok) throw new Error(conf.errors.join('\n'));
    expect(conf.settings.server).toMatchObject({ host: '127.0.0.1', port: 18390 });
    expect(conf.settings.sinks).toMatchObject([
      {
        type: 'hdfs',
        name: 'localfile',
        workingDir: '/data/working',
        publishDir: '/data/published',
        rollEveryMs: 3_600_000,
        syncFileAfterRecords: 1,
        syncFileAfterMs: 1000,
      },
    ]);
    expect(conf.settings.sources.map((source) => source.name)).toEqual(['browser', 'json']);
  });

  it('refuses reference.conf-based configurations that need an unset variable, naming it', () => {
    const conf = loadSettings(join(reference, 'conf/divolte-collector.conf'), {});
    expect(conf.ok).toBe(false);
    if (conf.ok) return;
    expect(conf.errors[0]).toMatch(
      /divolte-collector\.conf:\d+: \$\{DIVOLTE_OUT\} names no setting and no environment variable DIVOLTE_OUT/,
    );
  });

  it("reads Divolte's own TestRecord.avsc, whose // licence lines Avro's parser allows", () => {
    const text = readFileSync(join(resources, 'TestRecord.avsc'), 'utf8');
    expect(text.startsWith('//')).toBe(true);
    expect(parseSchemaText(text)).toMatchObject({ type: 'record', name: 'TestRecord' });
  });
});
