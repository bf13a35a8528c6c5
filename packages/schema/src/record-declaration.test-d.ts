import { describe, expectTypeOf, it } from 'vitest';
import { avro, defineRecord, field, type InferRecord } from './record-declaration';
import type { DivolteEventRecord } from './records/divolte-event-record';
import type { TributaryEventRecord } from './records/tributary-event-record';

describe('record types', () => {
  it('follow the declaration', () => {
    const _declaration = defineRecord({
      name: 'R',
      fields: {
        n: avro.long(),
        s: avro.nullable(avro.string()),
        kind: avro.enum('Kind', ['a', 'b']),
        tags: avro.array(avro.string()),
        extra: avro.map(avro.nullable(avro.double())),
        nested: defineRecord({ name: 'N', fields: { ok: avro.boolean() } }),
        documented: field(avro.string(), { doc: 'x', default: 'y' }),
      },
    });
    expectTypeOf<InferRecord<typeof _declaration>>().toEqualTypeOf<{
      n: number;
      s: string | null;
      kind: 'a' | 'b';
      tags: string[];
      extra: Record<string, number | null>;
      nested: { ok: boolean };
      documented: string;
    }>();
  });

  it('type the built-in records', () => {
    expectTypeOf<DivolteEventRecord['eventType']>().toEqualTypeOf<string>();
    expectTypeOf<DivolteEventRecord['referer']>().toEqualTypeOf<string | null>();
    expectTypeOf<TributaryEventRecord['devicePixelRatio']>().toEqualTypeOf<number | null>();
    // @ts-expect-error Divolte's record has no event id.
    expectTypeOf<DivolteEventRecord['eventId']>();
  });

  it('reject defaults of the wrong type at compile time', () => {
    // @ts-expect-error a string default for a long field
    field(avro.long(), { default: 'x' });
  });
});
