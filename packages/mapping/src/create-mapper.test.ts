import type { AvroRecordSchema, Issue } from '@tributary/schema';
import { avro, defineRecord, field, type InferRecord } from '@tributary/schema';
import { describe, expect, it, vi } from 'vitest';
import { createMapper, type MappingBuilder } from './create-mapper';
import { digest } from './digest';
import { eventParameters } from './event-parameters';
import { ip2geo } from './geo-ip';
import { MappingError } from './mapping-error';
import { match, parse } from './parse';
import {
  cookie,
  eventType,
  firstInSession,
  header,
  location,
  partyId,
  referer,
  remoteHost,
  timestamp,
  viewportPixelWidth,
} from './sources';
import { browserEvent, jsonEvent } from './test-support/events';
import { testGeoDatabase } from './test-support/geo-database';
import { userAgent } from './user-agent';
import { BooleanValue, not } from './value';

const probe = defineRecord({
  name: 'Probe',
  fields: {
    a: avro.nullable(avro.string()),
    b: avro.nullable(avro.string()),
    c: avro.nullable(avro.string()),
    flag: avro.nullable(avro.boolean()),
    n: avro.nullable(avro.int()),
    l: avro.nullable(avro.long()),
    f: avro.nullable(avro.float()),
    d: avro.nullable(avro.double()),
    bytes: avro.nullable(avro.bytes()),
    list: avro.nullable(avro.array(avro.string())),
    ints: avro.nullable(avro.array(avro.int())),
    query: avro.nullable(avro.map(avro.array(avro.string()))),
    withDefault: field(avro.string(), { default: 'fallback' }),
  },
});

function run(
  mapping: (builder: MappingBuilder<InferRecord<typeof probe>>) => void,
  event = browserEvent(),
) {
  const mapper = createMapper({ schema: probe, mapping });
  const result = mapper(event);
  if (!result.ok || result.dropped) throw new Error(JSON.stringify(result));
  return result.value;
}

const T = (b: boolean | undefined) => new BooleanValue(`T(${String(b)})`, () => () => b);

describe('map … onto', () => {
  it('writes present values, leaves absent ones at their default', () => {
    const record = run(({ map }) => {
      map(location()).onto('a');
      map(referer()).onto('b');
      map(cookie('missing')).onto('c');
      map(cookie('missing')).onto('withDefault');
    });
    expect(record).toMatchObject({
      a: browserEvent().location,
      b: 'https://www.google.com/',
      c: null,
      withDefault: 'fallback',
    });
  });

  it('later statements overwrite earlier ones; absent values do not erase', () => {
    const record = run(({ map }) => {
      map('first').onto('a');
      map('second').onto('a');
      map('kept').onto('b');
      map(cookie('missing')).onto('b');
    });
    expect(record).toMatchObject({ a: 'second', b: 'kept' });
  });

  it('writes literals that fit the field', () => {
    const record = run(({ map }) => {
      map('text').onto('a');
      map(true).onto('flag');
      map(42).onto('n');
      map(2 ** 40).onto('l');
      map(0.5).onto('f');
      map(1.25).onto('d');
      map('x').onto('withDefault');
      map(null).onto('a');
    });
    expect(record).toMatchObject({
      a: null,
      flag: true,
      n: 42,
      l: 2 ** 40,
      f: 0.5,
      d: 1.25,
      withDefault: 'x',
    });
  });

  it('writes lists, query maps and bytes onto arrays, maps and bytes', () => {
    const event = browserEvent({
      request: { remoteAddress: '1.2.3.4', headers: { 'x-list': ['a, b'] }, cookies: {} },
    });
    const record = run(({ map }) => {
      map(header('X-List')).onto('list');
      map(parse(location()).to('uri').query()).onto('query');
      map(digest('SHA-256').add('x').result()).onto('bytes');
    }, event);
    expect(record.list).toEqual(['a', 'b']);
    expect({ ...record.query }).toEqual({
      utm_source: ['news'],
      utm_medium: ['email'],
      q: ['café au lait'],
    });
    expect(record.bytes).toHaveLength(32);
  });
});

