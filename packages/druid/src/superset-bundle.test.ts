import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { divolteEventRecord, tributaryEventRecord } from '@tributary/schema';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  createSupersetBundle,
  SUPERSET_DRUID_DATABASE_UUID,
  type SupersetBundle,
  type SupersetBundleOptions,
} from './index';
import type { DruidError } from './index';

interface Dataset {
  uuid: string;
  table_name: string;
  database_uuid: string;
  main_dttm_col: string;
  columns: {
    column_name: string;
    type: string;
    is_dttm: boolean;
    groupby: boolean;
    expression: string | null;
  }[];
  metrics: { metric_name: string; expression: string }[];
}
interface Chart {
  slice_name: string;
  viz_type: string;
  uuid: string;
  dataset_uuid: string;
  params: Record<string, unknown>;
  query_context: string;
}
interface Filter {
  filterType: string;
  name: string;
  targets: { column?: { name: string }; datasetUuid?: string }[];
}
interface Dashboard {
  uuid: string;
  slug: string;
  position: Record<string, { type: string; meta?: { uuid?: string; chartId?: number } }>;
  metadata: { native_filter_configuration: Filter[]; refresh_frequency: number };
}

function read(bundle: SupersetBundle): {
  database: { uuid: string; database_name: string };
  dataset: Dataset;
  charts: Chart[];
  dashboard: Dashboard;
  metadata: { type: string; version: string };
} {
  const of = (prefix: string): unknown[] =>
    [...bundle.files]
      .filter(([path]) => path.startsWith(prefix))
      .map(([, text]) => parse(text) as unknown);
  const [database] = of('databases/') as [{ uuid: string; database_name: string }];
  const [dataset] = of('datasets/') as [Dataset];
  const [dashboard] = of('dashboards/') as [Dashboard];
  return {
    database,
    dataset,
    dashboard,
    charts: of('charts/') as Chart[],
    metadata: parse(bundle.files.get('metadata.yaml')!) as { type: string; version: string },
  };
}

// The columns and saved metrics a chart's form data names, wherever Superset keeps them.
function chartReferences(chart: Chart): { columns: string[]; metrics: string[] } {
  const params = chart.params;
  const list = (value: unknown): string[] =>
    value === undefined ? [] : Array.isArray(value) ? (value as string[]) : [value as string];
  const filters = (params.adhoc_filters as { subject: string }[]).map((filter) => filter.subject);
  return {
    columns: [...list(params.groupby), ...list(params.x_axis), ...filters],
    metrics: [...list(params.metrics), ...list(params.metric)],
  };
}

const base: SupersetBundleOptions = { schema: tributaryEventRecord, dataSource: 'clicks' };

