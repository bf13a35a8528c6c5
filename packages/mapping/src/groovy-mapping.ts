import type { AvroRecordSchema } from '@tributary/schema';
import { createMapper, type MapperOptions, type RecordMapper } from './create-mapper';
import type { GeoIpDatabase } from './geo-ip';
import { runScript } from './internal/groovy/compiler';
import { tokenize } from './internal/groovy/lexer';
import { parse } from './internal/groovy/parser';
import {
  located,
  scriptPosition,
  type Position,
  type ScriptSource,
} from './internal/groovy/source';
import { MappingError } from './mapping-error';

/** Options of {@link compileGroovyMapping}. */
export interface GroovyMappingOptions {
  /** The text of a Divolte mapping script (mapping.groovy). */
  script: string;
  /** The record schema (a parsed .avsc). */
  schema: AvroRecordSchema;
  /**
   * Named in error messages: `mapping.groovy:12:5: …`.
   * @default 'mapping.groovy'
   */
  fileName?: string;
  /**
   * The MaxMind database for `ip2geo()` (Divolte's `ip2geo_database`).
   * @default none: a script that uses ip2geo() fails to build
   */
  geoIpDatabase?: GeoIpDatabase;
  /**
   * How many distinct user-agent strings to keep parsed.
   * @default 1000 (Divolte's `user_agent_parser.cache_size`)
   */
  userAgentCacheSize?: number;
  /**
   * Called for each event that fails to map; see `createMapper`.
   * @default none
   */
  onError?: MapperOptions<Record<string, unknown>>['onError'];
}

/**
 * Builds a mapper from the text of a Divolte mapping script (Groovy's mapping DSL), read by a
 * parser of the DSL (nothing is evaluated as Groovy) and compiled onto `createMapper`: the same
 * checks, the same closures and the same speed as the mapping written in TypeScript. Where
 * Divolte's semantics differ from the TypeScript API (literal types, `devicePixelRatio()`,
 * `equalTo` across types) the script behaves as it does in Divolte.
 * @throws {MappingError} `invalid_script` for text that is not the DSL, or the builder's code
 * (`unknown_field`, `type_mismatch`, …); either way with `position` and a message that starts
 * with `file:line:column:`.
 * @example
 * const mapper = compileGroovyMapping({
 *   script: readFileSync('mapping.groovy', 'utf8'),
 *   schema: JSON.parse(readFileSync('schema.avsc', 'utf8')),
 * });
 * const result = mapper(event); // { ok: true, dropped: false, value: { timestamp: …, … } }
 */
export function compileGroovyMapping(
  options: GroovyMappingOptions,
): RecordMapper<Record<string, unknown>> {
  const source: ScriptSource = {
    fileName: options.fileName ?? 'mapping.groovy',
    text: options.script,
  };
  const script = parse(source, tokenize(source));
  const first: Position = script[0] ?? { line: 1, column: 1 };
  try {
    return createMapper({
      schema: options.schema,
      mapping: (builder) => {
        runScript({ source, schema: options.schema }, script, builder);
      },
      ...(options.geoIpDatabase === undefined ? {} : { geoIpDatabase: options.geoIpDatabase }),
      ...(options.userAgentCacheSize === undefined
        ? {}
        : { userAgentCacheSize: options.userAgentCacheSize }),
      ...(options.onError === undefined ? {} : { onError: options.onError }),
    });
  } catch (error) {
    // Checks of the whole mapping (a required field no statement sets, an invalid schema) have no
    // statement of their own: they are reported at the first statement of the script.
    if (error instanceof MappingError && error.position === undefined) {
      throw new MappingError(error.code, located(source, first, error.message), {
        cause: error,
        position: scriptPosition(source, first),
      });
    }
    throw error;
  }
}
