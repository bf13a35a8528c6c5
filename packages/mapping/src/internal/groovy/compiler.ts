// Runs a parsed Divolte mapping script once, at build time, against the TypeScript builder of
// `createMapper`: each DSL call becomes the builder call it stands for, so a Groovy mapping is the
// same closures as the TypeScript one. Nothing is evaluated per event here, and nothing outside the
// DSL is evaluated at all: an unknown name or method is refused with its position.
import type { AvroRecordSchema } from '@tributary/schema';
import type { MappingBuilder } from '../../create-mapper';
import {
  type Digester,
  BytesValue,
  digest,
  type DigestInput,
  type Piece,
  type PieceSharing,
} from '../../digest';
import type { CompileContext } from '../compile-context';
import { EventParametersValue } from '../../event-parameters';
import { GeoIpValue, ip2geo } from '../../geo-ip';
import { MappingError } from '../../mapping-error';
import { MatchValue, QueryValue, UriValue, match, parse, type ParseTarget } from '../../parse';
import * as sources from '../../sources';
import { rawCookie } from '../raw-cookie';
import { UserAgentValue, userAgent } from '../../user-agent';
import { BooleanValue, ListValue, Value, not, type Producer, type ValueKind } from '../../value';
import type { NumberType } from './lexer';
import type { Expression, Statement } from './parser';
import { located, quote, refuse, scriptPosition, type Position, type ScriptSource } from './source';

type Builder = MappingBuilder<Record<string, unknown>>;

// A digest piece or result another digest has consumed: Divolte's ByteBuffer with nothing left.
const CONSUMED = new Uint8Array(0);

// ES2024's resizable ArrayBuffer (Node 20 has it; the shared TypeScript lib is ES2022): a view
// without a fixed length over it empties when it is resized to 0.
interface ResizableArrayBuffer extends ArrayBuffer {
  readonly resizable?: boolean;
  resize(byteLength: number): void;
}
const ResizableArrayBuffer = ArrayBuffer as unknown as new (
  byteLength: number,
  options: { maxByteLength: number },
) => ResizableArrayBuffer;
type JavaType = NumberType | 'String' | 'Boolean' | 'null';
type Literal = string | number | boolean | null;
type Closure = Expression & { kind: 'closure' };

// What an expression evaluates to while the script runs at build time.
type Result =
  | { readonly t: 'literal'; readonly value: Literal; readonly type: JavaType }
  | { readonly t: 'value'; readonly value: Value<unknown>; readonly header: boolean }
  | {
      readonly t: 'digester';
      readonly pieces: DigestInput[];
      readonly base: Digester;
      readonly algorithm: string;
      /**
       * Divolte's name of the digester (`digest("SHA-256")`, seeds numbered, not shown). With the
       * pieces added when result() is called it names the result, which Divolte memoises per
       * event by that name: two results of the same name give the first one's digest.
       */
      readonly name: string;
    }
  | { readonly t: 'parseTarget'; readonly target: ParseTarget }
  | { readonly t: 'closure'; readonly node: Closure; readonly scope: Scope }
  | { readonly t: 'map'; readonly source: Result; readonly at: Position }
  | { readonly t: 'when'; readonly condition: BooleanValue }
  | { readonly t: 'parse'; readonly value: Value<string, 'string'> }
  | { readonly t: 'match'; readonly regex: string }
  | { readonly t: 'list'; readonly items: readonly Result[] }
  | { readonly t: 'done' };

// The parse targets are properties of Divolte's script base class (int32 is Integer.TYPE, …).
const PARSE_TARGETS: Record<string, ParseTarget> = {
  int32: 'int32',
  int64: 'int64',
  fp32: 'fp32',
  fp64: 'fp64',
  bool: 'bool',
  uri: 'uri',
};

// The Avro type each Java literal class fits, as Divolte's COMPATIBLE_PRIMITIVES has it.
const LITERAL_AVRO: Partial<Record<JavaType, string>> = {
  String: 'string',
  Boolean: 'boolean',
  Integer: 'int',
  Long: 'long',
  Float: 'float',
  Double: 'double',
};

// The value kind whose Java class equals a literal's class, for Divolte's `equalTo(literal)`.
const LITERAL_KIND: Partial<Record<JavaType, ValueKind>> = {
  String: 'string',
  Boolean: 'boolean',
  Integer: 'int',
  Long: 'long',
  Float: 'float',
  Double: 'double',
};

const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;

// Divolte's devicePixelRatio() is an Integer parsed from the base-36 `k` parameter, so a
// fractional ratio (sent as e.g. `1.i`) does not parse and is absent.
const divolteDevicePixelRatio = (): Value<number, 'int'> =>
  new Value('int', 'devicePixelRatio()', () => (event) => {
    const ratio = event.devicePixelRatio;
    return ratio !== undefined && Number.isInteger(ratio) && ratio >= INT_MIN && ratio <= INT_MAX
      ? ratio
      : undefined;
  });

