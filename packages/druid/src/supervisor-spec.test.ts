import {
  avro,
  defineRecord,
  divolteEventRecord,
  field,
  tributaryEventRecord,
} from '@tributary/schema';
import { describe, expect, it } from 'vitest';
import type { AvroField, AvroRecordSchema, AvroSchema } from '@tributary/schema';
import { createSupervisorSpec, DruidError, type SupervisorSpecOptions } from './index';

const base = { dataSource: 'events', topic: 'events', bootstrapServers: 'kafka:9092' };

const everyType = defineRecord({
  name: 'EveryType',
  namespace: 'test',
  fields: {
    timestamp: avro.timestampMillis(),
    anInt: avro.int(),
    aLong: avro.long(),
    aFloat: avro.float(),
    aDouble: avro.double(),
    aString: avro.string(),
    anEnum: avro.enum('Color', ['red', 'green']),
    aBoolean: avro.boolean(),
    maybeString: avro.nullable(avro.string()),
    maybeLong: avro.nullable(avro.long()),
    maybeBoolean: avro.nullable(avro.boolean()),
    bytes: avro.bytes(),
    tags: avro.array(avro.string()),
    counts: avro.array(avro.long()),
    flags: avro.array(avro.boolean()),
    ratios: avro.array(avro.double()),
    attributes: avro.map(avro.string()),
    geo: field(
      defineRecord({
        name: 'Geo',
        fields: { country: avro.string(), point: avro.nullable(avro.array(avro.double())) },
      }),
    ),
  },
});

function spec(options: Partial<SupervisorSpecOptions> = {}) {
  return createSupervisorSpec({ schema: everyType, ...base, ...options });
}

describe('createSupervisorSpec: the Avro → Druid type mapping', () => {
  it('types every kind of field', () => {
    const { dataSchema } = spec().spec;
    expect(dataSchema.timestampSpec).toEqual({ column: 'timestamp', format: 'millis' });
    expect(dataSchema.dimensionsSpec?.dimensions).toEqual([
      { type: 'long', name: 'anInt' },
      { type: 'long', name: 'aLong' },
      { type: 'double', name: 'aFloat' },
      { type: 'double', name: 'aDouble' },
      { type: 'string', name: 'aString' },
      { type: 'string', name: 'anEnum' },
      { type: 'long', name: 'aBoolean' },
      { type: 'string', name: 'maybeString' },
      { type: 'long', name: 'maybeLong' },
      { type: 'long', name: 'maybeBoolean' },
      { type: 'string', name: 'bytes' },
      { type: 'auto', name: 'tags', castToType: 'ARRAY<STRING>' },
      { type: 'auto', name: 'counts', castToType: 'ARRAY<LONG>' },
      { type: 'auto', name: 'flags', castToType: 'ARRAY<LONG>' },
      { type: 'auto', name: 'ratios', castToType: 'ARRAY<DOUBLE>' },
      { type: 'json', name: 'attributes' },
      { type: 'json', name: 'geo' },
    ]);
    expect(dataSchema.metricsSpec).toEqual([]);
    expect(dataSchema.granularitySpec).toEqual({
      type: 'uniform',
      segmentGranularity: 'hour',
      queryGranularity: 'none',
      rollup: false,
    });
  });

  it('writes booleans as strings on request', () => {
    const dimensions = spec({ booleans: 'string' }).spec.dataSchema.dimensionsSpec!.dimensions;
    expect(dimensions.find((d) => d.name === 'aBoolean')).toEqual({
      type: 'string',
      name: 'aBoolean',
    });
  });

  it('flattens nested records into paths, keeping maps and arrays of records as json', () => {
    const { spec: body } = spec({ nested: 'flatten' });
    const dimensions = body.dataSchema.dimensionsSpec!.dimensions;
    expect(dimensions.filter((d) => d.name.startsWith('geo'))).toEqual([
      { type: 'string', name: 'geo_country' },
      { type: 'auto', name: 'geo_point', castToType: 'ARRAY<DOUBLE>' },
    ]);
    expect(body.ioConfig.inputFormat?.flattenSpec).toEqual({
      useFieldDiscovery: true,
      fields: [
        { type: 'path', name: 'geo_country', expr: '$.geo.country' },
        { type: 'path', name: 'geo_point', expr: '$.geo.point' },
      ],
    });
    expect(dimensions.find((d) => d.name === 'attributes')).toEqual({
      type: 'json',
      name: 'attributes',
    });
  });

  it('makes multi-type unions json and resolves named types used twice', () => {
    const schema = {
      type: 'record',
      name: 'R',
      fields: [
        { name: 'timestamp', type: 'long' },
        { name: 'either', type: ['null', 'string', 'long'] },
        { name: 'first', type: { type: 'enum', name: 'Kind', symbols: ['a', 'b'] } },
        { name: 'second', type: 'Kind' },
      ],
    } satisfies AvroRecordSchema;
    const dimensions = createSupervisorSpec({ schema, ...base }).spec.dataSchema.dimensionsSpec!
      .dimensions;
    expect(dimensions).toEqual([
      { type: 'json', name: 'either' },
      { type: 'string', name: 'first' },
      { type: 'string', name: 'second' },
    ]);
  });

  it('reads the schema as JSON text, a declaration or the bare object alike', () => {
    const fromDeclaration = createSupervisorSpec({ schema: divolteEventRecord, ...base });
    expect(createSupervisorSpec({ schema: divolteEventRecord.schema, ...base })).toEqual(
      fromDeclaration,
    );
    expect(
      createSupervisorSpec({ schema: JSON.stringify(divolteEventRecord.schema), ...base }),
    ).toEqual(fromDeclaration);
  });
});

