import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileSink } from './index';
import { scanContainer } from './internal/container';
import {
  createTempDirs,
  divolteEventRecord,
  listFiles,
  numbers,
  readAll,
} from '../test/helpers.ts';

const packageDir = join(import.meta.dirname, '..');
let dirs: ReturnType<typeof createTempDirs> | undefined;
afterEach(() => {
  dirs?.cleanup();
});

/** Runs the writer until it reports `atLeast` synced records, then kills it with SIGKILL. */
function runAndKill(codec: 'null' | 'deflate', atLeast: number): Promise<number> {
  const { work, pub } = dirs!;
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/crash-writer.ts', work, pub, codec],
    { cwd: packageDir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let synced = 0;
    let stderr = '';
    let buffered = '';
    const timeout = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the writer did not reach ${atLeast} records in time: ${stderr}`));
    }, 60_000);
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        const m = /^synced (\d+)$/.exec(line);
        if (m) synced = Number(m[1]);
      }
      // Kill it while it is writing: it never stops between reports.
      if (synced >= atLeast && child.exitCode === null && !child.killed) child.kill('SIGKILL');
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timeout);
      if (signal === 'SIGKILL' && synced >= atLeast) resolve(synced);
      else reject(new Error(`the writer exited with ${code ?? signal}: ${stderr}`));
    });
  });
}

describe('crash safety (a writer process killed with SIGKILL)', () => {
  it.each(['null', 'deflate'] as const)(
    'every synced record survives in the partial file and is published at the next start (%s)',
    async (codec) => {
      dirs = createTempDirs();
      const synced = await runAndKill(codec, 7000);

      // The open file is still .partial; its valid prefix holds every synced record.
      const partials = listFiles(dirs.work);
      expect(partials).toHaveLength(1);
      const partialPath = join(dirs.work, partials[0]!);
      const size = statSync(partialPath).size;
      const { default: fsp } = await import('node:fs/promises');
      const handle = await fsp.open(partialPath, 'r');
      const scan = await scanContainer(handle, size);
      await handle.close();
      const published = numbers(await readAll(dirs.pub));
      expect(published.length + scan.records).toBeGreaterThanOrEqual(synced);

      // The next start publishes it, truncated to its last complete block.
      const sink = createFileSink({
        schema: divolteEventRecord,
        workingDirectory: dirs.work,
        publishDirectory: dirs.pub,
        hostname: 'crash-host',
        codec,
      });
      await sink.open();
      expect(listFiles(dirs.work)).toEqual([]);
      expect(sink.metrics()).toMatchObject({ filesRecovered: 1, recordsRecovered: scan.records });
      await sink.close();
      const all = numbers(await readAll(dirs.pub));
      // In order, no gaps, no duplicates, and at least everything that was reported synced.
      expect(all.length).toBeGreaterThanOrEqual(synced);
      expect(all).toEqual(Array.from({ length: all.length }, (_, i) => i));
      const recovered = listFiles(dirs.pub).find((f) => partials[0]!.startsWith(f));
      expect(recovered).toBeDefined();
      expect(readFileSync(join(dirs.pub, recovered!)).length).toBe(scan.validLength);
    },
    90_000,
  );
});
