import { describe, expect, it } from 'vitest';
import { loadHocon } from '../hocon';
import { formatIssue } from './config-fields';
import { REFERENCE_CONF, referenceConf } from './reference-conf';
import { validateDivolteConfig } from './validate-config';

function check(text: string, env: Record<string, string> = {}) {
  const root = loadHocon({
    layers: [
      { text: referenceConf, file: REFERENCE_CONF },
      { text, file: 'test.conf' },
    ],
    include: () => undefined,
    env,
  });
  return validateDivolteConfig(root);
}

function settings(text: string, env: Record<string, string> = {}) {
  const result = check(text, env);
  if (!result.ok) throw new Error(result.issues.map(formatIssue).join('\n'));
  return result.value;
}

function errors(text: string): string[] {
  const result = check(text);
  return result.ok ? [] : result.issues.map(formatIssue);
}

describe('validateDivolteConfig', () => {
  it("applies Divolte's implicit source, sinks and mapping to an empty file", () => {
    const value = settings('');
    expect(value.server).toEqual({
      host: '127.0.0.1',
      port: 8290,
      useXForwardedFor: false,
      serveStaticResources: true,
    });
    expect(value.sources).toMatchObject([
      {
        type: 'browser',
        name: 'browser',
        prefix: '/',
        eventSuffix: 'csc-event',
        partyCookie: '_dvp',
        partyTimeoutSeconds: 730 * 86_400,
        sessionCookie: '_dvs',
        sessionTimeoutSeconds: 1800,
        javascript: { name: 'divolte.js', logging: false, debug: false, autoPageViewEvent: true },
      },
    ]);
    // The implicit kafka sink is there, and ignored: global.kafka.enabled is false by default.
    expect(value.sinks).toMatchObject([
      { type: 'hdfs', name: 'hdfs', workingDir: '/tmp', publishDir: '/tmp' },
    ]);
    expect(value.mappings).toMatchObject([
      { name: 'default', sources: ['browser'], sinks: ['hdfs'] },
    ]);
    expect(value.ignored).toEqual([]);
  });

  it('takes DIVOLTE_PORT from the environment, as reference.conf says', () => {
    expect(settings('', { DIVOLTE_PORT: '9999' }).server.port).toBe(9999);
  });

  it("translates Kafka producer properties for kafkajs (Divolte's defaults, then the file's)", () => {
    const defaults = settings('divolte.global.kafka.enabled = true').kafka;
    expect(defaults).toEqual({
      enabled: true,
      brokers: ['localhost:9092'],
      clientId: 'divolte.collector',
      acks: 1,
      idempotent: false,
      compression: 'none',
    });
    const value = settings(`divolte.global.kafka {
      enabled = true
      producer {
        bootstrap.servers = "k1:9092,k2:9092"
        client.id = collector-1
        acks = all
        enable.idempotence = true
        compression.type = gzip
        retries = 5
        linger.ms = 20
        batch.size = 65536
        request.timeout.ms = 10000
      }
    }`).kafka;
    expect(value).toEqual({
      enabled: true,
      brokers: ['k1:9092', 'k2:9092'],
      clientId: 'collector-1',
      acks: -1,
      idempotent: true,
      compression: 'gzip',
      retries: 5,
      lingerMs: 20,
      batchBytes: 65536,
      requestTimeoutMs: 10000,
    });
  });

  it("says at start-up that lz4, Divolte's default compression, is sent uncompressed", () => {
    expect(settings('divolte.global.kafka.enabled = true').ignored).toEqual([
      expect.stringMatching(
        /^divolte\.global\.kafka\.producer\.compression\.type \(reference\.conf:\d+\): kafkajs has no lz4 codec/,
      ),
    ]);
  });

  it('refuses producer values that cannot work, naming the key and line', () => {
    expect(errors('divolte.global.kafka.producer.acks = some')).toEqual([
      'test.conf:1: divolte.global.kafka.producer.acks: expected all, -1, 0 or 1, found "some"',
    ]);
    expect(errors('divolte.global.kafka.producer.enable.idempotence = true')).toEqual([
      'test.conf:1: divolte.global.kafka.producer.enable.idempotence: an idempotent producer needs acks = all',
    ]);
  });

  it('normalises prefixes and refuses two sources on one path', () => {
    expect(
      settings('divolte.sources.a { type = browser, prefix = track }').sources[0],
    ).toMatchObject({ prefix: '/track/' });
    expect(
      errors(
        'divolte.sources {\n  a { type = browser, prefix = /x }\n  b { type = json, event_path = /x/csc-event }\n}',
      ),
    ).toEqual(["test.conf:3: divolte.sources.b.event_path: the path /x/csc-event is already a's"]);
  });

  it('refuses a source without a type, and an unknown sink type', () => {
    expect(errors('divolte.sources.a { prefix = /a }')[0]).toMatch(
      /divolte\.sources\.a\.type: a source needs a type/,
    );
    expect(errors('divolte.sinks.s { type = s3 }')).toEqual([
      'test.conf:1: divolte.sinks.s.type: a sink needs a type: hdfs or kafka, not "s3"',
    ]);
  });

  it('lists every setting the file sets and this server does not honour, with its line', () => {
    const value = settings(
      'divolte.global.server.debug_requests = true\ndivolte.global.gcs.enabled = true\ndivolte.sources.browser { type = browser, http_response_delay = 1 second, made_up = 1 }',
    );
    expect(value.ignored).toEqual([
      'divolte.global.server.debug_requests (test.conf:1): requests are not logged; use /metrics',
      'divolte.global.gcs.enabled (test.conf:2): Google Cloud Storage is not supported',
      'divolte.sources.browser.http_response_delay (test.conf:3): events are answered at once',
      'divolte.sources.browser.made_up (test.conf:3): not a Divolte setting',
    ]);
  });
});
