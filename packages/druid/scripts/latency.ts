// Measures, against the running infra (infra/kafka, infra/druid): the time from submitting a
// supervisor to its first queryable row, and from producing one record to seeing it in Druid SQL
// (p50/p90 over repeated runs, 100 ms polling). Prints JSON. `pnpm --filter @tributary/druid latency`
import { tributaryEventRecord, type TributaryEventRecord } from '@tributary/schema';
import avsc from 'avsc';
import { Kafka, logLevel } from 'kafkajs';
import { createDruidClient, createSupervisorSpec } from '../src/index.ts';

const overlordUrl = process.env.DRUID_OVERLORD_URL ?? 'http://127.0.0.1:18081';
const brokerUrl = process.env.DRUID_BROKER_URL ?? 'http://127.0.0.1:18082';
const bootstrapServers = process.env.KAFKA_BOOTSTRAP_SERVERS ?? '127.0.0.1:9092';
const runs = Number(process.env.RUNS ?? 15);

const druid = createDruidClient({ overlordUrl, brokerUrl });
const run = Math.random().toString(36).slice(2, 8);
const topic = `tributary-latency-${run}`;
const dataSource = `tributary_latency_${run}`;
const type = avsc.Type.forSchema(tributaryEventRecord.schema as avsc.Schema);

function record(eventId: string): TributaryEventRecord {
  const now = Date.now();
  return {
    ...Object.fromEntries(tributaryEventRecord.schema.fields.map((field) => [field.name, null])),
    timestamp: now,
    clientTimestamp: now,
    eventId,
    eventType: 'pageView',
    source: 'browser',
    partyId: 'party',
    sessionId: 'session',
    newParty: false,
    firstInSession: false,
    detectedCorruption: false,
    detectedDuplicate: false,
    isBot: false,
    remoteHost: '127.0.0.1',
  } as TributaryEventRecord;
}

async function until(query: string, parameters: string[]): Promise<void> {
  for (;;) {
    try {
      const { rows } = await druid.sql<{ n: number }>(query, { parameters });
      if ((rows[0]?.n ?? 0) > 0) return;
    } catch {
      // the table is unknown until its first segment is announced
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const kafka = new Kafka({ brokers: [bootstrapServers], logLevel: logLevel.ERROR });
const admin = kafka.admin();
await admin.connect();
await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
await admin.disconnect();
const producer = kafka.producer();
await producer.connect();
const countQuery = `SELECT COUNT(*) AS n FROM "${dataSource}" WHERE "eventId" = ?`;

await producer.send({ topic, messages: [{ value: type.toBuffer(record('first')) }] });
const submitted = performance.now();
await druid.submitSupervisor(
  createSupervisorSpec({
    schema: tributaryEventRecord,
    dataSource,
    topic,
    bootstrapServers,
    useEarliestOffset: true,
    startDelay: 'PT1S',
    period: 'PT5S',
  }),
);
await until(countQuery, ['first']);
const submitToFirstRowMs = Math.round(performance.now() - submitted);

const samples: number[] = [];
for (let i = 0; i < runs; i += 1) {
  const eventId = `event-${i}`;
  const produced = performance.now();
  await producer.send({ topic, messages: [{ value: type.toBuffer(record(eventId)) }] });
  await until(countQuery, [eventId]);
  samples.push(Math.round(performance.now() - produced));
}
await producer.disconnect();
await druid.terminateSupervisor(dataSource);
await druid.shutdownTasks(dataSource);
samples.sort((a, b) => a - b);
const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))];
console.log(
  JSON.stringify({
    submitToFirstRowMs,
    produceToQueryableMs: {
      p50: at(0.5),
      p90: at(0.9),
      min: samples[0],
      max: samples.at(-1),
      runs,
    },
  }),
);
