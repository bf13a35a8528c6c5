import type { JsonValue } from '@tributary/schema';
import { JSONPath } from 'jsonpath-plus';
import { jsonAsText } from './internal/java-text';
import { MappingError } from './mapping-error';
import { Value, derive, type ProducerFactory, type ValueOptions } from './value';

const INDEFINITE = /\.\.|\*|\[\s*\?|\[[^\]]*[,:][^\]]*\]/;

function checkJsonPath(path: string, description: string): void {
  let depth = 0;
  let quote: string | undefined;
  for (const char of path) {
    if (quote !== undefined) {
      if (char === quote) quote = undefined;
    } else if (char === "'" || char === '"') quote = char;
    else if (char === '[' || char === '(') depth++;
    else if (char === ']' || char === ')') depth--;
    if (depth < 0) break;
  }
  if (!/^\$/.test(path) || depth !== 0 || quote !== undefined) {
    throw new MappingError(
      'invalid_expression',
      `${description}: ${JSON.stringify(path)} is not a JSON path (it must start with $ and balance its brackets).`,
    );
  }
}

/**
 * A JSON value (event parameters or a part of them). It maps onto any Avro type by Divolte's
 * Jackson coercion rules (a number string onto an int, a single value onto an array, …); a value
 * that does not fit leaves the field at its default, as in Divolte.
 */
export class JsonValueSource extends Value<JsonValue, 'json'> {
  /** @internal */
  constructor(description: string, factory: ProducerFactory<JsonValue>, options?: ValueOptions) {
    super('json', description, factory, options);
  }

  /** The JSON text of the value (`JSON.stringify`), for a `string` field. A Tributary addition. */
  toJson(): Value<string, 'string'> {
    return derive(this, 'string', '.toJson()', (value) => JSON.stringify(value));
  }

  /**
   * The value at a JSON path (`$.items[0].sku`, `$..price`, `$.items[?(@.price > 10)]`), as Jayway
   * JsonPath reads it for Divolte: a definite path gives the value or absent when nothing is there;
   * a path with wildcards, deep scans, filters, unions or slices gives an array of every match.
   * @throws {MappingError} `invalid_expression` for a malformed path.
   */
  path(path: string): JsonValueSource {
    const description = `${this.description}.path(${JSON.stringify(path)})`;
    checkJsonPath(path, description);
    const definite = !INDEFINITE.test(path);
    const root = path.trim() === '$';
    return new JsonValueSource(description, (context) => {
      const source = Value.producer(this, context);
      return (event) => {
        const json = source(event);
        if (json === undefined) return undefined;
        // jsonpath-plus takes a falsy root (null, 0, false, '') for no document and returns
        // undefined; a scalar has no members, so only the root path itself matches it.
        const matches: JsonValue[] =
          JSONPath<JsonValue[] | undefined>({
            path,
            json,
            wrap: true,
            eval: 'safe',
          }) ?? (root ? [json] : []);
        if (!definite) return matches;
        return matches.length === 0 ? undefined : matches[0];
      };
    });
  }

  /**
   * The text of a top-level property, as Jackson's `path(name).asText()`: a string as it is, a
   * number as Java prints it, and `""` for a missing property, an object or an array. Absent only
   * when the whole value is absent.
   */
  value(name: string): Value<string, 'string'> {
    return derive(this, 'string', `.value(${JSON.stringify(name)})`, (json) =>
      jsonAsText(
        typeof json === 'object' &&
          json !== null &&
          !Array.isArray(json) &&
          Object.hasOwn(json, name)
          ? json[name]
          : undefined,
      ),
    );
  }
}

/** The property names `value(name)` accepts: those of `TParams` when it is an object type. */
export type ParameterName<TParams> = [TParams] extends [Record<string, unknown>]
  ? Extract<keyof TParams, string>
  : string;

/**
 * The event parameters, typed by an event contract's parameters when given
 * (`eventParameters<InferEvents<typeof events>['addToCart']>()`), so `value('skuu')` does not compile.
 */
export class EventParametersValue<TParams = JsonValue> extends JsonValueSource {
  /** The text of a top-level parameter; see {@link JsonValueSource.value}. */
  override value(name: ParameterName<TParams>): Value<string, 'string'> {
    return super.value(name);
  }
}

/**
 * The custom event parameters (`signal(type, parameters)`); absent when the event has none. Pass
 * the parameters' type of an event contract to type `value(name)`.
 * @example
 * map(eventParameters<InferEvents<typeof events>['addToCart']>().value('sku')).onto('sku');
 */
export function eventParameters<TParams = JsonValue>(): EventParametersValue<TParams> {
  return new EventParametersValue<TParams>('eventParameters()', () => (event) => event.parameters);
}

/**
 * One top-level event parameter as text (Divolte's undocumented `eventParameter(name)`), same as
 * `eventParameters().value(name)`.
 */
export function eventParameter(name: string): Value<string, 'string'> {
  return eventParameters().value(name);
}
