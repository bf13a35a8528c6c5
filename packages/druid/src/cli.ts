import { parseArgs } from 'node:util';
import { divolteEventRecord, tributaryEventRecord } from '@tributary/schema';
import { createDruidClient, type FetchFunction } from './druid-client';
import { DruidError } from './druid-error';
import type { RecordSchemaInput } from './internal/avro-fields';
import type { KafkaSupervisorSpec } from './spec-types';
import { createSupervisorSpec, type SupervisorSpecOptions } from './supervisor-spec';
import { createTurniloConfig } from './turnilo';

/** What {@link runCli} needs from its environment; `bin.ts` passes the process's. */
export interface CliOptions {
  /** The arguments after the program name. */
  argv: readonly string[];
  /** Environment variables (DRUID_OVERLORD_URL, DRUID_BROKER_URL, KAFKA_BOOTSTRAP_SERVERS). */
  env: Readonly<Record<string, string | undefined>>;
  /** Where results go (a spec, YAML, query rows). */
  stdout: (text: string) => void;
  /** Where progress and errors go. */
  stderr: (text: string) => void;
  /** Reads a file as UTF-8 text. */
  readFile: (path: string) => Promise<string>;
  /** Writes a UTF-8 text file. */
  writeFile: (path: string, text: string) => Promise<void>;
  /** @default globalThis.fetch */
  fetch?: FetchFunction;
}

const USAGE = `tributary-druid: Druid ingestion for Tributary's Avro clickstream

  tributary-druid spec    --schema S --datasource D --topic T [spec options] [--out FILE]
  tributary-druid submit  SPEC.json [--no-check]
  tributary-druid status  SUPERVISOR_ID
  tributary-druid sql     "SELECT …"
  tributary-druid turnilo --schema S --datasource D [--rollup] [--out FILE]

  --schema S          tributary | divolte | a path to an .avsc file
  --bootstrap H:P     Kafka bootstrap servers (env KAFKA_BOOTSTRAP_SERVERS, default 127.0.0.1:9092)
  --rollup            roll up: count, sums, unique-visitor and session sketches
  --query-granularity G, --segment-granularity G   (none, minute, hour, day, …)
  --nested json|flatten, --booleans long|string, --exclude F (repeatable)
  --registry URL      decode Confluent's wire format with this schema registry
  --earliest          start at the earliest offsets
  --task-count N, --replicas N, --task-duration PT1H
  --legacy-parser     emit the pre-0.21 parser form

  Druid: env DRUID_OVERLORD_URL (default http://127.0.0.1:8081) and
         DRUID_BROKER_URL (default http://127.0.0.1:8082), or --overlord / --broker.
`;

class UsageError extends Error {}

function positiveInteger(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1)
    throw new UsageError(`--${name} needs a positive integer.`);
  return number;
}

