// The file-sink benchmark's workload, shared by the benchmark and the script that annotates its
// report with MB/s and records/s.
import { createRecordType } from '../src/internal/container.ts';
import { divolteBatch, divolteEventRecord } from '../test/helpers.ts';

/** Records per benchmark iteration. */
export const RECORDS = 10_000;
/** Records per `write` call, as a collector hands them over. */
export const BATCH = 100;
/** Records per block and fsync: Divolte's default `sync_file_after_records`. */
export const SYNC_EVERY = 1000;

/** The records, and their Avro binary encoding grouped in blocks of {@link SYNC_EVERY}. */
export function createWorkload() {
  const records = divolteBatch(0, RECORDS);
  const type = createRecordType(divolteEventRecord.schema);
  const blocks: Buffer[] = [];
  for (let i = 0; i < RECORDS; i += SYNC_EVERY) {
    blocks.push(Buffer.concat(records.slice(i, i + SYNC_EVERY).map((r) => type.toBuffer(r.value))));
  }
  const recordBytes = blocks.reduce((n, b) => n + b.length, 0);
  return { records, blocks, recordBytes };
}
