import type { AvroField, AvroRecordSchema, AvroSchema } from '@tributary/schema';
import { DruidError } from '../druid-error';

/** How one Avro type reaches Druid, after unions with null are unwrapped. */
export type AvroShape =
  | { readonly kind: 'long'; readonly logicalType?: string }
  | { readonly kind: 'double' }
  | { readonly kind: 'string' }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'bytes' }
  | { readonly kind: 'record'; readonly fields: readonly FieldShape[] }
  | { readonly kind: 'map'; readonly values: AvroShape }
  | { readonly kind: 'array'; readonly items: AvroShape }
  /** A union of two or more non-null types. */
  | { readonly kind: 'union'; readonly members: readonly AvroShape[] };

/** A record field with its shape and whether it may be null. */
export interface FieldShape {
  readonly name: string;
  readonly shape: AvroShape;
  readonly nullable: boolean;
  readonly doc?: string;
}

const PRIMITIVES = new Set([
  'null',
  'boolean',
  'int',
  'long',
  'float',
  'double',
  'bytes',
  'string',
]);

function fail(message: string): never {
  throw new DruidError('invalid_schema', message);
}

function fullName(name: string, namespace: string | undefined): string {
  return name.includes('.') || namespace === undefined || namespace === ''
    ? name
    : `${namespace}.${name}`;
}

interface Context {
  readonly named: Map<string, AvroSchema>;
  readonly namespace: string | undefined;
  readonly path: string;
  /** The records being read, outermost first: a reference to one of them is a cycle. */
  readonly enclosing: readonly string[];
}

function shapeOf(schema: AvroSchema, context: Context): { shape: AvroShape; nullable: boolean } {
  if (typeof schema === 'string') {
    if (!PRIMITIVES.has(schema)) {
      const name = context.named.has(fullName(schema, context.namespace))
        ? fullName(schema, context.namespace)
        : schema;
      const named = context.named.get(name);
      if (named === undefined) fail(`${context.path}: unknown type ${JSON.stringify(schema)}.`);
      // Expanding a reference to an enclosing record would never end (it used to overflow the
      // stack); a recursive value has no fixed set of columns, so it is refused by name.
      if (context.enclosing.includes(name)) {
        fail(
          `${context.path}: the field refers back to the record ${name} that contains it; Druid needs a fixed set of columns, so a recursive schema cannot be ingested (carry the recursive part as a JSON string instead).`,
        );
      }
      return shapeOf(named, context);
    }
    return primitiveShape(schema, undefined, context);
  }
  if (Array.isArray(schema)) {
    const members = schema.filter((member) => member !== 'null');
    const nullable = members.length < schema.length;
    if (members.length === 0) fail(`${context.path}: a union of null alone has no values.`);
    const shapes = members.map((member) => shapeOf(member, context).shape);
    if (shapes.length === 1) return { shape: shapes[0]!, nullable };
    return { shape: { kind: 'union', members: shapes }, nullable };
  }
  switch (schema.type) {
    case 'record':
    case 'error': {
      const record = schema;
      const namespace = record.namespace ?? context.namespace;
      const name = fullName(record.name, namespace);
      context.named.set(name, record);
      const enclosing = [...context.enclosing, name];
      const fields = record.fields.map((field) =>
        fieldShape(field, {
          ...context,
          namespace,
          enclosing,
          path: `${context.path}.${field.name}`,
        }),
      );
      return { shape: { kind: 'record', fields }, nullable: false };
    }
    case 'enum': {
      const named = schema as { name: string; namespace?: string };
      context.named.set(fullName(named.name, named.namespace ?? context.namespace), schema);
      return { shape: { kind: 'string' }, nullable: false };
    }
    case 'fixed': {
      const named = schema as { name: string; namespace?: string };
      context.named.set(fullName(named.name, named.namespace ?? context.namespace), schema);
      return { shape: { kind: 'bytes' }, nullable: false };
    }
    case 'array':
      return {
        shape: {
          kind: 'array',
          items: shapeOf((schema as { items: AvroSchema }).items, context).shape,
        },
        nullable: false,
      };
    case 'map':
      return {
        shape: {
          kind: 'map',
          values: shapeOf((schema as { values: AvroSchema }).values, context).shape,
        },
        nullable: false,
      };
    default: {
      const logicalType = (schema as { logicalType?: unknown }).logicalType;
      return primitiveShape(
        schema.type,
        typeof logicalType === 'string' ? logicalType : undefined,
        context,
      );
    }
  }
}

function primitiveShape(
  name: string,
  logicalType: string | undefined,
  context: Context,
): { shape: AvroShape; nullable: boolean } {
  switch (name) {
    case 'null':
      return fail(`${context.path}: a field of type null holds nothing.`);
    case 'boolean':
      return { shape: { kind: 'boolean' }, nullable: false };
    case 'int':
    case 'long':
      return {
        shape: logicalType === undefined ? { kind: 'long' } : { kind: 'long', logicalType },
        nullable: false,
      };
    case 'float':
    case 'double':
      return { shape: { kind: 'double' }, nullable: false };
    case 'string':
      return { shape: { kind: 'string' }, nullable: false };
    case 'bytes':
      // Druid's Avro reader does not apply logical types: a decimal arrives as its raw bytes.
      if (logicalType === 'decimal') {
        fail(`${context.path}: Druid reads Avro decimals as raw bytes; use a double or a string.`);
      }
      return { shape: { kind: 'bytes' }, nullable: false };
    default:
      return fail(`${context.path}: unknown Avro type ${JSON.stringify(name)}.`);
  }
}

function fieldShape(field: AvroField, context: Context): FieldShape {
  const { shape, nullable } = shapeOf(field.type, context);
  return field.doc === undefined
    ? { name: field.name, shape, nullable }
    : { name: field.name, shape, nullable, doc: field.doc };
}

/** A record schema as the generator reads it: the schema itself and its fields' shapes. */
export interface RecordShape {
  readonly schema: AvroRecordSchema;
  readonly fields: readonly FieldShape[];
}

/** Anything that carries a record schema: the Avro JSON, its text, or a `defineRecord` result. */
export type RecordSchemaInput = AvroRecordSchema | { readonly schema: AvroRecordSchema } | string;

/** Reads a record schema given as JSON text, an object, or a declaration with `.schema`. */
export function readRecordSchema(input: RecordSchemaInput): RecordShape {
  let value: unknown = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input) as unknown;
    } catch (cause) {
      throw new DruidError('invalid_schema', 'The record schema is not valid JSON.', { cause });
    }
  }
  if (typeof value === 'object' && value !== null && 'schema' in value && !('fields' in value)) {
    value = value.schema;
  }
  if (
    typeof value !== 'object' ||
    value === null ||
    (value as { type?: unknown }).type !== 'record' ||
    !Array.isArray((value as { fields?: unknown }).fields)
  ) {
    fail('Druid ingests records: the schema must be an Avro record with fields.');
  }
  const schema = value as AvroRecordSchema;
  const { shape } = shapeOf(schema, {
    named: new Map(),
    namespace: schema.namespace,
    path: schema.name,
    enclosing: [],
  });
  if (shape.kind !== 'record') fail('The schema is not a record.');
  return { schema, fields: shape.fields };
}
