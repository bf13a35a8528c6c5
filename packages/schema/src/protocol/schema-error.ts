/** The reasons {@link SchemaError} is thrown for. */
export type SchemaErrorCode = 'invalid_declaration' | 'unencodable_value' | 'invalid_argument';

/**
 * Thrown by `@tributary/schema` for programming errors (a record declaration Avro cannot express, a
 * value no JSON can hold). Expected failures such as bad input from the network are returned as
 * result values instead.
 */
export class SchemaError extends Error {
  // Assigned in the constructor rather than as class fields, which would pull a helper into
  // browser bundles that target ES2020.
  declare readonly name: 'SchemaError';
  declare readonly code: SchemaErrorCode;

  constructor(code: SchemaErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SchemaError';
    this.code = code;
  }
}
