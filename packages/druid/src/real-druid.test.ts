// Against a real Druid (infra/druid/druid.sh), a real Kafka broker (infra/kafka/kafka.sh) and a
// real schema registry (infra/registry/registry.sh, for the schema_registry decoder):
// Avro records produced to a topic, the generated spec checked by the sampler and submitted,
// then every field read back with Druid SQL. Under CI=true a missing service fails the suite.
import { randomUUID } from 'node:crypto';
import { tributaryEventRecord, type TributaryEventRecord } from '@tributary/schema';
import avsc from 'avsc';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServices, itWithServices } from '../../../test/services';
import {
  bootstrapServers,
  brokerUrl,
  druidNeed,
  eventually,
  kafkaNeed,
  overlordUrl,
  registryNeed,
  registryUrl,
} from '../test/services';
import {
  createDruidClient,
  createSupervisorSpec,
  DruidError,
  type SupervisorSpecOptions,
} from './index';

const N = 240;
const needs = [await druidNeed(), await kafkaNeed()];
const registry = await registryNeed();

// Deterministic records that exercise every kind of field: strings, nullable strings, ints and
// doubles present and absent, booleans both ways, URLs for the derived columns.
function makeRecords(count: number, base: number): TributaryEventRecord[] {
  return Array.from({ length: count }, (_, i) => {
    const withPage = i % 5 !== 0;
    return {
      timestamp: base + i * 1000,
      clientTimestamp: base + i * 1000 - 37,
      eventId: `event-${String(i).padStart(4, '0')}`,
      eventType: i % 3 === 0 ? 'pageView' : 'addToCart',
      source: i % 7 === 0 ? 'json' : 'browser',
      partyId: `party-${i % 97}`,
      sessionId: `session-${i % 131}`,
      pageViewId: withPage ? `pv-${i}` : null,
      newParty: i % 2 === 0,
      firstInSession: i % 4 === 0,
      detectedCorruption: false,
      detectedDuplicate: i % 11 === 0,
      isBot: i % 13 === 0,
      location: withPage ? `https://shop.example/products/${i % 9}?ref=x#top` : null,
      referrer: i % 3 === 0 ? `https://User@Search.Example:443/q?x=${i}` : null,
      utmSource: i % 4 === 0 ? 'newsletter' : null,
      utmMedium: null,
      utmCampaign: i % 4 === 0 ? 'winter-sale' : null,
      utmTerm: null,
      utmContent: null,
      viewportPixelWidth: i % 6 === 0 ? null : 320 + i,
      viewportPixelHeight: i % 6 === 0 ? null : 480 + i,
      screenPixelWidth: 1920,
      screenPixelHeight: 1080,
      devicePixelRatio: i % 2 === 0 ? 1.5 : null,
      eventParameters: i % 3 === 0 ? null : JSON.stringify({ sku: `sku-${i}`, quantity: i % 4 }),
      remoteHost: `192.0.2.${i % 250}`,
      userAgentString: 'Mozilla/5.0 (X11; Linux x86_64) Test/1.0',
      browserName: 'Chrome',
      browserVersion: `1${i % 10}0.0`,
      osName: 'Linux',
      osVersion: null,
      deviceType: i % 8 === 0 ? 'mobile' : null,
      deviceVendor: null,
      deviceModel: null,
      geoCountryCode: ['NL', 'DE', 'FR'][i % 3]!,
      geoSubdivisionCode: null,
      geoCityName: i % 3 === 0 ? 'Amsterdam' : null,
      geoLatitude: i % 3 === 0 ? 52.3676 : null,
      geoLongitude: i % 3 === 0 ? 4.9041 : null,
      geoTimeZone: 'Europe/Amsterdam',
    };
  });
}

