import type { AvroRecordSchema } from '@tributary/schema';
import { createAvroValueCodec, type AvroValueCodec } from '../avro-value-codec';
import { registerSchema } from '../register-schema';
import type { KafkaValueFormat } from '../kafka-sink';

/** The value codec when the format fixes it now; `null` when it waits for the registry's id. */
export function createFixedValueCodec<TRecord>(
  schema: AvroRecordSchema,
  format: KafkaValueFormat,
): AvroValueCodec<TRecord> | null {
  return format.type === 'naked'
    ? createAvroValueCodec<TRecord>({ schema })
    : 'schemaId' in format
      ? createAvroValueCodec<TRecord>({ schema, wireFormat: format })
      : null;
}

/** Registers the schema (subject `${topic}-value` by default) and returns a codec with its id. */
export async function createRegisteredValueCodec<TRecord>(
  schema: AvroRecordSchema,
  format: Extract<KafkaValueFormat, { readonly registry: unknown }>,
  topic: string,
): Promise<AvroValueCodec<TRecord>> {
  const registry = format.registry;
  const schemaId = await registerSchema({
    url: registry.url,
    subject: registry.subject ?? `${topic}-value`,
    schema,
    ...(registry.fetch === undefined ? {} : { fetch: registry.fetch }),
  });
  return createAvroValueCodec<TRecord>({
    schema,
    wireFormat: { type: 'confluent', schemaId },
  });
}