describe('createSupersetBundle', () => {
  for (const rollup of [false, true]) {
    it(`refers only to what exists (${rollup ? 'rolled up' : 'raw'})`, () => {
      const bundle = createSupersetBundle({ ...base, rollup });
      const { database, dataset, charts, dashboard, metadata } = read(bundle);
      expect(metadata).toMatchObject({ version: '1.0.0', type: 'Dashboard' });
      expect(database).toMatchObject({
        uuid: SUPERSET_DRUID_DATABASE_UUID,
        database_name: 'Druid',
      });
      expect(dataset).toMatchObject({
        table_name: 'clicks',
        database_uuid: SUPERSET_DRUID_DATABASE_UUID,
        main_dttm_col: '__time',
        uuid: bundle.datasetUuid,
      });
      const columns = new Map(dataset.columns.map((column) => [column.column_name, column]));
      expect(columns.get('__time')).toMatchObject({ type: 'TIMESTAMP', is_dttm: true });
      const metricNames = new Set(dataset.metrics.map((metric) => metric.metric_name));
      expect(charts.length).toBe(bundle.charts.length);
      expect(charts.length).toBeGreaterThanOrEqual(12);
      for (const chart of charts) {
        expect(chart.dataset_uuid, chart.slice_name).toBe(bundle.datasetUuid);
        expect(chart.params.viz_type).toBe(chart.viz_type);
        const refs = chartReferences(chart);
        for (const name of refs.columns) {
          expect(columns.get(name)?.groupby, `${chart.slice_name}: ${name}`).toBe(true);
        }
        expect(refs.metrics.length).toBeGreaterThan(0);
        for (const name of refs.metrics) expect(metricNames, chart.slice_name).toContain(name);
        // The saved query (what GET /api/v1/chart/<id>/data/ runs) asks for the same metrics.
        const context = JSON.parse(chart.query_context) as {
          queries: { metrics: string[]; columns: unknown[] }[];
          form_data: { viz_type: string };
        };
        expect(context.form_data.viz_type).toBe(chart.viz_type);
        expect(new Set(context.queries[0]!.metrics)).toEqual(new Set(refs.metrics));
      }
      // The dashboard places every chart once, by uuid.
      const placed = Object.values(dashboard.position)
        .filter((item) => item.type === 'CHART')
        .map((item) => item.meta!.uuid);
      expect(placed.sort()).toEqual(charts.map((chart) => chart.uuid).sort());
      expect(dashboard.uuid).toBe(bundle.dashboardUuid);
      expect(dashboard.slug).toBe(bundle.slug);
      expect(dashboard.metadata.refresh_frequency).toBe(60);
      // Filters on time, campaign, page, country and event type, on columns the dataset has.
      const filters = dashboard.metadata.native_filter_configuration;
      expect(filters.map((filter) => [filter.filterType, filter.name])).toEqual([
        ['filter_time', 'Time'],
        ['filter_select', 'Campaign'],
        ['filter_select', 'Page'],
        ['filter_select', 'Country'],
        ['filter_select', 'Event type'],
      ]);
      for (const filter of filters.slice(1)) {
        const [target] = filter.targets;
        expect(target!.datasetUuid).toBe(bundle.datasetUuid);
        expect(columns.get(target!.column!.name)?.groupby, filter.name).toBe(true);
      }
      expect(charts.map((chart) => chart.viz_type)).toEqual(
        expect.arrayContaining([
          'big_number_total',
          'echarts_timeseries_line',
          'echarts_timeseries_bar',
          'table',
          'pie',
        ]),
      );
      const weekAgo = charts.find((chart) => chart.params.time_compare !== undefined);
      expect(weekAgo?.params).toMatchObject({
        time_compare: ['1 week ago'],
        time_grain_sqla: 'PT1M',
      });
    });
  }

  it('counts unique visitors with the sketch when rolled up and COUNT(DISTINCT) when raw', () => {
    const metrics = (rollup: boolean): Record<string, string> =>
      Object.fromEntries(
        read(createSupersetBundle({ ...base, rollup })).dataset.metrics.map((metric) => [
          metric.metric_name,
          metric.expression,
        ]),
      );
    expect(metrics(true)).toEqual({
      events: 'SUM("count")',
      unique_visitors: 'APPROX_COUNT_DISTINCT_DS_HLL("unique_parties")',
      sessions: 'APPROX_COUNT_DISTINCT_DS_HLL("unique_sessions")',
    });
    expect(metrics(false)).toEqual({
      events: 'COUNT(*)',
      unique_visitors: 'COUNT(DISTINCT "partyId")',
      sessions: 'COUNT(DISTINCT "sessionId")',
    });
    // The party field the spec sketches is the one the dashboard counts.
    const custom = read(
      createSupersetBundle({ ...base, partyIdField: 'pageViewId', sessionIdField: null }),
    ).dataset.metrics.map((metric) => metric.expression);
    expect(custom).toEqual(['COUNT(*)', 'COUNT(DISTINCT "pageViewId")']);
  });

  it('types the dataset columns from the same plan as the spec', () => {
    const { dataset } = read(
      createSupersetBundle({ ...base, rollup: true, metrics: ['geoLatitude'] }),
    );
    const types = Object.fromEntries(
      dataset.columns.map((column) => [column.column_name, column.type]),
    );
    expect(types).toMatchObject({
      eventType: 'VARCHAR',
      firstInSession: 'BIGINT',
      devicePixelRatio: 'DOUBLE',
      pagePath: 'VARCHAR',
      count: 'BIGINT',
      unique_parties: 'COMPLEX<HLLSketch>',
      sum_geoLatitude: 'DOUBLE',
    });
    // Pies read `new` and `returning` from a calculated column over the long boolean.
    expect(
      dataset.columns.find((column) => column.column_name === 'new_or_returning'),
    ).toMatchObject({
      type: 'VARCHAR',
      expression: `CASE WHEN "newParty" = 1 THEN 'new' WHEN "newParty" = 0 THEN 'returning' END`,
    });
    const strings = read(createSupersetBundle({ ...base, booleans: 'string' })).dataset.columns;
    expect(strings.find((column) => column.column_name === 'new_or_returning')).toMatchObject({
      expression: `CASE WHEN "newParty" = 'true' THEN 'new' WHEN "newParty" = 'false' THEN 'returning' END`,
    });
    // Rolled-up datasources lack the ids the rollup drops; the dataset does not invent them.
    expect(types.partyId).toBeUndefined();
    expect(dataset.metrics.map((metric) => metric.metric_name)).toContain('sum_geoLatitude');
  });

  it('builds a dashboard for Divolte’s record from its own column names', () => {
    const bundle = createSupersetBundle({ schema: divolteEventRecord, dataSource: 'divolte' });
    expect(bundle.columns).toMatchObject({
      page: 'pagePath',
      referrer: 'referrerHost',
      browser: 'userAgentName',
      device: 'userAgentDeviceCategory',
      firstInSession: 'firstInSession',
      eventType: 'eventType',
    });
    expect(bundle.columns.country).toBeUndefined();
    const { charts, dashboard } = read(bundle);
    expect(charts.map((chart) => chart.slice_name)).toContain('First event in session');
    expect(charts.map((chart) => chart.slice_name)).not.toContain('Countries');
    expect(dashboard.metadata.native_filter_configuration.map((filter) => filter.name)).toEqual([
      'Time',
      'Page',
      'Event type',
    ]);
  });

  it('leaves out charts whose column a schema lacks, and takes named columns', () => {
    const schema = {
      type: 'record' as const,
      name: 'Minimal',
      fields: [
        { name: 'timestamp', type: 'long' },
        { name: 'visitor', type: 'string' },
        { name: 'kind', type: 'string' },
      ],
    };
    const bundle = createSupersetBundle({
      schema,
      dataSource: 'minimal',
      partyIdField: 'visitor',
      columns: { eventType: 'kind' },
    });
    expect(bundle.charts.map((chart) => chart.name)).toEqual([
      'Events',
      'Unique visitors',
      'Events: now and a week ago',
      'Events and unique visitors per minute',
      'Events by type',
      'Event types',
    ]);
    const without = createSupersetBundle({ ...base, columns: { country: null, browser: null } });
    expect(without.charts.map((chart) => chart.name)).not.toContain('Countries');
    expect(without.charts.map((chart) => chart.name)).not.toContain('Browsers');
  });

  it('refuses a column that is no string or boolean dimension, and bad numbers', () => {
    for (const options of [
      { ...base, columns: { page: 'nope' } },
      { ...base, columns: { page: 'geoLatitude' } },
      { ...base, rollup: true, columns: { page: 'location' } },
      { ...base, refreshSeconds: -1 },
      { ...base, topN: 0 },
    ] satisfies SupersetBundleOptions[]) {
      expect(() => createSupersetBundle(options)).toThrow(
        expect.objectContaining({ name: 'DruidError', code: 'invalid_option' }) as DruidError,
      );
    }
  });

  it('names the same objects each time and zips the same bytes', () => {
    const first = createSupersetBundle(base);
    const second = createSupersetBundle(base);
    expect(second.dashboardUuid).toBe(first.dashboardUuid);
    expect(second.zip()).toEqual(first.zip());
    const other = createSupersetBundle({ ...base, dataSource: 'other' });
    expect(other.datasetUuid).not.toBe(first.datasetUuid);
    expect(other.charts[0]!.uuid).not.toBe(first.charts[0]!.uuid);
  });

  it('zips the files under one folder, metadata typed for each import endpoint', () => {
    const bundle = createSupersetBundle({ ...base, rollup: true });
    const directory = mkdtempSync(join(tmpdir(), 'tributary-superset-'));
    try {
      const script = `
import json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
print(json.dumps({n: z.read(n).decode() if n.endswith('metadata.yaml') else None for n in z.namelist()}))`;
      for (const type of ['Dashboard', 'SqlaTable', 'Slice'] as const) {
        const file = join(directory, `${type}.zip`);
        writeFileSync(file, bundle.zip(type));
        const result = spawnSync('python3', ['-c', script, file], { encoding: 'utf8' });
        expect(result.stderr).toBe('');
        const names = JSON.parse(result.stdout) as Record<string, string | null>;
        expect(Object.keys(names).sort()).toEqual(
          [...bundle.files.keys()].map((path) => `${bundle.root}/${path}`).sort(),
        );
        expect(parse(names[`${bundle.root}/metadata.yaml`]!)).toMatchObject({ type });
      }
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
