import type { AvroRecordSchema, ClickEvent } from '@tributary/schema';
import { createMapper, type MapperOptions, type MappingBuilder } from '../create-mapper';
import type { Value } from '../value';

/** A one-field record schema of the given Avro type, nullable by default. */
export function oneField(
  type: unknown,
  options: { default?: unknown } = { default: null },
): AvroRecordSchema {
  return {
    type: 'record',
    name: 'Probe',
    fields: [{ name: 'out', type, ...options } as AvroRecordSchema['fields'][number]],
  };
}

const NULLABLE: Record<string, unknown> = {
  boolean: ['null', 'boolean'],
  string: ['null', 'string'],
  int: ['null', 'int'],
  long: ['null', 'long'],
  float: ['null', 'float'],
  double: ['null', 'double'],
  bytes: ['null', 'bytes'],
};

/**
 * Maps one value onto a nullable field of its own type and returns what was written for the
 * event (`null` when absent), so tests read a value as the mapping sees it.
 */
export function evaluate<T>(
  value: Value<T>,
  event: ClickEvent,
  options: Omit<MapperOptions<Record<string, unknown>>, 'schema' | 'mapping'> & {
    type?: unknown;
  } = {},
): T | null {
  const type =
    options.type ??
    (value.kind === 'list'
      ? ['null', { type: 'array', items: value.itemKind }]
      : value.kind === 'query'
        ? ['null', { type: 'map', values: { type: 'array', items: 'string' } }]
        : NULLABLE[value.kind]);
  const mapper = createMapper({
    ...options,
    schema: oneField(type),
    mapping: ({ map }: MappingBuilder<Record<string, unknown>>) => {
      map(value as Value<unknown, 'json'>).onto('out');
    },
  });
  const result = mapper(event);
  if (!result.ok || result.dropped) throw new Error(`unexpected result ${JSON.stringify(result)}`);
  return result.value.out as T | null;
}