describeWithServices(needs, 'a real Druid ingests the generated spec from a real Kafka', () => {
  const druid = createDruidClient({ overlordUrl, brokerUrl });
  const run = randomUUID().slice(0, 8);
  const topic = `tributary-druid-${run}`;
  const supervisors: string[] = [];
  const base = Date.UTC(2026, 0, 15, 10, 0, 0);
  const records = makeRecords(N, base);

  beforeAll(async () => {
    const kafka = new Kafka({
      brokers: [bootstrapServers],
      logLevel: logLevel.ERROR,
      clientId: 'tributary-druid-test',
    });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    const type = avsc.Type.forSchema(tributaryEventRecord.schema as avsc.Schema);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: records.map((record) => ({ key: record.partyId, value: type.toBuffer(record) })),
    });
    await producer.disconnect();
  }, 60_000);

  afterAll(async () => {
    for (const id of supervisors) {
      await druid.terminateSupervisor(id).catch(() => undefined);
      // Tasks that outlive the test keep Druid's task slots busy for the suites that follow.
      await druid.shutdownTasks(id);
    }
  }, 60_000);

  const specFor = (
    dataSource: string,
    rollup: boolean,
    options: Partial<SupervisorSpecOptions> = {},
  ) =>
    createSupervisorSpec({
      schema: tributaryEventRecord,
      dataSource,
      topic,
      bootstrapServers,
      rollup,
      useEarliestOffset: true,
      startDelay: 'PT1S',
      period: 'PT5S',
      taskDuration: 'PT10M',
      ...options,
    });

  it('validates the raw spec with the sampler, ingests every record and round-trips every field', async () => {
    const dataSource = `tributary_raw_${run}`;
    const spec = specFor(dataSource, false);
    const checked = await druid.checkSpec(spec, { numRows: 50 });
    if (!checked.ok) throw new Error(JSON.stringify(checked.issues, null, 2));
    expect(checked.value.numRowsRead).toBeGreaterThan(0);
    expect(checked.value.numRowsIndexed).toBe(checked.value.numRowsRead);

    supervisors.push((await druid.submitSupervisor(spec)).id);
    expect(await druid.waitForRows(dataSource, { minRows: N, timeoutMs: 180_000 })).toBe(N);

    const { rows, columns } = await druid.sql(`SELECT * FROM "${dataSource}" ORDER BY __time`);
    expect(rows).toHaveLength(N);
    const types = Object.fromEntries(columns.map((column) => [column.name, column.type]));
    expect(types).toMatchObject({
      __time: 'LONG',
      eventId: 'STRING',
      isBot: 'LONG',
      viewportPixelWidth: 'LONG',
      devicePixelRatio: 'DOUBLE',
      pagePath: 'STRING',
    });
    rows.forEach((row, i) => {
      const record = records[i]!;
      expect((row.__time as Date).getTime()).toBe(record.timestamp);
      for (const [name, value] of Object.entries(record)) {
        if (name === 'timestamp') continue;
        const expected = typeof value === 'boolean' ? (value ? 1 : 0) : value;
        expect(row[name], `${record.eventId}.${name}`).toStrictEqual(expected);
      }
      expect(row.pagePath).toBe(record.location === null ? null : `/products/${i % 9}`);
      expect(row.referrerHost).toBe(record.referrer === null ? null : 'search.example');
    });
    // The task reports its row counters a moment after its rows become queryable.
    const stats = await eventually(
      () => druid.supervisorStats(dataSource),
      (value) => value.processed >= N,
    );
    expect(stats.processed).toBe(N);
    expect(stats.unparseable).toBe(0);
    expect(stats.processedWithError).toBe(0);
    expect(stats.thrownAway).toBe(0);
  }, 240_000);

  it('rolls up: counts every event, sums the named number and sketches unique visitors within the error bound', async () => {
    const dataSource = `tributary_rollup_${run}`;
    const spec = specFor(dataSource, true, { metrics: ['viewportPixelWidth'] });
    const checked = await druid.checkSpec(spec, { numRows: 50 });
    if (!checked.ok) throw new Error(JSON.stringify(checked.issues, null, 2));

    supervisors.push((await druid.submitSupervisor(spec)).id);
    await druid.waitForRows(dataSource, {
      minRows: N,
      countExpression: 'SUM("count")',
      timeoutMs: 180_000,
    });

    const { rows } = await druid.sql<{
      events: number;
      rows: number;
      width: number;
      parties: [number, number, number];
      sessions: number;
    }>(
      `SELECT SUM("count") AS events, COUNT(*) AS "rows", SUM("sum_viewportPixelWidth") AS width,
              HLL_SKETCH_ESTIMATE_WITH_ERROR_BOUNDS(DS_HLL("unique_parties"), 3) AS parties,
              APPROX_COUNT_DISTINCT_DS_HLL("unique_sessions") AS sessions
       FROM "${dataSource}"`,
    );
    const row = rows[0]!;
    const distinctParties = new Set(records.map((record) => record.partyId)).size;
    const distinctSessions = new Set(records.map((record) => record.sessionId)).size;
    expect(row.events).toBe(N);
    expect(row.rows).toBeLessThanOrEqual(N);
    expect(row.width).toBe(
      records.reduce((sum, record) => sum + (record.viewportPixelWidth ?? 0), 0),
    );
    const [estimate, lower, upper] = row.parties;
    expect(lower).toBeLessThanOrEqual(distinctParties);
    expect(upper).toBeGreaterThanOrEqual(distinctParties);
    expect(Math.abs(estimate - distinctParties) / distinctParties).toBeLessThan(0.05);
    expect(Math.abs(row.sessions - distinctSessions) / distinctSessions).toBeLessThan(0.05);
    const stats = await eventually(
      () => druid.supervisorStats(dataSource),
      (value) => value.processed >= N,
    );
    expect(stats).toMatchObject({
      processed: N,
      unparseable: 0,
      processedWithError: 0,
      thrownAway: 0,
    });
  }, 240_000);

  itWithServices(
    [registry],
    'decodes Confluent-framed records with the schema_registry decoder and counts a record of an unknown schema as unparseable',
    async () => {
      const registryTopic = `${topic}-registry`;
      const registered = await fetch(`${registryUrl}/subjects/${registryTopic}-value/versions`, {
        method: 'POST',
        headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
        body: JSON.stringify({ schema: JSON.stringify(tributaryEventRecord.schema) }),
      });
      expect(registered.ok).toBe(true);
      const { id } = (await registered.json()) as { id: number };
      const type = avsc.Type.forSchema(tributaryEventRecord.schema as avsc.Schema);
      const frame = (schemaId: number, datum: Buffer) => {
        const header = Buffer.alloc(5);
        header.writeInt32BE(schemaId, 1);
        return Buffer.concat([header, datum]);
      };
      const sample = records.slice(0, 50);
      const kafka = new Kafka({ brokers: [bootstrapServers], logLevel: logLevel.ERROR });
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({
        topics: [{ topic: registryTopic, numPartitions: 1 }],
        waitForLeaders: true,
      });
      await admin.disconnect();
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({
        topic: registryTopic,
        messages: [
          ...sample.map((record) => ({ value: frame(id, type.toBuffer(record)) })),
          { value: frame(2_000_000_000, type.toBuffer(sample[0]!)) },
        ],
      });
      await producer.disconnect();

      const dataSource = `tributary_registry_${run}`;
      const spec = specFor(dataSource, false, {
        topic: registryTopic,
        decoder: { type: 'schema_registry', url: registryUrl },
      });
      const sampled = await druid.sample(spec, { numRows: 60 });
      expect(sampled.numRowsRead).toBe(sample.length + 1);
      expect(sampled.data.filter((row) => row.unparseable === true)).toHaveLength(1);

      supervisors.push((await druid.submitSupervisor(spec)).id);
      await druid.waitForRows(dataSource, { minRows: sample.length, timeoutMs: 180_000 });
      const { rows } = await druid.sql<{ eventId: string; isBot: number }>(
        `SELECT "eventId", "isBot" FROM "${dataSource}" ORDER BY __time`,
      );
      expect(rows).toEqual(
        sample.map((record) => ({ eventId: record.eventId, isBot: record.isBot ? 1 : 0 })),
      );
      const stats = await eventually(
        () => druid.supervisorStats(dataSource),
        (value) => value.processed + value.unparseable >= sample.length + 1,
      );
      expect(stats).toMatchObject({ processed: sample.length, unparseable: 1 });
    },
    240_000,
  );

  it('reports an SQL error on an unknown table as a DruidError', async () => {
    await expect(druid.sql(`SELECT * FROM "missing_${run}"`)).rejects.toMatchObject({
      name: 'DruidError',
      code: 'sql',
      status: 400,
    });
    await expect(druid.sql('SELEC 1')).rejects.toBeInstanceOf(DruidError);
  });
});
