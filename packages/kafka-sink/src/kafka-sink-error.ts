/**
 * Why a {@link KafkaSinkError} was thrown:
 * - `invalid_options`: the options are unusable (a bad schema, a schema id out of range, acks that
 *   an idempotent producer cannot use, a non-positive size, …).
 * - `unencodable_record`: a record of a `write` does not fit the schema; none of that batch was accepted.
 * - `record_too_large`: a record's encoded key and value exceed `maxRecordBytes`; none of that batch
 *   was accepted.
 * - `registry_failed`: registering the schema with the schema registry failed; the batch was not
 *   accepted and the next `write` tries again.
 * - `spool_failed`: the disk spool could not be opened, appended to or fsynced; the records that
 *   were to be spooled were not accepted.
 * - `closed`: `write` after `close()`.
 * - `unsafe_long`: decoding met an Avro `long` outside JavaScript's safe integer range.
 */
export type KafkaSinkErrorCode =
  | 'invalid_options'
  | 'unencodable_record'
  | 'record_too_large'
  | 'registry_failed'
  | 'spool_failed'
  | 'closed'
  | 'unsafe_long';

/** The one error class of `@tributary/kafka-sink`. Transient delivery failures never throw: they are metrics. */
export class KafkaSinkError extends Error {
  declare readonly name: 'KafkaSinkError';
  /** What went wrong, as a stable string. */
  readonly code: KafkaSinkErrorCode;

  constructor(code: KafkaSinkErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    Object.defineProperty(this, 'name', {
      value: 'KafkaSinkError',
      enumerable: false,
      configurable: true,
      writable: true,
    });
    this.code = code;
  }
}
