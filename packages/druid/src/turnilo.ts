import { distinctIdColumns, planDatasource, type ColumnOptionName } from './internal/plan';
import { toYaml, type YamlValue } from './internal/yaml';
import type { SupervisorSpecOptions } from './supervisor-spec';

/** Options of {@link createTurniloConfig}: the spec's schema options plus the cluster's. */
export interface TurniloConfigOptions extends Pick<
  SupervisorSpecOptions,
  ColumnOptionName | 'dataSource'
> {
  /** The broker (or router) Turnilo queries, e.g. `http://127.0.0.1:8082`. */
  brokerUrl: string;
  /** @default 'druid' */
  clusterName?: string;
  /** @default the data source */
  title?: string;
  /** The time range a new view shows, ISO 8601. @default 'P1D' */
  defaultDuration?: string;
}

function title(name: string): string {
  const words = name
    .replace(/^sum_/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replaceAll('_', ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * Generates a Turnilo configuration (YAML) with one data cube for the datasource that
 * {@link createSupervisorSpec} makes from the same options: a dimension per column (json and
 * array columns left out), events, sums, and unique visitors and sessions — from the HLL sketch
 * columns with rollup, from distinct ids without.
 * @example
 * writeFileSync('turnilo.yaml', createTurniloConfig({ schema: tributaryEventRecord, dataSource: 'clicks', brokerUrl }));
 * // npx turnilo run-config turnilo.yaml
 */
export function createTurniloConfig(options: TurniloConfigOptions): string {
  const plan = planDatasource(options);
  const clusterName = options.clusterName ?? 'druid';
  const dimensions: YamlValue[] = [
    { name: 'time', title: 'Time', kind: 'time', formula: '$__time' },
  ];
  for (const dimension of plan.dimensions) {
    const { name } = dimension.spec;
    const column = `$${/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `{${name}}`}`;
    const base = { name, title: title(name) };
    const described = dimension.doc === undefined ? {} : { description: dimension.doc };
    switch (dimension.kind) {
      case 'string':
        dimensions.push({ ...base, kind: 'string', formula: column, ...described });
        break;
      case 'number':
        dimensions.push({ ...base, kind: 'number', formula: column, ...described });
        break;
      case 'boolean':
        dimensions.push({
          ...base,
          kind: 'boolean',
          formula: dimension.spec.type === 'long' ? `${column} == 1` : `${column} == 'true'`,
          ...described,
        });
        break;
      case 'json':
      case 'array':
        break;
    }
  }
  const measures: YamlValue[] = [];
  const overrides: YamlValue[] = [];
  if (plan.rollup) {
    for (const metric of plan.metrics) {
      switch (metric.role) {
        case 'count':
          measures.push({ name: 'events', title: 'Events', formula: '$main.sum($count)' });
          break;
        case 'sum':
          measures.push({
            name: metric.spec.name,
            title: title(metric.spec.name),
            formula: `$main.sum($${metric.spec.name})`,
          });
          break;
        case 'uniqueParties':
        case 'uniqueSessions': {
          const visitors = metric.role === 'uniqueParties';
          measures.push({
            name: visitors ? 'uniqueVisitors' : 'sessions',
            title: visitors ? 'Unique visitors' : 'Sessions',
            formula: `$main.countDistinct($${metric.spec.name})`,
          });
          overrides.push({ name: metric.spec.name, type: 'NUMBER', nativeType: 'HLLSketch' });
          break;
        }
      }
    }
  } else {
    measures.push({ name: 'events', title: 'Events', formula: '$main.count()' });
    const { party, session } = distinctIdColumns(plan, options);
    if (party !== undefined) {
      measures.push({
        name: 'uniqueVisitors',
        title: 'Unique visitors',
        formula: `$main.countDistinct($${party})`,
      });
    }
    if (session !== undefined) {
      measures.push({
        name: 'sessions',
        title: 'Sessions',
        formula: `$main.countDistinct($${session})`,
      });
    }
  }
  const cube: Record<string, YamlValue> = {
    name: options.dataSource,
    title: options.title ?? options.dataSource,
    clusterName,
    source: options.dataSource,
    timeAttribute: 'time',
    refreshRule: { rule: 'realtime' },
    defaultDuration: options.defaultDuration ?? 'P1D',
    defaultSortMeasure: 'events',
    introspection: 'none',
    ...(overrides.length === 0 ? {} : { attributeOverrides: overrides }),
    dimensions,
    measures,
  };
  return toYaml({
    clusters: [
      { name: clusterName, type: 'druid', url: options.brokerUrl, sourceListScan: 'disable' },
    ],
    dataCubes: [cube],
  });
}
