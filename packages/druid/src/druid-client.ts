import type { Issue, Result } from '@tributary/schema';
import { DruidError } from './druid-error';
import type { KafkaSupervisorSpec } from './spec-types';

/** The fetch the client calls: the global `fetch` or any compatible function. */
export type FetchFunction = (input: string, init?: RequestInit) => Promise<Response>;

/** Options of {@link createDruidClient}. */
export interface DruidClientOptions {
  /**
   * The overlord (or a coordinator acting as overlord, or the router), for supervisors and the
   * sampler, e.g. `http://127.0.0.1:8081`.
   */
  overlordUrl: string;
  /** The broker (or the router), for SQL, e.g. `http://127.0.0.1:8082`. */
  brokerUrl: string;
  /** @default globalThis.fetch */
  fetch?: FetchFunction;
  /** Per-request timeout in milliseconds. @default 30000 */
  timeoutMs?: number;
  /** Extra headers on every request (e.g. `Authorization`). @default {} */
  headers?: Record<string, string>;
}

/** Supervisor states Druid reports (`state`; `detailedState` adds finer ones). */
export type SupervisorState =
  | 'PENDING'
  | 'RUNNING'
  | 'IDLE'
  | 'SUSPENDED'
  | 'STOPPING'
  | 'UNHEALTHY_SUPERVISOR'
  | 'UNHEALTHY_TASKS'
  | (string & {});

/** `GET /druid/indexer/v1/supervisor/{id}/status` → `payload`. */
export interface SupervisorStatus {
  dataSource: string;
  stream: string;
  partitions: number;
  replicas: number;
  durationSeconds: number;
  activeTasks: {
    id: string;
    currentOffsets?: Record<string, number>;
    lag?: Record<string, number>;
  }[];
  publishingTasks: { id: string }[];
  aggregateLag?: number | null;
  suspended: boolean;
  healthy: boolean;
  state: SupervisorState;
  detailedState: string;
  recentErrors: unknown[];
}

/** Row counters summed over a supervisor's tasks (`/stats`, `buildSegments` totals). */
export interface SupervisorStats {
  processed: number;
  processedBytes: number;
  processedWithError: number;
  unparseable: number;
  thrownAway: number;
}

/** One sampled row: the input as read, the row as parsed, or why it was unparseable. */
export interface SampledRow {
  input?: Record<string, unknown>;
  parsed?: Record<string, unknown>;
  unparseable?: boolean;
  error?: string;
}

/** The sampler's answer. */
export interface SampleResult {
  numRowsRead: number;
  numRowsIndexed: number;
  data: SampledRow[];
  /** The column types Druid would store (Druid 26+). */
  logicalSegmentSchema?: { name: string; type: string }[];
}

/** Options of {@link DruidClient.sample}. */
export interface SampleOptions {
  /** @default 20 */
  numRows?: number;
  /** How long the sampler reads the stream. @default 15000 */
  timeoutMs?: number;
}

/** A column of an SQL result. */
export interface SqlColumn {
  name: string;
  /** Druid's type: STRING, LONG, DOUBLE, FLOAT, COMPLEX<json>, ARRAY<STRING>, … */
  type: string;
  /** The SQL type: VARCHAR, BIGINT, TIMESTAMP, BOOLEAN, OTHER, … */
  sqlType: string;
}

/** An SQL result: the columns and the rows as objects. */
export interface SqlResult<TRow> {
  columns: SqlColumn[];
  rows: TRow[];
}

/** A value bound to a `?` placeholder. */
export type SqlParameter = string | number | boolean | null;

/** Options of {@link DruidClient.sql}. */
export interface SqlOptions {
  /** Values for `?` placeholders, in order. @default [] */
  parameters?: readonly SqlParameter[];
  /** Query context (`sqlTimeZone`, `timeout`, …). @default { sqlStringifyArrays: false } */
  context?: Record<string, unknown>;
  /**
   * Turn TIMESTAMP and DATE columns into `Date` objects.
   * @default true
   */
  dates?: boolean;
}

