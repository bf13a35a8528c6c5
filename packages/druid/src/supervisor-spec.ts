import { DruidError } from './druid-error';
import type { RecordSchemaInput } from './internal/avro-fields';
import { planDatasource, type Plan } from './internal/plan';
import type {
  AvroBytesDecoder,
  AvroStreamInputFormat,
  DimensionsSpec,
  ExpressionTransform,
  Granularity,
  KafkaSupervisorSpec,
  KafkaTuningConfig,
  TimestampFormat,
} from './spec-types';

/** How Kafka record values are decoded: bare datums of the schema, or Confluent's wire format. */
export type DecoderOptions =
  | { type: 'schema_inline' }
  | {
      type: 'schema_registry';
      /** The registry's base URL, e.g. `http://registry:8081`. */
      url: string;
      /** Registry client properties (`basic.auth.*`, `schema.registry.ssl.*`). */
      config?: Record<string, unknown>;
      /** HTTP headers sent to the registry. */
      headers?: Record<string, string>;
    };

/** Options of {@link createSupervisorSpec}; the same options make the Turnilo cube. */
export interface SupervisorSpecOptions {
  /** The record schema: Avro JSON (object or text) or a `defineRecord` declaration. */
  schema: RecordSchemaInput;
  /** The Druid datasource (table) to write. */
  dataSource: string;
  /** The Kafka topic to read. */
  topic: string;
  /** Kafka's `bootstrap.servers`. */
  bootstrapServers: string;
  /**
   * The supervisor id.
   * @default the data source
   */
  supervisorId?: string;
  /**
   * How record values are decoded.
   * @default { type: 'schema_inline' } (bare Avro datums, as `@tributary/kafka-sink` writes them)
   */
  decoder?: DecoderOptions;
  /**
   * The field that becomes `__time`.
   * @default `timestamp`, else the first `timestamp-millis`/`-micros` field
   */
  timestampColumn?: string;
  /**
   * The timestamp format.
   * @default `millis` for a long (`micro` for `timestamp-micros`), `auto` for a string
   */
  timestampFormat?: TimestampFormat;
  /**
   * Avro booleans as `long` dimensions (1/0, what Druid's type-aware discovery does) or as
   * `string` dimensions (`"true"`/`"false"`).
   * @default 'long'
   */
  booleans?: 'long' | 'string';
  /**
   * Nested records as one `json` column, or flattened into `<field>_<sub>` columns. Maps, arrays
   * of non-primitives and multi-type unions are always `json`.
   * @default 'json'
   */
  nested?: 'json' | 'flatten';
  /** Fields left out of the datasource. @default [] */
  exclude?: readonly string[];
  /**
   * Roll rows up at ingestion: one row per query-granularity bucket and dimension combination,
   * with `count`, HLL sketches of the party and session ids, and `sum_<field>` for the numbers
   * named in `metrics`.
   * @default false
   */
  rollup?: boolean;
  /**
   * Fields kept out of the dimensions when rolling up; replaces the default list.
   * @default the sketched party and session ids, other ids (`…Id`), other timestamps,
   * `userAgentString`, `remoteHost` and URLs with a derived column
   */
  rollupExclude?: readonly string[];
  /**
   * With rollup, fields (or `<field>_<sub>` columns when flattening) kept as dimensions although
   * a rule of `rollupExclude`'s default list would leave them out, e.g. a `customerId`.
   * @default []
   */
  dimensions?: readonly string[];
  /**
   * With rollup, the numeric fields summed as `sum_<field>` (`longSum`/`doubleSum`) instead of
   * kept as dimensions. Nothing is summed unless named: a type cannot tell a quantity from a
   * coordinate, a ratio, a screen width or an id, and summing those yields nonsense.
   * @default []
   */
  metrics?: readonly string[];
  /** @default 'minute' with rollup, 'none' without */
  queryGranularity?: Granularity;
  /** @default 'hour' */
  segmentGranularity?: Granularity;
  /** The visitor id sketched as `unique_parties`; null for none. @default 'partyId' if present */
  partyIdField?: string | null;
  /** The session id sketched as `unique_sessions`; null for none. @default 'sessionId' if present */
  sessionIdField?: string | null;
  /**
   * Add `pagePath` (the path of `location`) and `referrerHost` (the host of `referrer` or
   * `referer`) when the record has those string fields.
   * @default true
   */
  derivedColumns?: boolean;
  /** More expression transforms, each added as a string dimension. @default [] */
  transforms?: readonly ExpressionTransform[];
  /** @default 1 */
  taskCount?: number;
  /** @default 1 */
  replicas?: number;
  /** How long a task reads before it publishes, ISO 8601. @default 'PT1H' */
  taskDuration?: string;
  /** Start a new supervisor at the earliest offsets instead of the latest. @default false */
  useEarliestOffset?: boolean;
  /** Delay before the supervisor first manages tasks. @default Druid's PT5S */
  startDelay?: string;
  /** The supervisor's loop period. @default Druid's PT30S */
  period?: string;
  /** Drop events older than this period (ISO 8601). @default none */
  lateMessageRejectionPeriod?: string;
  /** More Kafka consumer properties (`security.protocol`, `sasl.*`, …). @default {} */
  consumerProperties?: Record<string, string>;
  /** Keys merged over the default `{ type: 'kafka', maxSavedParseExceptions: 10 }`. @default {} */
  tuningConfig?: Partial<KafkaTuningConfig>;
  /** Create or update the supervisor suspended. @default false (key omitted) */
  suspended?: boolean;
  /**
   * Emit the legacy `dataSchema.parser` form for Druid versions before `inputFormat` (before
   * 0.21); `transformSpec`, metrics and granularities are the same.
   * @default false
   */
  legacyParser?: boolean;
}

