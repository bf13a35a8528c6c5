import type {
  AvroRecordSchema,
  ClickEvent,
  Issue,
  MapResult,
  Mapper,
  RecordDeclaration,
} from '@tributary/schema';
import avsc, { type Type } from 'avsc';
import { CompileContext } from './internal/compile-context';
import { FAIL, jsonToAvro } from './internal/json-avro';
import { fusedMapBlock, type MapStep } from './internal/specialize';
import { createUserAgentParser } from './internal/user-agent-parser';
import {
  describeType,
  literalMismatch,
  typeMismatch,
  unmappableReason,
} from './internal/type-rules';
import type { GeoIpDatabase } from './geo-ip';
import { MappingError } from './mapping-error';
import { Value, type UnmappableKind, type ValueKind } from './value';

/** A literal that `map(literal).onto(field)` writes as it is. */
export type Literal = string | number | boolean | null;

type Accepts<TField, T, TKind> = TKind extends 'json'
  ? true
  : TKind extends UnmappableKind
    ? false
    : [T] extends [NonNullable<TField>]
      ? true
      : false;

/** The names of the fields of `TRecord` that a value of type `T` and kind `TKind` may be mapped onto. */
export type FieldsAccepting<TRecord, T, TKind extends ValueKind> = {
  [F in keyof TRecord & string]-?: Accepts<TRecord[F], T, TKind> extends true ? F : never;
}[keyof TRecord & string];

/** The names of the fields of `TRecord` that may hold null. */
export type NullableFields<TRecord> = {
  [F in keyof TRecord & string]-?: null extends TRecord[F] ? F : never;
}[keyof TRecord & string];

/** The second half of `map(value).onto(field)`. */
export interface Onto<TField extends string> {
  /**
   * Names the target field. Checked now: the field exists and the value's type fits it.
   * @throws {MappingError} `unknown_field`, `type_mismatch`, `unmappable_value` or `missing_geo_database`.
   */
  readonly onto: (field: TField) => void;
}

/** The second half of `when(condition)`. */
export interface When {
  /** Runs the statements only when the condition is present and true. */
  readonly apply: (body: () => void) => void;
  /** Leaves the enclosing section (or the mapping) when the condition is present and true. */
  readonly exit: () => void;
  /** Ends the mapping when the condition is present and true; the record is still emitted. */
  readonly stop: () => void;
  /** Discards the event when the condition is present and true: no record is emitted. */
  readonly drop: () => void;
}

/**
 * The statements of the mapping DSL, handed to the `mapping` function of {@link createMapper}.
 * The functions are bound, so `({ map, when }) => { … }` works.
 */
/** The overloads of `map`: a value or a literal, then `.onto(field)`. */
export interface MapStatement<TRecord> {
  /** `map value onto 'field'`: writes the value when it is present. */
  <T, TKind extends ValueKind>(value: Value<T, TKind>): Onto<FieldsAccepting<TRecord, T, TKind>>;
  /** `map 'literal' onto 'field'`. */
  (literal: string): Onto<FieldsAccepting<TRecord, string, 'string'>>;
  /** `map 42 onto 'field'`: the number must fit the field's int, long, float or double. */
  (literal: number): Onto<FieldsAccepting<TRecord, number, 'double'>>;
  /** `map true onto 'field'`. */
  (literal: boolean): Onto<FieldsAccepting<TRecord, boolean, 'boolean'>>;
  /** `map null onto 'field'`: resets a nullable field. */
  (literal: null): Onto<NullableFields<TRecord>>;
}

/**
 * The statements of the mapping DSL, handed to the `mapping` function of {@link createMapper}.
 * The functions are bound, so `({ map, when }) => { … }` works.
 */
export interface MappingBuilder<TRecord> {
  /** `map value onto 'field'` and `map literal onto 'field'`. */
  readonly map: MapStatement<TRecord>;
  /** `when condition apply { … }`, `when condition exit()`, `… stop()`, `… drop()`. */
  readonly when: (condition: Value<boolean, 'boolean'>) => When;
  /** Groups statements; `exit()` inside leaves only this section. */
  readonly section: (body: () => void) => void;
  /** Leaves the innermost enclosing section; at the top level it ends the mapping. */
  readonly exit: () => void;
  /** Ends all mapping for this event; the record is built and emitted with what was set. */
  readonly stop: () => void;
  /** Discards the event: the mapper returns `{ ok: true, dropped: true }`. Divolte cannot do this. */
  readonly drop: () => void;
  /** Whether the mapper has a geo database, so a shared mapping can map geo fields only then. */
  readonly hasGeoIpDatabase: boolean;
}

