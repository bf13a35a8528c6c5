// Records of every kind of Avro value, for the suites that write files and read them back with
// decoders that share no code with avsc (fastavro, avro-tools, the strict decoder). Each suite
// adds the unions, logical types and nested records its reader can take.
import fc from 'fast-check';
import type { AvroField, AvroRecordSchema } from '@tributary/schema';

/** Fields of every primitive type, an enum, a fixed, an array and a map of a nullable string. */
export const allTypesFields: AvroField[] = [
  { name: 'b', type: 'boolean' },
  { name: 'i', type: 'int' },
  { name: 'l', type: 'long' },
  { name: 'f', type: 'float' },
  { name: 'd', type: 'double' },
  { name: 's', type: 'string' },
  { name: 'by', type: 'bytes' },
  { name: 'e', type: { type: 'enum', name: 'Color', symbols: ['RED', 'GREEN', 'BLUE'] } },
  { name: 'fx', type: { type: 'fixed', name: 'Id4', size: 4 } },
  { name: 'a', type: { type: 'array', items: 'long' } },
  { name: 'm', type: { type: 'map', values: ['null', 'string'] } },
];

const key = fc.string({ unit: 'binary', maxLength: 8 }).filter((k) => k !== '__proto__');

/** Arbitrary values of {@link allTypesFields}, by field name, in the fields' order. */
export const allTypesValues = {
  b: fc.boolean(),
  i: fc.integer(),
  l: fc.maxSafeInteger(),
  f: fc.float(),
  d: fc.double(),
  s: fc.string({ unit: 'binary', maxLength: 40 }),
  by: fc.uint8Array({ maxLength: 20 }).map((b) => Buffer.from(b)),
  e: fc.constantFrom('RED', 'GREEN', 'BLUE'),
  fx: fc.uint8Array({ minLength: 4, maxLength: 4 }).map((b) => Buffer.from(b)),
  a: fc.array(fc.maxSafeInteger(), { maxLength: 5 }),
  m: fc.dictionary(key, fc.option(fc.string({ maxLength: 10 }), { nil: null }), { maxKeys: 4 }),
};

/**
 * `test.tributary.Rich`: {@link allTypesFields}, then `fields` (the unions and logical types a suite's
 * readers take), then a nested record `r: { x: int }`.
 */
export function richSchemaWith(fields: AvroField[]): AvroRecordSchema {
  return {
    type: 'record',
    name: 'Rich',
    namespace: 'test.tributary',
    fields: [
      ...allTypesFields,
      ...fields,
      {
        name: 'r',
        type: { type: 'record', name: 'Inner', fields: [{ name: 'x', type: 'int' }] },
      },
    ],
  };
}

/** Arbitrary records of {@link richSchemaWith}, given arbitrary values of its `fields` by name. */
export function richRecordWith(values: Record<string, fc.Arbitrary<unknown>>) {
  return fc.record({ ...allTypesValues, ...values, r: fc.record({ x: fc.integer() }) });
}
