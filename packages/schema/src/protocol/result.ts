/** One problem found in an input, zod-style: a machine code, where it is, and a sentence for people. */
export interface Issue {
  /** A stable machine-readable reason, e.g. `missing_parameter` or `invalid_identifier`. */
  readonly code: string;
  /** Where in the input the problem is: query keys, object keys or array indexes. */
  readonly path: readonly (string | number)[];
  /** A human-readable explanation. */
  readonly message: string;
}

/** The outcome of an operation whose failures are expected: a value or the issues that stopped it. */
export type Result<TValue> =
  | { readonly ok: true; readonly value: TValue }
  | { readonly ok: false; readonly issues: readonly Issue[] };

/** Builds a failed {@link Result} with a single issue. */
export function failure(
  code: string,
  message: string,
  path: readonly (string | number)[] = [],
): { readonly ok: false; readonly issues: readonly Issue[] } {
  return { ok: false, issues: [{ code, path, message }] };
}
