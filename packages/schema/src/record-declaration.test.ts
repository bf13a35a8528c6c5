import avsc from 'avsc';
import { describe, expect, it } from 'vitest';
import { avro, defineRecord, field } from './record-declaration';
import { SchemaError } from './protocol/schema-error';

describe('defineRecord', () => {
  it('writes every kind of type, nullable fields defaulting to null', () => {
    const address = defineRecord({
      name: 'Address',
      fields: { city: avro.string(), zip: avro.nullable(avro.string()) },
    });
    const kind = avro.enum('Kind', ['view', 'click'], { default: 'view' });
    const declaration = defineRecord({
      name: 'Everything',
      namespace: 'com.example',
      doc: 'All of it.',
      fields: {
        flag: avro.boolean(),
        small: avro.int(),
        big: avro.long(),
        ratio: avro.float(),
        precise: avro.double(),
        text: field(avro.string(), { doc: 'Some text.', default: '' }),
        raw: avro.bytes(),
        at: avro.timestampMillis(),
        kind,
        otherKind: avro.nullable(kind),
        tags: avro.array(avro.string()),
        counts: avro.map(avro.long()),
        home: address,
        work: avro.nullable(address),
        nothing: avro.null(),
      },
    });
    expect(declaration.fullName).toBe('com.example.Everything');
    expect(declaration.schema).toMatchObject({
      type: 'record',
      name: 'Everything',
      namespace: 'com.example',
      doc: 'All of it.',
    });
    const byName = Object.fromEntries(declaration.schema.fields.map((f) => [f.name, f]));
    expect(byName.text).toEqual({ name: 'text', type: 'string', doc: 'Some text.', default: '' });
    expect(byName.at?.type).toEqual({ type: 'long', logicalType: 'timestamp-millis' });
    expect(byName.kind?.type).toEqual({
      type: 'enum',
      name: 'Kind',
      symbols: ['view', 'click'],
      default: 'view',
    });
    // A named type is defined once, then referred to by its full name.
    expect(byName.otherKind).toEqual({
      name: 'otherKind',
      type: ['null', 'com.example.Kind'],
      default: null,
    });
    expect(byName.work).toEqual({
      name: 'work',
      type: ['null', 'com.example.Address'],
      default: null,
    });

    const type = avsc.Type.forSchema(declaration.schema as avsc.Schema);
    const record = {
      flag: true,
      small: 1,
      big: 2 ** 40,
      ratio: 0.5,
      precise: 0.1,
      text: 'x',
      raw: Buffer.from([1, 2]),
      at: 1_700_000_000_000,
      kind: 'click',
      otherKind: null,
      tags: ['a'],
      counts: { a: 1 },
      home: { city: 'Utrecht', zip: null },
      work: { city: 'Amsterdam', zip: '1011' },
      nothing: null,
    };
    expect(type.isValid(record)).toBe(true);
    expect(type.fromBuffer(type.toBuffer(record))).toEqual(record);
  });

  it.each([
    [
      'a bad record name',
      () => defineRecord({ name: '1Bad', fields: {} }),
      /not a valid Avro name/,
    ],
    [
      'a bad namespace',
      () => defineRecord({ name: 'R', namespace: 'a..b', fields: {} }),
      /namespace/,
    ],
    [
      'a bad field name',
      () => defineRecord({ name: 'R', fields: { 'a-b': avro.int() } }),
      /R: field name "a-b"/,
    ],
    [
      'a default of the wrong type',
      () =>
        defineRecord({
          name: 'R',
          fields: { n: field(avro.int(), { default: 'x' as unknown as number }) },
        }),
      /R\.n: the default "x" does not fit int/,
    ],
    [
      'a union default that does not fit the first branch',
      () =>
        defineRecord({
          name: 'R',
          fields: { s: field(avro.nullable(avro.string()), { default: 'x' }) },
        }),
      /first branch/,
    ],
    ['an empty enum', () => avro.enum('E', []), /at least one symbol/],
    ['a repeated enum symbol', () => avro.enum('E', ['a', 'a']), /repeats/],
    ['a bad enum symbol', () => avro.enum('E', ['a-b']), /symbol "a-b"/],
    [
      'an enum default outside its symbols',
      () => avro.enum('E', ['a'], { default: 'b' as 'a' }),
      /default "b"/,
    ],
    ['a nullable union', () => avro.nullable(avro.nullable(avro.int())), /single type/],
    [
      'two different types with one name',
      () =>
        defineRecord({
          name: 'R',
          fields: { a: avro.enum('E', ['x']), b: avro.enum('E', ['y']) },
        }),
      /both named E/,
    ],
  ])('rejects %s with a SchemaError', (_, declare, message) => {
    expect(declare).toThrow(SchemaError);
    expect(declare).toThrow(message);
  });
});
