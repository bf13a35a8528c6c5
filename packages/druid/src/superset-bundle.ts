import { createHash } from 'node:crypto';
import { DruidError } from './druid-error';
import { planDatasource, type Plan, type PlannedDimension } from './internal/plan';
import { toYaml, type YamlValue } from './internal/yaml';
import { writeZip } from './internal/zip';
import type { SupervisorSpecOptions } from './supervisor-spec';

/**
 * The uuid under which `infra/superset/superset.sh` registers the Druid broker; a bundle that
 * names it is imported onto that database instead of creating a second one.
 */
export const SUPERSET_DRUID_DATABASE_UUID = '2f0dc0b4-6fe7-573d-8c92-47f34d76a146';

/**
 * What a dashboard chart or filter shows, found among the datasource's string and boolean
 * dimensions by name (first match of {@link SUPERSET_COLUMN_CANDIDATES}) unless named in
 * `columns`.
 */
export type SupersetColumnRole =
  | 'page'
  | 'referrer'
  | 'campaign'
  | 'campaignSource'
  | 'campaignMedium'
  | 'country'
  | 'browser'
  | 'device'
  | 'newVisitor'
  | 'firstInSession'
  | 'eventType';

/** Per role, the column names looked for, in order: the Tributary record's first, Divolte's next. */
export const SUPERSET_COLUMN_CANDIDATES: Readonly<Record<SupersetColumnRole, readonly string[]>> = {
  page: ['pagePath', 'location'],
  referrer: ['referrerHost', 'referrer', 'referer'],
  campaign: ['utmCampaign', 'utm_campaign', 'campaign'],
  campaignSource: ['utmSource', 'utm_source'],
  campaignMedium: ['utmMedium', 'utm_medium'],
  country: ['geoCountryCode', 'countryCode', 'country'],
  browser: ['browserName', 'userAgentName', 'userAgentFamily'],
  device: ['deviceType', 'userAgentDeviceCategory'],
  newVisitor: ['newParty'],
  firstInSession: ['firstInSession'],
  eventType: ['eventType'],
};

/** Options of {@link createSupersetBundle}: the spec's schema options plus the dashboard's. */
export interface SupersetBundleOptions extends Pick<
  SupervisorSpecOptions,
  | 'schema'
  | 'dataSource'
  | 'timestampColumn'
  | 'booleans'
  | 'nested'
  | 'exclude'
  | 'rollup'
  | 'rollupExclude'
  | 'dimensions'
  | 'metrics'
  | 'partyIdField'
  | 'sessionIdField'
  | 'derivedColumns'
  | 'transforms'
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

// Name-based uuids (version 5 layout over SHA-1), so that generating the bundle again for the same
// datasource names the same objects and an import with overwrite updates them in place.
function nameUuid(...parts: string[]): string {
  const hash = createHash('sha1')
    .update(`tributary-superset\0${parts.join('\0')}`)
    .digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function fileName(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^_+|_+$/g, '') || 'x';
}

function quoted(column: string): string {
  return `"${column.replaceAll('"', '""')}"`;
}

function sqlType(dimension: PlannedDimension): string {
  const { spec } = dimension;
  switch (spec.type) {
    case 'string':
      return 'VARCHAR';
    case 'long':
      return 'BIGINT';
    case 'float':
      return 'FLOAT';
    case 'double':
      return 'DOUBLE';
    case 'json':
      return 'COMPLEX<json>';
    case 'auto':
      return spec.castToType ?? 'COMPLEX<json>';
  }
}

interface DatasetMetric {
  readonly name: string;
  readonly label: string;
  readonly expression: string;
  readonly format?: string;
}

