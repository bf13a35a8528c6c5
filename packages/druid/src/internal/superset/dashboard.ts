import type { YamlValue } from '../yaml';
import type { SupersetColumnRole } from './columns';

/** A chart as the dashboard places it. */
export interface PlacedChart {
  readonly uuid: string;
  readonly name: string;
  readonly width: number;
  readonly height: number;
}

/**
 * The dashboard's grid: charts fill rows of width 12 in order, a chart that does not fit starts
 * the next row.
 */
function dashboardPosition(
  title: string,
  charts: readonly PlacedChart[],
): Record<string, YamlValue> {
  // Position ids and chart ids are placeholders the importer maps to the new ones by uuid.
  const position: Record<string, YamlValue> = {
    DASHBOARD_VERSION_KEY: 'v2',
    ROOT_ID: { children: ['GRID_ID'], id: 'ROOT_ID', type: 'ROOT' },
    HEADER_ID: { id: 'HEADER_ID', meta: { text: title }, type: 'HEADER' },
  };
  const rows: string[] = [];
  let row: { id: string; children: string[]; width: number } | undefined;
  charts.forEach((chart, index) => {
    const chartId = index + 1;
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
      meta: {
        chartId,
        height: chart.height,
        sliceName: chart.name,
        uuid: chart.uuid,
        width: chart.width,
      },
      parents: ['ROOT_ID', 'GRID_ID', row.id],
      type: 'CHART',
    };
  });
  position.GRID_ID = { children: rows, id: 'GRID_ID', parents: ['ROOT_ID'], type: 'GRID' };
  return position;
}

/** The native filters: time, then campaign, page, country and event type where a column exists. */
function nativeFilters(
  column: (role: SupersetColumnRole) => string | undefined,
  datasetUuid: string,
  timeRange: string,
): YamlValue[] {
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
  return filters;
}

/** The dashboard file: the grid of charts, the native filters and the refresh period. */
export function dashboardYaml(dashboard: {
  readonly title: string;
  readonly slug: string;
  readonly uuid: string;
  readonly datasetUuid: string;
  readonly charts: readonly PlacedChart[];
  readonly column: (role: SupersetColumnRole) => string | undefined;
  readonly timeRange: string;
  readonly refreshSeconds: number;
}): YamlValue {
  return {
    dashboard_title: dashboard.title,
    description: null,
    css: null,
    slug: dashboard.slug,
    certified_by: null,
    certification_details: null,
    published: true,
    uuid: dashboard.uuid,
    position: dashboardPosition(dashboard.title, dashboard.charts),
    metadata: {
      native_filter_configuration: nativeFilters(
        dashboard.column,
        dashboard.datasetUuid,
        dashboard.timeRange,
      ),
      refresh_frequency: dashboard.refreshSeconds,
      timed_refresh_immune_slices: [],
      expanded_slices: {},
      color_scheme: 'supersetColors',
      cross_filters_enabled: true,
      default_filters: '{}',
      label_colors: {},
      shared_label_colors: [],
    },
    version: '1.0.0',
  };
}
