import type { SinkRecord } from '@tributary/schema';
import type { AvroValueCodec } from '../avro-value-codec';
import { KafkaSinkError } from '../kafka-sink-error';
import type { SinkContext } from './context';
import type { EncodedRecord } from './spool';
import { appendToSpool } from './spooling';

/** Encodes a write's records for Kafka; throws for one too large or without a usable timestamp. */
export function encodeRecords<TRecord>(
  records: readonly SinkRecord<TRecord>[],
  encoder: AvroValueCodec<TRecord>,
  maxRecordBytes: number,
): EncodedRecord[] {
  const encoded = new Array<EncodedRecord>(records.length);
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    const value = encoder.encode(record.value);
    const key = record.key === null ? null : Buffer.from(record.key, 'utf8');
    const size = value.length + (key?.length ?? 0);
    if (size > maxRecordBytes) {
      throw new KafkaSinkError(
        'record_too_large',
        `A record of ${size} bytes exceeds maxRecordBytes (${maxRecordBytes})`,
      );
    }
    if (!Number.isSafeInteger(record.timestamp) || record.timestamp < 0) {
      throw new KafkaSinkError('unencodable_record', `Not a timestamp in ms: ${record.timestamp}`);
    }
    encoded[i] = { key, value, timestamp: String(record.timestamp) };
  }
  return encoded;
}

/**
 * Takes encoded records into the buffer, waiting while it is full (backpressure), or appends
 * them to the spool while the sink is spooling.
 */
export async function acceptRecords(ctx: SinkContext, encoded: EncodedRecord[]): Promise<void> {
  const { buffer, settings } = ctx;
  let index = 0;
  while (index < encoded.length) {
    if (ctx.state === 'spooling') {
      const rest = index === 0 ? encoded : encoded.slice(index);
      await appendToSpool(ctx, rest);
      ctx.accepted += rest.length;
      ctx.settled += rest.length;
      ctx.progress.notify();
      return;
    }
    if (buffer.full) {
      await ctx.roomFreed.wait();
      continue;
    }
    const waiting = buffer.push(encoded[index++]!);
    ctx.accepted += 1;
    if (waiting === 1 || waiting === settings.batchSize) ctx.wakeSender.notify();
  }
}
