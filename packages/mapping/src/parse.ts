import { decodeComponent } from './internal/percent';
import { parseQueryString, queryValues, type QueryMap } from './internal/query-string';
import { parseUri, type ParsedUri } from './internal/uri';
import { MappingError } from './mapping-error';
import {
  type BooleanValue,
  ListValue,
  Value,
  derive,
  deriveBoolean,
  type ProducerFactory,
  type ValueOptions,
} from './value';

export type { QueryMap } from './internal/query-string';
export type { ParsedUri } from './internal/uri';

const INTEGER = /^-?\d+$/;
// Guava's Doubles.tryParse grammar without hexadecimal floats: no whitespace, an optional type
// suffix, NaN and Infinity spelt as Java does.
const FLOATING = /^[+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fFdD]?)$/;

function parseInt32(text: string): number | undefined {
  if (!INTEGER.test(text)) return undefined;
  const value = Number(text);
  return value >= -(2 ** 31) && value <= 2 ** 31 - 1 ? value : undefined;
}

function parseInt64(text: string): number | undefined {
  if (!INTEGER.test(text)) return undefined;
  const value = Number(text);
  // JavaScript numbers hold longs exactly up to 2^53; larger ones would be written wrong.
  return Number.isSafeInteger(value) ? value : undefined;
}

function parseFloating(text: string): number | undefined {
  if (!FLOATING.test(text)) return undefined;
  return Number(/[fFdD]$/.test(text) ? text.slice(0, -1) : text);
}

/** Targets of {@link parse}: Divolte's `int32`, `int64`, `fp32`, `fp64`, `bool` and `uri`. */
export type ParseTarget = 'int32' | 'int64' | 'fp32' | 'fp64' | 'bool' | 'uri';

/** The result of `parse(x).to(target)`. */
export interface Parser {
  /** Parses to a 32-bit int; absent when the string is no decimal integer in range. */
  to(target: 'int32'): Value<number, 'int'>;
  /** Parses to a long; absent when the string is no decimal integer within ±2^53. */
  to(target: 'int64'): Value<number, 'long'>;
  /** Parses to a float (Java grammar, `1.5`, `-2e3`, `7f`, `NaN`); absent otherwise. */
  to(target: 'fp32'): Value<number, 'float'>;
  /** Parses to a double (Java grammar); absent otherwise. */
  to(target: 'fp64'): Value<number, 'double'>;
  /** Java's `Boolean.parseBoolean`: `true` in any case is true, every other string false. */
  to(target: 'bool'): BooleanValue;
  /** Parses a URI reference as `java.net.URI` does; absent when it does not parse. */
  to(target: 'uri'): UriValue;
}

/**
 * Divolte's `parse <string> to <type>`: string parsing, not casting. An absent input, and for
 * numbers and URIs an unparsable one, gives absent.
 * @example
 * map(parse(cookie('visits')).to('int32')).onto('visits');
 * map(parse(location()).to('uri').query().value('utm_source')).onto('utmSource');
 */
export function parse(value: Value<string, 'string'>): Parser {
  const to = (target: ParseTarget): Value<unknown, never> => {
    switch (target) {
      case 'int32':
        return derive(value, 'int', ' to int32', parseInt32) as never;
      case 'int64':
        return derive(value, 'long', ' to int64', parseInt64) as never;
      case 'fp32':
        return derive(value, 'float', ' to fp32', (text) => {
          const parsed = parseFloating(text);
          return parsed === undefined ? undefined : Math.fround(parsed);
        }) as never;
      case 'fp64':
        return derive(value, 'double', ' to fp64', parseFloating) as never;
      case 'bool':
        return deriveBoolean(value, ' to bool', (text) => text.toLowerCase() === 'true') as never;
      case 'uri':
        return new UriValue(value, `parse(${value.description} to uri)`, (context) => {
          const source = Value.producer(value, context);
          return (event) => {
            const text = source(event);
            return text === undefined ? undefined : parseUri(text);
          };
        }) as never;
      default:
        throw new MappingError(
          'invalid_mapping',
          `parse(${value.description}): cannot parse to ${JSON.stringify(target)}; use int32, int64, fp32, fp64, bool or uri.`,
        );
    }
  };
  return { to } as unknown as Parser;
}