/** The metrics of the dataset: events, distinct visitors and sessions, and the named sums. */
function datasetMetrics(plan: Plan, options: SupersetBundleOptions): DatasetMetric[] {
  const metrics: DatasetMetric[] = [];
  if (plan.rollup) {
    for (const metric of plan.metrics) {
      const column = quoted(metric.spec.name);
      switch (metric.role) {
        case 'count':
          metrics.push({ name: 'events', label: 'Events', expression: `SUM(${column})` });
          break;
        case 'sum':
          metrics.push({
            name: metric.spec.name,
            label: metric.spec.name,
            expression: `SUM(${column})`,
          });
          break;
        // Rows are rolled up, so distinct ids exist only as the sketches ingestion built.
        case 'uniqueParties':
          metrics.push({
            name: 'unique_visitors',
            label: 'Unique visitors',
            expression: `APPROX_COUNT_DISTINCT_DS_HLL(${column})`,
          });
          break;
        case 'uniqueSessions':
          metrics.push({
            name: 'sessions',
            label: 'Sessions',
            expression: `APPROX_COUNT_DISTINCT_DS_HLL(${column})`,
          });
          break;
      }
    }
    return metrics;
  }
  metrics.push({ name: 'events', label: 'Events', expression: 'COUNT(*)' });
  const columns = new Set(plan.dimensions.map((dimension) => dimension.spec.name));
  const party = options.partyIdField === undefined ? 'partyId' : options.partyIdField;
  const session = options.sessionIdField === undefined ? 'sessionId' : options.sessionIdField;
  if (party !== null && columns.has(party)) {
    metrics.push({
      name: 'unique_visitors',
      label: 'Unique visitors',
      expression: `COUNT(DISTINCT ${quoted(party)})`,
    });
  }
  if (session !== null && columns.has(session)) {
    metrics.push({
      name: 'sessions',
      label: 'Sessions',
      expression: `COUNT(DISTINCT ${quoted(session)})`,
    });
  }
  return metrics;
}

function findColumns(
  plan: Plan,
  options: SupersetBundleOptions,
): Partial<Record<SupersetColumnRole, PlannedDimension>> {
  const byName = new Map(plan.dimensions.map((dimension) => [dimension.spec.name, dimension]));
  const usable = (dimension: PlannedDimension | undefined): dimension is PlannedDimension =>
    dimension !== undefined && (dimension.kind === 'string' || dimension.kind === 'boolean');
  const found: Partial<Record<SupersetColumnRole, PlannedDimension>> = {};
  for (const role of Object.keys(SUPERSET_COLUMN_CANDIDATES) as SupersetColumnRole[]) {
    const named = options.columns?.[role];
    if (named === null) continue;
    if (named !== undefined) {
      const dimension = byName.get(named);
      if (!usable(dimension)) {
        throw new DruidError(
          'invalid_option',
          `columns.${role} names ${named}, which is not a string or boolean dimension of ${options.dataSource}.`,
        );
      }
      found[role] = dimension;
      continue;
    }
    const dimension = SUPERSET_COLUMN_CANDIDATES[role].map((name) => byName.get(name)).find(usable);
    if (dimension !== undefined) found[role] = dimension;
  }
  return found;
}

interface ChartDraft {
  readonly name: string;
  readonly vizType: string;
  readonly width: number;
  readonly height: number;
  readonly params: Record<string, YamlValue>;
  readonly query: Record<string, YamlValue>;
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
  const metricNames = new Set(metrics.map((metric) => metric.name));
  const found = findColumns(plan, options);
  const column = (role: SupersetColumnRole): string | undefined => found[role]?.spec.name;
  const visitors = metricNames.has('unique_visitors');
  const eventsAndVisitors = visitors ? ['events', 'unique_visitors'] : ['events'];

