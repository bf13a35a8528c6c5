import { distinctIdColumns, type Plan, type PlannedDimension, type PlanOptions } from '../plan';
import type { YamlValue } from '../yaml';
import type { CalculatedColumn } from './columns';
import { quoted } from './names';

/** One metric of the dataset. */
export interface DatasetMetric {
  readonly name: string;
  readonly label: string;
  readonly expression: string;
  readonly format?: string;
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

/** The metrics of the dataset: events, distinct visitors and sessions, and the named sums. */
export function datasetMetrics(
  plan: Plan,
  options: Pick<PlanOptions, 'partyIdField' | 'sessionIdField'>,
): DatasetMetric[] {
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
  const { party, session } = distinctIdColumns(plan, options);
  if (party !== undefined) {
    metrics.push({
      name: 'unique_visitors',
      label: 'Unique visitors',
      expression: `COUNT(DISTINCT ${quoted(party)})`,
    });
  }
  if (session !== undefined) {
    metrics.push({
      name: 'sessions',
      label: 'Sessions',
      expression: `COUNT(DISTINCT ${quoted(session)})`,
    });
  }
  return metrics;
}

/** The database file: found by uuid on import, created from the URI only when missing. */
export function databaseYaml(name: string, uri: string, uuid: string): YamlValue {
  return {
    database_name: name,
    sqlalchemy_uri: uri,
    cache_timeout: null,
    expose_in_sqllab: true,
    allow_run_async: false,
    allow_ctas: false,
    allow_cvas: false,
    allow_dml: false,
    allow_file_upload: false,
    extra: { metadata_params: {}, engine_params: {}, schemas_allowed_for_file_upload: [] },
    impersonate_user: false,
    uuid,
    version: '1.0.0',
  };
}

function columnYaml(
  name: string,
  type: string,
  extra: {
    dttm?: boolean;
    groupby?: boolean;
    description?: string | undefined;
    expression?: string;
  } = {},
): YamlValue {
  return {
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
  };
}

/** The dataset file: a typed column per dimension and metric column, the calculated column, the metrics. */
export function datasetYaml(dataset: {
  readonly plan: Plan;
  readonly dataSource: string;
  readonly uuid: string;
  readonly databaseUuid: string;
  readonly metrics: readonly DatasetMetric[];
  readonly visitorType: CalculatedColumn | undefined;
}): YamlValue {
  const { plan, visitorType } = dataset;
  const columns: YamlValue[] = [columnYaml('__time', 'TIMESTAMP', { dttm: true })];
  for (const dimension of plan.dimensions) {
    // json and array columns cannot be grouped on or filtered by value in Druid SQL.
    const simple = dimension.kind !== 'json' && dimension.kind !== 'array';
    columns.push(
      columnYaml(dimension.spec.name, sqlType(dimension), {
        groupby: simple,
        description: dimension.doc,
      }),
    );
  }
  if (visitorType !== undefined) {
    columns.push(
      columnYaml(visitorType.name, 'VARCHAR', {
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
    columns.push(columnYaml(metric.spec.name, type, { groupby: false }));
  }
  return {
    table_name: dataset.dataSource,
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
    uuid: dataset.uuid,
    metrics: dataset.metrics.map((metric) => ({
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
    database_uuid: dataset.databaseUuid,
  };
}
