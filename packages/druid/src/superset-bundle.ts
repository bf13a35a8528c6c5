import { DruidError } from './druid-error';
import { planDatasource, type ColumnOptionName } from './internal/plan';
import { chartYaml, draftCharts } from './internal/superset/charts';
import {
  findColumns,
  newOrReturningColumn,
  SUPERSET_COLUMN_CANDIDATES,
  type SupersetColumnRole,
} from './internal/superset/columns';
import { dashboardYaml } from './internal/superset/dashboard';
import { databaseYaml, datasetMetrics, datasetYaml } from './internal/superset/dataset';
import { fileName, nameUuid } from './internal/superset/names';
import { toYaml, type YamlValue } from './internal/yaml';
import { writeZip } from './internal/zip';
import type { SupervisorSpecOptions } from './supervisor-spec';

export { SUPERSET_COLUMN_CANDIDATES, type SupersetColumnRole };

/**
 * The uuid under which `infra/superset/superset.sh` registers the Druid broker; a bundle that
 * names it is imported onto that database instead of creating a second one.
 */
export const SUPERSET_DRUID_DATABASE_UUID = '2f0dc0b4-6fe7-573d-8c92-47f34d76a146';

/** Options of {@link createSupersetBundle}: the spec's schema options plus the dashboard's. */
export interface SupersetBundleOptions extends Pick<
  SupervisorSpecOptions,
  ColumnOptionName | 'dataSource'
> {
  /** @default the data source */
  title?: string;
  /**
   * The database the dataset lives in, by uuid. An import finds an existing database by this
   * uuid and leaves it as it is; only a Superset without it creates one from `databaseUri`.
   * @default {@link SUPERSET_DRUID_DATABASE_UUID} (the database `infra/superset` registers)
   */
  databaseUuid?: string;
  /** @default 'Druid' */
  databaseName?: string;
  /** Superset's SQLAlchemy URI of the broker, used only when the import creates the database. @default 'druid://127.0.0.1:18082/druid/v2/sql' */
  databaseUri?: string;
  /**
   * The time range the charts show, in Superset's syntax (`Last day`, `DATEADD(DATETIME("now"), -6, hour) : now`).
   * The dashboard's time filter starts on it.
   * @default 'DATEADD(DATETIME("now"), -6, hour) : now' (the last six hours)
   */
  timeRange?: string;
  /** Time grain of the over-time charts, ISO 8601. @default 'PT1M' */
  timeGrain?: string;
  /** Auto-refresh period of the dashboard in seconds; 0 for none. @default 60 */
  refreshSeconds?: number;
  /** Columns per role, overriding the names looked for; null leaves the role's chart out. @default {} */
  columns?: Partial<Record<SupersetColumnRole, string | null>>;
  /** Rows in the top-N tables. @default 20 */
  topN?: number;
}

/** One chart of a bundle. */
export interface SupersetBundleChart {
  readonly uuid: string;
  readonly name: string;
  readonly vizType: string;
  /** The path of its YAML in {@link SupersetBundle.files}. */
  readonly path: string;
}

/** A Superset import bundle: the YAML files of Superset's own dashboard export. */
export interface SupersetBundle {
  /** Paths (`metadata.yaml`, `databases/…`, `datasets/…`, `charts/…`, `dashboards/…`) to YAML. */
  readonly files: ReadonlyMap<string, string>;
  /** The folder the zip puts the files under (Superset's importer wants one top folder). */
  readonly root: string;
  readonly databaseUuid: string;
  readonly datasetUuid: string;
  readonly dashboardUuid: string;
  /** The dashboard's slug: its URL is `<superset>/superset/dashboard/<slug>/`. */
  readonly slug: string;
  readonly charts: readonly SupersetBundleChart[];
  /** The roles the dashboard found a column for, and the column. */
  readonly columns: Readonly<Partial<Record<SupersetColumnRole, string>>>;
  /**
   * The bundle as a zip for `POST /api/v1/dashboard/import/`; `type` rewrites `metadata.yaml`
   * for the dataset (`SqlaTable`) and chart (`Slice`) import endpoints.
   * @default type 'Dashboard'
   */
  zip(type?: 'Dashboard' | 'SqlaTable' | 'Slice'): Uint8Array;
}

