/** The reasons {@link CollectorError} is thrown for. */
export type CollectorErrorCode = 'invalid_options' | 'internal';

/**
 * Thrown by `@tributary/collector` for programming errors, such as options that cannot work.
 * Requests never throw: bad input is answered with a 4xx and a counted reason.
 */
export class CollectorError extends Error {
  override readonly name = 'CollectorError';
  readonly code: CollectorErrorCode;

  constructor(code: CollectorErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
