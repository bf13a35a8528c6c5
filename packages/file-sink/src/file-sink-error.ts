/**
 * Why a {@link FileSinkError} was thrown:
 * - `invalid_options`: the options are unusable (a bad schema, a non-positive interval, …).
 * - `unencodable_record`: a record of a `write` does not fit the schema; none of that batch was accepted.
 * - `closed`: `write` after `close()`.
 * - `io`: the file system failed (opening the directories, recovering files, or a `flush`/`close`
 *   whose sync failed; the records stay buffered and are retried).
 */
export type FileSinkErrorCode = 'invalid_options' | 'unencodable_record' | 'closed' | 'io';

/** The one error class of `@tributary/file-sink`. Expected outcomes never throw; this does. */
export class FileSinkError extends Error {
  declare readonly name: 'FileSinkError';
  /** What went wrong, as a stable string. */
  readonly code: FileSinkErrorCode;

  constructor(code: FileSinkErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    Object.defineProperty(this, 'name', {
      value: 'FileSinkError',
      enumerable: false,
      configurable: true,
      writable: true,
    });
    this.code = code;
  }
}