// The DSL's value sources without arguments.
const SOURCES: Record<string, () => Value<unknown>> = {
  location: sources.location,
  referer: sources.referer,
  eventType: sources.eventType,
  firstInSession: sources.firstInSession,
  corrupt: sources.corrupt,
  duplicate: sources.duplicate,
  timestamp: sources.timestamp,
  clientTimestamp: sources.clientTimestamp,
  remoteHost: sources.remoteHost,
  viewportPixelWidth: sources.viewportPixelWidth,
  viewportPixelHeight: sources.viewportPixelHeight,
  screenPixelWidth: sources.screenPixelWidth,
  screenPixelHeight: sources.screenPixelHeight,
  devicePixelRatio: divolteDevicePixelRatio,
  partyId: sources.partyId,
  sessionId: sources.sessionId,
  pageViewId: sources.pageViewId,
  eventId: sources.eventId,
  userAgentString: sources.userAgentString,
  userAgent: () => userAgent(),
  eventParameters: () => groovyEventParameters(),
};

// Divolte's JSON source reads a missing or null `parameters` as a JSON null (Jackson's
// Optional<JsonNode>), so value(name) of it gives "" there, where a pixel without parameters has none.
function groovyEventParameters(): EventParametersValue {
  return new EventParametersValue(
    'eventParameters()',
    () => (event) => event.parameters ?? (event.source === 'json' ? null : undefined),
  );
}

// Divolte's cookie(name) is Undertow's raw value, not percent-decoded as the collector's cookies are.
function groovyCookie(name: string): Value<string, 'string'> {
  return new Value<string, 'string'>(
    'string',
    `cookie(${JSON.stringify(name)})`,
    () => (event) => rawCookie(event.request.headers['cookie'], name),
  );
}

const USER_AGENT_PARTS = [
  'name',
  'family',
  'vendor',
  'type',
  'version',
  'deviceCategory',
  'osFamily',
  'osVersion',
  'osVendor',
] as const;
const GEO_PARTS = [
  'cityId',
  'cityName',
  'continentCode',
  'continentId',
  'continentName',
  'countryCode',
  'countryId',
  'countryName',
  'latitude',
  'longitude',
  'metroCode',
  'timeZone',
  'mostSpecificSubdivisionCode',
  'mostSpecificSubdivisionId',
  'mostSpecificSubdivisionName',
  'postalCode',
  'registeredCountryCode',
  'registeredCountryId',
  'registeredCountryName',
  'representedCountryCode',
  'representedCountryId',
  'representedCountryName',
  'subdivisionCodes',
  'subdivisionIds',
  'subdivisionNames',
  'autonomousSystemNumber',
  'autonomousSystemOrganization',
  'domain',
  'isp',
  'organisation',
  'anonymousProxy',
  'satelliteProvider',
] as const;
const URI_PARTS = [
  'path',
  'rawPath',
  'scheme',
  'host',
  'port',
  'decodedQueryString',
  'rawQueryString',
  'decodedFragment',
  'rawFragment',
] as const;

const STATEMENTS =
  'a mapping statement (map … onto, when … apply/exit()/stop(), section, exit(), stop(), def)';

/** The local variables of a closure; Groovy forbids redeclaring one an enclosing scope has. */
class Scope {
  readonly #names = new Map<string, Result>();
  constructor(readonly parent: Scope | undefined) {}

  lookup(name: string): Result | undefined {
    return this.#names.get(name) ?? this.parent?.lookup(name);
  }

  declare(name: string, value: Result): boolean {
    if (this.lookup(name) !== undefined) return false;
    this.#names.set(name, value);
    return true;
  }

  /** Binds a closure's implicit parameter `it`, which each closure has anew. */
  bindIt(value: Result): this {
    this.#names.set('it', value);
    return this;
  }
}

// Divolte calls every closure of a mapping without an argument, so `it` is null in each.
const NULL: Result = { t: 'literal', value: null, type: 'null' };

function describeResult(result: Result): string {
  switch (result.t) {
    case 'literal':
      return result.type === 'null'
        ? 'null'
        : `the ${result.type} literal ${JSON.stringify(result.value)}`;
    case 'value':
      return `the value ${result.value.description}`;
    case 'digester':
      return `a digester (digest(${JSON.stringify(result.algorithm)}))`;
    case 'parseTarget':
      return `the parse target ${result.target}`;
    case 'closure':
      return 'a closure';
    case 'list':
      return 'a list literal';
    case 'map':
      return 'an unfinished map (missing onto)';
    case 'when':
      return 'an unfinished when (missing apply, exit() or stop())';
    case 'parse':
      return 'an unfinished parse (missing to)';
    case 'match':
      return 'an unfinished match (missing against)';
    case 'done':
      return 'a statement';
  }
}

/** A value's role in messages: "a parsed URI", "a string value", … */
function role(value: Value<unknown>, header: boolean): string {
  if (value instanceof UriValue) return 'a parsed URI';
  if (value instanceof QueryValue) return 'a parsed query string';
  if (value instanceof MatchValue) return 'a regular-expression match';
  if (value instanceof UserAgentValue) return 'a parsed user agent';
  if (value instanceof GeoIpValue) return 'a geo lookup';
  if (value instanceof BytesValue) return 'a digest (bytes)';
  if (value instanceof EventParametersValue) return 'the event parameters';
  if (header) return 'a header (a list of strings)';
  return `${/^[aeiou]/.test(value.kind) ? 'an' : 'a'} ${value.kind} value`;
}

