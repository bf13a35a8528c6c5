import avsc from 'avsc';
import { describe, expect, it } from 'vitest';
import { createMapper } from './create-mapper';
import { eventParameter, eventParameters } from './event-parameters';
import { MappingError } from './mapping-error';
import { browserEvent, jsonEvent } from './test-support/events';
import { evaluate, oneField } from './test-support/harness';
import { FAIL, jsonToAvro } from './internal/json-avro';
import { javaDoubleToString, jsonAsText } from './internal/java-text';

describe('eventParameters()', () => {
  const event = browserEvent({
    parameters: { s: 'text', i: 42, d: 1.5, huge: 1e21, b: true, n: null, o: { a: 1 }, a: [1, 2] },
  });
  const params = eventParameters();

  it('value(name) gives the text of a top-level property, "" for missing, objects and arrays', () => {
    expect(evaluate(params.value('s'), event)).toBe('text');
    expect(evaluate(params.value('i'), event)).toBe('42');
    expect(evaluate(params.value('d'), event)).toBe('1.5');
    expect(evaluate(params.value('huge'), event)).toBe('1.0E21');
    expect(evaluate(params.value('b'), event)).toBe('true');
    expect(evaluate(params.value('n'), event)).toBe('null');
    expect(evaluate(params.value('o'), event)).toBe('');
    expect(evaluate(params.value('a'), event)).toBe('');
    expect(evaluate(params.value('missing'), event)).toBe('');
    expect(evaluate(params.value('constructor'), event)).toBe('');
    expect(evaluate(eventParameter('s'), event)).toBe('text');
    expect(evaluate(params.value('s'), jsonEvent())).toBeNull();
    expect(evaluate(params.value('s'), browserEvent({ parameters: [1] }))).toBe('');
  });

  it('path() gives the value of a definite path, absent when nothing is there', () => {
    const nested = browserEvent({
      parameters: {
        items: [
          { sku: 'A', price: 5 },
          { sku: 'B', price: 15 },
        ],
        x: null,
      },
    });
    expect(evaluate(params.path('$.items[1].sku'), nested, { type: ['null', 'string'] })).toBe('B');
    expect(evaluate(params.path('$.items[0].price'), nested, { type: ['null', 'int'] })).toBe(5);
    expect(evaluate(params.path('$.missing'), nested, { type: ['null', 'string'] })).toBeNull();
    expect(evaluate(params.path('$.missing').isPresent(), nested)).toBe(false);
    expect(evaluate(params.path('$.x').isPresent(), nested)).toBe(true);
  });

  it('path() gives an array of every match for wildcards, deep scans and filters', () => {
    const nested = browserEvent({
      parameters: {
        items: [
          { sku: 'A', price: 5 },
          { sku: 'B', price: 15 },
        ],
      },
    });
    const strings = { type: ['null', { type: 'array', items: 'string' }] };
    expect(evaluate(params.path('$.items[*].sku'), nested, strings)).toEqual(['A', 'B']);
    expect(evaluate(params.path('$..sku'), nested, strings)).toEqual(['A', 'B']);
    expect(evaluate(params.path('$.items[?(@.price > 10)].sku'), nested, strings)).toEqual(['B']);
    expect(evaluate(params.path('$.nothing[*]'), nested, strings)).toEqual([]);
    // A single match onto a non-array field is unwrapped, as Jackson does.
    expect(
      evaluate(params.path('$.items[?(@.price > 10)].sku'), nested, { type: ['null', 'string'] }),
    ).toBe('B');
  });

  it('path() on scalar parameters, falsy ones included: the root matches, nothing else does', () => {
    // jsonpath-plus reads a falsy root as no document; such events used to fail their mapping.
    const strings = { type: ['null', { type: 'array', items: 'string' }] };
    for (const parameters of [null, 0, false, '', 'x', 1, true]) {
      const scalar = browserEvent({ parameters });
      const text = { type: ['null', 'string'] };
      expect(evaluate(params.path('$').toJson(), scalar, text)).toBe(JSON.stringify(parameters));
      expect(evaluate(params.path('$.k'), scalar, text)).toBeNull();
      expect(evaluate(params.path('$..k'), scalar, strings)).toEqual([]);
      expect(evaluate(params.path('$[*]'), scalar, strings)).toEqual([]);
    }
  });

  it('maps JSON onto records, maps and enums, and leaves the field unset when it does not fit', () => {
    const record = {
      type: 'record',
      name: 'Item',
      fields: [
        { name: 'sku', type: 'string' },
        { name: 'price', type: ['null', 'double'], default: null },
        { name: 'kind', type: { type: 'enum', name: 'Kind', symbols: ['A', 'B'] }, default: 'A' },
      ],
    };
    const nested = browserEvent({
      parameters: { item: { sku: 'A1', price: '9.5', extra: 1 }, bad: { price: 1 } },
    });
    expect(evaluate(params.path('$.item'), nested, { type: ['null', record] })).toEqual({
      sku: 'A1',
      price: 9.5,
      kind: 'A',
    });
    expect(evaluate(params.path('$.bad'), nested, { type: ['null', record] })).toBeNull();
    expect(
      evaluate(params, nested, { type: ['null', { type: 'map', values: 'string' }] }),
    ).toBeNull();
  });

  it('toJson() gives the JSON text', () => {
    expect(evaluate(params.toJson(), event)).toBe(JSON.stringify(event.parameters));
    expect(evaluate(params.toJson(), jsonEvent())).toBeNull();
  });

  it('rejects malformed paths and non-trivial unions when the mapping is built', () => {
    expect(() => params.path('items')).toThrow(MappingError);
    expect(() => params.path('$.a[')).toThrow(/not a JSON path/);
    expect(() =>
      createMapper({
        schema: oneField(['null', { type: 'array', items: ['int', 'string'] }]),
        mapping: ({ map }) => {
          map(params.path('$.a')).onto('out');
        },
      }),
    ).toThrow(expect.objectContaining({ code: 'type_mismatch' }));
  });
});

