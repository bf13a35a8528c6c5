import type { Origin } from '../hocon';

/** What went wrong starting or running the server. */
export type DivolteServerErrorCode =
  /** The configuration cannot work (its messages are `file:line: key: why`). */
  | 'invalid_config'
  /** A file the configuration names cannot be read or used (schema, mapping script, database). */
  | 'invalid_file'
  /** The server cannot listen on the configured host and port. */
  | 'listen_failed';

/** The one error class of the Divolte-compatible server. */
export class DivolteServerError extends Error {
  override readonly name = 'DivolteServerError';
  constructor(
    readonly code: DivolteServerErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** An `invalid_file` error for the setting `key` at `origin`: `file:line: key: why`. */
  static at(origin: Origin, key: string, why: string, cause?: unknown): DivolteServerError {
    return new DivolteServerError(
      'invalid_file',
      `${origin.file}:${origin.line}: ${key}: ${why}`,
      cause === undefined ? undefined : { cause },
    );
  }
}