/** The DSL's methods of a value, for messages. */
function methodNames(value: Value<unknown>, header: boolean): string[] {
  const names = ['isPresent', 'isAbsent', 'equalTo'];
  if (value instanceof BooleanValue) names.push('and', 'or', 'negate');
  if (value instanceof UserAgentValue) names.push(...USER_AGENT_PARTS);
  if (value instanceof GeoIpValue) names.push(...GEO_PARTS);
  if (value instanceof UriValue) names.push(...URI_PARTS, 'query');
  if (value instanceof QueryValue) names.push('value', 'valueList');
  if (value instanceof MatchValue) names.push('matches', 'group');
  if (header) names.push('first', 'last', 'get', 'commaSeparated');
  if (value instanceof EventParametersValue) names.push('value', 'path');
  if (value instanceof BytesValue) names.push('toHexLower', 'toHexUpper', 'toBase64');
  return names;
}

/** What the compiler needs: the script, its schema and the builder of the mapping under construction. */
export interface CompileOptions {
  readonly source: ScriptSource;
  readonly schema: AvroRecordSchema;
}

/**
 * Runs the statements of a script against a mapping builder. Top-level statements must be
 * `mapping { … }` blocks, as in every Divolte mapping.
 * @throws {MappingError} with the position of the statement or token at fault.
 */
