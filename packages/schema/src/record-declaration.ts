import type { AvroEnumSchema, AvroField, AvroRecordSchema, AvroSchema } from './avro-schema';
import { SchemaError } from './protocol/schema-error';

/**
 * An Avro type together with the TypeScript type of its values. Made by the {@link avro} builders;
 * the `__value` property exists only for the type checker.
 */
export interface AvroType<TValue> {
  /** The type's Avro JSON form. */
  readonly schema: AvroSchema;
  /** Type-level only: the TypeScript type of a value of this Avro type. Never set. */
  readonly __value?: TValue;
}

/** The TypeScript type of the values of an {@link AvroType} or a {@link RecordDeclaration}. */
export type InferAvro<T> = T extends AvroType<infer TValue> ? TValue : never;

/** A record field with a documentation string or a default. */
export interface FieldDeclaration<TValue> {
  readonly kind: 'field';
  readonly type: AvroType<TValue>;
  readonly doc?: string;
  readonly default?: TValue;
}

/** Options of {@link field}. */
export interface FieldOptions<TValue> {
  /** Documentation written into the schema. */
  doc?: string;
  /**
   * The value readers use when the writer's schema lacks the field. For a union it must match the
   * union's first branch, as Avro requires.
   * @default null for nullable fields; none otherwise
   */
  default?: TValue;
}

/** Declares a record field with documentation or a default. */
export function field<TValue>(
  type: AvroType<TValue>,
  options: FieldOptions<TValue> = {},
): FieldDeclaration<TValue> {
  return { kind: 'field', type, ...options };
}

type FieldInput = AvroType<unknown> | FieldDeclaration<unknown>;

/** What {@link defineRecord} accepts as fields: name → type, in schema order. */
export type FieldMap = Record<string, FieldInput>;

type FieldValue<TField> =
  TField extends FieldDeclaration<infer TValue>
    ? TValue
    : TField extends AvroType<infer TValue>
      ? TValue
      : never;

/** The TypeScript record type of a field map. */
export type InferFields<TFields extends FieldMap> = {
  -readonly [K in keyof TFields]: FieldValue<TFields[K]>;
};

/** A declared Avro record: its JSON schema and, at the type level, the matching TypeScript type. */
export interface RecordDeclaration<TRecord> extends AvroType<TRecord> {
  /** The record's Avro JSON schema, ready for avsc or an `.avsc` file. */
  readonly schema: AvroRecordSchema;
  /** The namespace-qualified name, e.g. `io.divolte.record.DefaultEventRecord`. */
  readonly fullName: string;
}