/** Options of {@link DruidClient.waitForRows}. */
export interface WaitForRowsOptions {
  /** Wait until at least this many rows (or rolled-up events, with `countExpression`). @default 1 */
  minRows?: number;
  /** What to count. Use `SUM("count")` for a rolled-up datasource. @default 'COUNT(*)' */
  countExpression?: string;
  /** @default 120000 */
  timeoutMs?: number;
  /** Pause between polls. @default 500 */
  intervalMs?: number;
  /** Called after each poll with the count so far (null while the table is unknown). */
  onProgress?: (count: number | null) => void;
  /** Stops the wait. */
  signal?: AbortSignal;
}

/** Task states the overlord lists (`GET /druid/indexer/v1/tasks?state=…`). */
export type TaskState = 'running' | 'pending' | 'waiting' | 'complete';

/** One task as the overlord lists it (a subset of Druid's `TaskStatusPlus`). */
export interface TaskSummary {
  id: string;
  type: string;
  dataSource: string;
  /** `RUNNING`, `SUCCESS`, `FAILED`, or null while the task waits. */
  statusCode: string | null;
  createdTime: string;
}

/** Options of {@link DruidClient.listTasks}. */
export interface ListTasksOptions {
  /** Only the tasks of this datasource. @default every datasource */
  dataSource?: string;
  /** Only tasks in this state. @default every state Druid lists without one */
  state?: TaskState;
}

/** Options of {@link DruidClient.shutdownTasks}. */
export interface ShutdownTasksOptions {
  /** @default 60000 */
  timeoutMs?: number;
  /** Pause between polls. @default 1000 */
  intervalMs?: number;
  /** Stops the wait. */
  signal?: AbortSignal;
}

/** A Druid client: supervisors, tasks, the sampler and SQL. */
export interface DruidClient {
  /** Creates or replaces a supervisor; with an unchanged spec Druid 33+ keeps its tasks. */
  submitSupervisor(spec: KafkaSupervisorSpec): Promise<{ id: string }>;
  /** The ids of the supervisors. */
  listSupervisors(): Promise<string[]>;
  /** The supervisor's current spec, or null when there is none with that id. */
  getSupervisor(id: string): Promise<KafkaSupervisorSpec | null>;
  supervisorStatus(id: string): Promise<SupervisorStatus>;
  supervisorStats(id: string): Promise<SupervisorStats>;
  suspendSupervisor(id: string): Promise<void>;
  resumeSupervisor(id: string): Promise<void>;
  /** Forgets the stored offsets: the next tasks start as `useEarliestOffset` says. */
  resetSupervisor(id: string): Promise<void>;
  /** Stops the supervisor; its tasks publish what they read. */
  terminateSupervisor(id: string): Promise<void>;
  /** The overlord's tasks, optionally of one datasource and in one state. */
  listTasks(options?: ListTasksOptions): Promise<TaskSummary[]>;
  /** Stops one task at once, without publishing what it read. */
  shutdownTask(id: string): Promise<void>;
  /**
   * Stops every running, pending or waiting task of the datasource without publishing, and waits
   * until none is left; returns how many were stopped. Use it after `terminateSupervisor` when
   * the topic goes away too: a task whose topic was deleted retries forever and keeps its slot.
   */
  shutdownTasks(dataSource: string, options?: ShutdownTasksOptions): Promise<number>;
  /** Runs the spec through the sampler on real stream records, without a supervisor. */
  sample(spec: KafkaSupervisorSpec, options?: SampleOptions): Promise<SampleResult>;
  /**
   * Samples the spec and judges the result: `ok` when rows were read and none was unparseable,
   * otherwise issues that say which rows failed and why.
   */
  checkSpec(spec: KafkaSupervisorSpec, options?: SampleOptions): Promise<Result<SampleResult>>;
  /** Runs Druid SQL and returns typed rows. */
  sql<TRow = Record<string, unknown>>(
    query: string,
    options?: SqlOptions,
  ): Promise<SqlResult<TRow>>;
  /** Polls until the datasource answers SQL with at least `minRows`; returns the count. */
  waitForRows(dataSource: string, options?: WaitForRowsOptions): Promise<number>;
}

