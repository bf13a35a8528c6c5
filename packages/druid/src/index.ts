/**
 * `@tributary/druid`: Kafka supervisor specs and Turnilo data cubes generated from the Avro
 * record schema, and a client for Druid's supervisors, tasks, sampler and SQL.
 */
export { runCli, type CliOptions } from './cli';
export {
  createDruidClient,
  type DruidClient,
  type DruidClientOptions,
  type FetchFunction,
  type ListTasksOptions,
  type SampleOptions,
  type SampleResult,
  type ShutdownTasksOptions,
  type SampledRow,
  type SqlColumn,
  type SqlOptions,
  type SqlParameter,
  type SqlResult,
  type SupervisorState,
  type SupervisorStats,
  type SupervisorStatus,
  type TaskState,
  type TaskSummary,
  type WaitForRowsOptions,
} from './druid-client';
export { DruidError, type DruidErrorCode, type DruidErrorOptions } from './druid-error';
export { explainColumns, type ExplainColumnsOptions } from './explain-columns';
export type { ColumnDecision, ColumnRule } from './internal/plan';
export type { RecordSchemaInput } from './internal/avro-fields';
export type {
  AvroBytesDecoder,
  AvroStreamInputFormat,
  AvroStreamParser,
  DataSchema,
  DimensionSpec,
  DimensionsSpec,
  ExpressionTransform,
  FlattenSpec,
  Granularity,
  GranularitySpec,
  KafkaIoConfig,
  KafkaSupervisorSpec,
  KafkaTuningConfig,
  MetricSpec,
  TimestampFormat,
  TimestampSpec,
} from './spec-types';
export {
  createSupervisorSpec,
  type DecoderOptions,
  type SupervisorSpecOptions,
} from './supervisor-spec';
export {
  createSupersetBundle,
  SUPERSET_COLUMN_CANDIDATES,
  SUPERSET_DRUID_DATABASE_UUID,
  type SupersetBundle,
  type SupersetBundleChart,
  type SupersetBundleOptions,
  type SupersetColumnRole,
} from './superset-bundle';
export {
  importSupersetBundle,
  type ImportedSupersetDashboard,
  type ImportSupersetBundleOptions,
} from './superset-client';
export { createTurniloConfig, type TurniloConfigOptions } from './turnilo';
