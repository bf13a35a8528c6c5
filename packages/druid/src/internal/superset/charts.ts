import type { PlannedDimension } from '../plan';
import type { YamlValue } from '../yaml';
import type { CalculatedColumn, SupersetColumnRole } from './columns';

/** One chart before it has a uuid and a file: its form data, its query and its size on the grid. */
export interface ChartDraft {
  readonly name: string;
  readonly vizType: string;
  readonly width: number;
  readonly height: number;
  readonly params: Record<string, YamlValue>;
  readonly query: Record<string, YamlValue>;
}

/** What the charts are drawn from. */
export interface ChartInputs {
  readonly found: Partial<Record<SupersetColumnRole, PlannedDimension>>;
  readonly metricNames: ReadonlySet<string>;
  /** The calculated new-or-returning column, when there is a new-visitor column. */
  readonly visitorType: CalculatedColumn | undefined;
  readonly timeRange: string;
  readonly timeGrain: string;
  readonly topN: number;
}

/** The dashboard's charts, in dashboard order; a chart whose column is missing is left out. */
export function draftCharts(inputs: ChartInputs): ChartDraft[] {
  const { found, metricNames, visitorType, timeRange, timeGrain, topN } = inputs;
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
  const first = found.firstInSession;
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
  return charts;
}

/** A chart's file: its form data and the saved query context the importer keeps. */
export function chartYaml(chart: ChartDraft, uuid: string, datasetUuid: string): YamlValue {
  const formData = { ...chart.params, datasource: '0__table' };
  return {
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
  };
}
