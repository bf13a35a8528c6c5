import { parseArgs } from 'node:util';
import { divolteEventRecord, tributaryEventRecord } from '@tributary/schema';
import { createDruidClient, type FetchFunction } from './druid-client';
import { DruidError } from './druid-error';
import { explainColumns, type ExplainColumnsOptions } from './explain-columns';
import type { RecordSchemaInput } from './internal/avro-fields';
import type { ColumnDecision, ColumnRule } from './internal/plan';
import type { KafkaSupervisorSpec } from './spec-types';
import {
  createSupersetBundle,
  SUPERSET_COLUMN_CANDIDATES,
  type SupersetBundleOptions,
  type SupersetColumnRole,
} from './superset-bundle';
import { importSupersetBundle } from './superset-client';
import { createSupervisorSpec, type SupervisorSpecOptions } from './supervisor-spec';
import { createTurniloConfig } from './turnilo';

/** What {@link runCli} needs from its environment; `bin.ts` passes the process's. */
export interface CliOptions {
  /** The arguments after the program name. */
  argv: readonly string[];
  /**
   * Environment variables (DRUID_OVERLORD_URL, DRUID_BROKER_URL, KAFKA_BOOTSTRAP_SERVERS,
   * SUPERSET_URL, SUPERSET_USERNAME, SUPERSET_PASSWORD).
   */
  env: Readonly<Record<string, string | undefined>>;
  /** Where results go (a spec, YAML, query rows). */
  stdout: (text: string) => void;
  /** Where progress and errors go. */
  stderr: (text: string) => void;
  /** Reads a file as UTF-8 text. */
  readFile: (path: string) => Promise<string>;
  /** Writes a file: text as UTF-8, bytes as they are (the Superset bundle's zip). */
  writeFile: (path: string, data: string | Uint8Array) => Promise<void>;
  /** @default globalThis.fetch */
  fetch?: FetchFunction;
}

const USAGE = `tributary-druid: Druid ingestion for Tributary's Avro clickstream

  tributary-druid spec    --schema S --datasource D --topic T [column options] [spec options] [--out FILE]
  tributary-druid submit  SPEC.json [--no-check]
  tributary-druid status  SUPERVISOR_ID
  tributary-druid sql     "SELECT …"
  tributary-druid turnilo --schema S --datasource D [column options] [--out FILE]
  tributary-druid superset --schema S --datasource D [column options] [dashboard options]
                           (--out FILE.zip | --import | both)

  spec, turnilo and superset print on stderr what each field became (dimension, metric,
  sketch, left out) and by which rule; superset also prints the column of each dashboard role.

  --schema S          tributary | divolte | a path to an .avsc file
  column options:
  --rollup            roll up: count, unique-visitor and session sketches, sums of --metric fields
  --timestamp F       the field read into __time (default timestamp); --timestamp-format FORMAT
  --party-field F     the visitor id sketched as unique_parties (default partyId; none for no sketch)
  --session-field F   the session id sketched as unique_sessions (default sessionId; none for none)
  --metric F          with --rollup, sum this number as sum_F (repeatable; nothing is summed unless named)
  --dimension F       with --rollup, keep F although a rollup rule leaves it out, e.g. an id (repeatable)
  --rollup-exclude F  with --rollup, leave F out; replaces the default list (repeatable)
  --exclude F         leave F out of the datasource (repeatable)
  --nested json|flatten, --booleans long|string
  --no-derived        no pagePath / referrerHost columns
  --transform NAME=EXPRESSION   one more string column from a Druid expression (repeatable)
  --query-granularity G   (none, minute, hour, day, …)
  spec options:
  --bootstrap H:P     Kafka bootstrap servers (env KAFKA_BOOTSTRAP_SERVERS, default 127.0.0.1:9092)
  --supervisor-id ID  (default the datasource), --segment-granularity G
  --registry URL      decode Confluent's wire format with this schema registry
                      (--registry-header K=V, repeatable; --registry-config JSON)
  --earliest          start at the earliest offsets
  --task-count N, --replicas N, --task-duration PT1H, --start-delay PT5S, --period PT30S,
  --late-message-rejection-period P1D, --consumer-property K=V (repeatable),
  --tuning-config JSON (merged into tuningConfig), --suspended
  --legacy-parser     emit the pre-0.21 parser form

  dashboard options (superset):
  --out FILE.zip      write Superset's import bundle (dataset, charts, dashboard)
  --import            import it into Superset and print the dashboard URL
  --title T (default the datasource), --time-range R (Superset syntax, default the last 6 hours),
  --time-grain PT1M, --refresh SECONDS (default 60; 0 for none), --top N (rows of the top tables, 20)
  --column ROLE=F     the column of a role, or ROLE=none to leave its chart out (repeatable);
                      roles: page, referrer, campaign, campaignSource, campaignMedium, country,
                      browser, device, newVisitor, firstInSession, eventType
  --database-uuid U   the Superset database by uuid (default infra/superset's Druid database)
  --database-name N, --database-uri URI   used only when the import creates the database
                      (default druid://<host:port of the broker>/druid/v2/sql)
  --superset URL      (env SUPERSET_URL, default http://127.0.0.1:18088)
  --superset-user U   (env SUPERSET_USERNAME, default admin); the password only from env
                      SUPERSET_PASSWORD (infra/superset's admin password is admin unless
                      SUPERSET_ADMIN_PASSWORD set another)
  --no-overwrite      fail instead of replacing an earlier import of the datasource

  Druid: env DRUID_OVERLORD_URL (default http://127.0.0.1:8081) and
         DRUID_BROKER_URL (default http://127.0.0.1:8082), or --overlord / --broker.
`;