/**
 * Generates a Superset import bundle for the datasource that {@link createSupervisorSpec} makes
 * from the same options: the database (by uuid), a dataset with a typed column per dimension
 * and the metrics `events`, `unique_visitors` and `sessions` (sketches on a rolled-up datasource,
 * `COUNT(DISTINCT)` on a raw one), and a dashboard of charts that answer the clickstream
 * questions live: events and visitors per minute, now against a week ago, pages, referrers,
 * campaigns, countries, browsers, devices, new against returning visitors and event types, with
 * filters on time, campaign, page, country and event type, refreshed every minute.
 * @throws {DruidError} as {@link createSupervisorSpec} for the schema options; `invalid_option`
 * for a `columns` entry that names no string or boolean dimension.
 * @example
 * const bundle = createSupersetBundle({ schema: tributaryEventRecord, dataSource: 'clicks', rollup: true });
 * writeFileSync('clicks-dashboard.zip', bundle.zip());
 * await importSupersetBundle({ url: 'http://127.0.0.1:18088', username, password, bundle });
 */
export function createSupersetBundle(options: SupersetBundleOptions): SupersetBundle {
  const plan = planDatasource(options);
  const dataSource = options.dataSource;
  const title = options.title ?? dataSource;
  const timeRange = options.timeRange ?? 'DATEADD(DATETIME("now"), -6, hour) : now';
  const timeGrain = options.timeGrain ?? 'PT1M';
  const refreshSeconds = options.refreshSeconds ?? 60;
  const topN = options.topN ?? 20;
  if (!Number.isInteger(refreshSeconds) || refreshSeconds < 0) {
    throw new DruidError('invalid_option', 'refreshSeconds must be a whole number of seconds ≥ 0.');
  }
  if (!Number.isInteger(topN) || topN < 1) {
    throw new DruidError('invalid_option', 'topN must be a positive integer.');
  }
  const databaseUuid = options.databaseUuid ?? SUPERSET_DRUID_DATABASE_UUID;
  const databaseName = options.databaseName ?? 'Druid';
  const datasetUuid = nameUuid('dataset', databaseUuid, dataSource);
  const dashboardUuid = nameUuid('dashboard', databaseUuid, dataSource);
  const slug = `tributary-${fileName(dataSource).toLowerCase()}`;
  const metrics = datasetMetrics(plan, options);
  const found = findColumns(plan, options);
  const column = (role: SupersetColumnRole): string | undefined => found[role]?.spec.name;
  const visitorType =
    found.newVisitor === undefined ? undefined : newOrReturningColumn(plan, found.newVisitor);
  const drafts = draftCharts({
    found,
    metricNames: new Set(metrics.map((metric) => metric.name)),
    visitorType,
    timeRange,
    timeGrain,
    topN,
  });
  const charts = drafts.map((chart, index) => ({
    ...chart,
    uuid: nameUuid('chart', databaseUuid, dataSource, chart.name),
    path: `charts/${fileName(chart.name)}_${index + 1}.yaml`,
  }));

  // Files, in the layout of Superset's own export.
  const files = new Map<string, string>();
  const put = (path: string, value: YamlValue): void => {
    files.set(path, toYaml(value));
  };
  put('metadata.yaml', {
    version: '1.0.0',
    type: 'Dashboard',
    timestamp: '1970-01-01T00:00:00+00:00',
  });
  const databaseFile = fileName(databaseName);
  put(
    `databases/${databaseFile}.yaml`,
    databaseYaml(
      databaseName,
      options.databaseUri ?? 'druid://127.0.0.1:18082/druid/v2/sql',
      databaseUuid,
    ),
  );
  put(
    `datasets/${databaseFile}/${fileName(dataSource)}.yaml`,
    datasetYaml({ plan, dataSource, uuid: datasetUuid, databaseUuid, metrics, visitorType }),
  );
  for (const chart of charts) put(chart.path, chartYaml(chart, chart.uuid, datasetUuid));
  put(
    `dashboards/${fileName(title)}.yaml`,
    dashboardYaml({
      title,
      slug,
      uuid: dashboardUuid,
      datasetUuid,
      charts,
      column,
      timeRange,
      refreshSeconds,
    }),
  );

  const root = `tributary_${fileName(dataSource)}`;
  const columns: Partial<Record<SupersetColumnRole, string>> = {};
  for (const [role, dimension] of Object.entries(found)) {
    columns[role as SupersetColumnRole] = dimension.spec.name;
  }
  return {
    files,
    root,
    databaseUuid,
    datasetUuid,
    dashboardUuid,
    slug,
    charts: charts.map(({ uuid, name, vizType, path }) => ({ uuid, name, vizType, path })),
    columns,
    zip(type = 'Dashboard') {
      const encoder = new TextEncoder();
      return writeZip(
        [...files].map(([path, text]) => ({
          path: `${root}/${path}`,
          data: encoder.encode(
            path === 'metadata.yaml' ? text.replace('"Dashboard"', JSON.stringify(type)) : text,
          ),
        })),
      );
    },
  };
}
