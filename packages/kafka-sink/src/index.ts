/**
 * `@tributary/kafka-sink`: a {@link Sink} that produces Avro records to Kafka with kafkajs, in
 * Divolte's naked or Confluent wire format, and never drops a record it accepted.
 */
export {
  CONFLUENT_MAGIC_BYTE,
  createAvroValueCodec,
  type AvroValueCodec,
  type AvroValueCodecOptions,
  type WireFormat,
} from './avro-value-codec';
export {
  createKafkaSink,
  type KafkaSink,
  type KafkaSinkCompression,
  type KafkaSinkMetrics,
  type KafkaSinkOptions,
  type KafkaSinkRegistryOptions,
  type KafkaSinkSpoolOptions,
  type KafkaSinkState,
  type KafkaValueFormat,
} from './kafka-sink';
export { KafkaSinkError, type KafkaSinkErrorCode } from './kafka-sink-error';
export { registerSchema, type FetchLike, type RegisterSchemaOptions } from './register-schema';
export type { LatencySummary } from './internal/latency';
