import {
  divolteEventRecord,
  tributaryEventRecord,
  type DivolteEventRecord,
} from '@tributary/schema';
import { describe, expectTypeOf, it } from 'vitest';
import { createMapper, type FieldsAccepting, type RecordMapper } from './create-mapper';
import { createDivolteEventMapper } from './default-mappings';
import { digest } from './digest';
import { eventParameters } from './event-parameters';
import { ip2geo } from './geo-ip';
import { compileGroovyMapping, type GroovyMappingOptions } from './groovy-mapping';
import type { MappingError, ScriptPosition } from './mapping-error';
import { match, parse } from './parse';
import { firstInSession, header, location, timestamp, viewportPixelWidth } from './sources';
import { userAgent } from './user-agent';

describe('typed field names', () => {
  it('accepts the fields whose type fits and rejects misspelt or mistyped ones', () => {
    createMapper({
      schema: divolteEventRecord,
      mapping: ({ map, when }) => {
        map(location()).onto('location');
        map(timestamp()).onto('timestamp');
        map(firstInSession()).onto('firstInSession');
        map('pageView').onto('eventType');
        map(null).onto('referer');
        map(userAgent().name()).onto('userAgentName');
        // @ts-expect-error a misspelt field is a compile error
        map(location()).onto('locaton');
        // @ts-expect-error a string cannot go onto a long field
        map(location()).onto('timestamp');
        // @ts-expect-error a boolean cannot go onto a string field
        map(firstInSession()).onto('location');
        // @ts-expect-error null only onto nullable fields
        map(null).onto('remoteHost');
        // @ts-expect-error a parsed user agent cannot be mapped directly
        map(userAgent()).onto('userAgentName');
        // @ts-expect-error nor a parsed URI
        map(parse(location()).to('uri')).onto('location');
        // @ts-expect-error nor a match
        map(match('x').against(location())).onto('location');
        // @ts-expect-error nor a geo lookup
        map(ip2geo()).onto('location');
        // @ts-expect-error a condition must be boolean
        when(location()).stop();
        when(location().isPresent()).apply(() => undefined);
      },
    });
  });

  it('lets JSON values map onto any field (checked at build time)', () => {
    expectTypeOf<FieldsAccepting<DivolteEventRecord, never, 'json'>>().toEqualTypeOf<
      keyof DivolteEventRecord
    >();
    createMapper({
      schema: tributaryEventRecord,
      mapping: ({ map }) => {
        map(eventParameters().path('$.x')).onto('viewportPixelWidth');
        map(eventParameters().toJson()).onto('eventParameters');
      },
    });
  });

  it('allows any field name for a schema loaded at run time', () => {
    createMapper({
      schema: { type: 'record', name: 'R', fields: [{ name: 'x', type: 'string' }] },
      mapping: ({ map }) => {
        map(location()).onto('anything');
      },
    });
  });

  it('types parse targets, lists and digests', () => {
    expectTypeOf(parse(location()).to('int32').kind).toEqualTypeOf<'int'>();
    expectTypeOf(parse(location()).to('int64').kind).toEqualTypeOf<'long'>();
    expectTypeOf(parse(location()).to('fp32').kind).toEqualTypeOf<'float'>();
    expectTypeOf(parse(location()).to('bool').kind).toEqualTypeOf<'boolean'>();
    expectTypeOf(header('x').first().kind).toEqualTypeOf<'string'>();
    expectTypeOf(digest('SHA-256').result().toHexLower().kind).toEqualTypeOf<'string'>();
    expectTypeOf(viewportPixelWidth().kind).toEqualTypeOf<'int'>();
  });

  it('types parameter names by an event contract', () => {
    // What InferEvents<typeof events>['addToCart'] gives for a defineEvents contract.
    type AddToCart = { sku: string; quantity: number };
    const cart = eventParameters<AddToCart>();
    cart.value('sku');
    cart.value('quantity');
    // @ts-expect-error not a parameter of addToCart
    cart.value('skuu');
    eventParameters().value('anything');
  });

  it('types the mapper by the record', () => {
    expectTypeOf(createDivolteEventMapper()).toEqualTypeOf<RecordMapper<DivolteEventRecord>>();
  });

  it('types a mapper read from a Groovy script as a record of unknown fields', () => {
    expectTypeOf(compileGroovyMapping).parameter(0).toEqualTypeOf<GroovyMappingOptions>();
    expectTypeOf(compileGroovyMapping).returns.toEqualTypeOf<
      RecordMapper<Record<string, unknown>>
    >();
    // @ts-expect-error the schema is required
    compileGroovyMapping({ script: 'mapping {}' });
    expectTypeOf<MappingError['position']>().toEqualTypeOf<ScriptPosition | undefined>();
  });
});