describe('JSON to Avro coercion (Divolte jackson-mapping-fixtures, with Divolte’s Jackson features)', () => {
  const coerce = (schema: unknown, json: unknown) =>
    jsonToAvro(json as never, avsc.Type.forSchema(schema as avsc.Schema));
  const suit = { type: 'enum', name: 'Suit', symbols: ['SPADES', 'HEARTS', 'DIAMONDS', 'CLUBS'] };
  const testRecord = {
    type: 'record',
    name: 'TestRecord',
    fields: [
      { name: 'foo', type: 'string' },
      { name: 'baz', type: 'string' },
    ],
  };

  it.each<[string, unknown, unknown, unknown]>([
    ['boolean true', { type: 'boolean' }, true, true],
    ['boolean false', { type: 'boolean' }, false, false],
    ['string', { type: 'string' }, 'a value', 'a value'],
    ['empty string', { type: 'string' }, '', ''],
    ['int', { type: 'int' }, 10, 10],
    ['long', { type: 'long' }, 45, 45],
    ['float', { type: 'float' }, 10.2, Math.fround(10.2)],
    ['double', { type: 'double' }, 10.1, 10.1],
    ['null', { type: 'null' }, null, null],
    ['enum', suit, 'SPADES', 'SPADES'],
    [
      'map',
      { type: 'map', values: 'string' },
      { foo: 'bar', baz: 'daz' },
      { foo: 'bar', baz: 'daz' },
    ],
    ['empty map', { type: 'map', values: 'string' }, {}, {}],
    ['array', { type: 'array', items: 'string' }, ['foo', 'bar'], ['foo', 'bar']],
    ['empty array', { type: 'array', items: 'string' }, [], []],
    ['single value as array', { type: 'array', items: 'string' }, 'a value', ['a value']],
    ['single-element array as value', { type: 'string' }, ['a value'], 'a value'],
    ['null-first union, null', ['null', 'string'], null, null],
    ['null-first union, value', ['null', 'string'], 'a value', 'a value'],
    ['null-second union, null', ['string', 'null'], null, null],
    ['null-second union, value', ['string', 'null'], 'a value', 'a value'],
    ['singleton union', ['string'], 'some value', 'some value'],
    ['record', testRecord, { foo: 'bar', baz: 'daz' }, { foo: 'bar', baz: 'daz' }],
    [
      'record, unknown field ignored',
      testRecord,
      { foo: 'bar', extraField: 'x', baz: 'daz' },
      { foo: 'bar', baz: 'daz' },
    ],
    [
      'record, complex unknown field ignored',
      testRecord,
      { foo: 'bar', extraField: { foo: 'x' }, baz: 'daz' },
      { foo: 'bar', baz: 'daz' },
    ],
    [
      'array of records',
      {
        type: 'array',
        items: {
          type: 'record',
          name: 'R',
          fields: [
            { name: 'field1', type: ['null', 'string'], default: null },
            { name: 'field2', type: ['null', 'int'], default: null },
            { name: 'field3', type: ['null', 'boolean'], default: null },
          ],
        },
      },
      [
        { field1: 'foo', field2: 42, extra: 'ignored' },
        { field1: 'bar', field3: true },
      ],
      [
        { field1: 'foo', field2: 42, field3: null },
        { field1: 'bar', field2: null, field3: true },
      ],
    ],
    [
      'nested record',
      {
        namespace: 'io.divolte.server.recordmapping',
        type: 'record',
        name: 'TestRecord',
        fields: [
          { name: 'field1', type: ['null', 'string'], default: null },
          { name: 'nested', type: ['null', 'TestRecord'], default: null },
        ],
      },
      { field1: 'foo', nested: { field1: 'bar', nested: { field1: 'baz' } } },
      { field1: 'foo', nested: { field1: 'bar', nested: { field1: 'baz', nested: null } } },
    ],
  ])('%s', (_title, schema, json, expected) => {
    const value = coerce(schema, json);
    expect(value).toEqual(expected);
    expect(avsc.Type.forSchema(schema as avsc.Schema).isValid(value)).toBe(true);
  });

  it('decodes base64 into bytes and fixed', () => {
    expect(
      coerce({ type: 'bytes' }, 'VGhlIHF1aWNrIGJyb3duIGZveCBqdW1wcyBvdmVyIHRoZSBsYXp5IGRvZy4='),
    ).toEqual(Buffer.from('The quick brown fox jumps over the lazy dog.'));
    expect(
      [
        ...(coerce({ type: 'fixed', name: 'md5', size: 16 }, 'FHWPGv1EwJt5kgc8zwC0PQ==') as Buffer),
      ].map((b) => (b << 24) >> 24),
    ).toEqual([20, 117, -113, 26, -3, 68, -64, -101, 121, -110, 7, 60, -49, 0, -76, 61]);
  });

  it.each<[string, unknown, unknown]>([
    ['not null as null', { type: 'null' }, 'not null'],
    ['unknown enum symbol', { type: 'enum', name: 'Suit', symbols: ['SPADES'] }, 'RAKES'],
    ['scalar as map', { type: 'map', values: 'string' }, 'bar'],
    ['scalar as record', testRecord, 'bar'],
    ['non-trivial union', ['string', 'int'], 'x'],
    ['two-element array as value', { type: 'string' }, ['a', 'b']],
    ['object as string', { type: 'string' }, { a: 1 }],
    ['int out of range', { type: 'int' }, 2 ** 31],
    ['null onto a plain type', { type: 'string' }, null],
    ['record missing a required field', testRecord, { foo: 'bar' }],
    ['short fixed', { type: 'fixed', name: 'f', size: 4 }, 'AAA='],
  ])('fails for %s', (_title, schema, json) => {
    expect(coerce(schema, json)).toBe(FAIL);
  });

  it('coerces across JSON scalar types as Jackson does', () => {
    expect(coerce('int', '42')).toBe(42);
    expect(coerce('int', 42.9)).toBe(42);
    expect(coerce('long', '-7')).toBe(-7);
    expect(coerce('double', '2.5')).toBe(2.5);
    expect(coerce('boolean', 'true')).toBe(true);
    expect(coerce('boolean', 'FALSE')).toBe(false);
    expect(coerce('boolean', 0)).toBe(false);
    expect(coerce('boolean', 'yes')).toBe(FAIL);
    expect(coerce('string', 42)).toBe('42');
    expect(coerce('string', 0.5)).toBe('0.5');
    expect(coerce('string', false)).toBe('false');
  });
});

describe('Java text of numbers', () => {
  it('prints doubles as Double.toString (vectors from the JDK)', () => {
    expect(javaDoubleToString(1e-5)).toBe('1.0E-5');
    expect(javaDoubleToString(1e7)).toBe('1.0E7');
    expect(javaDoubleToString(123456.789)).toBe('123456.789');
    expect(javaDoubleToString(1e21)).toBe('1.0E21');
    expect(javaDoubleToString(0.001)).toBe('0.001');
    expect(javaDoubleToString(10)).toBe('10.0');
    expect(javaDoubleToString(-0)).toBe('-0.0');
    expect(javaDoubleToString(1.5e-7)).toBe('1.5E-7');
    expect(javaDoubleToString(NaN)).toBe('NaN');
    expect(javaDoubleToString(-Infinity)).toBe('-Infinity');
    expect(jsonAsText(undefined)).toBe('');
  });
});
