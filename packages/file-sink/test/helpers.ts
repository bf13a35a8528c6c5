import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import avro from 'avsc';
import { divolteEventRecord, type DivolteEventRecord } from '@tributary/schema';
import { createRecordType } from '../src/internal/container.ts';
import { nodeFileSystem, type FileSinkFileHandle, type FileSinkFileSystem } from '../src/index.ts';

/** A fresh temporary directory with `work/` and `pub/` paths; `cleanup()` removes it. */
export function createTempDirs() {
  const root = mkdtempSync(join(tmpdir(), 'tributary-file-sink-'));
  return {
    root,
    work: join(root, 'work'),
    pub: join(root, 'pub'),
    cleanup: () => {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Every file below `dir`, as paths relative to it, sorted. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let entries: string[];
    try {
      entries = readdirSync(d);
    } catch {
      return;
    }
    for (const name of entries) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(relative(dir, path));
    }
  };
  walk(dir);
  return out.sort();
}

/** Reads a whole container file with avsc's own streaming decoder (exact longs). */
export function readWithAvsc(path: string): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const records: unknown[] = [];
    avro
      .createFileDecoder(path, { parseHook: (schema) => createRecordType(schema) })
      .on('data', (record: unknown) => records.push(record))
      .on('end', () => {
        resolve(records);
      })
      .on('error', reject);
  });
}

/** Reads every published file below `dir`, in name order. */
export async function readAll(dir: string): Promise<unknown[]> {
  const records: unknown[] = [];
  for (const file of listFiles(dir)) records.push(...(await readWithAvsc(join(dir, file))));
  return records;
}

/** A Divolte default record numbered `n` (its number is in `timestamp`), about 400 bytes. */
export function divolteRecord(n: number): DivolteEventRecord {
  return {
    detectedDuplicate: false,
    detectedCorruption: false,
    firstInSession: n % 7 === 0,
    timestamp: n,
    clientTimestamp: 1764300000000 + n,
    remoteHost: '203.0.113.7',
    referer: 'https://www.example.com/search?q=tributary',
    location: `https://shop.example/products/${n}?utm_source=newsletter&utm_medium=email`,
    viewportPixelWidth: 1280,
    viewportPixelHeight: 720,
    screenPixelWidth: 1440,
    screenPixelHeight: 900,
    partyId: '0:mfx0c3a1:AbCdEfGhIjKlMnOpQrStUvWxYz012345',
    sessionId: '0:mfx0c3a1:Zy9x8W7v6U5t4S3r2Q1p0OnMlKjIhGfE',
    pageViewId: `0:pv${n}_0123456789abcdefghijklmnopqr`,
    eventType: 'pageView',
    userAgentString:
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
    userAgentName: 'Chrome',
    userAgentFamily: 'Chrome',
    userAgentVendor: 'Google Inc.',
    userAgentType: 'Browser',
    userAgentVersion: '131.0',
    userAgentDeviceCategory: 'Personal computer',
    userAgentOsFamily: 'Linux',
    userAgentOsVersion: null,
    userAgentOsVendor: null,
  };
}

export { divolteEventRecord };

/** Sink records for numbers [from, to). */
export function divolteBatch(from: number, to: number) {
  const out = [];
  for (let n = from; n < to; n++) out.push({ key: null, timestamp: n, value: divolteRecord(n) });
  return out;
}

/** The record numbers of Divolte records, in order. */
export const numbers = (records: unknown[]): number[] =>
  records.map((r) => (r as DivolteEventRecord).timestamp);

export const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from }, (_, i) => from + i);

/**
 * Node's file system with some file-handle methods replaced, for fault injection; each
 * replacement gets the real handle.
 */
export function withFaults(faults: {
  [K in keyof FileSinkFileHandle]?: (
    real: FileSinkFileHandle,
    ...args: Parameters<FileSinkFileHandle[K]>
  ) => ReturnType<FileSinkFileHandle[K]>;
}): FileSinkFileSystem {
  return {
    ...nodeFileSystem,
    open: async (path, flags) => {
      const real = await nodeFileSystem.open(path, flags);
      return {
        writev: (buffers, position) =>
          faults.writev ? faults.writev(real, buffers, position) : real.writev(buffers, position),
        read: (buffer, offset, length, position) => real.read(buffer, offset, length, position),
        datasync: () => (faults.datasync ? faults.datasync(real) : real.datasync()),
        truncate: (length) =>
          faults.truncate ? faults.truncate(real, length) : real.truncate(length),
        stat: () => real.stat(),
        close: () => real.close(),
      };
    },
  };
}

/** An error as Node's file system raises it. */
export const ioError = (code: string): Error =>
  Object.assign(new Error(`${code}: simulated failure`), { code });
