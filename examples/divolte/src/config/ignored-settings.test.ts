// Every key of Divolte's configuration reference is honoured or has a reason to be named in the
// start-up warning: none is silently ignored.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { describeWithServices } from '../../../../test/services';
import { settingStatus } from './ignored-settings';

const docs = join(
  process.env.TRIBUTARY_SHARED ?? resolve(import.meta.dirname, '../../../../../shared'),
  'reference/divolte-server/upstream/docs/configuration.rst',
);

// Each kind of property in the reference, and where its key lives.
const PLACES: Record<string, string> = {
  'Browser source': 'divolte.sources.a_source.',
  'JSON source': 'divolte.sources.a_source.',
  Mapping: 'divolte.mappings.a_mapping.',
  'File Based Sink': 'divolte.sinks.a_sink.',
  'HDFS Sink': 'divolte.sinks.a_sink.',
  'Topic Based Sink': 'divolte.sinks.a_sink.',
  'Kafka Sink': 'divolte.sinks.a_sink.',
  'Google Cloud Storage Sink': 'divolte.sinks.a_sink.',
  'Google Cloud Pub/Sub Sink': 'divolte.sinks.a_sink.',
  '': '',
};
// Documented as whole objects: a key inside each stands for them.
const OBJECTS: Record<string, string> = {
  'divolte.global.hdfs.client': 'divolte.global.hdfs.client.fs.defaultFS',
  'divolte.global.kafka.producer': 'divolte.global.kafka.producer.bootstrap.servers',
  'divolte.global.mapper.user_agent_parser': 'divolte.global.mapper.user_agent_parser.cache_size',
};

describeWithServices(
  [
    {
      name: `Divolte's configuration reference at ${docs}`,
      available: existsSync(docs),
      start: 'the shared folder (../shared)',
    },
  ],
  "Divolte's configuration reference",
  () => {
    it('has no key that is neither honoured nor named in the start-up warning', () => {
      const documented = [
        ...readFileSync(docs, 'utf8').matchAll(/^([A-Za-z /]*?) ?[Pp]roperty: ``([^`]+)``/gm),
      ].map(([, kind = '', name = '']) => {
        const place = PLACES[kind];
        if (place === undefined)
          throw new Error(`a property kind this test does not know: ${kind}`);
        const key = place + name;
        return OBJECTS[key] ?? key;
      });
      expect(documented.length).toBeGreaterThan(70);
      expect(documented.filter((key) => settingStatus(key) === undefined)).toEqual([]);
      // And the ones this server honours, as the README lists them.
      expect(documented.filter((key) => settingStatus(key) === 'honoured')).toHaveLength(38);
    });
  },
);