const NAME = /^[^\s/][^/]*$/;
const PERIOD = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;

function check(condition: boolean, message: string): void {
  if (!condition) throw new DruidError('invalid_option', message);
}

function checkOptions(options: SupervisorSpecOptions): void {
  check(
    NAME.test(options.dataSource),
    `dataSource ${JSON.stringify(options.dataSource)} is not a valid Druid table name.`,
  );
  check(options.topic.length > 0, 'topic must not be empty.');
  check(options.bootstrapServers.length > 0, 'bootstrapServers must not be empty.');
  for (const key of ['taskCount', 'replicas'] as const) {
    const value = options[key];
    check(
      value === undefined || (Number.isInteger(value) && value >= 1),
      `${key} must be a positive integer.`,
    );
  }
  for (const key of [
    'taskDuration',
    'startDelay',
    'period',
    'lateMessageRejectionPeriod',
  ] as const) {
    const value = options[key];
    check(
      value === undefined || PERIOD.test(value),
      `${key} must be an ISO 8601 period such as PT1H.`,
    );
  }
  if (options.decoder?.type === 'schema_registry') {
    check(/^https?:\/\//.test(options.decoder.url), 'The schema registry url must be http(s).');
  }
}

function decoderSpec(options: SupervisorSpecOptions, plan: Plan): AvroBytesDecoder {
  const decoder = options.decoder ?? { type: 'schema_inline' };
  if (decoder.type === 'schema_inline') return { type: 'schema_inline', schema: plan.schema };
  return {
    type: 'schema_registry',
    url: decoder.url,
    ...(decoder.config === undefined ? {} : { config: decoder.config }),
    ...(decoder.headers === undefined ? {} : { headers: decoder.headers }),
  };
}

/**
 * Generates a Kafka supervisor spec for Avro records from their schema: typed dimensions,
 * `__time` from the timestamp field, rollup metrics and sketches, URL-derived columns.
 * {@link explainColumns} tells, per field, what it became and by which rule.
 * @throws {DruidError} `invalid_schema` for a schema Druid cannot ingest (a recursive record, a
 * decimal, a field that would be a second `__time`), `invalid_option` for options that do not fit.
 * @example
 * const spec = createSupervisorSpec({
 *   schema: tributaryEventRecord,
 *   dataSource: 'clicks',
 *   topic: 'clicks',
 *   bootstrapServers: 'kafka:9092',
 *   rollup: true,
 * });
 * await druid.submitSupervisor(spec);
 */
export function createSupervisorSpec(options: SupervisorSpecOptions): KafkaSupervisorSpec {
  checkOptions(options);
  const plan = planDatasource(options);
  const avroBytesDecoder = decoderSpec(options, plan);
  const dimensionsSpec: DimensionsSpec = {
    dimensions: plan.dimensions.map((dimension) => dimension.spec),
  };
  const legacy = options.legacyParser ?? false;
  const inputFormat: AvroStreamInputFormat = {
    type: 'avro_stream',
    avroBytesDecoder,
    binaryAsString: false,
    ...(plan.flattenSpec === undefined ? {} : { flattenSpec: plan.flattenSpec }),
  };
  const spec: KafkaSupervisorSpec = {
    type: 'kafka',
    id: options.supervisorId ?? options.dataSource,
    spec: {
      dataSchema: {
        dataSource: options.dataSource,
        ...(legacy
          ? {
              parser: {
                type: 'avro_stream',
                avroBytesDecoder,
                parseSpec: {
                  format: 'avro',
                  timestampSpec: plan.timestampSpec,
                  dimensionsSpec,
                  ...(plan.flattenSpec === undefined ? {} : { flattenSpec: plan.flattenSpec }),
                },
              },
            }
          : { timestampSpec: plan.timestampSpec, dimensionsSpec }),
        metricsSpec: plan.metrics.map((metric) => metric.spec),
        granularitySpec: {
          type: 'uniform',
          segmentGranularity: options.segmentGranularity ?? 'hour',
          queryGranularity: plan.queryGranularity,
          rollup: plan.rollup,
        },
        ...(plan.transforms.length === 0
          ? {}
          : { transformSpec: { transforms: [...plan.transforms] } }),
      },
      ioConfig: {
        type: 'kafka',
        topic: options.topic,
        ...(legacy ? {} : { inputFormat }),
        consumerProperties: {
          ...options.consumerProperties,
          'bootstrap.servers': options.bootstrapServers,
        },
        taskCount: options.taskCount ?? 1,
        replicas: options.replicas ?? 1,
        taskDuration: options.taskDuration ?? 'PT1H',
        useEarliestOffset: options.useEarliestOffset ?? false,
        ...(options.startDelay === undefined ? {} : { startDelay: options.startDelay }),
        ...(options.period === undefined ? {} : { period: options.period }),
        ...(options.lateMessageRejectionPeriod === undefined
          ? {}
          : { lateMessageRejectionPeriod: options.lateMessageRejectionPeriod }),
      },
      tuningConfig: { type: 'kafka', maxSavedParseExceptions: 10, ...options.tuningConfig },
    },
  };
  if (options.suspended !== undefined) spec.suspended = options.suspended;
  return spec;
}
