/** Where a value or a token came from: the file and its 1-based line. */
export interface Origin {
  readonly file: string;
  readonly line: number;
}

/** What went wrong reading HOCON. */
export type HoconErrorCode =
  /** Text that is not HOCON. */
  | 'syntax'
  /** A required include that is missing or unreadable, or an include form this reader refuses (url). */
  | 'include'
  /** A `${path}` that names nothing in the configuration or the environment, or a cycle. */
  | 'substitution'
  /** A concatenation of values that cannot be concatenated (an object and a string). */
  | 'concatenation';

/** The one error of the HOCON reader: its message starts with `file:line:`. */
export class HoconError extends Error {
  override readonly name = 'HoconError';
  constructor(
    readonly code: HoconErrorCode,
    readonly detail: string,
    readonly origin: Origin,
    options?: { cause?: unknown },
  ) {
    super(`${origin.file}:${origin.line}: ${detail}`, options);
  }
}
