/** What went wrong, for {@link DruidError}. */
export type DruidErrorCode =
  /** The record schema cannot be turned into a spec (not a record, an unknown type, a bad field). */
  | 'invalid_schema'
  /** An option is out of range or contradicts the schema (e.g. a timestamp column it lacks). */
  | 'invalid_option'
  /** Druid answered with an HTTP error; `status` and Druid's message are kept. */
  | 'http'
  /** Druid could not be reached (connection refused, DNS, reset). */
  | 'unreachable'
  /** A wait or a request ran out of time. */
  | 'timeout'
  /** A Druid SQL query failed (syntax, unknown table or column, execution). */
  | 'sql';

/** Options of {@link DruidError}. */
export interface DruidErrorOptions {
  /** The underlying error. */
  cause?: unknown;
  /** The HTTP status Druid answered with, for `http` and `sql`. */
  status?: number;
}

/** The one error class of `@tributary/druid`: thrown for exceptional failures only. */
export class DruidError extends Error {
  override readonly name = 'DruidError';
  /** What went wrong. */
  readonly code: DruidErrorCode;
  /** The HTTP status, when Druid answered. */
  readonly status: number | undefined;

  constructor(code: DruidErrorCode, message: string, options: DruidErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status;
  }
}