describe('createSupervisorSpec: the rest of the spec', () => {
  it('emits the modern inputFormat with the inline schema, and the Kafka ioConfig', () => {
    const {
      spec: body,
      id,
      type,
    } = createSupervisorSpec({
      schema: tributaryEventRecord,
      ...base,
      consumerProperties: { 'security.protocol': 'SASL_SSL', 'bootstrap.servers': 'ignored:1' },
      taskCount: 2,
      replicas: 2,
      taskDuration: 'PT30M',
      useEarliestOffset: true,
      startDelay: 'PT1S',
      period: 'PT10S',
      lateMessageRejectionPeriod: 'P1D',
      tuningConfig: { maxRowsInMemory: 50_000 },
    });
    expect(type).toBe('kafka');
    expect(id).toBe('events');
    expect(body.ioConfig).toEqual({
      type: 'kafka',
      topic: 'events',
      inputFormat: {
        type: 'avro_stream',
        avroBytesDecoder: { type: 'schema_inline', schema: tributaryEventRecord.schema },
        binaryAsString: false,
      },
      consumerProperties: { 'security.protocol': 'SASL_SSL', 'bootstrap.servers': 'kafka:9092' },
      taskCount: 2,
      replicas: 2,
      taskDuration: 'PT30M',
      useEarliestOffset: true,
      startDelay: 'PT1S',
      period: 'PT10S',
      lateMessageRejectionPeriod: 'P1D',
    });
    expect(body.tuningConfig).toEqual({
      type: 'kafka',
      maxSavedParseExceptions: 10,
      maxRowsInMemory: 50_000,
    });
    expect(body.dataSchema.parser).toBeUndefined();
  });

  it('derives page path and referrer host from the URLs', () => {
    const tributary = createSupervisorSpec({ schema: tributaryEventRecord, ...base }).spec
      .dataSchema;
    expect(tributary.transformSpec?.transforms.map((t) => t.name)).toEqual([
      'pagePath',
      'referrerHost',
    ]);
    expect(tributary.transformSpec?.transforms[1]?.expression).toContain('"referrer"');
    const divolte = createSupervisorSpec({ schema: divolteEventRecord, ...base }).spec.dataSchema;
    expect(divolte.transformSpec?.transforms[1]?.expression).toContain('"referer"');
    expect(divolte.dimensionsSpec?.dimensions.slice(-2)).toEqual([
      { type: 'string', name: 'pagePath' },
      { type: 'string', name: 'referrerHost' },
    ]);
    const none = createSupervisorSpec({
      schema: tributaryEventRecord,
      ...base,
      derivedColumns: false,
    });
    expect(none.spec.dataSchema.transformSpec).toBeUndefined();
  });

  it('adds user transforms as string dimensions', () => {
    const { dataSchema } = createSupervisorSpec({
      schema: tributaryEventRecord,
      ...base,
      derivedColumns: false,
      transforms: [
        { type: 'expression', name: 'eventTypeLower', expression: 'lower("eventType")' },
      ],
    }).spec;
    expect(dataSchema.transformSpec?.transforms).toHaveLength(1);
    expect(dataSchema.dimensionsSpec?.dimensions.at(-1)).toEqual({
      type: 'string',
      name: 'eventTypeLower',
    });
  });

  it('rolls up: count, sketches of party and session, ids out of the dimensions, numbers kept as dimensions', () => {
    const { dataSchema } = createSupervisorSpec({
      schema: tributaryEventRecord,
      ...base,
      rollup: true,
    }).spec;
    const names = dataSchema.dimensionsSpec!.dimensions.map((d) => d.name);
    for (const gone of [
      'eventId',
      'partyId',
      'sessionId',
      'pageViewId',
      'clientTimestamp',
      'location',
      'referrer',
      'remoteHost',
      'userAgentString',
    ]) {
      expect(names).not.toContain(gone);
    }
    expect(names).toEqual(
      expect.arrayContaining(['eventType', 'isBot', 'pagePath', 'referrerHost', 'geoCountryCode']),
    );
    // Coordinates, screen sizes and ratios are attributes: summing them would be nonsense.
    expect(dataSchema.dimensionsSpec!.dimensions).toEqual(
      expect.arrayContaining([
        { type: 'double', name: 'geoLatitude' },
        { type: 'double', name: 'geoLongitude' },
        { type: 'double', name: 'devicePixelRatio' },
        { type: 'long', name: 'viewportPixelWidth' },
      ]),
    );
    expect(dataSchema.metricsSpec).toEqual([
      { type: 'count', name: 'count' },
      {
        type: 'HLLSketchBuild',
        name: 'unique_parties',
        fieldName: 'partyId',
        lgK: 12,
        tgtHllType: 'HLL_4',
      },
      {
        type: 'HLLSketchBuild',
        name: 'unique_sessions',
        fieldName: 'sessionId',
        lgK: 12,
        tgtHllType: 'HLL_4',
      },
    ]);
    expect(dataSchema.granularitySpec).toMatchObject({ rollup: true, queryGranularity: 'minute' });
  });

  it('sums only the numbers named in metrics, and keeps the fields named in dimensions', () => {
    const schema = defineRecord({
      name: 'Order',
      fields: {
        timestamp: avro.timestampMillis(),
        customerId: avro.string(),
        visitorId: avro.string(),
        quantity: avro.int(),
        price: avro.double(),
        latitude: avro.nullable(avro.double()),
        longitude: avro.nullable(avro.double()),
        shipping: field(
          defineRecord({ name: 'Shipping', fields: { cost: avro.double(), zone: avro.string() } }),
        ),
      },
    });
    const { dataSchema } = createSupervisorSpec({
      schema,
      ...base,
      rollup: true,
      nested: 'flatten',
      partyIdField: 'visitorId',
      dimensions: ['customerId'],
      metrics: ['quantity', 'price', 'shipping_cost'],
    }).spec;
    expect(dataSchema.dimensionsSpec!.dimensions).toEqual([
      { type: 'string', name: 'customerId' },
      { type: 'double', name: 'latitude' },
      { type: 'double', name: 'longitude' },
      { type: 'string', name: 'shipping_zone' },
    ]);
    expect(dataSchema.metricsSpec).toEqual([
      { type: 'count', name: 'count' },
      { type: 'longSum', name: 'sum_quantity', fieldName: 'quantity' },
      { type: 'doubleSum', name: 'sum_price', fieldName: 'price' },
      { type: 'doubleSum', name: 'sum_shipping_cost', fieldName: 'shipping_cost' },
      {
        type: 'HLLSketchBuild',
        name: 'unique_parties',
        fieldName: 'visitorId',
        lgK: 12,
        tgtHllType: 'HLL_4',
      },
    ]);
    // Without rollup every field is a column and sums are computed at query time.
    const raw = createSupervisorSpec({ schema, ...base, metrics: ['quantity'] }).spec.dataSchema;
    expect(raw.metricsSpec).toEqual([]);
    expect(raw.dimensionsSpec!.dimensions.map((d) => d.name)).toContain('quantity');
  });

  it('lets rollup keep chosen fields and sketch other ids', () => {
    const { dataSchema } = createSupervisorSpec({
      schema: tributaryEventRecord,
      ...base,
      rollup: true,
      queryGranularity: 'hour',
      rollupExclude: ['eventId'],
      partyIdField: 'remoteHost',
      sessionIdField: null,
    }).spec;
    expect(dataSchema.granularitySpec.queryGranularity).toBe('hour');
    expect(dataSchema.dimensionsSpec!.dimensions.map((d) => d.name)).toContain('sessionId');
    expect(dataSchema.metricsSpec.filter((m) => m.type === 'HLLSketchBuild')).toEqual([
      {
        type: 'HLLSketchBuild',
        name: 'unique_parties',
        fieldName: 'remoteHost',
        lgK: 12,
        tgtHllType: 'HLL_4',
      },
    ]);
  });

  it('emits the legacy parser form on request', () => {
    const { dataSchema, ioConfig } = createSupervisorSpec({
      schema: tributaryEventRecord,
      ...base,
      legacyParser: true,
    }).spec;
    expect(ioConfig.inputFormat).toBeUndefined();
    expect(dataSchema.timestampSpec).toBeUndefined();
    expect(dataSchema.parser).toMatchObject({
      type: 'avro_stream',
      avroBytesDecoder: { type: 'schema_inline' },
      parseSpec: { format: 'avro', timestampSpec: { column: 'timestamp', format: 'millis' } },
    });
    expect(dataSchema.parser?.parseSpec.dimensionsSpec.dimensions.length).toBeGreaterThan(30);
  });

  it('uses a schema registry on request', () => {
    const { inputFormat } = createSupervisorSpec({
      schema: tributaryEventRecord,
      ...base,
      decoder: { type: 'schema_registry', url: 'http://registry:8081', headers: { 'x-key': 'k' } },
    }).spec.ioConfig;
    expect(inputFormat?.avroBytesDecoder).toEqual({
      type: 'schema_registry',
      url: 'http://registry:8081',
      headers: { 'x-key': 'k' },
    });
  });

  it('takes the timestamp column and format from options or the schema', () => {
    const schema = defineRecord({
      name: 'T',
      fields: { at: avro.string(), occurred: avro.timestampMillis(), n: avro.long() },
    });
    expect(createSupervisorSpec({ schema, ...base }).spec.dataSchema.timestampSpec).toEqual({
      column: 'occurred',
      format: 'millis',
    });
    expect(
      createSupervisorSpec({ schema, ...base, timestampColumn: 'at' }).spec.dataSchema
        .timestampSpec,
    ).toEqual({
      column: 'at',
      format: 'auto',
    });
    expect(
      createSupervisorSpec({ schema, ...base, timestampColumn: 'n', timestampFormat: 'posix' }).spec
        .dataSchema.timestampSpec,
    ).toEqual({ column: 'n', format: 'posix' });
  });

  it('leaves excluded fields out', () => {
    const names = createSupervisorSpec({
      schema: tributaryEventRecord,
      ...base,
      exclude: ['userAgentString', 'remoteHost'],
    }).spec.dataSchema.dimensionsSpec!.dimensions.map((d) => d.name);
    expect(names).not.toContain('userAgentString');
    expect(names).not.toContain('remoteHost');
  });
});

