import { DruidError } from '../../druid-error';
import type { Plan, PlannedDimension } from '../plan';
import { quoted } from './names';

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

/** The dimension per role: named in `columns`, else the first candidate that is one. */
export function findColumns(
  plan: Plan,
  options: {
    readonly dataSource: string;
    readonly columns?: Partial<Record<SupersetColumnRole, string | null>> | undefined;
  },
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

/** A calculated column of the dataset. */
export interface CalculatedColumn {
  readonly name: string;
  readonly expression: string;
}

/**
 * A calculated column that reads `new` and `returning` where the boolean column reads 1 and 0,
 * named so that it clashes with no dimension.
 */
export function newOrReturningColumn(plan: Plan, newVisitor: PlannedDimension): CalculatedColumn {
  const dimensionNames = new Set(plan.dimensions.map((dimension) => dimension.spec.name));
  let name = 'new_or_returning';
  while (dimensionNames.has(name)) name += '_';
  const [yes, no] = newVisitor.spec.type === 'long' ? ['1', '0'] : ["'true'", "'false'"];
  const source = quoted(newVisitor.spec.name);
  return {
    name,
    expression: `CASE WHEN ${source} = ${yes} THEN 'new' WHEN ${source} = ${no} THEN 'returning' END`,
  };
}