/** A parsed URI. It cannot be mapped itself; map one of its parts. */
export class UriValue extends Value<ParsedUri, 'uri'> {
  readonly #source: Value<string, 'string'>;

  /** @internal */
  constructor(
    source: Value<string, 'string'>,
    description: string,
    factory: ProducerFactory<ParsedUri>,
  ) {
    super('uri', description, factory, { memoize: true });
    this.#source = source;
  }

  /** The decoded path (`""` when the URI has none); absent for an opaque URI such as `mailto:x`. */
  path(): Value<string, 'string'> {
    return derive(this, 'string', '.path()', (uri) =>
      uri.rawPath === undefined ? undefined : decodeComponent(uri.rawPath),
    );
  }

  /** The path as it is written. */
  rawPath(): Value<string, 'string'> {
    return derive(this, 'string', '.rawPath()', (uri) => uri.rawPath);
  }

  /** The scheme, e.g. `https`; absent for a relative reference. */
  scheme(): Value<string, 'string'> {
    return derive(this, 'string', '.scheme()', (uri) => uri.scheme);
  }

  /** The host; absent without an authority or when it is no `[user@]host[:port]`. */
  host(): Value<string, 'string'> {
    return derive(this, 'string', '.host()', (uri) => uri.host);
  }

  /** The explicit port (an int); absent when the URI names none. */
  port(): Value<number, 'int'> {
    return derive(this, 'int', '.port()', (uri) => (uri.port === -1 ? undefined : uri.port));
  }

  /** The query string, percent-decoded (`+` stays `+`); absent without `?`. */
  decodedQueryString(): Value<string, 'string'> {
    return derive(this, 'string', '.decodedQueryString()', (uri) =>
      uri.rawQuery === undefined ? undefined : decodeComponent(uri.rawQuery),
    );
  }

  /** The query string as it is written; absent without `?`. */
  rawQueryString(): Value<string, 'string'> {
    const source = this.#source;
    return new Value('string', `${this.description}.rawQueryString()`, (context) => {
      const text = Value.producer(source, context);
      const uri = Value.producer(this, context);
      // Without a `?` there is no query whether or not the URI parses, so skip parsing it.
      return (event) => {
        const raw = text(event);
        return raw === undefined || !raw.includes('?') ? undefined : uri(event)?.rawQuery;
      };
    });
  }

  /** The fragment, percent-decoded; absent without `#`. */
  decodedFragment(): Value<string, 'string'> {
    return derive(this, 'string', '.decodedFragment()', (uri) =>
      uri.rawFragment === undefined ? undefined : decodeComponent(uri.rawFragment),
    );
  }

  /** The fragment as it is written; absent without `#`. */
  rawFragment(): Value<string, 'string'> {
    return derive(this, 'string', '.rawFragment()', (uri) => uri.rawFragment);
  }

  /** The parsed query: maps onto `map<array<string>>`, or read `.value(key)` / `.valueList(key)`. */
  query(): QueryValue {
    const raw = this.rawQueryString();
    return new QueryValue(`parse(${raw.description} to querystring)`, (context) => {
      const source = Value.producer(raw, context);
      return (event) => {
        const text = source(event);
        return text === undefined ? undefined : parseQueryString(text);
      };
    });
  }
}

/** A parsed query string: key → values. Maps onto an Avro `map` of `array<string>`. */
export class QueryValue extends Value<QueryMap, 'query'> {
  /** @internal */
  constructor(description: string, factory: ProducerFactory<QueryMap>) {
    super('query', description, factory, { memoize: true });
  }