class UsageError extends Error {}

function pair(text: string, flag: string, shape: string): [string, string] {
  const at = text.indexOf('=');
  if (at < 1) throw new UsageError(`--${flag} takes ${shape}, not ${JSON.stringify(text)}.`);
  return [text.slice(0, at), text.slice(at + 1)];
}

function pairs(texts: readonly string[], flag: string): Record<string, string> {
  return Object.fromEntries(texts.map((text) => pair(text, flag, 'KEY=VALUE')));
}

function jsonObject(text: string, flag: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError(`--${flag} takes a JSON object.`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(`--${flag} takes a JSON object.`);
  }
  return value as Record<string, unknown>;
}

// Each rule in words, with the flag that changes it: the summary is where a user learns why a
// field is not where they expected it.
function ruleText(decision: ColumnDecision): string {
  const field = decision.field ?? '';
  const keeps = `--dimension ${field} keeps it`;
  const texts: Record<ColumnRule, string> = {
    timestamp: 'the timestamp field (--timestamp F reads another)',
    typed: 'typed from its Avro type',
    'number-dimension': `rollup: a number is summed only when named (--metric ${field} sums it)`,
    'named-metric': 'named with --metric',
    'named-dimension': 'named with --dimension',
    exclude: 'named with --exclude',
    'rollup-exclude': 'named with --rollup-exclude',
    'rollup-id': `rollup: a name ending in Id is unique per event or visitor (${keeps})`,
    'rollup-timestamp': `rollup: another timestamp (${keeps})`,
    'rollup-client': `rollup: unique per client (${keeps})`,
    'rollup-derived-url': `rollup: the full URL; its derived column stays (${keeps})`,
    'rollup-sketched': `rollup: counted by its sketch (${keeps})`,
    count: 'rollup: events per row; query SUM("count")',
    'party-sketch': 'unique visitors (--party-field F or none)',
    'session-sketch': 'unique sessions (--session-field F or none)',
    derived: `derived from ${field} (--no-derived drops it)`,
    transform: 'named with --transform',
  };
  return texts[decision.rule];
}

