/** Druid granularities the generator emits. */
export type Granularity =
  | 'none'
  | 'second'
  | 'minute'
  | 'fifteen_minute'
  | 'thirty_minute'
  | 'hour'
  | 'six_hour'
  | 'day'
  | 'week'
  | 'month'
  | 'quarter'
  | 'year'
  | 'all';

/** Druid timestamp formats (`timestampSpec.format`). A Joda pattern is also accepted. */
export type TimestampFormat =
  'auto' | 'iso' | 'posix' | 'millis' | 'micro' | 'nano' | (string & {});

/** `timestampSpec`. */
export interface TimestampSpec {
  column: string;
  format: TimestampFormat;
  missingValue?: string;
}

/** One entry of `dimensionsSpec.dimensions`. */
export type DimensionSpec =
  | { type: 'string'; name: string; multiValueHandling?: 'SORTED_ARRAY' | 'SORTED_SET' | 'ARRAY' }
  | { type: 'long' | 'float' | 'double' | 'json'; name: string }
  | { type: 'auto'; name: string; castToType?: string };

/** `dimensionsSpec`. */
export interface DimensionsSpec {
  dimensions: DimensionSpec[];
  dimensionExclusions?: string[];
}

/** One ingestion-time aggregator of `metricsSpec`. */
export type MetricSpec =
  | { type: 'count'; name: string }
  | { type: 'longSum' | 'doubleSum'; name: string; fieldName: string }
  | {
      type: 'HLLSketchBuild';
      name: string;
      fieldName: string;
      lgK: number;
      tgtHllType: 'HLL_4' | 'HLL_6' | 'HLL_8';
    };

/** An expression transform of `transformSpec`. */
export interface ExpressionTransform {
  type: 'expression';
  /** The output column; it may shadow an input field. */
  name: string;
  /** A Druid expression over input fields, e.g. `lower("eventType")`. */
  expression: string;
}

/** `granularitySpec`. */
export interface GranularitySpec {
  type: 'uniform';
  segmentGranularity: Granularity;
  queryGranularity: Granularity;
  rollup: boolean;
}

/** `flattenSpec` of a nested input format. */
export interface FlattenSpec {
  useFieldDiscovery: boolean;
  fields: { type: 'root' | 'path'; name: string; expr?: string }[];
}

/** `avroBytesDecoder`: how the bytes of a Kafka record become an Avro record. */
export type AvroBytesDecoder =
  | { type: 'schema_inline'; schema: unknown }
  | {
      type: 'schema_registry';
      url: string;
      config?: Record<string, unknown>;
      headers?: Record<string, string>;
    };

/** The `avro_stream` input format. */
export interface AvroStreamInputFormat {
  type: 'avro_stream';
  avroBytesDecoder: AvroBytesDecoder;
  binaryAsString: boolean;
  flattenSpec?: FlattenSpec;
}

/** The legacy `parser` (Druid before `inputFormat`; still read by recent versions). */
export interface AvroStreamParser {
  type: 'avro_stream';
  avroBytesDecoder: AvroBytesDecoder;
  parseSpec: {
    format: 'avro';
    timestampSpec: TimestampSpec;
    dimensionsSpec: DimensionsSpec;
    flattenSpec?: FlattenSpec;
  };
}

/** `dataSchema`. */
export interface DataSchema {
  dataSource: string;
  timestampSpec?: TimestampSpec;
  dimensionsSpec?: DimensionsSpec;
  parser?: AvroStreamParser;
  metricsSpec: MetricSpec[];
  granularitySpec: GranularitySpec;
  transformSpec?: { transforms: ExpressionTransform[] };
}

/** `ioConfig` of a Kafka supervisor. */
export interface KafkaIoConfig {
  type: 'kafka';
  topic: string;
  inputFormat?: AvroStreamInputFormat;
  consumerProperties: Record<string, string>;
  taskCount: number;
  replicas: number;
  taskDuration: string;
  useEarliestOffset: boolean;
  startDelay?: string;
  period?: string;
  lateMessageRejectionPeriod?: string;
}

/** `tuningConfig` of a Kafka supervisor: the generator sets a few keys and passes the rest through. */
export interface KafkaTuningConfig {
  type: 'kafka';
  maxRowsInMemory?: number;
  maxRowsPerSegment?: number;
  intermediatePersistPeriod?: string;
  logParseExceptions?: boolean;
  maxParseExceptions?: number;
  maxSavedParseExceptions?: number;
  resetOffsetAutomatically?: boolean;
  [key: string]: unknown;
}

/** A Kafka supervisor spec, as `POST /druid/indexer/v1/supervisor` takes it. */
export interface KafkaSupervisorSpec {
  type: 'kafka';
  id?: string;
  spec: {
    dataSchema: DataSchema;
    ioConfig: KafkaIoConfig;
    tuningConfig: KafkaTuningConfig;
  };
  suspended?: boolean;
}
