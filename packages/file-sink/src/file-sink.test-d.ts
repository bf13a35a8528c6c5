import { describe, expectTypeOf, it } from 'vitest';
import {
  divolteEventRecord,
  type DivolteEventRecord,
  type Sink,
  type SinkRecord,
} from '@tributary/schema';
import { createFileSink, type FileSink } from './index';

describe('createFileSink types', () => {
  it('infers the record type from a declaration and implements Sink', () => {
    const sink = createFileSink({
      schema: divolteEventRecord,
      workingDirectory: '/w',
      publishDirectory: '/p',
    });
    expectTypeOf(sink).toEqualTypeOf<FileSink<DivolteEventRecord>>();
    expectTypeOf(sink).toExtend<Sink<DivolteEventRecord>>();
    expectTypeOf<(typeof sink)['write']>()
      .parameter(0)
      .toEqualTypeOf<readonly SinkRecord<DivolteEventRecord>[]>();
  });

  it('takes Avro JSON with an explicit record type', () => {
    const sink = createFileSink<{ v: number }>({
      schema: { type: 'record', name: 'V', fields: [{ name: 'v', type: 'long' }] },
      workingDirectory: '/w',
      publishDirectory: '/p',
    });
    // @ts-expect-error a string is not a { v: number }
    void sink.write([{ key: null, timestamp: 0, value: { v: 'x' } }]);
  });

  it('rejects unknown codecs and layouts at compile time', () => {
    createFileSink({
      schema: divolteEventRecord,
      workingDirectory: '/w',
      publishDirectory: '/p',
      // @ts-expect-error only null and deflate
      codec: 'snappy',
    });
    createFileSink({
      schema: divolteEventRecord,
      workingDirectory: '/w',
      publishDirectory: '/p',
      // @ts-expect-error none, date or hour
      subdirectories: 'minute',
    });
  });
});