  // Every chart reads the same time range through the same temporal filter on __time.
  const timeFilter: YamlValue = {
    clause: 'WHERE',
    comparator: timeRange,
    expressionType: 'SIMPLE',
    operator: 'TEMPORAL_RANGE',
    subject: '__time',
  };
  const queryFilters = (extra: YamlValue[] = []): YamlValue[] => [
    { col: '__time', op: 'TEMPORAL_RANGE', val: timeRange },
    ...extra,
  ];
  const timeAxis: YamlValue = {
    timeGrain,
    columnType: 'BASE_AXIS',
    sqlExpression: '__time',
    label: '__time',
    expressionType: 'SQL',
  };
  const charts: ChartDraft[] = [];
  // Totals over the range, not the latest minute: distinct visitors do not add up across minutes.
  const bigNumber = (name: string, metric: string): void => {
    charts.push({
      name,
      vizType: 'big_number_total',
      width: 3,
      height: 50,
      params: {
        viz_type: 'big_number_total',
        metric,
        adhoc_filters: [timeFilter],
        subheader: 'in the time range',
        header_font_size: 0.4,
        subheader_font_size: 0.15,
        y_axis_format: 'SMART_NUMBER',
      },
      query: {
        columns: [],
        metrics: [metric],
        filters: queryFilters(),
        orderby: [],
        row_limit: 1,
      },
    });
  };
  const timeseries = (
    name: string,
    vizType: 'echarts_timeseries_line' | 'echarts_timeseries_bar',
    chartMetrics: string[],
    extra: { groupby?: string; timeCompare?: string; width?: number } = {},
  ): void => {
    const groupby = extra.groupby === undefined ? [] : [extra.groupby];
    charts.push({
      name,
      vizType,
      width: extra.width ?? 6,
      height: 50,
      params: {
        viz_type: vizType,
        x_axis: '__time',
        time_grain_sqla: timeGrain,
        metrics: chartMetrics,
        groupby,
        adhoc_filters: [timeFilter],
        row_limit: 10000,
        limit: groupby.length === 0 ? 0 : 10,
        order_desc: true,
        ...(extra.timeCompare === undefined
          ? {}
          : { time_compare: [extra.timeCompare], comparison_type: 'values' }),
        ...(vizType === 'echarts_timeseries_bar' ? { stack: 'Stack' } : {}),
        show_legend: true,
        legendOrientation: 'top',
        legendType: 'scroll',
        rich_tooltip: true,
        x_axis_time_format: 'smart_date',
        y_axis_format: 'SMART_NUMBER',
        truncateXAxis: true,
      },
      query: {
        columns: [timeAxis, ...groupby],
        series_columns: groupby,
        metrics: chartMetrics,
        filters: queryFilters(),
        extras: { time_grain_sqla: timeGrain },
        orderby: [[chartMetrics[0]!, false]],
        row_limit: 10000,
        ...(extra.timeCompare === undefined ? {} : { time_offsets: [extra.timeCompare] }),
      },
    });
  };
  const table = (name: string, groupby: string[], width = 6): void => {
    charts.push({
      name,
      vizType: 'table',
      width,
      height: 50,
      params: {
        viz_type: 'table',
        query_mode: 'aggregate',
        groupby,
        metrics: eventsAndVisitors,
        adhoc_filters: [timeFilter],
        timeseries_limit_metric: 'events',
        order_desc: true,
        row_limit: topN,
        server_page_length: 10,
        show_cell_bars: true,
        include_search: false,
      },
      query: {
        columns: groupby,
        metrics: eventsAndVisitors,
        filters: queryFilters(),
        orderby: [['events', false]],
        row_limit: topN,
      },
    });
  };
  const pie = (name: string, groupby: string, filters: YamlValue[] = [], width = 3): void => {
    const adhoc: YamlValue[] = filters.map((filter) => {
      const { col, op, val } = filter as { col: string; op: string; val: YamlValue };
      return {
        clause: 'WHERE',
        expressionType: 'SIMPLE',
        subject: col,
        operator: op,
        comparator: val,
      };
    });
    charts.push({
      name,
      vizType: 'pie',
      width,
      height: 50,
      params: {
        viz_type: 'pie',
        groupby: [groupby],
        metric: 'events',
        adhoc_filters: [timeFilter, ...adhoc],
        row_limit: 10,
        sort_by_metric: true,
        show_labels: true,
        show_legend: true,
        label_type: 'key_percent',
        number_format: 'SMART_NUMBER',
        innerRadius: 30,
        outerRadius: 70,
        donut: true,
      },
      query: {
        columns: [groupby],
        metrics: ['events'],
        filters: queryFilters(filters),
        orderby: [['events', false]],
        row_limit: 10,
      },
    });
  };

