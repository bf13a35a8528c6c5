import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileSink } from './index';
import { scanContainer } from './internal/container-scan';
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

/**
 * Runs the writer from record `start` until it reports `atLeast` more synced records, then kills
 * it with SIGKILL; resolves with the number it last reported.
 */
function runAndKill(codec: 'null' | 'deflate', start: number, atLeast: number): Promise<number> {
  const { work, pub } = dirs!;
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/crash-writer.ts', work, pub, codec, String(start)],
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
      if (synced >= start + atLeast && child.exitCode === null && !child.killed) {
        child.kill('SIGKILL');
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timeout);
      if (signal === 'SIGKILL' && synced >= start + atLeast) resolve(synced);
      else reject(new Error(`the writer exited with ${code ?? signal}: ${stderr}`));
    });
  });
}

describe('crash safety (a writer process killed with SIGKILL)', () => {
  it.each(['null', 'deflate'] as const)(
    'every synced record survives three kills, and each next start publishes it (%s)',
    async (codec) => {
      dirs = createTempDirs();
      // Each run numbers its records from its own million; runs 2 and 3 recover run 1 and 2.
      const starts = [0, 1_000_000, 2_000_000];
      const synced: number[] = [];
      let partialScan = { records: 0, validLength: 0 };
      let partialName = '';
      for (const start of starts) {
        synced.push(await runAndKill(codec, start, 5000));
        // The open file is still .partial; its valid prefix holds what was synced into it.
        const partials = listFiles(dirs.work);
        expect(partials).toHaveLength(1);
        partialName = partials[0]!;
        const path = join(dirs.work, partialName);
        const handle = await open(path, 'r');
        partialScan = await scanContainer(handle, statSync(path).size);
        await handle.close();
        expect(partialScan.records).toBeGreaterThan(0);
      }

      // The next start publishes the last one, truncated to its last complete block.
      const sink = createFileSink({
        schema: divolteEventRecord,
        workingDirectory: dirs.work,
        publishDirectory: dirs.pub,
        hostname: 'crash-host',
        codec,
      });
      await sink.open();
      expect(listFiles(dirs.work)).toEqual([]);
      expect(sink.metrics()).toMatchObject({
        filesRecovered: 1,
        recordsRecovered: partialScan.records,
      });
      await sink.close();
      const recovered = listFiles(dirs.pub).find((f) => partialName.startsWith(f));
      expect(statSync(join(dirs.pub, recovered!)).size).toBe(partialScan.validLength);

      // Per run: in order, no gaps, no duplicates, and at least everything reported synced.
      const all = numbers(await readAll(dirs.pub)).sort((a, b) => a - b);
      starts.forEach((start, run) => {
        const mine = all.filter((n) => n >= start && n < start + 1_000_000);
        expect(mine.length).toBeGreaterThanOrEqual(synced[run]! - start);
        expect(mine).toEqual(Array.from({ length: mine.length }, (_, i) => start + i));
      });
    },
    120_000,
  );
});
