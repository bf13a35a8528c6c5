/** The reasons {@link MappingError} is thrown for. */
export type MappingErrorCode =
  /** The record schema is not a valid Avro record schema. */
  | 'invalid_schema'
  /** A `map … onto` names a field the record does not have. */
  | 'unknown_field'
  /** A value's type does not fit its target field (Divolte's type rules). */
  | 'type_mismatch'
  /** A value that cannot be mapped directly: a parsed user agent, a geo lookup, a URI, a regex match. */
  | 'unmappable_value'
  /** A field without a default that no statement of the mapping sets. */
  | 'unset_required_field'
  /** `ip2geo()` is used but no `geoIpDatabase` was given. */
  | 'missing_geo_database'
  /** `digest()` names an algorithm Node's crypto does not provide. */
  | 'unsupported_algorithm'
  /** A regular expression, group or JSON path that does not compile. */
  | 'invalid_expression'
  /** Any other misuse of the mapping DSL (a statement outside a mapping, a bad argument). */
  | 'invalid_mapping'
  /** Text that is not Divolte's mapping DSL: a syntax error, or Groovy outside the DSL. */
  | 'invalid_script';

/** Where in a mapping script an error is (1-based line and column). */
export interface ScriptPosition {
  readonly line: number;
  readonly column: number;
  readonly fileName: string;
}

/**
 * Thrown while a mapping is built (never while it maps events): the mapping does not fit its
 * schema or misuses the DSL. The message names the field and the value source.
 */
export class MappingError extends Error {
  declare readonly name: 'MappingError';
  declare readonly code: MappingErrorCode;
  /** For a mapping read from a script (`compileGroovyMapping`): the statement or token at fault. */
  declare readonly position?: ScriptPosition;

  constructor(
    code: MappingErrorCode,
    message: string,
    options?: { cause?: unknown; position?: ScriptPosition },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    Object.defineProperty(this, 'name', {
      value: 'MappingError',
      enumerable: false,
      configurable: true,
      writable: true,
    });
    this.code = code;
    if (options?.position !== undefined) this.position = options.position;
  }
}
