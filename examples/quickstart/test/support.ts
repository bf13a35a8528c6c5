// Test support for the quickstart: events sent as a browser's tag sends them, and the Avro files
// read back with avsc, independently of the file sink that wrote them.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import avro from 'avsc';
import type { TributaryEventRecord } from '@tributary/schema';
import {
  createIdentifier,
  createPageViewId,
  encodeEventBatch,
  encodeEventQuery,
  type TrackedEvent,
} from '@tributary/schema/protocol';
import { visitorPageViews } from '../../../test/page-views';

export const silent = { debug() {}, info() {}, warn() {}, error: console.error };

/** Every record of every `.avro` file under `dir`. */
export async function readAvroFiles(dir: string): Promise<TributaryEventRecord[]> {
  const records: TributaryEventRecord[] = [];
  const walk = async (path: string): Promise<void> => {
    for (const entry of await readdir(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.name.endsWith('.avro')) {
        await new Promise<void>((resolve, reject) => {
          avro
            .createFileDecoder(full)
            .on('data', (record: TributaryEventRecord) => records.push({ ...record }))
            .on('end', resolve)
            .on('error', reject);
        });
      }
    }
  };
  await walk(dir);
  return records;
}

/** Page views of one visitor, each with a fresh event id. */
export function pageViews(count: number): TrackedEvent[] {
  return visitorPageViews(
    { createIdentifier, createPageViewId },
    count,
    (i) => `https://shop.example/products.html?n=${i}`,
  );
}

/**
 * Sends the events through the quickstart's collector, as pixel GETs and batches of 100, and
 * returns the ids of those it answered with 2xx (accepted).
 */
export async function sendEvents(base: string, events: readonly TrackedEvent[]): Promise<string[]> {
  const accepted: string[] = [];
  for (let i = 0; i < events.length; i += 100) {
    const chunk = events.slice(i, i + 100);
    if (chunk.length === 1) {
      const response = await fetch(new URL(`csc-event?${encodeEventQuery(chunk[0]!)}`, base));
      await response.arrayBuffer();
      if (response.ok) accepted.push(chunk[0]!.eventId);
      continue;
    }
    const response = await fetch(new URL('csc-batch', base), {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: encodeEventBatch(chunk.map((event) => encodeEventQuery(event))),
    });
    await response.arrayBuffer();
    if (response.status === 204) accepted.push(...chunk.map((event) => event.eventId));
  }
  return accepted;
}

/** A batch body of these events (for half-sent bodies). */
export function batchBody(events: readonly TrackedEvent[]): string {
  return encodeEventBatch(events.map((event) => encodeEventQuery(event)));
}