export function runScript(
  options: CompileOptions,
  script: readonly Statement[],
  builder: Builder,
): void {
  const { source, schema } = options;
  const fail = (at: Position, expected: string, found: string): never => {
    throw refuse(source, at, expected, found);
  };

  // Re-throws an error of the builder with the position of the statement that caused it.
  const withPosition = <T>(at: Position, run: () => T): T => {
    try {
      return run();
    } catch (error) {
      if (error instanceof MappingError) {
        if (error.position !== undefined) throw error;
        throw new MappingError(error.code, located(source, at, error.message), {
          cause: error,
          position: scriptPosition(source, at),
        });
      }
      throw new MappingError(
        'invalid_mapping',
        located(source, at, error instanceof Error ? error.message : String(error)),
        { cause: error, position: scriptPosition(source, at) },
      );
    }
  };

  const fieldType = (name: string): unknown =>
    schema.fields.find((field) => field.name === name)?.type;

  // Divolte's literal rule: the literal's Java class must be the field's type (or its non-null
  // branch): 42 is an Integer and fits only an int; 42L a long; 42.0 (a BigDecimal) nothing.
  const checkLiteral = (literal: Result & { t: 'literal' }, field: string, at: Position): void => {
    const avro = LITERAL_AVRO[literal.type];
    if (avro === undefined) {
      throw new MappingError(
        'type_mismatch',
        located(
          source,
          at,
          `Cannot map ${describeResult(literal)} onto ${field}: only String, Boolean, Integer, Long, Float and Double literals can be mapped (write 42.0D for a double, 42L for a long).`,
        ),
        { position: scriptPosition(source, at) },
      );
    }
    const type = fieldType(field);
    if (type === undefined) return; // the builder reports the unknown field
    const branch = Array.isArray(type)
      ? type.length === 2 && type.includes('null')
        ? (type.find((t) => t !== 'null') as unknown)
        : undefined
      : type;
    const name =
      typeof branch === 'string' ? branch : (branch as { type?: unknown } | undefined)?.type;
    if (name !== avro) {
      throw new MappingError(
        'type_mismatch',
        located(
          source,
          at,
          `Cannot map ${describeResult(literal)} onto ${field}: a ${literal.type} literal needs a field of type ${avro}, not ${JSON.stringify(type)}.`,
        ),
        { position: scriptPosition(source, at) },
      );
    }
  };

  const literalString = (result: Result, at: Position, what: string): string => {
    if (result.t === 'literal' && result.type === 'String') return result.value as string;
    return fail(at, what, describeResult(result));
  };

  const valueOf = (result: Result, at: Position, what: string): Value<unknown> => {
    if (result.t === 'value') return result.value;
    return fail(at, what, describeResult(result));
  };

  const stringValue = (result: Result, at: Position, what: string): Value<string, 'string'> => {
    const value = valueOf(result, at, what);
    if (value.kind !== 'string') fail(at, what, describeResult(result));
    return value as Value<string, 'string'>;
  };

  const booleanValue = (result: Result, at: Position, what: string): BooleanValue => {
    const value = valueOf(result, at, `a boolean value for ${what}`);
    if (!(value instanceof BooleanValue)) {
      throw new MappingError(
        'type_mismatch',
        located(
          source,
          at,
          `${what}: ${value.description} is ${role(value, false)}, not a boolean.`,
        ),
        { position: scriptPosition(source, at) },
      );
    }
    return value;
  };

  const arity = (
    call: Expression & { kind: 'call' },
    counts: readonly number[],
    signature: string,
  ): void => {
    if (!counts.includes(call.args.length)) {
      fail(
        call,
        signature,
        `${call.args.length} argument${call.args.length === 1 ? '' : 's'} to ${call.name}`,
      );
    }
  };

  // Divolte's equalTo: Optional.equals for a value, Object.equals for a literal, so values of
  // different Java classes (an int and a long, a JSON node and a string) are never equal.
  const equalTo = (value: Value<unknown>, other: Result, at: Position): BooleanValue => {
    if (other.t === 'value') {
      const same = other.value.kind === value.kind && other.value.itemKind === value.itemKind;
      if (same) return value.equalTo(other.value);
      return value.isAbsent().and(other.value.isAbsent());
    }
    if (other.t !== 'literal')
      return fail(at, 'a value or a literal to compare with', describeResult(other));
    if (other.type !== 'null' && LITERAL_KIND[other.type] === value.kind)
      return value.equalTo(other.value);
    // Its own description: closures are shared by description, and `equalTo(5)` of a matching
    // type is another value.
    const description = `${value.description}.equalTo(${JSON.stringify(other.value)} as ${other.type})`;
    return new BooleanValue(description, () => () => false);
  };

  const zeroArgs = (call: Expression & { kind: 'call' }): void => {
    arity(call, [0], `${call.name}() without arguments`);
  };

  // A method of a value: `x.path()`, `x.equalTo('a')`. `property` is Groovy's `x.path` without
  // parentheses, which Groovy resolves to a closure of the method that the DSL then calls.
  const valueMethod = (
    target: Result & { t: 'value' },
    call: Expression & { kind: 'call' },
    args: readonly Result[],
  ): Result => {
    const value = target.value;
    const wrap = (v: Value<unknown>, header = false): Result => ({ t: 'value', value: v, header });
    const name = call.name;
    const arg = (index: number): Result => args[index]!;
    if (name === 'isPresent' || name === 'isAbsent') {
      zeroArgs(call);
      return wrap(value[name]());
    }
    if (name === 'equalTo') {
      arity(call, [1], 'equalTo(valueOrLiteral)');
      return wrap(equalTo(value, arg(0), call.args[0]!));
    }
    if (value instanceof BooleanValue && (name === 'and' || name === 'or' || name === 'negate')) {
      if (name === 'negate') {
        zeroArgs(call);
        return wrap(value.negate());
      }
      arity(call, [1], `${name}(booleanValue)`);
      const other = booleanValue(arg(0), call.args[0]!, `${value.description}.${name}(…)`);
      return wrap(name === 'and' ? value.and(other) : value.or(other));
    }
    if (value instanceof UserAgentValue && (USER_AGENT_PARTS as readonly string[]).includes(name)) {
      zeroArgs(call);
      return wrap(value[name as (typeof USER_AGENT_PARTS)[number]]());
    }
    if (value instanceof GeoIpValue && (GEO_PARTS as readonly string[]).includes(name)) {
      zeroArgs(call);
      return wrap(value[name as (typeof GEO_PARTS)[number]]());
    }
    if (value instanceof UriValue) {
      if ((URI_PARTS as readonly string[]).includes(name)) {
        zeroArgs(call);
        return wrap(value[name as (typeof URI_PARTS)[number]]());
      }
      if (name === 'query') {
        zeroArgs(call);
        return wrap(value.query());
      }
    }
    if (value instanceof QueryValue && (name === 'value' || name === 'valueList')) {
      arity(call, [1], `${name}('key')`);
      const key = literalString(arg(0), call.args[0]!, `a string key for ${name}`);
      return wrap(name === 'value' ? value.value(key) : value.valueList(key));
    }
    if (value instanceof MatchValue) {
      if (name === 'matches') {
        zeroArgs(call);
        return wrap(value.matches());
      }
      if (name === 'group') {
        arity(call, [1], "group(number) or group('name')");
        const group = arg(0);
        if (group.t === 'literal' && group.type === 'Integer')
          return wrap(value.group(group.value as number));
        if (group.t === 'literal' && group.type === 'String')
          return wrap(value.group(group.value as string));
        return fail(call.args[0]!, 'a group number or name', describeResult(group));
      }
    }
    if (target.header && value instanceof ListValue) {
      const list = value as ListValue<string, 'string'>;
      if (name === 'first' || name === 'last' || name === 'commaSeparated') {
        zeroArgs(call);
        return wrap(list[name]());
      }
      if (name === 'get') {
        arity(call, [1], 'get(index)');
        const index = arg(0);
        if (index.t !== 'literal' || index.type !== 'Integer') {
          return fail(call.args[0]!, 'an int index', describeResult(index));
        }
        return wrap(list.get(index.value as number));
      }
    }
    if (value instanceof EventParametersValue && (name === 'value' || name === 'path')) {
      arity(call, [1], `${name}('…')`);
      const text = literalString(arg(0), call.args[0]!, `a string for ${name}`);
      return wrap(name === 'value' ? value.value(text) : value.path(text));
    }
    if (
      value instanceof BytesValue &&
      (name === 'toHexLower' || name === 'toHexUpper' || name === 'toBase64')
    ) {
      zeroArgs(call);
      return wrap(value[name]());
    }
    return fail(
      call,
      `a method of ${role(value, target.header)} (${methodNames(value, target.header).join(', ')})`,
      `'${name}'`,
    );
  };

  const digestPiece = (result: Result, at: Position): DigestInput => {
    if (result.t === 'literal' && result.type === 'String') return result.value as string;
    if (
      result.t === 'value' &&
      (result.value.kind === 'string' ||
        result.value.kind === 'bytes' ||
        result.value.kind === 'json')
    ) {
      return result.value as DigestInput;
    }
    if (result.t === 'value') {
      throw new MappingError(
        'type_mismatch',
        located(
          source,
          at,
          `Cannot digest ${result.value.description}: add a string, bytes or JSON value.`,
        ),
        { position: scriptPosition(source, at) },
      );
    }
    return fail(
      at,
      'a string, a string value, bytes or a JSON value to digest',
      describeResult(result),
    );
  };

  const seeds = new Map<string, number>();
  // Divolte wraps each piece in a ByteBuffer memoised per event under the piece's name, and
  // MessageDigest/Mac.update(ByteBuffer) consumes it: of the digests of one event, the first (in
  // mapping order) to add a piece hashes its bytes and every later one, or a second add of it, none.
  // So digest-with-seed's seeded digests, after the unseeded one took eventId(), are HMACs of nothing.
  // A result is such a buffer too: added to another digest it is consumed, and then formats as "".
  const buffer = (
    context: CompileContext,
    label: string,
    create: Piece,
  ): Producer<{ bytes: Uint8Array | undefined }> =>
    context.producer(`digest buffer ${label}`, true, () => (event) => ({ bytes: create(event) }));
  const shareDivoltePiece: PieceSharing = (label, piece, context) => {
    const shared = buffer(context, label, piece);
    return (event) => {
      const box = shared(event)!;
      const bytes = box.bytes;
      if (bytes === undefined) return undefined;
      box.bytes = CONSUMED;
      const memory = bytes.buffer as ResizableArrayBuffer;
      if (memory.resizable !== true) return bytes;
      // A result: every holder of it (a record field mapped earlier, a later toBase64()) sees it
      // emptied, as Divolte writes the consumed ByteBuffer of a mapped result as no bytes.
      const copy = Buffer.from(bytes); // a copy: Buffer#slice would be a view
      memory.resize(0);
      return copy;
    };
  };
  const seedNumber = (seed: string): number => {
    let number = seeds.get(seed);
    if (number === undefined) seeds.set(seed, (number = seeds.size + 1));
    return number;
  };
  // Divolte's Digester is one mutable list of pieces that its result() reads per event, so a
  // piece added after result() counts too: the pieces are joined at the first event, when the
  // whole script has run, not when result() is called.
  const digestResult = (state: Result & { t: 'digester' }): BytesValue => {
    const labels = state.pieces.map((piece) =>
      typeof piece === 'string' ? JSON.stringify(piece) : piece.description,
    );
    const description = `${state.name}${labels.map((label) => `.add(${label})`).join('')}.result()`;
    return new BytesValue(
      description,
      (context) => {
        let inner: Producer<Uint8Array> | undefined;
        const shared = buffer(context, description, (event) => {
          if (inner === undefined) {
            let digester = state.base;
            for (const piece of state.pieces) digester = digester.add(piece);
            // Not memoised by the digester's own description: a second result of the same
            // digester with other pieces at result() is computed again, over consumed pieces.
            inner = Value.producer(
              digester.resultWith(shareDivoltePiece, `${description} computed`),
              context,
            );
          }
          const digest = inner(event);
          if (digest === undefined) return undefined;
          // Resizable, so that consuming it empties every view of it (shareDivoltePiece).
          // A Buffer, as the TypeScript digest's, so avsc takes it for a bytes field.
          const emptiable = Buffer.from(
            new ResizableArrayBuffer(digest.byteLength, { maxByteLength: digest.byteLength }),
          );
          emptiable.set(digest);
          return emptiable;
        });
        return (event) => shared(event)!.bytes;
      },
      false,
    );
  };

  const method = (
    target: Result,
    call: Expression & { kind: 'call' },
    args: readonly Result[],
    scope: Scope,
  ): Result => {
    switch (target.t) {
      case 'value':
        return valueMethod(target, call, args);
      case 'list':
        return each(target, call, args);
      case 'digester':
        if (call.name === 'add') {
          arity(call, [1], 'add(value)');
          // Divolte's digester is one mutable list: add() appends to it and returns it.
          target.pieces.push(digestPiece(args[0]!, call.args[0]!));
          return target;
        }
        if (call.name === 'result') {
          zeroArgs(call);
          return { t: 'value', value: digestResult(target), header: false };
        }
        return fail(call, 'add(…) or result() on a digester', `'${call.name}'`);
      case 'map':
        if (call.name === 'onto') {
          arity(call, [1], "onto 'field'");
          const field = literalString(
            args[0]!,
            call.args[0]!,
            'a field name (a string) after onto',
          );
          mapOnto(target.source, field, target.at, scope);
          return { t: 'done' };
        }
        return fail(call, "onto 'field' after map", `'${call.name}'`);
      case 'when':
        if (call.name === 'apply') {
          arity(call, [1], 'apply { … }');
          const body = args[0]!;
          if (body.t !== 'closure')
            return fail(call.args[0]!, 'a closure { … } after apply', describeResult(body));
          withoutParameters(body);
          builder.when(target.condition).apply(() => {
            block(body.node.body, new Scope(body.scope).bindIt(NULL));
          });
          return { t: 'done' };
        }
        if (call.name === 'exit' || call.name === 'stop') {
          zeroArgs(call);
          if (call.name === 'exit') builder.when(target.condition).exit();
          else builder.when(target.condition).stop();
          return { t: 'done' };
        }
        return fail(call, 'apply { … }, exit() or stop() after when', `'${call.name}'`);
      case 'parse':
        if (call.name === 'to') {
          arity(call, [1], 'to int32|int64|fp32|fp64|bool|uri');
          const to = args[0]!;
          if (to.t !== 'parseTarget') {
            return fail(
              call.args[0]!,
              'a parse target (int32, int64, fp32, fp64, bool or uri)',
              describeResult(to),
            );
          }
          return { t: 'value', value: parse(target.value).to(to.target as 'uri'), header: false };
        }
        return fail(call, 'to after parse', `'${call.name}'`);
      case 'match':
        if (call.name === 'against') {
          arity(call, [1], 'against stringValue');
          const input = stringValue(args[0]!, call.args[0]!, 'a string value to match against');
          return {
            t: 'value',
            value: match(javaRegex(target.regex, call)).against(input),
            header: false,
          };
        }
        return fail(call, 'against after match', `'${call.name}'`);
      default:
        return fail(call, `a value to call ${call.name} on`, describeResult(target));
    }
  };

  // Java's inline flags at the start of a pattern, `(?i)`, become JavaScript flags; the rest of
  // the syntax is JavaScript's (see docs/mapping.md for where the two differ).
  const javaRegex = (regex: string, at: Position): RegExp | string => {
    const flags = /^\(\?([imsux]+)\)/.exec(regex);
    if (flags === null) return regex;
    const js = [...new Set(flags[1]!.replace(/[ux]/g, ''))].join('');
    if (flags[1]!.includes('x'))
      fail(at, 'a regular expression without the comments flag (?x)', quote(flags[0]));
    try {
      return new RegExp(regex.slice(flags[0].length), js);
    } catch (error) {
      throw new MappingError(
        'invalid_expression',
        located(source, at, `match(${JSON.stringify(regex)}): ${(error as Error).message}`),
        {
          cause: error,
          position: scriptPosition(source, at),
        },
      );
    }
  };

  const mapOnto = (mapped: Result, field: string, at: Position, scope: Scope): void => {
    switch (mapped.t) {
      case 'literal':
        checkLiteral(mapped, field, at);
        untyped(builder).map(mapped.value).onto(field);
        return;
      case 'value':
        untyped(builder).map(mapped.value).onto(field);
        return;
      case 'closure':
        mapOnto(closureValue(mapped, at), field, at, scope);
        return;
      default:
        throw new MappingError(
          'type_mismatch',
          located(
            source,
            at,
            `Cannot map ${describeResult(mapped)} onto ${field}: map a value or a literal.`,
          ),
          { position: scriptPosition(source, at) },
        );
    }
  };

  // Only the closure of `.each` takes parameters; Divolte calls every other without arguments.
  const withoutParameters = (closure: Result & { t: 'closure' }): void => {
    const params = closure.node.params;
    if (params !== undefined) {
      fail(
        params[0] ?? closure.node,
        'a closure without parameters (only [ … ].each { x -> … } takes one)',
        params.length === 0 ? "'->'" : `the parameter '${params[0]!.name}'`,
      );
    }
  };

  // `[a, b].each { x -> … }`: the closure's statements once per item, now, as Groovy runs them
  // when Divolte evaluates the script; `x` (or `it`) is the item.
  const each = (
    list: Result & { t: 'list' },
    call: Expression & { kind: 'call' },
    args: readonly Result[],
  ): Result => {
    if (call.name !== 'each') return fail(call, 'each { … } on a list literal', `'${call.name}'`);
    arity(call, [1], 'each { item -> … }');
    const body = args[0]!;
    if (body.t !== 'closure')
      return fail(call.args[0]!, 'a closure { … } after each', describeResult(body));
    const params = body.node.params ?? [];
    if (params.length > 1)
      fail(params[1]!, 'one parameter for each', `the parameter '${params[1]!.name}'`);
    for (const item of list.items) {
      const scope = new Scope(body.scope);
      const param = params[0];
      if (param === undefined) scope.bindIt(item);
      else if (!scope.declare(param.name, item)) {
        fail(
          param,
          `a new name (${param.name} is already defined in this scope)`,
          `'${param.name}'`,
        );
      }
      block(body.node.body, scope);
    }
    return { t: 'done' };
  };

  // A GString's names are put in now: they must hold a String, a whole number, a boolean or null
  // (a literal, a def of one, an .each item, or `it`); a value known only per event cannot be.
  const gstring = (expression: Expression & { kind: 'gstring' }, scope: Scope): Result => {
    let text = '';
    for (const part of expression.parts) {
      if (typeof part === 'string') {
        text += part;
        continue;
      }
      const value = scope.lookup(part.name);
      const expected =
        'a name whose value is known when the mapping is built (a literal, a def of one, an .each item) in the GString';
      if (value === undefined) return fail(part, expected, `'${part.name}'`);
      if (
        value.t !== 'literal' ||
        !['String', 'Integer', 'Long', 'Boolean', 'null'].includes(value.type)
      ) {
        return fail(part, expected, describeResult(value));
      }
      text += String(value.value);
    }
    return { t: 'literal', value: text, type: 'String' };
  };

  // A closure used as a value (`map { … } onto`, `when { … } apply`): local definitions, then
  // the expression whose value is the closure's result, as Groovy returns its last statement.
  const closureValue = (closure: Result & { t: 'closure' }, at: Position): Result => {
    withoutParameters(closure);
    const body = closure.node.body;
    const scope = new Scope(closure.scope).bindIt(NULL);
    if (body.length === 0)
      return fail(closure.node, 'a closure that gives a value', 'an empty closure');
    for (let i = 0; i < body.length - 1; i++) {
      const statement = body[i]!;
      if (statement.kind !== 'def') {
        fail(
          statement,
          'def or, as the last statement, the value of the closure',
          'another statement',
        );
      }
      define(statement as Statement & { kind: 'def' }, scope);
    }
    const last = body[body.length - 1]!;
    if (last.kind !== 'expression')
      return fail(last, 'the value of the closure as its last statement', 'a def');
    const result = evaluate(last.expression, scope);
    if (result.t === 'closure') return closureValue(result, at);
    return result;
  };

  const define = (statement: Statement & { kind: 'def' }, scope: Scope): void => {
    const value = withPosition(statement, () => evaluate(statement.value, scope));
    if (
      value.t === 'done' ||
      value.t === 'map' ||
      value.t === 'when' ||
      value.t === 'parse' ||
      value.t === 'match'
    ) {
      fail(statement.value, `a value for def ${statement.name}`, describeResult(value));
    }
    if (!scope.declare(statement.name, value)) {
      fail(
        statement,
        `a new name (${statement.name} is already defined in this scope)`,
        `def ${statement.name}`,
      );
    }
  };

  // The statements of a mapping, section or apply block.
  const block = (statements: readonly Statement[], scope: Scope): void => {
    for (const statement of statements) {
      if (statement.kind === 'def') {
        define(statement, scope);
        continue;
      }
      const result = withPosition(statement, () => evaluate(statement.expression, scope));
      if (result.t !== 'done') fail(statement, STATEMENTS, describeResult(result));
    }
  };

  const freeFunction = (
    call: Expression & { kind: 'call' },
    args: readonly Result[],
    scope: Scope,
  ): Result => {
    const name = call.name;
    const first = call.args[0] ?? call;
    switch (name) {
      case 'map':
        arity(call, [1], 'map value onto field');
        return { t: 'map', source: args[0]!, at: call };
      case 'when': {
        arity(call, [1], 'when condition apply { … }');
        let condition = args[0]!;
        if (condition.t === 'closure') condition = closureValue(condition, first);
        return { t: 'when', condition: booleanValue(condition, first, 'when') };
      }
      case 'section': {
        arity(call, [1], 'section { … }');
        const body = args[0]!;
        if (body.t !== 'closure')
          return fail(first, 'a closure { … } after section', describeResult(body));
        withoutParameters(body);
        builder.section(() => {
          block(body.node.body, new Scope(body.scope).bindIt(NULL));
        });
        return { t: 'done' };
      }
      case 'exit':
        zeroArgs(call);
        builder.exit();
        return { t: 'done' };
      case 'stop':
        zeroArgs(call);
        builder.stop();
        return { t: 'done' };
      case 'parse': {
        arity(call, [1], 'parse stringValue to type');
        return { t: 'parse', value: stringValue(args[0]!, first, 'a string value to parse') };
      }
      case 'match':
        arity(call, [1], "match 'regex' against value");
        return {
          t: 'match',
          regex: literalString(args[0]!, first, 'a regular expression (a string)'),
        };
      case 'not':
        arity(call, [1], 'not booleanValue');
        return { t: 'value', value: not(booleanValue(args[0]!, first, 'not')), header: false };
      case 'digest': {
        arity(call, [1, 2], "digest('algorithm'[, 'seed'])");
        const algorithm = literalString(args[0]!, first, 'a digest algorithm name (a string)');
        const seed =
          args.length === 2
            ? literalString(args[1]!, call.args[1]!, 'a seed (a string)')
            : undefined;
        // Checks the algorithm now, as Divolte's Digester.create does, and derives a seed's key once.
        return {
          t: 'digester',
          pieces: [],
          base: digest(algorithm, seed),
          algorithm,
          name: `digest(${JSON.stringify(algorithm)}${seed === undefined ? '' : `, seed#${seedNumber(seed)}`})`,
        };
      }
      case 'cookie':
      case 'header':
      case 'eventParameter': {
        arity(call, [1], `${name}('name')`);
        const text = literalString(
          args[0]!,
          first,
          `a ${name === 'cookie' ? 'cookie' : name === 'header' ? 'header' : 'parameter'} name (a string)`,
        );
        if (name === 'cookie') return { t: 'value', value: groovyCookie(text), header: false };
        if (name === 'header') return { t: 'value', value: sources.header(text), header: true };
        return { t: 'value', value: groovyEventParameters().value(text), header: false };
      }
      case 'ip2geo': {
        arity(call, [0, 1], 'ip2geo() or ip2geo(stringValue)');
        const address =
          args.length === 1
            ? stringValue(args[0]!, first, 'a string value (an IP address)')
            : undefined;
        if (!builder.hasGeoIpDatabase) {
          // Divolte refuses the script at this call, not where a part of the lookup is mapped.
          throw new MappingError(
            'missing_geo_database',
            located(
              source,
              call,
              'ip2geo() needs a geo database (Divolte: global.mapper.ip2geo_database; here the geoIpDatabase option).',
            ),
            { position: scriptPosition(source, call) },
          );
        }
        return { t: 'value', value: ip2geo(address), header: false };
      }
      default:
    }
    const make = SOURCES[name];
    if (make !== undefined) {
      zeroArgs(call);
      return { t: 'value', value: make(), header: false };
    }
    if (scope.lookup(name) !== undefined) {
      return fail(
        call,
        `a DSL function (${name} is a local variable, not a function)`,
        `${name}(…)`,
      );
    }
    return fail(call, 'a function of the mapping DSL', `'${name}'`);
  };

  const evaluate = (expression: Expression, scope: Scope): Result => {
    switch (expression.kind) {
      case 'string':
        return { t: 'literal', value: expression.value, type: 'String' };
      case 'number':
        return { t: 'literal', value: expression.value, type: expression.type };
      case 'boolean':
        return { t: 'literal', value: expression.value, type: 'Boolean' };
      case 'null':
        return { t: 'literal', value: null, type: 'null' };
      case 'closure':
        return { t: 'closure', node: expression, scope };
      case 'gstring':
        return gstring(expression, scope);
      case 'list': {
        const items = expression.items.map((item) => evaluate(item, scope));
        items.forEach((item, index) => {
          if (item.t !== 'literal' && item.t !== 'value') {
            fail(
              expression.items[index]!,
              'a literal or a value in the list',
              describeResult(item),
            );
          }
        });
        return { t: 'list', items };
      }
      case 'name': {
        const local = scope.lookup(expression.name);
        if (local !== undefined) return local;
        const target = PARSE_TARGETS[expression.name];
        if (target !== undefined) return { t: 'parseTarget', target };
        if (
          expression.name in SOURCES ||
          expression.name === 'exit' ||
          expression.name === 'stop'
        ) {
          return fail(
            expression,
            `a value (call it: ${expression.name}())`,
            `'${expression.name}'`,
          );
        }
        return fail(
          expression,
          'a local variable, a DSL function or a literal',
          `'${expression.name}'`,
        );
      }
      case 'property': {
        // Groovy resolves `x.matches` to the method `matches`; the DSL calls it.
        const call = {
          kind: 'call' as const,
          target: expression.target,
          name: expression.name,
          args: [],
          line: expression.line,
          column: expression.column,
        };
        return evaluate(call, scope);
      }
      case 'call': {
        if (expression.target === undefined) {
          const args = expression.args.map((arg) => evaluate(arg, scope));
          return freeFunction(expression, args, scope);
        }
        const target = evaluate(expression.target, scope);
        const args = expression.args.map((arg) => evaluate(arg, scope));
        return method(target, expression, args, scope);
      }
    }
  };

  const root = new Scope(undefined);
  for (const statement of script) {
    const expression = statement.kind === 'expression' ? statement.expression : undefined;
    if (
      expression?.kind !== 'call' ||
      expression.target !== undefined ||
      expression.name !== 'mapping' ||
      expression.args.length !== 1 ||
      expression.args[0]!.kind !== 'closure'
    ) {
      fail(
        statement,
        'mapping { … } (every statement of the DSL goes in the mapping block)',
        statement.kind === 'def' ? 'def' : describeStart(statement),
      );
    }
    const body = (expression as Expression & { kind: 'call' }).args[0] as Closure;
    withoutParameters({ t: 'closure', node: body, scope: root });
    block(body.body, new Scope(root).bindIt(NULL));
  }
}

// A script's field names are known only at run time, so the builder is called untyped here; it
// checks every name and type itself.
function untyped(builder: Builder): { map: (value: unknown) => { onto: (field: string) => void } } {
  return builder as unknown as { map: (value: unknown) => { onto: (field: string) => void } };
}

function describeStart(statement: Statement & { kind: 'expression' }): string {
  const expression = statement.expression;
  switch (expression.kind) {
    case 'call':
      return `'${expression.name}'`;
    case 'name':
      return `'${expression.name}'`;
    case 'property':
      return `'${expression.name}'`;
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    default:
      return `a ${expression.kind}`;
  }
}