describe('validation when the mapping is built', () => {
  const build = (mapping: (builder: MappingBuilder<Record<string, unknown>>) => void) => () =>
    createMapper({ schema: probe.schema, mapping });

  it('rejects a field the record does not have, naming field and value', () => {
    expect(
      build(({ map }) => {
        map(location()).onto('nope');
      }),
    ).toThrow('Field "nope" does not exist in Probe; error in mapping location() onto nope.');
    expect(
      build(({ map }) => {
        map(location()).onto('nope');
      }),
    ).toThrow(expect.objectContaining({ code: 'unknown_field', name: 'MappingError' }));
  });

  it('follows Divolte type rules: exact type, no widening, trivial unions only', () => {
    expect(
      build(({ map }) => {
        map(viewportPixelWidth()).onto('l');
      }),
    ).toThrow(
      'Cannot map viewportPixelWidth() onto l: an int value needs an int field, not ["null","long"].',
    );
    expect(
      build(({ map }) => {
        map(timestamp()).onto('n');
      }),
    ).toThrow(/a long value needs a long field/);
    expect(
      build(({ map }) => {
        map(location()).onto('flag');
      }),
    ).toThrow(expect.objectContaining({ code: 'type_mismatch' }));
    expect(
      build(({ map }) => {
        map(firstInSession()).onto('a');
      }),
    ).toThrow(/boolean value needs a boolean field/);
    expect(
      build(({ map }) => {
        map(header('x')).onto('ints');
      }),
    ).toThrow(/its items: a string value needs a string field, not "int"/);
    expect(
      build(({ map }) => {
        map(header('x')).onto('a');
      }),
    ).toThrow(/a list needs an array field/);
    expect(
      build(({ map }) => {
        map(parse(location()).to('uri').query()).onto('list');
      }),
    ).toThrow(/a query needs a map of array of string/);
    expect(
      build(({ map }) => {
        map(digest('SHA-256').result()).onto('a');
      }),
    ).toThrow(/bytes value needs a bytes field/);
    const union: AvroRecordSchema = {
      type: 'record',
      name: 'U',
      fields: [{ name: 'u', type: ['null', 'string', 'int'], default: null }],
    };
    expect(() =>
      createMapper({
        schema: union,
        mapping: ({ map }) => {
          map(location()).onto('u');
        },
      }),
    ).toThrow(/only unions of null and one other type/);
  });

  it('checks literals against the field', () => {
    expect(
      build(({ map }) => {
        map(1.5).onto('n');
      }),
    ).toThrow(/the number 1.5 does not fit/);
    expect(
      build(({ map }) => {
        map(2 ** 31).onto('n');
      }),
    ).toThrow(/does not fit/);
    expect(
      build(({ map }) => {
        map('x').onto('n');
      }),
    ).toThrow(/string literal needs a string field/);
    expect(
      build(({ map }) => {
        map(true).onto('a');
      }),
    ).toThrow(/boolean literal/);
    expect(
      build(({ map }) => {
        map(null).onto('withDefault');
      }),
    ).toThrow(/null needs a nullable field/);
    expect(
      build(({ map }) => {
        map({} as never).onto('a');
      }),
    ).toThrow(/only string, number, boolean and null literals/);
  });

  it('rejects values that cannot be mapped directly', () => {
    for (const value of [
      userAgent(),
      parse(location()).to('uri'),
      match('x').against(location()),
    ]) {
      expect(
        build(({ map }) => {
          map(value as never).onto('a');
        }),
      ).toThrow(expect.objectContaining({ code: 'unmappable_value' }));
    }
    expect(() =>
      createMapper({
        schema: probe,
        geoIpDatabase: testGeoDatabase(),
        mapping: ({ map }) => {
          map(ip2geo() as never).onto('a');
        },
      }),
    ).toThrow(/a geo lookup cannot be mapped directly/);
  });

  it('rejects a required field that no statement sets (Divolte only fails at run time)', () => {
    const record = defineRecord({
      name: 'Req',
      fields: { id: avro.string(), other: avro.string(), opt: avro.nullable(avro.int()) },
    });
    expect(() =>
      createMapper({
        schema: record,
        mapping: ({ map }) => {
          map(partyId()).onto('id');
        },
      }),
    ).toThrow(
      'Req: no statement sets other, which has no default; map a value onto it or give it a default.',
    );
    expect(() => createMapper({ schema: record, mapping: () => undefined })).toThrow(
      expect.objectContaining({
        code: 'unset_required_field',
        message: expect.stringContaining('id, other'),
      }),
    );
  });

  it('rejects schemas that are not Avro records, and statements made after the build', () => {
    expect(() =>
      createMapper({
        schema: { type: 'record', name: 'X', fields: [{ name: 'a', type: 'nope' }] },
        mapping: () => undefined,
      }),
    ).toThrow(expect.objectContaining({ code: 'invalid_schema' }));
    expect(() =>
      createMapper({
        schema: { type: 'enum', name: 'E', symbols: ['A'] } as unknown as AvroRecordSchema,
        mapping: () => undefined,
      }),
    ).toThrow(/must be an Avro record/);
    let saved: MappingBuilder<Record<string, unknown>> | undefined;
    createMapper({ schema: probe.schema, mapping: (builder) => (saved = builder) });
    expect(() => saved?.stop()).toThrow(MappingError);
  });

  it('rejects a map without onto and a when without its action', () => {
    expect(build(({ map }) => void map(location()))).toThrow(
      'map(location()) is not finished: add .onto(field).',
    );
    expect(build(({ when }) => void when(referer().isPresent()))).toThrow(
      expect.objectContaining({
        code: 'invalid_mapping',
        message: expect.stringContaining('when(referer().isPresent())'),
      }),
    );
  });

  it('rejects a condition that is not a boolean value', () => {
    expect(
      build(({ when }) => {
        when(location() as never).stop();
      }),
    ).toThrow(/the condition must be a boolean value/);
  });
});

