// The stack: a Kafka topic, the Kafka sink, the mapping with the demo GeoIP database, a collector
// endpoint per traffic window (today's on the real clock; last week's and three days ago's with
// their clocks set back), and the Druid supervisor generated from the record schema.
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createDruidClient,
  createSupersetBundle,
  createSupervisorSpec,
  createTurniloConfig,
  type DruidClient,
  type KafkaSupervisorSpec,
  type SupersetBundle,
} from '@tributary/druid';
import { createKafkaSink, type KafkaSink } from '@tributary/kafka-sink';
import { createTributaryEventMapper, type RecordMapper } from '@tributary/mapping';
import { tributaryEventRecord, type Logger, type TributaryEventRecord } from '@tributary/schema';
import { Kafka, logLevel } from 'kafkajs';
import { demoGeoIpBytes, demoGeoIpDatabase } from './geo';
import { startCollectorEndpoint, type CollectorEndpoint } from './pipeline';
import { WINDOW_OFFSET_DAYS, type TrafficWindow } from './traffic';

const DAY = 86_400_000;

/** Where the services are and where the stack writes its files. */
export interface DkdStackOptions {
  /** @example ['127.0.0.1:9092'] */
  readonly kafkaBrokers: readonly string[];
  /** The overlord (and coordinator). @example 'http://127.0.0.1:18081' */
  readonly overlordUrl: string;
  /** @example 'http://127.0.0.1:18082' */
  readonly brokerUrl: string;
  /** The supervisor spec, the Turnilo config, the Superset bundle and the GeoIP database go here. */
  readonly outputDir: string;
  /** The bytes of `@tributary/tracker`'s `dist/tributary.js`. */
  readonly trackerScript: Uint8Array;
  /** Names the topic and the data source. @default a fresh random id */
  readonly runId?: string;
  /** Port of today's endpoint (the site a human opens). @default 0 (any free port) */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** "Now" for the clocks. @default Date.now */
  readonly now?: () => number;
  /**
   * After `close()`, how long each endpoint's requests in flight may take before its connections
   * are destroyed (the endpoints close together).
   * @default 10_000
   */
  readonly shutdownDeadlineMs?: number;
  /** @default a logger that prints warnings and errors */
  readonly logger?: Logger;
}

/** The running stack. */
export interface DkdStack {
  readonly runId: string;
  readonly topic: string;
  readonly dataSource: string;
  /** Today's endpoint: the demo site, the tag and the collector. */
  readonly siteUrl: string;
  readonly endpoints: Readonly<Record<TrafficWindow, CollectorEndpoint>>;
  readonly druid: DruidClient;
  readonly spec: KafkaSupervisorSpec;
  /** The Superset dashboard for the data source, generated from the spec's options (not imported). */
  readonly dashboard: SupersetBundle;
  readonly sink: KafkaSink<TributaryEventRecord>;
  readonly mapper: RecordMapper<TributaryEventRecord>;
  /** When the stack started, and the start of that UTC day ("today" for the questions). */
  readonly startedAt: number;
  readonly dayStart: number;
  /** How far each window's collector clock is behind the real one, before {@link setClockLag}. */
  readonly clockOffsets: Readonly<Record<TrafficWindow, number>>;
  /**
   * How much further a window's clock may be set back to spread its load over the minutes before
   * "now" (today and last week: up to 25 minutes, never before the start of the day).
   */
  readonly spreadMs: Readonly<Record<TrafficWindow, number>>;
  /**
   * Sets a window's clock back by `lagMs` more (0 to {@link spreadMs}), for the events sent until
   * the next call. The load sends the oldest minute first, so each clock still only moves forward.
   */
  setClockLag(window: TrafficWindow, lagMs: number): void;
  /** Files written to the output directory. */
  readonly files: {
    readonly spec: string;
    readonly turnilo: string;
    readonly superset: string;
    readonly geoIp: string;
  };
  /**
   * Samples the topic with the generated spec (Druid's sampler parses real records), then submits
   * it. Needs records in the topic. Resolves with how long the sampling took.
   */
  submitSupervisor(): Promise<{ sampleMs: number }>;
  /** Stops the endpoints and the sink; with `cleanUp`, also the supervisor and the topic. */
  close(options?: { cleanUp?: boolean }): Promise<void>;
}

/** Logs warnings and errors to the console, nothing else. */
export const quietLogger: Logger = {
  debug() {},
  info() {},
  warn: (message, fields) => {
    console.warn(message, fields ?? '');
  },
  error: (message, fields) => {
    console.error(message, fields ?? '');
  },
};

/**
 * Starts the stack: topic, sink, mapping, endpoints, spec, Turnilo config and Superset bundle (the
 * spec not submitted, the bundle not imported).
 */
