import { avro, defineRecord, tributaryEventRecord } from '@tributary/schema';
import { describe, expect, it } from 'vitest';
import { createSupervisorSpec, explainColumns, type ColumnDecision } from './index';

const checkout = defineRecord({
  name: 'Checkout',
  fields: {
    timestamp: avro.timestampMillis(),
    sentAt: avro.timestampMillis(),
    eventId: avro.string(),
    partyId: avro.string(),
    sessionId: avro.string(),
    customerId: avro.string(),
    userAgentString: avro.string(),
    location: avro.string(),
    country: avro.string(),
    price: avro.double(),
    quantity: avro.int(),
    secret: avro.string(),
  },
});

const row = (decision: ColumnDecision) => [
  decision.field,
  decision.outcome,
  decision.column,
  decision.type,
  decision.rule,
];

describe('explainColumns', () => {
  it('gives every field of a rolled-up datasource its outcome and the rule that decided it', () => {
    const options = {
      schema: checkout,
      rollup: true,
      exclude: ['secret'],
      dimensions: ['customerId'],
      metrics: ['quantity'],
      transforms: [{ type: 'expression' as const, name: 'market', expression: 'lower("country")' }],
    };
    expect(explainColumns(options).map(row)).toEqual([
      ['timestamp', 'time', '__time', 'millis', 'timestamp'],
      ['sentAt', 'left-out', null, null, 'rollup-timestamp'],
      ['eventId', 'left-out', null, null, 'rollup-id'],
      ['partyId', 'left-out', null, null, 'rollup-sketched'],
      ['sessionId', 'left-out', null, null, 'rollup-sketched'],
      ['customerId', 'dimension', 'customerId', 'string', 'named-dimension'],
      ['userAgentString', 'left-out', null, null, 'rollup-client'],
      ['location', 'left-out', null, null, 'rollup-derived-url'],
      ['country', 'dimension', 'country', 'string', 'typed'],
      ['price', 'dimension', 'price', 'double', 'number-dimension'],
      ['quantity', 'metric', 'sum_quantity', 'longSum', 'named-metric'],
      ['secret', 'left-out', null, null, 'exclude'],
      ['location', 'dimension', 'pagePath', 'string', 'derived'],
      ['market', 'dimension', 'market', 'string', 'transform'],
      [null, 'metric', 'count', 'count', 'count'],
      ['partyId', 'sketch', 'unique_parties', 'HLLSketchBuild', 'party-sketch'],
      ['sessionId', 'sketch', 'unique_sessions', 'HLLSketchBuild', 'session-sketch'],
    ]);
  });

  it('matches the spec it explains, column for column', () => {
    for (const rollup of [false, true]) {
      const options = { schema: tributaryEventRecord, rollup };
      const spec = createSupervisorSpec({
        ...options,
        dataSource: 'd',
        topic: 't',
        bootstrapServers: 'k:1',
      }).spec.dataSchema;
      const decisions = explainColumns(options);
      const columns = (outcomes: string[]) =>
        decisions
          .filter((decision) => outcomes.includes(decision.outcome))
          .map((decision) => decision.column);
      expect(columns(['dimension'])).toEqual(spec.dimensionsSpec!.dimensions.map((d) => d.name));
      expect(columns(['metric', 'sketch'])).toEqual(spec.metricsSpec.map((m) => m.name));
      expect(columns(['time'])).toEqual(['__time']);
    }
  });

  it('says when rollupExclude replaced the default rules, and keeps every field of a raw datasource', () => {
    const replaced = explainColumns({ schema: checkout, rollup: true, rollupExclude: ['country'] });
    expect(replaced.filter((decision) => decision.outcome === 'left-out').map(row)).toEqual([
      ['country', 'left-out', null, null, 'rollup-exclude'],
    ]);
    expect(replaced.find((decision) => decision.field === 'eventId')?.rule).toBe('typed');
    const raw = explainColumns({ schema: checkout, metrics: ['quantity'] });
    expect(new Set(raw.map((decision) => decision.rule))).toEqual(
      new Set(['timestamp', 'typed', 'derived']),
    );
  });
});
