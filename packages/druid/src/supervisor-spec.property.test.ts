import type { AvroField, AvroRecordSchema, AvroSchema } from '@tributary/schema';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSupervisorSpec, DruidError, explainColumns } from './index';

const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/);
let named = 0;

// Avro types without name clashes: every named type gets a fresh name.
const avroType: fc.Arbitrary<AvroSchema> = fc.letrec<{ type: AvroSchema }>((tie) => ({
  type: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('boolean', 'int', 'long', 'float', 'double', 'bytes', 'string'),
    fc.constant({ type: 'long', logicalType: 'timestamp-millis' }),
    fc.array(fc.constantFrom('a', 'b', 'c'), { minLength: 1, maxLength: 3 }).map((symbols) => ({
      type: 'enum' as const,
      name: `E${(named += 1)}`,
      symbols: [...new Set(symbols)],
    })),
    tie('type').map((items) => ({ type: 'array' as const, items })),
    tie('type').map((values) => ({ type: 'map' as const, values })),
    tie('type')
      .filter((type) => !Array.isArray(type))
      .map((type) => ['null', type]),
    fc
      .uniqueArray(fc.tuple(name, tie('type')), {
        minLength: 1,
        maxLength: 3,
        selector: ([n]) => n,
      })
      .map((fields) => ({
        type: 'record' as const,
        name: `R${(named += 1)}`,
        fields: fields.map(([n, type]): AvroField => ({ name: n, type })),
      })),
  ),
})).type;

const record: fc.Arbitrary<AvroRecordSchema> = fc
  .uniqueArray(fc.tuple(name, avroType), { maxLength: 8, selector: ([n]) => n })
  .map((fields) => ({
    type: 'record',
    name: 'Event',
    fields: [
      { name: 'timestamp', type: 'long' },
      ...fields
        // Names the planner refuses on purpose: derived columns, Druid's time column, the count metric.
        .filter(([n]) => !['timestamp', 'pagePath', 'referrerHost', '__time', 'count'].includes(n))
        .map(([n, type]): AvroField => ({ name: n, type })),
    ],
  }));

const base = { dataSource: 'events', topic: 'events', bootstrapServers: 'kafka:9092' };

describe('createSupervisorSpec on arbitrary record schemas', () => {
  it('gives every non-timestamp field exactly one typed dimension, and survives JSON', () => {
    fc.assert(
      fc.property(
        record,
        fc.constantFrom<'json' | 'flatten'>('json', 'flatten'),
        (schema, nested) => {
          let spec;
          try {
            spec = createSupervisorSpec({ schema, ...base, nested, derivedColumns: false });
          } catch (error) {
            // Flattening `a.b` next to a field `a_b` is refused rather than silently merged, and
            // `_.time` would be a second __time column.
            expect(
              nested === 'flatten' &&
                error instanceof DruidError &&
                /both named|second __time/.test(error.message),
            ).toBe(true);
            return;
          }
          const dimensions = spec.spec.dataSchema.dimensionsSpec!.dimensions;
          const names = dimensions.map((dimension) => dimension.name);
          expect(new Set(names).size).toBe(names.length);
          for (const dimension of dimensions) {
            expect(['string', 'long', 'double', 'json', 'auto']).toContain(dimension.type);
          }
          if (nested === 'json') {
            expect(names).toEqual(schema.fields.slice(1).map((field) => field.name));
          }
          expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('with rollup, explains every field, and each dimension and metric comes from a decision', () => {
    fc.assert(
      fc.property(record, fc.boolean(), (schema, sumNumbers) => {
        const numbers = schema.fields
          .slice(1)
          .filter((field) => ['int', 'long', 'float', 'double'].includes(field.type as string))
          .map((field) => field.name);
        const options = {
          schema,
          rollup: true,
          ...(sumNumbers ? { metrics: numbers } : {}),
        };
        const spec = createSupervisorSpec({ ...base, ...options });
        const decisions = explainColumns(options);
        const explained = new Set(decisions.map((decision) => decision.field));
        for (const field of schema.fields) expect(explained.has(field.name)).toBe(true);
        const { dimensionsSpec, metricsSpec } = spec.spec.dataSchema;
        const columns = (outcome: string) =>
          decisions
            .filter((decision) => decision.outcome === outcome)
            .map((decision) => decision.column);
        expect(dimensionsSpec!.dimensions.map((dimension) => dimension.name)).toEqual(
          columns('dimension'),
        );
        expect(metricsSpec.map((metric) => metric.name).sort()).toEqual(
          [...columns('metric'), ...columns('sketch')].sort(),
        );
        expect(metricsSpec.filter((metric) => metric.type.endsWith('Sum'))).toHaveLength(
          sumNumbers ? numbers.length : 0,
        );
      }),
      { numRuns: 200 },
    );
  });

  it('with rollup and no exclusions, puts each field in the dimensions or the metrics', () => {
    fc.assert(
      fc.property(record, (schema) => {
        const spec = createSupervisorSpec({ schema, ...base, rollup: true, rollupExclude: [] });
        const { dimensionsSpec, metricsSpec } = spec.spec.dataSchema;
        const covered = new Set([
          ...dimensionsSpec!.dimensions.map((dimension) => dimension.name),
          ...metricsSpec.flatMap((metric) => ('fieldName' in metric ? [metric.fieldName] : [])),
        ]);
        for (const field of schema.fields.slice(1)) expect(covered.has(field.name)).toBe(true);
        expect(metricsSpec[0]).toEqual({ type: 'count', name: 'count' });
      }),
      { numRuns: 200 },
    );
  });

  it('answers any JSON text with a spec or a DruidError, nothing else', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.string()), (text) => {
        try {
          createSupervisorSpec({ schema: text, ...base });
        } catch (error) {
          expect(error).toBeInstanceOf(DruidError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
