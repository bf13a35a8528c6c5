import {
  MAX_PARAMETER_DEPTH,
  jsonValueSchema,
  type AvroRecordSchema,
  type ClickEvent,
  type JsonValue,
} from '@tributary/schema';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMapper, type MappingBuilder } from './create-mapper';
import { createDivolteEventMapper, createTributaryEventMapper } from './default-mappings';
import { digest } from './digest';
import { eventParameter, eventParameters } from './event-parameters';
import { nestedParameters } from './test-support/arbitraries';
import { browserEvent, jsonEvent } from './test-support/events';

/*
 * The collector accepts custom parameters nesting up to MAX_PARAMETER_DEPTH objects and arrays, of
 * any shape (the schema's decoders refuse deeper ones). Everything it accepts must map: every
 * recursive step of a mapping (JSON text, JSON paths with deep scans, the JSON-to-Avro coercion
 * onto recursive types, deep equality, digests, avsc's checks and encoding) has to cope with that
 * depth on a default stack.
 */

/** A record whose fields take the parameters through every JSON code path of the mapping. */
const probeSchema: AvroRecordSchema = {
  type: 'record',
  name: 'DepthProbe',
  fields: [
    { name: 'text', type: ['null', 'string'], default: null },
    { name: 'scan', type: ['null', 'string'], default: null },
    { name: 'all', type: ['null', 'string'], default: null },
    { name: 'first', type: ['null', 'string'], default: null },
    { name: 'value', type: ['null', 'string'], default: null },
    { name: 'same', type: 'boolean', default: false },
    { name: 'hash', type: ['null', 'string'], default: null },
    {
      name: 'tree',
      type: [
        'null',
        {
          type: 'record',
          name: 'Node',
          fields: [
            { name: 'k', type: ['null', { type: 'array', items: 'Node' }], default: null },
            { name: 'sku', type: ['null', 'string'], default: null },
          ],
        },
      ],
      default: null,
    },
    { name: 'list', type: ['null', { type: 'array', items: 'string' }], default: null },
    {
      name: 'nested',
      type: ['null', { type: 'map', values: { type: 'array', items: ['null', 'string'] } }],
      default: null,
    },
  ],
};

function probeMapping({ map }: MappingBuilder<Record<string, unknown>>): void {
  const parameters = eventParameters();
  map(parameters.toJson()).onto('text');
  map(parameters.path('$..k').toJson()).onto('scan');
  map(parameters.path('$..*').toJson()).onto('all');
  map(parameters.path('$.k[0].k').toJson()).onto('first');
  map(eventParameter('k')).onto('value');
  map(parameters.equalTo(eventParameters())).onto('same');
  map(digest('SHA-256').add(parameters).add(parameters.path('$.k')).result().toHexLower()).onto(
    'hash',
  );
  map(parameters).onto('tree');
  map(parameters).onto('list');
  map(parameters).onto('nested');
}

/** Parameters the schema accepts (what a collector can let through), of any shape. */
const accepted = nestedParameters(MAX_PARAMETER_DEPTH).filter(
  (parameters) => jsonValueSchema.safeParse(parameters).success,
);

/** How deep a value nests: objects and arrays counted from the top. */
function depthOf(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  let deepest = 0;
  for (const member of Object.values(value)) deepest = Math.max(deepest, depthOf(member));
  return deepest + 1;
}

describe('parameters up to MAX_PARAMETER_DEPTH map without error', () => {
  const tributary = createTributaryEventMapper();
  const divolte = createDivolteEventMapper();
  const probe = createMapper({ schema: probeSchema, mapping: probeMapping });
  const events = (parameters: JsonValue): ClickEvent[] => [
    browserEvent({ parameters }),
    jsonEvent({ parameters }),
  ];

  it("with Tributary's default mapping and Divolte's, and the record encodes", () => {
    let atLimit = 0;
    fc.assert(
      fc.property(accepted, (parameters) => {
        if (depthOf(parameters) === MAX_PARAMETER_DEPTH) atLimit++;
        for (const event of events(parameters)) {
          const mapped = tributary(event);
          expect(mapped.ok && !mapped.dropped && mapped.value.eventParameters).toBe(
            JSON.stringify(parameters),
          );
          if (mapped.ok && !mapped.dropped) {
            expect(tributary.type.isValid(mapped.value)).toBe(true);
            expect(tributary.type.toBuffer(mapped.value).length).toBeGreaterThan(0);
          }
          const divolteMapped = divolte(event);
          expect(divolteMapped.ok && !divolteMapped.dropped).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
    // The limit itself is reached, not only shallow shapes.
    expect(atLimit).toBeGreaterThan(20);
    expect(tributary.stats.failed).toBe(0);
    expect(divolte.stats.failed).toBe(0);
  }, 60_000);

  it('through JSON text, deep-scan paths, deep equality, digests and recursive Avro types', () => {
    fc.assert(
      fc.property(accepted, (parameters) => {
        for (const event of events(parameters)) {
          const mapped = probe(event);
          expect(mapped.ok || mapped.issues).toBe(true);
          if (!mapped.ok || mapped.dropped) continue;
          expect(mapped.value.text).toBe(JSON.stringify(parameters));
          expect(mapped.value.same).toBe(true);
          expect(typeof mapped.value.all).toBe('string');
          expect(probe.type.toBuffer(mapped.value).length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 150 },
    );
    expect(probe.stats.failed).toBe(0);
  }, 60_000);

  it('exactly at the limit, as a chain of a recursive Avro type (the coercion goes all the way)', () => {
    // {k: [{k: [ … {sku: 'A1', k: []} … ]}]}: MAX_PARAMETER_DEPTH containers, all taken by Node.
    let parameters: JsonValue = { sku: 'A1', k: [] };
    for (let i = 0; i < (MAX_PARAMETER_DEPTH - 2) / 2; i++) parameters = { k: [parameters] };
    expect(depthOf(parameters)).toBe(MAX_PARAMETER_DEPTH);
    expect(jsonValueSchema.safeParse(parameters).success).toBe(true);
    const mapped = probe(browserEvent({ parameters }));
    expect(mapped.ok || mapped.issues).toBe(true);
    if (!mapped.ok || mapped.dropped) return;
    expect(mapped.value.text).toBe(JSON.stringify(parameters));
    let node = mapped.value.tree as { k: unknown[] | null; sku: string | null };
    let levels = 1;
    while (node.k !== null && node.k.length > 0) {
      node = node.k[0] as typeof node;
      levels++;
    }
    expect(node.sku).toBe('A1');
    expect(levels).toBe(MAX_PARAMETER_DEPTH / 2);
  });

  it.each([null, '', 0, true, {}, []])('for the parameters %j', (parameters) => {
    for (const event of events(parameters)) {
      for (const mapper of [probe, tributary, divolte]) {
        const mapped = mapper(event);
        expect(mapped.ok || mapped.issues).toBe(true);
      }
    }
  });

  it('and far deeper parameters, which no collector accepts, fail the event without throwing', () => {
    let parameters: JsonValue = [];
    for (let depth = 1; depth < 100_000; depth++) parameters = [parameters];
    const mapped = createTributaryEventMapper()(browserEvent({ parameters }));
    expect(mapped).toMatchObject({ ok: false, issues: [{ code: 'mapping_failed' }] });
  });
});