interface DruidErrorBody {
  error?: string;
  errorMessage?: string;
  errorCode?: string;
  message?: string;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function sqlType(parameter: SqlParameter): { type: string; value: SqlParameter } {
  if (parameter === null) return { type: 'VARCHAR', value: null };
  switch (typeof parameter) {
    case 'number':
      return { type: Number.isInteger(parameter) ? 'BIGINT' : 'DOUBLE', value: parameter };
    case 'boolean':
      return { type: 'BOOLEAN', value: parameter };
    default:
      return { type: 'VARCHAR', value: parameter };
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(new DruidError('timeout', 'The wait was aborted.', { cause: signal.reason }));
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new DruidError('timeout', 'The wait was aborted.', { cause: signal?.reason }));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function sumStats(body: unknown): SupervisorStats {
  const totals: SupervisorStats = {
    processed: 0,
    processedBytes: 0,
    processedWithError: 0,
    unparseable: 0,
    thrownAway: 0,
  };
  // { "<group>": { "<taskId>": { totals: { buildSegments: {...} } } } }
  if (typeof body !== 'object' || body === null) return totals;
  for (const group of Object.values(body)) {
    if (typeof group !== 'object' || group === null) continue;
    for (const task of Object.values(group as Record<string, unknown>)) {
      const build = (task as { totals?: { buildSegments?: Partial<SupervisorStats> } }).totals
        ?.buildSegments;
      if (build === undefined) continue;
      for (const key of Object.keys(totals) as (keyof SupervisorStats)[]) {
        totals[key] += build[key] ?? 0;
      }
    }
  }
  return totals;
}

/**
 * Creates a client for a Druid cluster. All HTTP goes through the `fetch` option.
 * @example
 * const druid = createDruidClient({ overlordUrl: 'http://127.0.0.1:8081', brokerUrl: 'http://127.0.0.1:8082' });
 * const check = await druid.checkSpec(spec);
 * if (check.ok) await druid.submitSupervisor(spec);
 * const { rows } = await druid.sql<{ eventType: string; n: number }>(
 *   'SELECT eventType, COUNT(*) AS n FROM clicks GROUP BY 1',
 * );
 */
export function createDruidClient(options: DruidClientOptions): DruidClient {
  const overlord = trimSlash(options.overlordUrl);
  const broker = trimSlash(options.brokerUrl);
  const fetchFn: FetchFunction = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const timeoutMs = options.timeoutMs ?? 30_000;

  async function request(
    url: string,
    init: { method: 'GET' | 'POST' | 'DELETE'; body?: unknown },
    allow404 = false,
  ): Promise<{ status: number; body: unknown }> {
    let response: Response;
    try {
      response = await fetchFn(url, {
        method: init.method,
        headers: {
          accept: 'application/json',
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...options.headers,
        },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (cause) {
      const name = (cause as { name?: unknown }).name;
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw new DruidError('timeout', `${init.method} ${url} took longer than ${timeoutMs} ms.`, {
          cause,
        });
      }
      throw new DruidError('unreachable', `${init.method} ${url}: Druid is not reachable.`, {
        cause,
      });
    }
    const text = await response.text();
    let body: unknown = text;
    if (text.length > 0) {
      try {
        body = JSON.parse(text) as unknown;
      } catch {
        body = text;
      }
    } else {
      body = null;
    }
    if (response.ok || (allow404 && response.status === 404))
      return { status: response.status, body };
    const message =
      typeof body === 'object' && body !== null
        ? ((body as DruidErrorBody).errorMessage ??
          (body as DruidErrorBody).error ??
          (body as DruidErrorBody).message ??
          text)
        : text;
    throw new DruidError(
      url.startsWith(`${broker}/druid/v2/sql`) ? 'sql' : 'http',
      `${init.method} ${url} → ${response.status}: ${message.slice(0, 2000)}`,
      { status: response.status },
    );
  }

  const supervisorUrl = (id: string, action = ''): string =>
    `${overlord}/druid/indexer/v1/supervisor/${encodeURIComponent(id)}${action}`;

  async function sample(
    spec: KafkaSupervisorSpec,
    sampleOptions: SampleOptions = {},
  ): Promise<SampleResult> {
    const { body } = await request(`${overlord}/druid/indexer/v1/sampler`, {
      method: 'POST',
      body: {
        type: spec.type,
        spec,
        samplerConfig: {
          numRows: sampleOptions.numRows ?? 20,
          timeoutMs: sampleOptions.timeoutMs ?? 15_000,
        },
      },
    });
    return body as SampleResult;
  }

  async function listTasks(listOptions: ListTasksOptions = {}): Promise<TaskSummary[]> {
    const query = new URLSearchParams();
    if (listOptions.state !== undefined) query.set('state', listOptions.state);
    if (listOptions.dataSource !== undefined) query.set('datasource', listOptions.dataSource);
    const suffix = query.size > 0 ? `?${query.toString()}` : '';
    const { body } = await request(`${overlord}/druid/indexer/v1/tasks${suffix}`, {
      method: 'GET',
    });
    return (body as Record<string, unknown>[]).map((task) => ({
      id: String(task.id),
      type: String(task.type),
      dataSource: String(task.dataSource),
      statusCode: typeof task.statusCode === 'string' ? task.statusCode : null,
      createdTime: String(task.createdTime),
    }));
  }

  async function sql<TRow>(query: string, sqlOptions: SqlOptions = {}): Promise<SqlResult<TRow>> {
    const { body } = await request(`${broker}/druid/v2/sql`, {
      method: 'POST',
      body: {
        query,
        resultFormat: 'array',
        header: true,
        typesHeader: true,
        sqlTypesHeader: true,
        // Arrays as JSON arrays, not as their JSON text.
        context: { sqlStringifyArrays: false, ...sqlOptions.context },
        parameters: (sqlOptions.parameters ?? []).map(sqlType),
      },
    });
    if (!Array.isArray(body) || body.length < 3) {
      throw new DruidError('sql', 'Druid answered SQL with no header rows.');
    }
    const [names, types, sqlTypes, ...data] = body as unknown[][];
    const columns: SqlColumn[] = names!.map((name, index) => ({
      name: String(name),
      type: String(types![index]),
      sqlType: String(sqlTypes![index]),
    }));
    const dates = sqlOptions.dates ?? true;
    const rows = data.map((values) => {
      const row: Record<string, unknown> = {};
      columns.forEach((column, index) => {
        let value = values[index] ?? null;
        if (
          dates &&
          value !== null &&
          (column.sqlType === 'TIMESTAMP' || column.sqlType === 'DATE')
        ) {
          value = new Date(value as string);
        }
        row[column.name] = value;
      });
      return row as TRow;
    });
    return { columns, rows };
  }

  return {
    async submitSupervisor(spec) {
      const { body } = await request(
        `${overlord}/druid/indexer/v1/supervisor?skipRestartIfUnmodified=true`,
        {
          method: 'POST',
          body: spec,
        },
      );
      return {
        id:
          typeof (body as { id?: unknown } | null)?.id === 'string'
            ? (body as { id: string }).id
            : (spec.id ?? spec.spec.dataSchema.dataSource),
      };
    },
    async listSupervisors() {
      const { body } = await request(`${overlord}/druid/indexer/v1/supervisor`, { method: 'GET' });
      return (body as unknown[]).map(String);
    },
    async getSupervisor(id) {
      const { status, body } = await request(supervisorUrl(id), { method: 'GET' }, true);
      return status === 404 ? null : (body as KafkaSupervisorSpec);
    },
    async supervisorStatus(id) {
      const { body } = await request(supervisorUrl(id, '/status'), { method: 'GET' });
      return (body as { payload: SupervisorStatus }).payload;
    },
    async supervisorStats(id) {
      const { body } = await request(supervisorUrl(id, '/stats'), { method: 'GET' });
      return sumStats(body);
    },
    async suspendSupervisor(id) {
      await request(supervisorUrl(id, '/suspend'), { method: 'POST' });
    },
    async resumeSupervisor(id) {
      await request(supervisorUrl(id, '/resume'), { method: 'POST' });
    },
    async resetSupervisor(id) {
      await request(supervisorUrl(id, '/reset'), { method: 'POST' });
    },
    async terminateSupervisor(id) {
      await request(supervisorUrl(id, '/terminate'), { method: 'POST' });
    },
    listTasks,
    async shutdownTask(id) {
      await request(`${overlord}/druid/indexer/v1/task/${encodeURIComponent(id)}/shutdown`, {
        method: 'POST',
      });
    },
    async shutdownTasks(dataSource, waitOptions = {}) {
      const timeoutMs = waitOptions.timeoutMs ?? 60_000;
      const deadline = Date.now() + timeoutMs;
      const stopped = new Set<string>();
      for (;;) {
        const lists = await Promise.all(
          (['running', 'pending', 'waiting'] as const).map((state) =>
            listTasks({ dataSource, state }),
          ),
        );
        const tasks = lists.flat();
        if (tasks.length === 0) return stopped.size;
        if (Date.now() >= deadline) {
          throw new DruidError(
            'timeout',
            `${tasks.length} task(s) of ${dataSource} still ran after ${timeoutMs} ms: ${tasks.map((task) => task.id).join(', ')}`,
          );
        }
        for (const task of tasks) {
          // A task that ended between the listing and the shutdown answers 404: nothing to do.
          await request(
            `${overlord}/druid/indexer/v1/task/${encodeURIComponent(task.id)}/shutdown`,
            { method: 'POST' },
            true,
          );
          stopped.add(task.id);
        }
        await sleep(waitOptions.intervalMs ?? 1000, waitOptions.signal);
      }
    },
    sample,
    async checkSpec(spec, sampleOptions) {
      const result = await sample(spec, sampleOptions);
      const issues: Issue[] = [];
      if (result.numRowsRead === 0) {
        issues.push({
          code: 'no_rows',
          path: ['ioConfig', 'topic'],
          message: `The sampler read no record from ${spec.spec.ioConfig.topic}; nothing to check the spec against.`,
        });
      }
      result.data.forEach((row, index) => {
        if (row.unparseable === true || row.error !== undefined) {
          issues.push({
            code: 'unparseable',
            path: ['data', index],
            message: row.error ?? 'The row could not be parsed.',
          });
        }
      });
      return issues.length === 0 ? { ok: true, value: result } : { ok: false, issues };
    },
    sql,
    async waitForRows(dataSource, waitOptions = {}) {
      const minRows = waitOptions.minRows ?? 1;
      const deadline = Date.now() + (waitOptions.timeoutMs ?? 120_000);
      const query = `SELECT ${waitOptions.countExpression ?? 'COUNT(*)'} AS "n" FROM ${quoteIdentifier(dataSource)}`;
      for (;;) {
        let count: number | null = null;
        try {
          const { rows } = await sql<{ n: number | null }>(query);
          count = rows[0]?.n ?? 0;
        } catch (error) {
          // Until a segment of the table is announced, the broker does not know the table.
          if (!(
            error instanceof DruidError &&
            error.code === 'sql' &&
            /not found/i.test(error.message)
          )) {
            throw error;
          }
        }
        waitOptions.onProgress?.(count);
        if (count !== null && count >= minRows) return count;
        if (Date.now() >= deadline) {
          throw new DruidError(
            'timeout',
            `${dataSource} had ${count ?? 'no'} rows after ${waitOptions.timeoutMs ?? 120_000} ms; waited for ${minRows}.`,
          );
        }
        await sleep(waitOptions.intervalMs ?? 500, waitOptions.signal);
      }
    },
  };
}