/** Options of {@link createMapper}. */
export interface MapperOptions<TRecord> {
  /** The record: a `defineRecord(…)` declaration (typed field names) or an Avro record schema (JSON). */
  schema: RecordDeclaration<TRecord> | AvroRecordSchema;
  /** The mapping: runs once, now, to declare the statements; nothing in it runs per event. */
  mapping: (builder: MappingBuilder<NoInfer<TRecord>>) => void;
  /**
   * The MaxMind database for `ip2geo()` (see `openGeoIpDatabase`).
   * @default none: a mapping that uses ip2geo() fails to build
   */
  geoIpDatabase?: GeoIpDatabase;
  /**
   * How many distinct user-agent strings to keep parsed.
   * @default 1000 (Divolte's `user_agent_parser.cache_size`)
   */
  userAgentCacheSize?: number;
  /**
   * Called for each event that fails (a required field left unset, an unexpected error); the
   * failure is also counted and returned. Never stops the mapper.
   * @default none
   */
  onError?: (issues: readonly Issue[], event: ClickEvent) => void;
}

/** Counts of a mapper's outcomes since it was made. */
export interface MapperStats {
  readonly mapped: number;
  readonly dropped: number;
  readonly failed: number;
}

/** A compiled mapping: the `Mapper` port, with its Avro type and counters. */
export interface RecordMapper<TRecord> extends Mapper<TRecord> {
  /** The avsc type of the records; every record the mapper returns is valid for it. */
  readonly type: Type;
  /** Outcome counts. */
  readonly stats: MapperStats;
}

const CONTINUE = 0;
const EXIT = 1;
const STOP = 2;
const DROP = 3;
type Status = typeof CONTINUE | typeof EXIT | typeof STOP | typeof DROP;
// The field values of the record under construction, in schema order; undefined means unset.
type Values = unknown[];
type Action = (event: ClickEvent, values: Values) => Status;

interface FieldInfo {
  readonly name: string;
  readonly type: Type;
  readonly index: number;
  readonly required: boolean;
  readonly defaultValue: () => unknown;
}

const DROPPED: MapResult<never> = Object.freeze({ ok: true, dropped: true });

type Step = Action | MapStep;

// Runs of map statements become one generated function each (see fusedMapBlock).
function runBlock(steps: readonly Step[]): Action {
  const actions: Action[] = [];
  let run: MapStep[] = [];
  const flush = (): void => {
    if (run.length > 0) actions.push(fusedMapBlock(run, FAIL));
    run = [];
  };
  for (const step of steps) {
    if (typeof step === 'function') {
      flush();
      actions.push(step);
    } else {
      run.push(step);
    }
  }
  flush();
  const count = actions.length;
  if (count === 0) return () => CONTINUE;
  if (count === 1) return actions[0]!;
  return (event, values) => {
    for (let i = 0; i < count; i++) {
      const status = actions[i]!(event, values);
      if (status !== CONTINUE) return status;
    }
    return CONTINUE;
  };
}

/**
 * Makes the function that turns the field values into a record: one object literal with every
 * field in schema order, an unset value replaced by the field's default (a fresh copy for arrays,
 * maps, records and bytes). It is generated once per mapping, as avsc generates its record
 * constructors, because a literal with fixed keys is many times faster than keyed stores or
 * copying a template. Field names are Avro names (avsc has checked them) and are quoted anyway.
 */
function recordBuilder(fields: readonly FieldInfo[]): (values: Values) => unknown {
  const defaults: unknown[] = [];
  const fresh: (() => unknown)[] = [];
  const properties = fields.map((info, index) => {
    const value = info.defaultValue();
    const key = JSON.stringify(info.name);
    if (value === undefined) return `${key}: v[${index}]`;
    if (value !== null && typeof value === 'object') {
      fresh[index] = info.defaultValue;
      return `${key}: v[${index}] === undefined ? f[${index}]() : v[${index}]`;
    }
    defaults[index] = value;
    return `${key}: v[${index}] === undefined ? d[${index}] : v[${index}]`;
  });
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generated once from validated Avro field names; see above.
  const factory = new Function('d', 'f', `return (v) => ({ ${properties.join(', ')} });`) as (
    d: unknown[],
    f: (() => unknown)[],
  ) => (values: Values) => unknown;
  return factory(defaults, fresh);
}

function isDeclaration<TRecord>(
  schema: RecordDeclaration<TRecord> | AvroRecordSchema,
): schema is RecordDeclaration<TRecord> {
  return 'fullName' in schema && typeof (schema as { schema?: unknown }).schema === 'object';
}