export async function startDkdStack(options: DkdStackOptions): Promise<DkdStack> {
  const logger = options.logger ?? quietLogger;
  const now = options.now ?? Date.now;
  const runId =
    options.runId ??
    `${new Date(now()).toISOString().slice(0, 10).replaceAll('-', '')}_${randomBytes(4).toString('hex')}`;
  const topic = `dkd-${runId}`;
  const dataSource = `dkd_${runId}`;
  const startedAt = now();
  const dayStart = Math.floor(startedAt / DAY) * DAY;
  const clockOffsets: Record<TrafficWindow, number> = {
    today: 0,
    threeDaysAgo: WINDOW_OFFSET_DAYS.threeDaysAgo * DAY + 20 * 60_000,
    lastWeek: WINDOW_OFFSET_DAYS.lastWeek * DAY,
  };
  // Today's and last week's loads spread over the minutes before "this time" on their day, never
  // before that day began: "today" and "this time last week" then hold them, and the dashboard's
  // per-minute charts have a curve (and a week-ago curve beside it) instead of one minute.
  const spread = Math.min(25 * 60_000, startedAt - dayStart);
  const spreadMs: Record<TrafficWindow, number> = {
    today: spread,
    threeDaysAgo: 0,
    lastWeek: spread,
  };
  const lags: Record<TrafficWindow, number> = { today: 0, threeDaysAgo: 0, lastWeek: 0 };

  const kafka = new Kafka({
    clientId: 'tributary-dkd-stack',
    brokers: [...options.kafkaBrokers],
    logLevel: logLevel.WARN,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: [
        {
          topic,
          numPartitions: 1,
          // Last week's records carry last week's timestamps: the default retention (7 days,
          // by record time) would delete them as soon as their segment rolls.
          configEntries: [{ name: 'retention.ms', value: String(30 * DAY) }],
        },
      ],
      waitForLeaders: true,
    });
  } finally {
    await admin.disconnect();
  }

  const geoIpBytes = demoGeoIpBytes();
  const mapper = createTributaryEventMapper({ geoIpDatabase: demoGeoIpDatabase(geoIpBytes) });
  const sink = createKafkaSink({ kafka, topic, schema: tributaryEventRecord, logger });
  await sink.start();

  const endpoints = {} as Record<TrafficWindow, CollectorEndpoint>;
  for (const window of ['today', 'threeDaysAgo', 'lastWeek'] as const) {
    const offset = clockOffsets[window];
    endpoints[window] = await startCollectorEndpoint({
      mapper,
      sink,
      trackerScript: options.trackerScript,
      logger,
      clock: () => Date.now() - offset - lags[window],
      ...(window === 'today' ? { port: options.port ?? 0 } : {}),
      ...(options.host === undefined ? {} : { host: options.host }),
      ...(options.shutdownDeadlineMs === undefined
        ? {}
        : { shutdownDeadlineMs: options.shutdownDeadlineMs }),
    });
  }

  const bootstrapServers = options.kafkaBrokers.join(',');
  const specOptions = { schema: tributaryEventRecord, dataSource, rollup: true } as const;
  const spec = createSupervisorSpec({
    ...specOptions,
    topic,
    bootstrapServers,
    // A new topic: read it from the start. No lateMessageRejectionPeriod, so last week's
    // records are ingested into last week's segments.
    useEarliestOffset: true,
    startDelay: 'PT1S',
    period: 'PT5S',
  });
  const title = 'Riverbank Analytics clickstream (dkd-stack)';
  // The same options as the spec: the dataset's metrics are the rollup's count and sketches.
  const dashboard = createSupersetBundle({ ...specOptions, title });
  const druid = createDruidClient({
    overlordUrl: options.overlordUrl,
    brokerUrl: options.brokerUrl,
  });

  await mkdir(options.outputDir, { recursive: true });
  const files = {
    spec: join(options.outputDir, `supervisor-${dataSource}.json`),
    turnilo: join(options.outputDir, 'turnilo.yaml'),
    superset: join(options.outputDir, `superset-${dataSource}.zip`),
    geoIp: join(options.outputDir, 'demo-geoip.mmdb'),
  };
  await writeFile(files.spec, JSON.stringify(spec, null, 2) + '\n');
  await writeFile(
    files.turnilo,
    createTurniloConfig({
      ...specOptions,
      brokerUrl: options.brokerUrl,
      title,
    }),
  );
  await writeFile(files.superset, dashboard.zip());
  await writeFile(files.geoIp, geoIpBytes);

  let submitted = false;
  return {
    runId,
    topic,
    dataSource,
    siteUrl: endpoints.today.url,
    endpoints,
    druid,
    spec,
    dashboard,
    sink,
    mapper,
    startedAt,
    dayStart,
    clockOffsets,
    spreadMs,
    setClockLag(window, lagMs) {
      if (!(lagMs >= 0 && lagMs <= spreadMs[window])) {
        throw new RangeError(`${window}'s clock lag must lie in 0…${spreadMs[window]} ms`);
      }
      lags[window] = lagMs;
    },
    files,
    async submitSupervisor() {
      const started = Date.now();
      // The sampler reads until it has numRows rows or 15 s have passed: ask for no more than
      // the topic holds.
      const inTopic = Object.values(endpoints).reduce((sum, e) => sum + e.counts.written, 0);
      const checked = await druid.checkSpec(spec, { numRows: Math.max(1, Math.min(20, inTopic)) });
      if (!checked.ok) {
        throw new Error(
          `Druid's sampler refused the generated spec: ${checked.issues.map((i) => i.message).join('; ')}`,
        );
      }
      const sampleMs = Date.now() - started;
      await druid.submitSupervisor(spec);
      submitted = true;
      return { sampleMs };
    },
    async close({ cleanUp = false } = {}) {
      // Together: each waits at most the deadline, so the stack does too.
      await Promise.all(Object.values(endpoints).map((endpoint) => endpoint.close()));
      await sink.close();
      if (!cleanUp) return;
      if (submitted) {
        await druid.terminateSupervisor(dataSource);
        // Without publishing: nobody will query this run's data source again.
        await druid.shutdownTasks(dataSource);
      }
      // Only once no task reads the topic: a task whose topic vanishes retries forever.
      const cleaner = kafka.admin();
      await cleaner.connect();
      try {
        await cleaner.deleteTopics({ topics: [topic] });
      } finally {
        await cleaner.disconnect();
      }
    },
  };
}