  bigNumber('Events', 'events');
  if (visitors) bigNumber('Unique visitors', 'unique_visitors');
  timeseries('Events: now and a week ago', 'echarts_timeseries_line', ['events'], {
    timeCompare: '1 week ago',
    width: visitors ? 6 : 9,
  });
  timeseries(
    visitors ? 'Events and unique visitors per minute' : 'Events per minute',
    'echarts_timeseries_line',
    eventsAndVisitors,
  );
  const eventType = column('eventType');
  if (eventType !== undefined) {
    timeseries('Events by type', 'echarts_timeseries_bar', ['events'], { groupby: eventType });
  }
  const page = column('page');
  if (page !== undefined) table('Top pages', [page]);
  const referrer = column('referrer');
  if (referrer !== undefined) table('Top referrers', [referrer]);
  const campaignColumns = (['campaignSource', 'campaignMedium', 'campaign'] as const)
    .map(column)
    .filter((name) => name !== undefined);
  if (campaignColumns.length > 0) table('Campaigns', campaignColumns);
  const country = column('country');
  if (country !== undefined) table('Countries', [country]);
  // The last row: four narrow charts side by side.
  if (eventType !== undefined) table('Event types', [eventType], 3);
  const browser = column('browser');
  if (browser !== undefined) pie('Browsers', browser);
  const device = column('device');
  if (device !== undefined) pie('Devices', device);
  const newVisitor = found.newVisitor;
  const first = found.firstInSession;
  // A calculated column reads `new` and `returning` where the boolean column reads 1 and 0.
  const dimensionNames = new Set(plan.dimensions.map((dimension) => dimension.spec.name));
  let visitorType: { name: string; expression: string } | undefined;
  if (newVisitor !== undefined) {
    let name = 'new_or_returning';
    while (dimensionNames.has(name)) name += '_';
    const [yes, no] = newVisitor.spec.type === 'long' ? ['1', '0'] : ["'true'", "'false'"];
    const source = quoted(newVisitor.spec.name);
    visitorType = {
      name,
      expression: `CASE WHEN ${source} = ${yes} THEN 'new' WHEN ${source} = ${no} THEN 'returning' END`,
    };
  }
  if (visitorType !== undefined && first !== undefined) {
    // A session's first event says whether its visitor is new: one answer per session.
    const firstValue = first.spec.type === 'long' ? 1 : 'true';
    pie('New and returning visitors (sessions)', visitorType.name, [
      { col: first.spec.name, op: '==', val: firstValue },
    ]);
  } else if (first !== undefined) {
    pie('First event in session', first.spec.name);
  } else if (visitorType !== undefined) {
    pie('New and returning visitors', visitorType.name);
  }

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
  put(`databases/${databaseFile}.yaml`, {
    database_name: databaseName,
    sqlalchemy_uri: options.databaseUri ?? 'druid://127.0.0.1:18082/druid/v2/sql',
    cache_timeout: null,
    expose_in_sqllab: true,
    allow_run_async: false,
    allow_ctas: false,
    allow_cvas: false,
    allow_dml: false,
    allow_file_upload: false,
    extra: { metadata_params: {}, engine_params: {}, schemas_allowed_for_file_upload: [] },
    impersonate_user: false,
    uuid: databaseUuid,
    version: '1.0.0',
  });
  const column_ = (
    name: string,
    type: string,
    extra: {
      dttm?: boolean;
      groupby?: boolean;
      description?: string | undefined;
      expression?: string;
    } = {},
  ): YamlValue => ({
    column_name: name,
    verbose_name: null,
    is_dttm: extra.dttm ?? false,
    is_active: true,
    type,
    advanced_data_type: null,
    groupby: extra.groupby ?? true,
    filterable: extra.groupby ?? true,
    expression: extra.expression ?? null,
    description: extra.description ?? null,
    python_date_format: null,
    extra: null,
  });
  const columns: YamlValue[] = [column_('__time', 'TIMESTAMP', { dttm: true })];
  for (const dimension of plan.dimensions) {
    // json and array columns cannot be grouped on or filtered by value in Druid SQL.
    const simple = dimension.kind !== 'json' && dimension.kind !== 'array';
    columns.push(
      column_(dimension.spec.name, sqlType(dimension), {
        groupby: simple,
        description: dimension.doc,
      }),
    );
  }
  if (visitorType !== undefined) {
    columns.push(
      column_(visitorType.name, 'VARCHAR', {
        expression: visitorType.expression,
        description: 'Whether the visitor was new, from the boolean column.',
      }),
    );
  }
  for (const metric of plan.metrics) {
    const type =
      metric.spec.type === 'HLLSketchBuild'
        ? 'COMPLEX<HLLSketch>'
        : metric.spec.type === 'doubleSum'
          ? 'DOUBLE'
          : 'BIGINT';
    columns.push(column_(metric.spec.name, type, { groupby: false }));
  }
  put(`datasets/${databaseFile}/${fileName(dataSource)}.yaml`, {
    table_name: dataSource,
    main_dttm_col: '__time',
    description: `Generated by @tributary/druid from the record schema${plan.rollup ? ' (rolled up)' : ''}.`,
    default_endpoint: null,
    offset: 0,
    cache_timeout: null,
    catalog: null,
    schema: 'druid',
    sql: null,
    params: null,
    template_params: null,
    filter_select_enabled: true,
    fetch_values_predicate: null,
    extra: null,
    normalize_columns: false,
    always_filter_main_dttm: false,
    uuid: datasetUuid,
    metrics: metrics.map((metric) => ({
      metric_name: metric.name,
      verbose_name: metric.label,
      metric_type: null,
      expression: metric.expression,
      description: null,
      d3format: null,
      currency: null,
      extra: null,
      warning_text: null,
    })),
    columns,
    version: '1.0.0',
    database_uuid: databaseUuid,
  });