function becomes(decision: ColumnDecision): string {
  switch (decision.outcome) {
    case 'left-out':
      return 'left out';
    case 'dimension':
      return decision.column === decision.field
        ? `${decision.type} dimension`
        : `${decision.column}: ${decision.type} dimension`;
    case 'time':
    case 'metric':
    case 'sketch':
      return `${decision.column} (${decision.type})`;
  }
}

/** The spec summary: one line per decision, as a padded table. */
function columnSummary(
  dataSource: string,
  options: ExplainColumnsOptions,
  decisions: readonly ColumnDecision[],
): string {
  const count = (outcome: ColumnDecision['outcome']) =>
    decisions.filter((decision) => decision.outcome === outcome).length;
  const rows = decisions.map((decision) => [
    decision.field ?? '(each row)',
    becomes(decision),
    ruleText(decision),
  ]);
  const widths = [0, 1].map((column) =>
    Math.max(...rows.map((row) => row[column]!.length), column === 0 ? 5 : 7),
  );
  const line = (row: readonly string[]) =>
    `  ${row[0]!.padEnd(widths[0]!)}  ${row[1]!.padEnd(widths[1]!)}  ${row[2]!}`.trimEnd();
  return [
    `${dataSource}: ${options.rollup === true ? 'rolled up' : 'raw'}, ${count('dimension')} dimensions, ${count('metric') + count('sketch')} metrics, ${count('left-out')} fields left out`,
    line(['field', 'becomes', 'rule']),
    ...rows.map(line),
    '',
  ].join('\n');
}

function roleSummary(columns: Readonly<Partial<Record<SupersetColumnRole, string>>>): string {
  const roles = Object.keys(SUPERSET_COLUMN_CANDIDATES) as SupersetColumnRole[];
  const width = Math.max(...roles.map((role) => role.length));
  return [
    'dashboard roles (--column ROLE=F or ROLE=none):',
    ...roles.map((role) => `  ${role.padEnd(width)}  ${columns[role] ?? '(none: chart left out)'}`),
    '',
  ].join('\n');
}

function positiveInteger(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1)
    throw new UsageError(`--${name} needs a positive integer.`);
  return number;
}

