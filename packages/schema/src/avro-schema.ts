/** The primitive type names of Avro. */
export type AvroPrimitiveName =
  'null' | 'boolean' | 'int' | 'long' | 'float' | 'double' | 'bytes' | 'string';

/** A field of an Avro record schema, in its JSON form. */
export interface AvroField {
  name: string;
  type: AvroSchema;
  doc?: string;
  default?: unknown;
  aliases?: string[];
  order?: 'ascending' | 'descending' | 'ignore';
}

/** An Avro record schema in its JSON form (`.avsc`). */
export interface AvroRecordSchema {
  type: 'record' | 'error';
  name: string;
  namespace?: string;
  doc?: string;
  aliases?: string[];
  fields: AvroField[];
}

/** An Avro enum schema in its JSON form. */
export interface AvroEnumSchema {
  type: 'enum';
  name: string;
  namespace?: string;
  doc?: string;
  aliases?: string[];
  symbols: string[];
  default?: string;
}

/** An Avro array schema in its JSON form. */
export interface AvroArraySchema {
  type: 'array';
  items: AvroSchema;
  default?: unknown[];
}

/** An Avro map schema in its JSON form. */
export interface AvroMapSchema {
  type: 'map';
  values: AvroSchema;
  default?: Record<string, unknown>;
}

/** An Avro fixed schema in its JSON form. */
export interface AvroFixedSchema {
  type: 'fixed';
  name: string;
  namespace?: string;
  aliases?: string[];
  size: number;
}

/** A primitive written as an object, possibly with a logical type (`{"type":"long","logicalType":"timestamp-millis"}`). */
export interface AvroPrimitiveSchema {
  type: AvroPrimitiveName;
  logicalType?: string;
  [property: string]: unknown;
}

/**
 * Any Avro schema in its JSON form: a primitive or named-type reference as a string, a union as an
 * array, or a complex type as an object.
 */
export type AvroSchema =
  | string
  | AvroSchema[]
  | AvroRecordSchema
  | AvroEnumSchema
  | AvroArraySchema
  | AvroMapSchema
  | AvroFixedSchema
  | AvroPrimitiveSchema;