  const bundleCharts: SupersetBundleChart[] = [];
  // Position ids and chart ids are placeholders the importer maps to the new ones by uuid.
  const position: Record<string, YamlValue> = {
    DASHBOARD_VERSION_KEY: 'v2',
    ROOT_ID: { children: ['GRID_ID'], id: 'ROOT_ID', type: 'ROOT' },
    HEADER_ID: { id: 'HEADER_ID', meta: { text: title }, type: 'HEADER' },
  };
  const rows: string[] = [];
  let row: { id: string; children: string[]; width: number } | undefined;
  charts.forEach((chart, index) => {
    const uuid = nameUuid('chart', databaseUuid, dataSource, chart.name);
    const path = `charts/${fileName(chart.name)}_${index + 1}.yaml`;
    const chartId = index + 1;
    bundleCharts.push({ uuid, name: chart.name, vizType: chart.vizType, path });
    const formData = { ...chart.params, datasource: '0__table' };
    put(path, {
      slice_name: chart.name,
      description: null,
      certified_by: null,
      certification_details: null,
      viz_type: chart.vizType,
      params: formData,
      query_context: JSON.stringify({
        datasource: { id: 0, type: 'table' },
        force: false,
        queries: [
          {
            annotation_layers: [],
            applied_time_extras: {},
            url_params: {},
            custom_params: {},
            custom_form_data: {},
            ...chart.query,
          },
        ],
        form_data: formData,
        result_format: 'json',
        result_type: 'full',
      }),
      cache_timeout: null,
      uuid,
      version: '1.0.0',
      dataset_uuid: datasetUuid,
    });
    if (row === undefined || row.width + chart.width > 12) {
      row = { id: `ROW-${rows.length + 1}`, children: [], width: 0 };
      rows.push(row.id);
      position[row.id] = {
        children: row.children,
        id: row.id,
        meta: { background: 'BACKGROUND_TRANSPARENT' },
        parents: ['ROOT_ID', 'GRID_ID'],
        type: 'ROW',
      };
    }
    const id = `CHART-${chartId}`;
    row.children.push(id);
    row.width += chart.width;
    position[id] = {
      children: [],
      id,
      meta: { chartId, height: chart.height, sliceName: chart.name, uuid, width: chart.width },
      parents: ['ROOT_ID', 'GRID_ID', row.id],
      type: 'CHART',
    };
  });
  position.GRID_ID = { children: rows, id: 'GRID_ID', parents: ['ROOT_ID'], type: 'GRID' };

  const nativeFilter = (
    key: string,
    name: string,
    filterType: 'filter_time' | 'filter_select',
    target: string | undefined,
  ): YamlValue => ({
    id: `NATIVE_FILTER-${key}`,
    name,
    filterType,
    type: 'NATIVE_FILTER',
    targets: target === undefined ? [{}] : [{ column: { name: target }, datasetUuid }],
    controlValues:
      filterType === 'filter_time'
        ? { enableEmptyFilter: false }
        : {
            enableEmptyFilter: false,
            defaultToFirstItem: false,
            multiSelect: true,
            searchAllOptions: true,
            inverseSelection: false,
          },
    defaultDataMask:
      filterType === 'filter_time'
        ? {
            extraFormData: { time_range: timeRange },
            filterState: { value: timeRange },
            ownState: {},
          }
        : { extraFormData: {}, filterState: {}, ownState: {} },
    cascadeParentIds: [],
    // Every chart: Superset works the charts in scope out from the scope when it shows the filter.
    scope: { rootPath: ['ROOT_ID'], excluded: [] },
    description: '',
  });
  const filters: YamlValue[] = [nativeFilter('time', 'Time', 'filter_time', undefined)];
  for (const [role, name] of [
    ['campaign', 'Campaign'],
    ['page', 'Page'],
    ['country', 'Country'],
    ['eventType', 'Event type'],
  ] as const) {
    const target = column(role);
    if (target !== undefined) filters.push(nativeFilter(role, name, 'filter_select', target));
  }
  put(`dashboards/${fileName(title)}.yaml`, {
    dashboard_title: title,
    description: null,
    css: null,
    slug,
    certified_by: null,
    certification_details: null,
    published: true,
    uuid: dashboardUuid,
    position,
    metadata: {
      native_filter_configuration: filters,
      refresh_frequency: refreshSeconds,
      timed_refresh_immune_slices: [],
      expanded_slices: {},
      color_scheme: 'supersetColors',
      cross_filters_enabled: true,
      default_filters: '{}',
      label_colors: {},
      shared_label_colors: [],
    },
    version: '1.0.0',
  });

  const root = `tributary_${fileName(dataSource)}`;
  const found_: Partial<Record<SupersetColumnRole, string>> = {};
  for (const [role, dimension] of Object.entries(found)) {
    found_[role as SupersetColumnRole] = dimension.spec.name;
  }
  return {
    files,
    root,
    databaseUuid,
    datasetUuid,
    dashboardUuid,
    slug,
    charts: bundleCharts,
    columns: found_,
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