function loadSchema(
  schema: RecordDeclaration<unknown> | AvroRecordSchema,
): Type & { fields: FieldInfoSource[] } {
  const json = isDeclaration(schema) ? schema.schema : schema;
  let type: Type;
  try {
    type = avsc.Type.forSchema(json as avsc.Schema);
  } catch (error) {
    throw new MappingError(
      'invalid_schema',
      `The record schema is not valid Avro: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  if (type.typeName !== 'record') {
    throw new MappingError(
      'invalid_schema',
      `The schema must be an Avro record, not ${describeType(type)}.`,
    );
  }
  return type as Type & { fields: FieldInfoSource[] };
}

interface FieldInfoSource {
  readonly name: string;
  readonly type: Type;
  defaultValue(): unknown;
}

/**
 * Builds a mapper from a record schema and a mapping written in the DSL. Everything is checked
 * now, before the first event, with errors that name the field and the value: the fields exist,
 * the types follow Divolte's rules, no parsed user agent/geo lookup/URI/match is mapped directly,
 * `ip2geo()` has a database, and every field without a default is set by some statement.
 *
 * The returned function maps one event in microseconds and never throws: a failed event is
 * counted, reported through `onError` and returned as `{ ok: false, issues }`.
 * @throws {MappingError} when the mapping does not fit the schema.
 * @example
 * const mapper = createMapper({
 *   schema: pageViewRecord,
 *   mapping: ({ map, when }) => {
 *     map(timestamp()).onto('timestamp');
 *     map(parse(location()).to('uri').path()).onto('path');
 *     when(userAgent().type().equalTo('Robot')).drop();
 *   },
 * });
 * const result = mapper(event); // { ok: true, dropped: false, value: { timestamp: …, path: '/' } }
 */
export function createMapper<TRecord = Record<string, unknown>>(
  options: MapperOptions<TRecord>,
): RecordMapper<TRecord> {
  const type = loadSchema(options.schema);
  const recordName = type.name ?? 'record';
  const fields = new Map<string, FieldInfo>();
  type.fields.forEach((field, index) => {
    const probe = field.defaultValue();
    fields.set(field.name, {
      name: field.name,
      type: field.type,
      index,
      required: probe === undefined,
      defaultValue: () => field.defaultValue(),
    });
  });
  const context = new CompileContext(
    options.geoIpDatabase,
    createUserAgentParser(options.userAgentCacheSize ?? 1000),
  );

  const stack: Step[][] = [[]];
  const targeted = new Set<string>();
  let building = true;
  const push = (action: Step): void => {
    if (!building) {
      throw new MappingError(
        'invalid_mapping',
        'Mapping statements can only be made inside the mapping function.',
      );
    }
    stack[stack.length - 1]!.push(action);
  };
  const nested = (body: () => void): Action => {
    stack.push([]);
    body();
    return runBlock(stack.pop()!);
  };
  const condition = (
    value: Value<boolean, 'boolean'>,
  ): ((event: ClickEvent) => boolean | undefined) => {
    // Checked at run time too, for callers without the type checker.
    if (!(value instanceof Value) || (value.kind as ValueKind) !== 'boolean') {
      throw new MappingError(
        'type_mismatch',
        `when(${String(value)}): the condition must be a boolean value.`,
      );
    }
    return Value.producer(value, context);
  };
  const field = (name: string, source: string): FieldInfo => {
    const info = typeof name === 'string' ? fields.get(name) : undefined;
    if (info === undefined) {
      throw new MappingError(
        'unknown_field',
        `Field ${JSON.stringify(name)} does not exist in ${recordName}; error in mapping ${source} onto ${name}.`,
      );
    }
    targeted.add(info.name);
    return info;
  };

  const mapValue = (value: Value<unknown>, name: string): void => {
    const info = field(name, value.description);
    const unmappable = unmappableReason(value.kind);
    if (unmappable !== undefined) {
      throw new MappingError(
        'unmappable_value',
        `Cannot map ${value.description} onto ${name}: ${unmappable}.`,
      );
    }
    const mismatch = typeMismatch(value.kind, value.itemKind, info.type);
    if (mismatch !== undefined) {
      throw new MappingError(
        'type_mismatch',
        `Cannot map ${value.description} onto ${name}: ${mismatch}.`,
      );
    }
    const fieldType = info.type;
    const inline = Value.inline(value);
    push({
      index: info.index,
      inline,
      produce: Value.producer(value, context),
      convert:
        value.kind === 'json'
          ? (json) => {
              const coerced = jsonToAvro(json as never, fieldType);
              return coerced !== FAIL && fieldType.isValid(coerced) ? coerced : FAIL;
            }
          : undefined,
    });
  };

  const mapLiteral = (literal: Literal, name: string): void => {
    const source = JSON.stringify(literal);
    const info = field(name, source);
    const mismatch = literalMismatch(literal, info.type);
    if (mismatch !== undefined) {
      throw new MappingError('type_mismatch', `Cannot map ${source} onto ${name}: ${mismatch}.`);
    }
    push({
      index: info.index,
      inline: undefined,
      produce: undefined,
      convert: undefined,
      literal: { value: literal },
    });
  };

  // A `map(x)` without `.onto(…)` or a `when(c)` without its action would silently do nothing.
  const unfinished = new Set<{ readonly statement: string; readonly missing: string }>();

  const when = (value: Value<boolean, 'boolean'>): When => {
    const test = condition(value);
    const token = {
      statement: `when(${value.description})`,
      missing: '.apply(…), .exit(), .stop() or .drop()',
    };
    unfinished.add(token);
    const guarded = (status: Status): void => {
      unfinished.delete(token);
      push((event) => (test(event) === true ? status : CONTINUE));
    };
    return {
      apply: (body) => {
        unfinished.delete(token);
        const block = nested(body);
        push((event, values) => (test(event) === true ? block(event, values) : CONTINUE));
      },
      exit: () => {
        guarded(EXIT);
      },
      stop: () => {
        guarded(STOP);
      },
      drop: () => {
        guarded(DROP);
      },
    };
  };

  const builder: MappingBuilder<TRecord> = {
    map: (value: Value<unknown> | Literal) => {
      const token = {
        statement: `map(${value instanceof Value ? value.description : JSON.stringify(value)})`,
        missing: '.onto(field)',
      };
      unfinished.add(token);
      return {
        onto(name: string) {
          unfinished.delete(token);
          if (value instanceof Value) mapValue(value, name);
          else mapLiteral(value, name);
        },
      };
    },
    when,
    section: (body) => {
      const block = nested(body);
      push((event, values) => {
        const status = block(event, values);
        return status === EXIT ? CONTINUE : status;
      });
    },
    exit: () => {
      push(() => EXIT);
    },
    stop: () => {
      push(() => STOP);
    },
    drop: () => {
      push(() => DROP);
    },
    hasGeoIpDatabase: options.geoIpDatabase !== undefined,
  };

  options.mapping(builder);
  building = false;
  for (const { statement, missing } of unfinished) {
    throw new MappingError('invalid_mapping', `${statement} is not finished: add ${missing}.`);
  }
  if (stack.length !== 1)
    throw new MappingError('invalid_mapping', 'A nested block did not finish.');

  const fieldList = [...fields.values()];
  const unset = fieldList
    .filter((info) => info.required && !targeted.has(info.name))
    .map((info) => info.name);
  if (unset.length > 0) {
    throw new MappingError(
      'unset_required_field',
      `${recordName}: no statement sets ${unset.join(', ')}, which ${unset.length === 1 ? 'has' : 'have'} no default; map a value onto ${unset.length === 1 ? 'it' : 'them'} or give ${unset.length === 1 ? 'it' : 'them'} a default.`,
    );
  }

  const body = runBlock(stack[0]!);
  const values: Values = fieldList.map(() => undefined);
  const requiredIndexes = fieldList.filter((info) => info.required).map((info) => info.index);
  const fieldCount = fieldList.length;
  const buildRecord = recordBuilder(fieldList) as (values: Values) => TRecord;

  let mapped = 0;
  let dropped = 0;
  let failed = 0;
  const fail = (event: ClickEvent, issues: readonly Issue[]): MapResult<TRecord> => {
    failed++;
    if (options.onError !== undefined) {
      try {
        options.onError(issues, event);
      } catch {
        // A failing error callback must not stop the pipeline either.
      }
    }
    return { ok: false, issues };
  };

  const mapper = (event: ClickEvent): MapResult<TRecord> => {
    context.nextEvent();
    for (let i = 0; i < fieldCount; i++) values[i] = undefined;
    let status: Status;
    try {
      status = body(event, values);
    } catch (error) {
      return fail(event, [
        {
          code: 'mapping_failed',
          path: [],
          message: `Mapping failed: ${error instanceof Error ? error.message : String(error)}`,
        },
      ]);
    }
    if (status === DROP) {
      dropped++;
      return DROPPED;
    }
    for (const index of requiredIndexes) {
      if (values[index] === undefined) {
        const name = fieldList[index]!.name;
        return fail(event, [
          {
            code: 'unset_required_field',
            path: [name],
            message: `${recordName}.${name} has no default and the mapping set no value for this event.`,
          },
        ]);
      }
    }
    mapped++;
    return { ok: true, dropped: false, value: buildRecord(values) };
  };

  return Object.defineProperties(mapper, {
    type: { value: type, enumerable: true },
    stats: {
      enumerable: true,
      get: (): MapperStats => ({ mapped, dropped, failed }),
    },
  }) as RecordMapper<TRecord>;
}