/** Runs the `tributary-druid` command line; resolves to the exit code. */
export async function runCli(options: CliOptions): Promise<number> {
  const { stdout, stderr, env } = options;
  let parsed;
  try {
    parsed = parseArgs({
      args: [...options.argv],
      allowPositionals: true,
      options: {
        schema: { type: 'string' },
        datasource: { type: 'string' },
        topic: { type: 'string' },
        bootstrap: { type: 'string' },
        rollup: { type: 'boolean' },
        'query-granularity': { type: 'string' },
        'segment-granularity': { type: 'string' },
        nested: { type: 'string' },
        booleans: { type: 'string' },
        exclude: { type: 'string', multiple: true },
        registry: { type: 'string' },
        earliest: { type: 'boolean' },
        'task-count': { type: 'string' },
        replicas: { type: 'string' },
        'task-duration': { type: 'string' },
        'legacy-parser': { type: 'boolean' },
        'no-check': { type: 'boolean' },
        overlord: { type: 'string' },
        broker: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    stderr(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help === true || command === undefined) {
    (command === undefined && values.help !== true ? stderr : stdout)(USAGE);
    return command === undefined && values.help !== true ? 2 : 0;
  }
  const overlordUrl = values.overlord ?? env.DRUID_OVERLORD_URL ?? 'http://127.0.0.1:8081';
  const brokerUrl = values.broker ?? env.DRUID_BROKER_URL ?? 'http://127.0.0.1:8082';
  const client = () =>
    createDruidClient({
      overlordUrl,
      brokerUrl,
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    });

  const loadSchema = async (): Promise<RecordSchemaInput> => {
    const name = values.schema;
    if (name === undefined)
      throw new UsageError('--schema is required (tributary, divolte or a .avsc path).');
    if (name === 'tributary') return tributaryEventRecord;
    if (name === 'divolte') return divolteEventRecord;
    return options.readFile(name);
  };
  const required = (value: string | undefined, flag: string): string => {
    if (value === undefined || value === '') throw new UsageError(`--${flag} is required.`);
    return value;
  };
  const choice = <T extends string>(
    value: string | undefined,
    allowed: readonly T[],
    flag: string,
  ): T | undefined => {
    if (value === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(value)) {
      throw new UsageError(`--${flag} must be one of ${allowed.join(', ')}.`);
    }
    return value as T;
  };
  const emit = async (text: string): Promise<void> => {
    if (values.out === undefined) {
      stdout(text);
    } else {
      await options.writeFile(values.out, text);
      stderr(`wrote ${values.out}\n`);
    }
  };
  const shared = async () => {
    const common: Pick<
      SupervisorSpecOptions,
      'schema' | 'dataSource' | 'rollup' | 'nested' | 'booleans' | 'exclude'
    > = {
      schema: await loadSchema(),
      dataSource: required(values.datasource, 'datasource'),
    };
    if (values.rollup === true) common.rollup = true;
    const nested = choice(values.nested, ['json', 'flatten'] as const, 'nested');
    if (nested !== undefined) common.nested = nested;
    const booleans = choice(values.booleans, ['long', 'string'] as const, 'booleans');
    if (booleans !== undefined) common.booleans = booleans;
    if (values.exclude !== undefined) common.exclude = values.exclude;
    return common;
  };

  try {
    switch (command) {
      case 'spec': {
        const specOptions: SupervisorSpecOptions = {
          ...(await shared()),
          topic: required(values.topic, 'topic'),
          bootstrapServers: values.bootstrap ?? env.KAFKA_BOOTSTRAP_SERVERS ?? '127.0.0.1:9092',
        };
        const granularities = [
          'none',
          'second',
          'minute',
          'fifteen_minute',
          'thirty_minute',
          'hour',
          'six_hour',
          'day',
          'week',
          'month',
          'quarter',
          'year',
          'all',
        ] as const;
        const query = choice(values['query-granularity'], granularities, 'query-granularity');
        if (query !== undefined) specOptions.queryGranularity = query;
        const segment = choice(values['segment-granularity'], granularities, 'segment-granularity');
        if (segment !== undefined) specOptions.segmentGranularity = segment;
        if (values.registry !== undefined)
          specOptions.decoder = { type: 'schema_registry', url: values.registry };
        if (values.earliest === true) specOptions.useEarliestOffset = true;
        const taskCount = positiveInteger(values['task-count'], 'task-count');
        if (taskCount !== undefined) specOptions.taskCount = taskCount;
        const replicas = positiveInteger(values.replicas, 'replicas');
        if (replicas !== undefined) specOptions.replicas = replicas;
        if (values['task-duration'] !== undefined)
          specOptions.taskDuration = values['task-duration'];
        if (values['legacy-parser'] === true) specOptions.legacyParser = true;
        await emit(`${JSON.stringify(createSupervisorSpec(specOptions), null, 2)}\n`);
        return 0;
      }
      case 'turnilo': {
        await emit(createTurniloConfig({ ...(await shared()), brokerUrl }));
        return 0;
      }
      case 'submit': {
        const file = rest[0];
        if (file === undefined) throw new UsageError('submit needs the path of a spec file.');
        const spec = JSON.parse(await options.readFile(file)) as KafkaSupervisorSpec;
        const druid = client();
        if (values['no-check'] !== true) {
          stderr(`sampling ${spec.spec.ioConfig.topic} with the spec (${overlordUrl}) …\n`);
          const checked = await druid.checkSpec(spec);
          if (!checked.ok) {
            for (const issue of checked.issues) stderr(`  ✗ ${issue.message}\n`);
            stderr('the spec was not submitted (--no-check submits anyway)\n');
            return 1;
          }
          stderr(
            `  ✓ ${checked.value.numRowsRead} records read, ${checked.value.numRowsIndexed} rows parsed, none unparseable\n`,
          );
        }
        const { id } = await druid.submitSupervisor(spec);
        stderr(`submitted supervisor ${id}\n`);
        stdout(`${id}\n`);
        return 0;
      }
      case 'status': {
        const id = rest[0];
        if (id === undefined) throw new UsageError('status needs a supervisor id.');
        const druid = client();
        const [status, stats] = await Promise.all([
          druid.supervisorStatus(id),
          druid.supervisorStats(id),
        ]);
        stdout(
          [
            `supervisor  ${id} (${status.dataSource} ← ${status.stream})`,
            `state       ${status.state} / ${status.detailedState}${status.healthy ? '' : ' (unhealthy)'}`,
            `tasks       ${status.activeTasks.length} reading, ${status.publishingTasks.length} publishing`,
            `lag         ${status.aggregateLag ?? 'unknown'}`,
            `rows        ${stats.processed} processed, ${stats.unparseable} unparseable, ${stats.thrownAway} thrown away, ${stats.processedWithError} with errors`,
            ...status.recentErrors.map((error) => `error       ${JSON.stringify(error)}`),
          ].join('\n') + '\n',
        );
        return status.healthy ? 0 : 1;
      }
      case 'sql': {
        const query = rest.join(' ');
        if (query.trim() === '') throw new UsageError('sql needs a query.');
        const { rows } = await client().sql(query, { dates: false });
        for (const row of rows) stdout(`${JSON.stringify(row)}\n`);
        stderr(`${rows.length} row${rows.length === 1 ? '' : 's'}\n`);
        return 0;
      }
      default:
        throw new UsageError(`Unknown command ${JSON.stringify(command)}.`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      stderr(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof DruidError) {
      stderr(`tributary-druid: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