  /** The first value of a key (`""` for `?key` or `?key=`); absent when the key is missing. */
  value(key: string): Value<string, 'string'> {
    return derive(
      this,
      'string',
      `.value(${JSON.stringify(key)})`,
      (query) => queryValues(query, key)?.[0],
    );
  }

  /** Every value of a key, in order; absent when the key is missing. */
  valueList(key: string): ListValue<string, 'string'> {
    return new ListValue(
      'string',
      `${this.description}.valueList(${JSON.stringify(key)})`,
      (context) => {
        const source = Value.producer(this, context);
        return (event) => {
          const query = source(event);
          return query === undefined ? undefined : queryValues(query, key);
        };
      },
    );
  }
}

/** A regular-expression match. It cannot be mapped itself; map `matches()` or a group. */
export class MatchValue extends Value<RegExpExecArray | null, 'match'> {
  readonly #groups: number;
  readonly #names: ReadonlySet<string>;

  /** @internal */
  constructor(
    description: string,
    factory: ProducerFactory<RegExpExecArray | null>,
    groups: number,
    names: ReadonlySet<string>,
    options?: ValueOptions,
  ) {
    super('match', description, factory, { memoize: true, ...options });
    this.#groups = groups;
    this.#names = names;
  }

  /** Whether the whole string matches; absent when the input is absent (as in Divolte's code). */
  matches(): BooleanValue {
    return deriveBoolean(this, '.matches()', (match) => match !== null);
  }

  /**
   * A capture group by number (0 is the whole match) or name; absent when the string does not match
   * or the group captured nothing.
   * @throws {MappingError} `invalid_expression` for a group the expression does not have.
   */
  group(group: number | string): Value<string, 'string'> {
    if (
      typeof group === 'number'
        ? !(Number.isInteger(group) && group >= 0 && group <= this.#groups)
        : !this.#names.has(group)
    ) {
      throw new MappingError(
        'invalid_expression',
        `${this.description}.group(${JSON.stringify(group)}): the expression has no such group.`,
      );
    }
    return derive(this, 'string', `.group(${JSON.stringify(group)})`, (match) =>
      match === null ? undefined : typeof group === 'number' ? match[group] : match.groups?.[group],
    );
  }
}

/** The result of `match(regex)`. */
export interface Matcher {
  /** Matches the regular expression against a string value. */
  against(value: Value<string, 'string'>): MatchValue;
}

/**
 * Divolte's `match '<regex>' against <string>`: the expression must match the **whole** string
 * (Java's `matches()`). JavaScript regular-expression syntax; flags of a `RegExp` (`i`, `s`, `u`, …)
 * are kept, `g` and `y` are ignored.
 * @throws {MappingError} `invalid_expression` when the expression does not compile.
 * @example
 * const m = match(/^\/products\/(?<sku>[^/]+)$/).against(parse(location()).to('uri').path());
 * when(m.matches()).apply(() => map(m.group('sku')).onto('sku'));
 */
export function match(regex: string | RegExp): Matcher {
  const source = typeof regex === 'string' ? regex : regex.source;
  const flags = typeof regex === 'string' ? '' : regex.flags.replace(/[gy]/g, '');
  let anchored: RegExp;
  let groups: number;
  let names: Set<string>;
  try {
    anchored = new RegExp(`^(?:${source})$`, flags);
    const probe = new RegExp(`(?:${source})|`, flags).exec('');
    groups = (probe?.length ?? 1) - 1;
    names = new Set(Object.keys(probe?.groups ?? {}));
  } catch (error) {
    throw new MappingError(
      'invalid_expression',
      `match(${JSON.stringify(source)}): not a valid regular expression: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return {
    against(value) {
      return new MatchValue(
        `match(${JSON.stringify(`/${source}/${flags}`)} against ${value.description})`,
        (context) => {
          const input = Value.producer(value, context);
          return (event) => {
            const text = input(event);
            return text === undefined ? undefined : anchored.exec(text);
          };
        },
        groups,
        names,
      );
    },
  };
}