function recursive(fields: AvroField[]) {
  return createSupervisorSpec({
    schema: {
      type: 'record',
      name: 'Node',
      namespace: 'test',
      fields: [{ name: 'timestamp', type: 'long' }, ...fields],
    },
    ...base,
  });
}

function withField(name: string, type: AvroSchema): AvroRecordSchema {
  return {
    type: 'record',
    name: 'R',
    fields: [
      { name: 'timestamp', type: 'long' },
      { name, type },
    ],
  };
}

describe('createSupervisorSpec: names Druid reserves', () => {
  it('takes a field named __time when it is the timestamp or excluded', () => {
    const schema = withField('__time', { type: 'long', logicalType: 'timestamp-millis' });
    const asTime = createSupervisorSpec({ schema, ...base, timestampColumn: '__time' }).spec;
    expect(asTime.dataSchema.timestampSpec).toEqual({ column: '__time', format: 'millis' });
    expect(asTime.dataSchema.dimensionsSpec?.dimensions).toEqual([
      { type: 'long', name: 'timestamp' },
    ]);
    const left = createSupervisorSpec({ schema, ...base, exclude: ['__time'] }).spec;
    expect(left.dataSchema.timestampSpec?.column).toBe('timestamp');
    expect(left.dataSchema.dimensionsSpec?.dimensions).toEqual([]);
  });

  it('still reads a record type used twice without recursion', () => {
    const point = { type: 'record', name: 'Point', fields: [{ name: 'x', type: 'double' }] };
    const schema: AvroRecordSchema = {
      type: 'record',
      name: 'Line',
      fields: [
        { name: 'timestamp', type: 'long' },
        { name: 'from', type: point as AvroSchema },
        { name: 'to', type: 'Point' },
      ],
    };
    expect(
      createSupervisorSpec({ schema, ...base, nested: 'flatten' }).spec.dataSchema.dimensionsSpec
        ?.dimensions,
    ).toEqual([
      { type: 'double', name: 'from_x' },
      { type: 'double', name: 'to_x' },
    ]);
  });
});