describe('control flow', () => {
  it('when … apply runs only for a present true', () => {
    expect(
      run(({ map, when }) => {
        when(T(true)).apply(() => {
          map('yes').onto('a');
        });
        when(T(false)).apply(() => {
          map('no').onto('b');
        });
        when(T(undefined)).apply(() => {
          map('absent').onto('c');
        });
      }),
    ).toMatchObject({ a: 'yes', b: null, c: null });
  });

  it('exit leaves the innermost section; at top level it ends the mapping', () => {
    expect(
      run(({ map, section, exit }) => {
        section(() => {
          map('in section').onto('a');
          exit();
          map('not reached').onto('a');
        });
        map('after section').onto('b');
        exit();
        map('not reached').onto('c');
      }),
    ).toMatchObject({ a: 'in section', b: 'after section', c: null });
  });

  it('exit inside a when leaves the enclosing section, not just the when', () => {
    expect(
      run(({ map, section, when }) => {
        section(() => {
          when(T(true)).apply(() => {
            map('1').onto('a');
            when(T(true)).exit();
            map('not reached').onto('a');
          });
          map('not reached').onto('b');
        });
        map('3').onto('c');
      }),
    ).toMatchObject({ a: '1', b: null, c: '3' });
  });

  it('stop ends all mapping but still emits the record', () => {
    expect(
      run(({ map, section, when, stop }) => {
        section(() => {
          section(() => {
            map('1').onto('a');
            when(T(true)).stop();
          });
          map('not reached').onto('b');
        });
        map('not reached').onto('c');
        stop();
      }),
    ).toMatchObject({ a: '1', b: null, c: null });
  });

  it('drop discards the event, counted apart', () => {
    const mapper = createMapper({
      schema: probe,
      mapping: ({ map, when, drop, section }) => {
        map(location()).onto('a');
        when(eventType().equalTo('bot')).drop();
        section(() => {
          when(eventType().equalTo('spam')).apply(() => {
            drop();
          });
        });
      },
    });
    expect(mapper(browserEvent({ eventType: 'bot' }))).toEqual({ ok: true, dropped: true });
    expect(mapper(browserEvent({ eventType: 'spam' }))).toEqual({ ok: true, dropped: true });
    expect(mapper(browserEvent())).toMatchObject({ ok: true, dropped: false });
    expect(mapper.stats).toEqual({ mapped: 1, dropped: 2, failed: 0 });
  });

  it('when … exit without a section ends the mapping', () => {
    expect(
      run(({ map, when }) => {
        map('1').onto('a');
        when(T(true)).exit();
        map('2').onto('b');
      }),
    ).toMatchObject({ a: '1', b: null });
  });
});

describe('conditions and absence', () => {
  const read = (condition: BooleanValue, event = browserEvent()) =>
    run(({ map }) => {
      map(condition).onto('flag');
    }, event).flag;

  it('and / or are absent when either side is absent', () => {
    expect(read(T(true).and(T(true)))).toBe(true);
    expect(read(T(true).and(T(false)))).toBe(false);
    expect(read(T(false).or(T(true)))).toBe(true);
    expect(read(T(false).or(T(false)))).toBe(false);
    expect(read(T(undefined).and(T(false)))).toBeNull();
    expect(read(T(true).or(T(undefined)))).toBeNull();
  });

  it('not / negate keep absence', () => {
    expect(read(not(T(true)))).toBe(false);
    expect(read(T(false).negate())).toBe(true);
    expect(read(not(T(undefined)))).toBeNull();
    expect(not(T(true)).description).toBe('not(T(true))');
  });

  it('isPresent / isAbsent are never absent', () => {
    expect(read(cookie('consent').isPresent())).toBe(true);
    expect(read(cookie('missing').isPresent())).toBe(false);
    expect(read(cookie('missing').isAbsent())).toBe(true);
  });

  it('equalTo a literal is false when absent; equalTo a value treats absent == absent', () => {
    expect(read(eventType().equalTo('pageView'))).toBe(true);
    expect(read(eventType().equalTo('other'))).toBe(false);
    expect(read(cookie('missing').equalTo('x'))).toBe(false);
    expect(read(cookie('missing').equalTo(cookie('other-missing')))).toBe(true);
    expect(read(cookie('consent').equalTo(cookie('missing')))).toBe(false);
    expect(read(referer().equalTo(referer()))).toBe(true);
    expect(read(header('accept-language').equalTo(['en-GB', 'en;q=0.9', 'nl;q=0.5']))).toBe(true);
    expect(
      read(eventParameters().equalTo({ sku: 'A1' }), browserEvent({ parameters: { sku: 'A1' } })),
    ).toBe(true);
    expect(
      read(eventParameters().equalTo({ sku: 'A1' }), browserEvent({ parameters: { sku: 'A2' } })),
    ).toBe(false);
    expect(read(digest('MD5').add('a').result().equalTo(digest('MD5').add('a').result()))).toBe(
      true,
    );
    expect(read(digest('MD5').add('a').result().equalTo(digest('MD5').add('b').result()))).toBe(
      false,
    );
  });

  it('whatever is derived from an absent value is absent, and is never an error', () => {
    const record = run(({ map }) => {
      map(parse(cookie('missing')).to('uri').path()).onto('a');
      map(match('(.*)').against(cookie('missing')).group(1)).onto('b');
      map(userAgent(cookie('missing')).name()).onto('c');
      map(parse(cookie('missing')).to('int32')).onto('n');
    }, jsonEvent());
    expect(record).toMatchObject({ a: null, b: null, c: null, n: null });
  });
});