// Superset reaches Druid's SQL endpoint through pydruid's SQLAlchemy dialect on the broker.
function brokerSqlUri(brokerUrl: string): string {
  let url: URL;
  try {
    url = new URL(brokerUrl);
  } catch {
    throw new UsageError(`The broker URL ${JSON.stringify(brokerUrl)} is not a URL.`);
  }
  return `${url.protocol === 'https:' ? 'druid+https' : 'druid'}://${url.host}/druid/v2/sql`;
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
        timestamp: { type: 'string' },
        'timestamp-format': { type: 'string' },
        'party-field': { type: 'string' },
        'session-field': { type: 'string' },
        metric: { type: 'string', multiple: true },
        dimension: { type: 'string', multiple: true },
        'rollup-exclude': { type: 'string', multiple: true },
        'no-derived': { type: 'boolean' },
        transform: { type: 'string', multiple: true },
        'supervisor-id': { type: 'string' },
        'registry-header': { type: 'string', multiple: true },
        'registry-config': { type: 'string' },
        'start-delay': { type: 'string' },
        period: { type: 'string' },
        'late-message-rejection-period': { type: 'string' },
        'consumer-property': { type: 'string', multiple: true },
        'tuning-config': { type: 'string' },
        suspended: { type: 'boolean' },
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
        title: { type: 'string' },
        'time-range': { type: 'string' },
        'time-grain': { type: 'string' },
        refresh: { type: 'string' },
        top: { type: 'string' },
        column: { type: 'string', multiple: true },
        'database-uuid': { type: 'string' },
        'database-name': { type: 'string' },
        'database-uri': { type: 'string' },
        import: { type: 'boolean' },
        superset: { type: 'string' },
        'superset-user': { type: 'string' },
        'no-overwrite': { type: 'boolean' },
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
  // The options that shape the columns, shared by spec and turnilo so both describe one datasource.
  const shared = async () => {
    const common: ExplainColumnsOptions & Pick<SupervisorSpecOptions, 'dataSource'> = {
      schema: await loadSchema(),
      dataSource: required(values.datasource, 'datasource'),
    };
    if (values.rollup === true) common.rollup = true;
    const nested = choice(values.nested, ['json', 'flatten'] as const, 'nested');
    if (nested !== undefined) common.nested = nested;
    const booleans = choice(values.booleans, ['long', 'string'] as const, 'booleans');
    if (booleans !== undefined) common.booleans = booleans;
    if (values.exclude !== undefined) common.exclude = values.exclude;
    if (values.timestamp !== undefined) common.timestampColumn = values.timestamp;
    if (values['timestamp-format'] !== undefined)
      common.timestampFormat = values['timestamp-format'];
    const idField = (value: string | undefined): string | null | undefined =>
      value === 'none' ? null : value;
    const party = idField(values['party-field']);
    if (party !== undefined) common.partyIdField = party;
    const session = idField(values['session-field']);
    if (session !== undefined) common.sessionIdField = session;
    if (values.metric !== undefined) common.metrics = values.metric;
    if (values.dimension !== undefined) common.dimensions = values.dimension;
    if (values['rollup-exclude'] !== undefined) common.rollupExclude = values['rollup-exclude'];
    if (values['no-derived'] === true) common.derivedColumns = false;
    if (values.transform !== undefined) {
      common.transforms = values.transform.map((text) => {
        const [name, expression] = pair(text, 'transform', 'NAME=EXPRESSION');
        return { type: 'expression', name, expression };
      });
    }
    const query = choice(values['query-granularity'], granularities, 'query-granularity');
    if (query !== undefined) common.queryGranularity = query;
    return common;
  };
  const summarize = (options: ExplainColumnsOptions & { dataSource: string }): void => {
    stderr(columnSummary(options.dataSource, options, explainColumns(options)));
  };

  try {
    switch (command) {
      case 'spec': {
        const specOptions: SupervisorSpecOptions = {
          ...(await shared()),
          topic: required(values.topic, 'topic'),
          bootstrapServers: values.bootstrap ?? env.KAFKA_BOOTSTRAP_SERVERS ?? '127.0.0.1:9092',
        };
        const segment = choice(values['segment-granularity'], granularities, 'segment-granularity');
        if (segment !== undefined) specOptions.segmentGranularity = segment;
        if (values['supervisor-id'] !== undefined)
          specOptions.supervisorId = values['supervisor-id'];
        if (values.registry !== undefined) {
          specOptions.decoder = {
            type: 'schema_registry',
            url: values.registry,
            ...(values['registry-config'] === undefined
              ? {}
              : { config: jsonObject(values['registry-config'], 'registry-config') }),
            ...(values['registry-header'] === undefined
              ? {}
              : { headers: pairs(values['registry-header'], 'registry-header') }),
          };
        } else if (
          values['registry-header'] !== undefined ||
          values['registry-config'] !== undefined
        ) {
          throw new UsageError('--registry-header and --registry-config need --registry.');
        }
        if (values.earliest === true) specOptions.useEarliestOffset = true;
        const taskCount = positiveInteger(values['task-count'], 'task-count');
        if (taskCount !== undefined) specOptions.taskCount = taskCount;
        const replicas = positiveInteger(values.replicas, 'replicas');
        if (replicas !== undefined) specOptions.replicas = replicas;
        if (values['task-duration'] !== undefined)
          specOptions.taskDuration = values['task-duration'];
        if (values['start-delay'] !== undefined) specOptions.startDelay = values['start-delay'];
        if (values.period !== undefined) specOptions.period = values.period;
        if (values['late-message-rejection-period'] !== undefined)
          specOptions.lateMessageRejectionPeriod = values['late-message-rejection-period'];
        if (values['consumer-property'] !== undefined)
          specOptions.consumerProperties = pairs(values['consumer-property'], 'consumer-property');
        if (values['tuning-config'] !== undefined)
          specOptions.tuningConfig = jsonObject(values['tuning-config'], 'tuning-config');
        if (values.suspended === true) specOptions.suspended = true;
        if (values['legacy-parser'] === true) specOptions.legacyParser = true;
        const spec = createSupervisorSpec(specOptions);
        summarize(specOptions);
        await emit(`${JSON.stringify(spec, null, 2)}\n`);
        return 0;
      }
      case 'turnilo': {
        const turnilo = { ...(await shared()), brokerUrl };
        const yaml = createTurniloConfig(turnilo);
        summarize(turnilo);
        await emit(yaml);
        return 0;
      }
      case 'superset': {
        if (values.out === undefined && values.import !== true) {
          throw new UsageError('superset needs --out FILE.zip, --import or both.');
        }
        const password = env.SUPERSET_PASSWORD;
        if (values.import === true && (password === undefined || password === '')) {
          throw new UsageError(
            '--import needs the Superset password in env SUPERSET_PASSWORD (never on the command line; infra/superset sets up admin/admin unless SUPERSET_ADMIN_PASSWORD says otherwise).',
          );
        }
        const common = await shared();
        const bundleOptions: SupersetBundleOptions = { ...common };
        if (values.title !== undefined) bundleOptions.title = values.title;
        if (values['time-range'] !== undefined) bundleOptions.timeRange = values['time-range'];
        if (values['time-grain'] !== undefined) bundleOptions.timeGrain = values['time-grain'];
        if (values.refresh !== undefined) {
          const refresh = Number(values.refresh);
          if (values.refresh.trim() === '' || !Number.isInteger(refresh) || refresh < 0) {
            throw new UsageError('--refresh needs a whole number of seconds (0 for none).');
          }
          bundleOptions.refreshSeconds = refresh;
        }
        const top = positiveInteger(values.top, 'top');
        if (top !== undefined) bundleOptions.topN = top;
        if (values.column !== undefined) {
          const columns: Partial<Record<SupersetColumnRole, string | null>> = {};
          for (const text of values.column) {
            const [role, name] = pair(text, 'column', 'ROLE=F or ROLE=none');
            if (!Object.hasOwn(SUPERSET_COLUMN_CANDIDATES, role)) {
              throw new UsageError(
                `--column: no role ${role} (${Object.keys(SUPERSET_COLUMN_CANDIDATES).join(', ')}).`,
              );
            }
            columns[role as SupersetColumnRole] = name === 'none' ? null : name;
          }
          bundleOptions.columns = columns;
        }
        if (values['database-uuid'] !== undefined)
          bundleOptions.databaseUuid = values['database-uuid'];
        if (values['database-name'] !== undefined)
          bundleOptions.databaseName = values['database-name'];
        bundleOptions.databaseUri = values['database-uri'] ?? brokerSqlUri(brokerUrl);
        const bundle = createSupersetBundle(bundleOptions);
        summarize(common);
        stderr(roleSummary(bundle.columns));
        stderr(`${bundle.charts.length} charts\n`);
        if (values.out !== undefined) {
          await options.writeFile(values.out, bundle.zip());
          stderr(`wrote ${values.out}\n`);
        }
        if (values.import === true) {
          const url = (values.superset ?? env.SUPERSET_URL ?? 'http://127.0.0.1:18088').replace(
            /\/+$/,
            '',
          );
          stderr(`importing into ${url} …\n`);
          const imported = await importSupersetBundle({
            url,
            username: values['superset-user'] ?? env.SUPERSET_USERNAME ?? 'admin',
            password: password!,
            bundle,
            overwrite: values['no-overwrite'] !== true,
            ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
          });
          stdout(`${imported.url}\n`);
        }
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
