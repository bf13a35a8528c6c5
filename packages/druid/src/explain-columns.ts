import { planDatasource, type ColumnDecision, type ColumnOptionName } from './internal/plan';
import type { SupervisorSpecOptions } from './supervisor-spec';

/** Options of {@link explainColumns}: the options that shape the datasource's columns. */
export type ExplainColumnsOptions = Pick<
  SupervisorSpecOptions,
  ColumnOptionName | 'timestampFormat' | 'queryGranularity'
>;

/**
 * Tells what {@link createSupervisorSpec} makes of each field with the same options: `__time`, a
 * dimension (of which type), a metric (which aggregator), a sketch, or left out — and by which
 * rule, so a field that leaves the dimensions never does so silently. The CLI prints this as the
 * spec summary.
 * @throws {DruidError} as {@link createSupervisorSpec} does for the schema and these options.
 * @example
 * for (const { field, outcome, column, rule } of explainColumns({ schema, rollup: true })) {
 *   console.log(field, outcome, column, rule); // customerId left-out null rollup-id
 * }
 */
export function explainColumns(options: ExplainColumnsOptions): readonly ColumnDecision[] {
  return planDatasource(options).decisions;
}