describe('memoisation', () => {
  it('computes an expensive value once per event however often it is used', () => {
    let parses = 0;
    const counting = new BooleanValue(
      'counting()',
      () => () => {
        parses++;
        return true;
      },
      { memoize: true },
    );
    const mapper = createMapper({
      schema: probe,
      mapping: ({ map, when }) => {
        map(counting).onto('flag');
        when(counting).apply(() => {
          map(counting.negate()).onto('flag');
        });
      },
    });
    mapper(browserEvent());
    mapper(browserEvent());
    expect(parses).toBe(2);
  });
});

describe('run-time failures', () => {
  const record = defineRecord({
    name: 'Req',
    fields: { ref: avro.string(), n: avro.nullable(avro.int()) },
  });

  it('count a required field left unset, report it and carry on', () => {
    const onError = vi.fn<(issues: readonly Issue[]) => void>();
    const mapper = createMapper({
      schema: record,
      onError,
      mapping: ({ map }) => {
        map(referer()).onto('ref');
      },
    });
    const failed = mapper(jsonEvent());
    expect(failed).toEqual({
      ok: false,
      issues: [
        {
          code: 'unset_required_field',
          path: ['ref'],
          message: 'Req.ref has no default and the mapping set no value for this event.',
        },
      ],
    });
    expect(onError).toHaveBeenCalledTimes(1);
    expect(mapper(browserEvent())).toMatchObject({
      ok: true,
      value: { ref: 'https://www.google.com/', n: null },
    });
    expect(mapper.stats).toEqual({ mapped: 1, dropped: 0, failed: 1 });
  });

  it('turn an exception into a failure result, even when the error callback throws', () => {
    const boom = new BooleanValue('boom()', () => () => {
      throw new Error('boom');
    });
    const mapper = createMapper({
      schema: record,
      onError: () => {
        throw new Error('callback');
      },
      mapping: ({ map, when }) => {
        map(remoteHost()).onto('ref');
        when(boom).stop();
      },
    });
    expect(mapper(browserEvent())).toEqual({
      ok: false,
      issues: [{ code: 'mapping_failed', path: [], message: 'Mapping failed: boom' }],
    });
    expect(mapper.stats.failed).toBe(1);
  });

  it('expose the avsc type, which accepts every record', () => {
    const mapper = createMapper({
      schema: record,
      mapping: ({ map }) => {
        map(remoteHost()).onto('ref');
      },
    });
    const result = mapper(browserEvent());
    expect(result.ok && !result.dropped && mapper.type.isValid(result.value)).toBe(true);
  });
});

describe('array and map defaults', () => {
  it('are fresh per event, so one record cannot change the next', () => {
    const schema: AvroRecordSchema = {
      type: 'record',
      name: 'D',
      fields: [
        { name: 'tags', type: { type: 'array', items: 'string' }, default: ['x'] },
        { name: 'm', type: { type: 'map', values: 'int' }, default: { a: 1 } },
      ],
    };
    const mapper = createMapper({ schema, mapping: () => undefined });
    const first = mapper(browserEvent());
    if (!first.ok || first.dropped) throw new Error('expected a record');
    (first.value.tags as string[]).push('changed');
    const second = mapper(browserEvent());
    expect(second).toMatchObject({ ok: true, value: { tags: ['x'], m: { a: 1 } } });
  });
});
