import type { Kafka } from 'kafkajs';
import { describe, expectTypeOf, it } from 'vitest';
import {
  divolteEventRecord,
  type DivolteEventRecord,
  type Sink,
  type SinkRecord,
} from '@tributary/schema';
import {
  createAvroValueCodec,
  createKafkaSink,
  type KafkaSink,
  type KafkaSinkOptions,
} from './index';

declare const kafka: Kafka;

describe('createKafkaSink types', () => {
  it('infers the record type from a declaration and implements Sink', () => {
    const sink = createKafkaSink({ kafka, topic: 'divolte', schema: divolteEventRecord });
    expectTypeOf(sink).toEqualTypeOf<KafkaSink<DivolteEventRecord>>();
    expectTypeOf(sink).toExtend<Sink<DivolteEventRecord>>();
    expectTypeOf<(typeof sink)['write']>()
      .parameter(0)
      .toEqualTypeOf<readonly SinkRecord<DivolteEventRecord>[]>();
  });

  it('takes Avro JSON with an explicit record type, and checks what is written', () => {
    const sink = createKafkaSink<{ v: number }>({
      kafka,
      topic: 't',
      schema: { type: 'record', name: 'V', fields: [{ name: 'v', type: 'long' }] },
    });
    void sink.write([{ key: null, timestamp: 0, value: { v: 1 } }]);
    // @ts-expect-error a string is not a { v: number }
    void sink.write([{ key: null, timestamp: 0, value: { v: '1' } }]);
  });

  it('accepts exactly one value format', () => {
    expectTypeOf<{ type: 'confluent'; schemaId: 7 }>().toExtend<
      NonNullable<KafkaSinkOptions<unknown>['format']>
    >();
    // A Confluent format needs a schema id or a registry.
    expectTypeOf<{ type: 'confluent' }>().not.toExtend<
      NonNullable<KafkaSinkOptions<unknown>['format']>
    >();
    const codec = createAvroValueCodec<{ v: number }>({ schema: 'long' });
    expectTypeOf(codec.decode(new Uint8Array())).toEqualTypeOf<{ v: number }>();
  });
});