describe('createSupervisorSpec: errors', () => {
  const cases: [string, () => unknown, string, RegExp][] = [
    [
      'not JSON',
      () => createSupervisorSpec({ schema: '{', ...base }),
      'invalid_schema',
      /not valid JSON/,
    ],
    [
      'not a record',
      () => createSupervisorSpec({ schema: '"string"', ...base }),
      'invalid_schema',
      /record/,
    ],
    [
      'unknown type',
      () =>
        createSupervisorSpec({
          schema: { type: 'record', name: 'R', fields: [{ name: 'timestamp', type: 'Nope' }] },
          ...base,
        }),
      'invalid_schema',
      /unknown type "Nope"/,
    ],
    [
      'decimal',
      () =>
        createSupervisorSpec({
          schema: {
            type: 'record',
            name: 'R',
            fields: [
              { name: 'timestamp', type: 'long' },
              { name: 'd', type: { type: 'bytes', logicalType: 'decimal' } },
            ],
          },
          ...base,
        }),
      'invalid_schema',
      /decimal/,
    ],
    [
      'no timestamp',
      () =>
        createSupervisorSpec({
          schema: { type: 'record', name: 'R', fields: [{ name: 'x', type: 'long' }] },
          ...base,
        }),
      'invalid_option',
      /timestamp/,
    ],
    ['boolean timestamp', () => spec({ timestampColumn: 'aBoolean' }), 'invalid_option', /boolean/],
    [
      'missing timestamp column',
      () => spec({ timestampColumn: 'nope' }),
      'invalid_option',
      /no field nope/,
    ],
    ['bad data source', () => spec({ dataSource: 'a/b' }), 'invalid_option', /dataSource/],
    ['bad task count', () => spec({ taskCount: 0 }), 'invalid_option', /taskCount/],
    ['bad duration', () => spec({ taskDuration: '1 hour' }), 'invalid_option', /taskDuration/],
    ['bad exclude', () => spec({ exclude: ['nope'] }), 'invalid_option', /exclude/],
    [
      'bad registry',
      () => spec({ decoder: { type: 'schema_registry', url: 'registry:8081' } }),
      'invalid_option',
      /registry/,
    ],
    [
      'bad party field',
      () => spec({ rollup: true, partyIdField: 'nope' }),
      'invalid_option',
      /nope/,
    ],
    [
      'a record that contains itself through a nullable field',
      () => recursive([{ name: 'next', type: ['null', 'Node'], default: null }]),
      'invalid_schema',
      /^Node\.next: .*record test\.Node .*recursive/,
    ],
    [
      'a record that contains itself through an array',
      () => recursive([{ name: 'children', type: { type: 'array', items: 'Node' } }]),
      'invalid_schema',
      /^Node\.children: .*recursive/,
    ],
    [
      'a record that contains itself through a map',
      () => recursive([{ name: 'byName', type: { type: 'map', values: 'test.Node' } }]),
      'invalid_schema',
      /^Node\.byName: .*recursive/,
    ],
    [
      'two records that contain each other',
      () =>
        recursive([
          {
            name: 'child',
            type: {
              type: 'record',
              name: 'Child',
              fields: [{ name: 'parent', type: ['null', 'Node'] }],
            },
          },
        ]),
      'invalid_schema',
      /^Node\.child\.parent: .*recursive/,
    ],
    [
      'a field named __time',
      () => spec({ schema: withField('__time', 'string') }),
      'invalid_schema',
      /__time .*exclude.*--exclude __time.*timestampColumn/,
    ],
    [
      'a flattened column named __time',
      () =>
        spec({
          schema: withField('_', {
            type: 'record',
            name: 'U',
            fields: [{ name: 'time', type: 'long' }],
          }),
          nested: 'flatten',
        }),
      'invalid_schema',
      /__time/,
    ],
    [
      'a transform named __time',
      () => spec({ transforms: [{ type: 'expression', name: '__time', expression: '0' }] }),
      'invalid_option',
      /__time/,
    ],
    [
      'a field named like a rollup metric',
      () => spec({ schema: withField('count', 'long'), rollup: true }),
      'invalid_option',
      /both named count/,
    ],
    [
      'an unknown metric',
      () => spec({ rollup: true, metrics: ['nope'] }),
      'invalid_option',
      /nope/,
    ],
    [
      'a metric that is not a number',
      () => spec({ rollup: true, metrics: ['aString'] }),
      'invalid_option',
      /aString.*not a number/,
    ],
    [
      'the timestamp as a metric',
      () => spec({ rollup: true, metrics: ['timestamp'] }),
      'invalid_option',
      /timestamp/,
    ],
    [
      'an unknown dimension',
      () => spec({ rollup: true, dimensions: ['nope'] }),
      'invalid_option',
      /dimensions names nope/,
    ],
    [
      'a field both dimension and metric',
      () => spec({ rollup: true, dimensions: ['aLong'], metrics: ['aLong'] }),
      'invalid_option',
      /aLong is named in both dimensions and metrics/,
    ],
    [
      'an excluded metric',
      () => spec({ rollup: true, metrics: ['aLong'], exclude: ['aLong'] }),
      'invalid_option',
      /both metrics and exclude/,
    ],
    [
      'a metric inside an excluded record',
      () =>
        spec({
          schema: withField('ship', {
            type: 'record',
            name: 'Ship',
            fields: [{ name: 'cost', type: 'double' }],
          }),
          rollup: true,
          nested: 'flatten',
          metrics: ['ship_cost'],
          exclude: ['ship'],
        }),
      'invalid_option',
      /ship_cost is named in both metrics and exclude/,
    ],
    [
      'a kept column inside an excluded record',
      () =>
        spec({ rollup: true, nested: 'flatten', dimensions: ['geo_country'], exclude: ['geo'] }),
      'invalid_option',
      /geo_country is named in both dimensions and exclude/,
    ],
    [
      'a dimension also rollup-excluded',
      () => spec({ rollup: true, dimensions: ['aLong'], rollupExclude: ['aLong'] }),
      'invalid_option',
      /both dimensions and rollupExclude/,
    ],
  ];
  it.each(cases)('%s', (_, make, code, message) => {
    let caught: unknown;
    try {
      make();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DruidError);
    expect(caught).toMatchObject({ name: 'DruidError', code });
    expect((caught as Error).message).toMatch(message);
  });
});
