import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { crc32, writeZip } from './zip';

const directory = mkdtempSync(join(tmpdir(), 'tributary-zip-'));
afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

// Python's zipfile checks every entry's CRC and sizes (testzip) and gives the contents back.
const READ_BACK = `
import json, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    bad = z.testzip()
    print(json.dumps({"bad": bad, "entries": [[i.filename, i.compress_type, z.read(i).hex()] for i in z.infolist()]}))
`;

function readBack(bytes: Uint8Array): { bad: string | null; entries: [string, number, string][] } {
  const file = join(directory, `${Math.random().toString(36).slice(2)}.zip`);
  writeFileSync(file, bytes);
  const result = spawnSync('python3', ['-c', READ_BACK, file], { encoding: 'utf8' });
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as { bad: string | null; entries: [string, number, string][] };
}

describe('writeZip', () => {
  it('computes the IEEE CRC-32 (check value of "123456789")', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array())).toBe(0);
  });

  it('writes stored entries that unzip lists and Python reads back byte for byte', () => {
    const entries = [
      { path: 'root/metadata.yaml', data: new TextEncoder().encode('version: 1.0.0\n') },
      { path: 'root/charts/Pages ü.yaml', data: new TextEncoder().encode('slice_name: "ü"\n') },
      { path: 'root/empty.yaml', data: new Uint8Array() },
    ];
    const zip = writeZip(entries);
    const file = join(directory, 'listed.zip');
    writeFileSync(file, zip);
    const listed = spawnSync('unzip', ['-l', file], { encoding: 'utf8' });
    expect(listed.status).toBe(0);
    expect(listed.stdout).toContain('root/charts/Pages ü.yaml');
    expect(listed.stdout).toMatch(/3 files/);
    const back = readBack(zip);
    expect(back.bad).toBeNull();
    expect(back.entries).toEqual(
      entries.map((entry) => [entry.path, 0, Buffer.from(entry.data).toString('hex')]),
    );
  });

  it('round-trips arbitrary names and bytes through Python zipfile', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.record({
            path: fc.stringMatching(/^[a-z0-9_]{1,12}(\/[a-z0-9_. -]{1,12}){0,2}$/),
            data: fc.uint8Array({ maxLength: 300 }),
          }),
          { selector: (entry) => entry.path, maxLength: 6 },
        ),
        (entries) => {
          const back = readBack(writeZip(entries));
          expect(back.bad).toBeNull();
          expect(back.entries).toEqual(
            entries.map((entry) => [entry.path, 0, Buffer.from(entry.data).toString('hex')]),
          );
        },
      ),
      { numRuns: 25 },
    );
  });

  it('writes the same bytes for the same entries (no clock in the archive)', () => {
    const entries = [{ path: 'a.yaml', data: new Uint8Array([1, 2, 3]) }];
    expect(writeZip(entries)).toEqual(writeZip(entries));
  });
});