/** The TypeScript type of the records of a declaration. */
export type InferRecord<TDeclaration> = InferAvro<TDeclaration>;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const NAMESPACE = /^([A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*)?$/;

function invalid(message: string): never {
  throw new SchemaError('invalid_declaration', message);
}

function primitive<TValue>(name: string): AvroType<TValue> {
  return { schema: name };
}

/** Options of {@link avro.enum}. */
export interface EnumOptions<TSymbol extends string> {
  namespace?: string;
  doc?: string;
  /** The symbol readers use for a symbol they do not know. */
  default?: TSymbol;
}

/** Builders of Avro types that carry their TypeScript value types. */
export const avro = {
  null: (): AvroType<null> => primitive('null'),
  boolean: (): AvroType<boolean> => primitive('boolean'),
  int: (): AvroType<number> => primitive('int'),
  long: (): AvroType<number> => primitive('long'),
  float: (): AvroType<number> => primitive('float'),
  double: (): AvroType<number> => primitive('double'),
  string: (): AvroType<string> => primitive('string'),
  /** Bytes; avsc reads and writes them as Node `Buffer`s (a `Uint8Array`). */
  bytes: (): AvroType<Uint8Array> => primitive('bytes'),
  /** A `long` holding milliseconds since the epoch, marked with the `timestamp-millis` logical type. */
  timestampMillis: (): AvroType<number> => ({
    schema: { type: 'long', logicalType: 'timestamp-millis' },
  }),
  enum<const TSymbol extends string>(
    name: string,
    symbols: readonly TSymbol[],
    options: EnumOptions<TSymbol> = {},
  ): AvroType<TSymbol> {
    if (!NAME.test(name)) invalid(`Enum name ${JSON.stringify(name)} is not a valid Avro name.`);
    if (symbols.length === 0) invalid(`Enum ${name} needs at least one symbol.`);
    for (const symbol of symbols) {
      if (!NAME.test(symbol))
        invalid(`Enum ${name}: symbol ${JSON.stringify(symbol)} is not a valid Avro name.`);
    }
    if (new Set(symbols).size !== symbols.length) invalid(`Enum ${name} repeats a symbol.`);
    if (options.default !== undefined && !symbols.includes(options.default)) {
      invalid(
        `Enum ${name}: the default ${JSON.stringify(options.default)} is not one of its symbols.`,
      );
    }
    const schema: AvroEnumSchema = { type: 'enum', name, symbols: [...symbols] };
    if (options.namespace !== undefined) schema.namespace = options.namespace;
    if (options.doc !== undefined) schema.doc = options.doc;
    if (options.default !== undefined) schema.default = options.default;
    return { schema };
  },
  array: <TItem>(items: AvroType<TItem>): AvroType<TItem[]> => ({
    schema: { type: 'array', items: items.schema },
  }),
  map: <TValue>(values: AvroType<TValue>): AvroType<Record<string, TValue>> => ({
    schema: { type: 'map', values: values.schema },
  }),
  /** `["null", T]`: a value that may be absent. As a record field it defaults to null. */
  nullable<TValue>(type: AvroType<TValue>): AvroType<TValue | null> {
    if (Array.isArray(type.schema)) invalid('nullable() takes a single type, not a union.');
    if (type.schema === 'null') invalid('nullable() of null is just null.');
    return { schema: ['null', type.schema] };
  },
};

function isFieldDeclaration(input: FieldInput): input is FieldDeclaration<unknown> {
  return (input as { kind?: unknown }).kind === 'field';
}

function describe(schema: AvroSchema): string {
  if (typeof schema === 'string') return schema;
  if (Array.isArray(schema)) return `[${schema.map(describe).join(', ')}]`;
  return schema.type;
}

// Whether a JSON default fits a schema, per the Avro specification (a union's default fits its
// first branch). Named references are accepted as they are resolved elsewhere.
function defaultFits(schema: AvroSchema, value: unknown): boolean {
  if (Array.isArray(schema)) return schema.length > 0 && defaultFits(schema[0]!, value);
  const type = typeof schema === 'string' ? schema : schema.type;
  switch (type) {
    case 'null':
      return value === null;
    case 'boolean':
      return typeof value === 'boolean';
    case 'int':
      return (
        Number.isInteger(value) && (value as number) >= -(2 ** 31) && (value as number) < 2 ** 31
      );
    case 'long':
      return Number.isSafeInteger(value);
    case 'float':
    case 'double':
      return typeof value === 'number';
    case 'bytes':
    case 'string':
      return typeof value === 'string';
    case 'enum':
      return typeof value === 'string' && (schema as AvroEnumSchema).symbols.includes(value);
    case 'array':
      return Array.isArray(value);
    case 'map':
    case 'record':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    default:
      return true;
  }
}

// A named type may be defined once per schema; later uses must refer to it by its full name.
function referNamedTypesOnce(
  schema: AvroSchema,
  defined: Map<string, string>,
  namespace: string | undefined,
): AvroSchema {
  if (typeof schema === 'string') return schema;
  if (Array.isArray(schema))
    return schema.map((branch) => referNamedTypesOnce(branch, defined, namespace));
  switch (schema.type) {
    case 'record':
    case 'error':
    case 'enum':
    case 'fixed': {
      const named = schema as { name: string; namespace?: string };
      const ownNamespace = named.namespace ?? namespace;
      const fullName =
        named.name.includes('.') || ownNamespace === undefined || ownNamespace === ''
          ? named.name
          : `${ownNamespace}.${named.name}`;
      const seen = defined.get(fullName);
      const text = JSON.stringify(schema);
      if (seen !== undefined) {
        if (seen !== text) invalid(`Two different types are both named ${fullName}.`);
        return fullName;
      }
      defined.set(fullName, text);
      if (schema.type === 'record' || schema.type === 'error') {
        const record = schema;
        return {
          ...record,
          fields: record.fields.map((f) => ({
            ...f,
            type: referNamedTypesOnce(f.type, defined, ownNamespace),
          })),
        };
      }
      return schema;
    }
    case 'array':
      return {
        ...schema,
        items: referNamedTypesOnce((schema as { items: AvroSchema }).items, defined, namespace),
      };
    case 'map':
      return {
        ...schema,
        values: referNamedTypesOnce((schema as { values: AvroSchema }).values, defined, namespace),
      };
    default:
      return schema;
  }
}

/** Options of {@link defineRecord}. */
export interface DefineRecordOptions<TFields extends FieldMap> {
  /** The record name, e.g. `DefaultEventRecord`. */
  name: string;
  /** The namespace, e.g. `io.divolte.record`. */
  namespace?: string;
  /** Documentation written into the schema. */
  doc?: string;
  /** The fields in schema order: an {@link avro} type, or {@link field} for a doc or a default. */
  fields: TFields;
}

/**
 * Declares an Avro record once and gets both its JSON schema and its TypeScript type, so the two
 * cannot drift apart.
 * @throws {SchemaError} `invalid_declaration` for a name Avro rejects or a default that does not fit.
 * @example
 * const pageView = defineRecord({
 *   name: 'PageView',
 *   namespace: 'com.example',
 *   fields: { timestamp: avro.long(), location: avro.nullable(avro.string()) },
 * });
 * type PageView = InferRecord<typeof pageView>; // { timestamp: number; location: string | null }
 */
export function defineRecord<const TFields extends FieldMap>(
  options: DefineRecordOptions<TFields>,
): RecordDeclaration<InferFields<TFields>> {
  const { name, namespace, doc } = options;
  if (!NAME.test(name)) invalid(`Record name ${JSON.stringify(name)} is not a valid Avro name.`);
  if (namespace !== undefined && !NAMESPACE.test(namespace)) {
    invalid(`Namespace ${JSON.stringify(namespace)} is not a valid Avro namespace.`);
  }
  const fields: AvroField[] = [];
  for (const [fieldName, input] of Object.entries(options.fields)) {
    if (!NAME.test(fieldName))
      invalid(`${name}: field name ${JSON.stringify(fieldName)} is not a valid Avro name.`);
    const declaration = isFieldDeclaration(input) ? input : undefined;
    const type = declaration?.type ?? (input as AvroType<unknown>);
    const avroField: AvroField = { name: fieldName, type: type.schema };
    if (declaration?.doc !== undefined) avroField.doc = declaration.doc;
    const isNullable = Array.isArray(type.schema) && type.schema[0] === 'null';
    const hasDefault = declaration !== undefined && 'default' in declaration;
    if (hasDefault) {
      if (!defaultFits(type.schema, declaration.default)) {
        invalid(
          `${name}.${fieldName}: the default ${JSON.stringify(declaration.default)} does not fit ${describe(type.schema)}` +
            (Array.isArray(type.schema) ? ' (a union default must fit its first branch).' : '.'),
        );
      }
      avroField.default = declaration.default;
    } else if (isNullable) {
      avroField.default = null;
    }
    fields.push(avroField);
  }
  const raw: AvroRecordSchema = {
    type: 'record',
    name,
    ...(namespace === undefined ? {} : { namespace }),
    ...(doc === undefined ? {} : { doc }),
    fields,
  };
  const schema = referNamedTypesOnce(raw, new Map(), namespace) as AvroRecordSchema;
  const fullName = namespace === undefined || namespace === '' ? name : `${namespace}.${name}`;
  return { schema, fullName };
}
