// Test support: a configuration written to a temporary directory and run in this process (the
// server's own factory) or as the command line does (a real cluster of processes), valid pixels as
// the tag sends them, and the records of the published Avro files, read back with avsc.
import { spawn, type ChildProcess } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
  existsSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import avro from 'avsc';
import { createIdentifier, createPageViewId, encodeEventQuery } from '@tributary/schema/protocol';
import { visitorPageViews } from '../../../test/page-views';
import type { DivolteSettings } from '../src/config/divolte-settings';
import { loadSettings } from '../src/load-settings';
import { startDivolteServer, type DivolteServer } from '../src/server/divolte-server';

const require = createRequire(import.meta.url);

/** The drop-in tag's bytes, as the command line reads them. */
export const trackerScript: Uint8Array = readFileSync(
  join(dirname(require.resolve('@tributary/tracker/package.json')), 'dist', 'tributary.js'),
);

/** The repository's root (where `pnpm divolte` runs). */
export const repoRoot = resolve(import.meta.dirname, '..', '..', '..');

/** A fresh directory with `divolte-collector.conf` (and any other files) in it. */
export function writeConfig(
  text: string,
  files: Record<string, string | Uint8Array> = {},
): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'divolte-test-'));
  const file = join(dir, 'divolte-collector.conf');
  writeFileSync(file, text);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return { dir, file };
}

/** Reads and checks a configuration; throws with its errors when it cannot run. */
export function settingsOf(file: string, env: Record<string, string> = {}): DivolteSettings {
  const loaded = loadSettings(file, env);
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
  return loaded.settings;
}

const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** A server started in this process on a configuration text (port 0 unless it says otherwise). */
export async function startInProcess(
  text: string,
  files: Record<string, string | Uint8Array> = {},
): Promise<{ server: DivolteServer; dir: string; settings: DivolteSettings }> {
  const { dir, file } = writeConfig(text, files);
  const settings = settingsOf(file, { OUT: join(dir, 'out'), DIVOLTE_PORT: '0' });
  const server = await startDivolteServer({
    settings,
    trackerScript,
    shutdownDeadlineMs: 2000,
    logger: silent,
  });
  return { server, dir, settings };
}

/** Every record of every `.avro` file in a directory (none when it does not exist), file by file. */
export async function publishedRecords(directory: string): Promise<Record<string, unknown>[]> {
  if (!existsSync(directory)) return [];
  const records: Record<string, unknown>[] = [];
  for (const name of readdirSync(directory)
    .filter((file) => file.endsWith('.avro'))
    .sort()) {
    await new Promise<void>((resolvePromise, reject) => {
      avro
        .createFileDecoder(join(directory, name))
        .on('data', (record: Record<string, unknown>) => records.push({ ...record }))
        .on('end', resolvePromise)
        .on('error', reject);
    });
  }
  return records;
}

/** The `.avro` file names in a directory. */
export function avroFiles(directory: string): string[] {
  return existsSync(directory)
    ? readdirSync(directory).filter((file) => file.endsWith('.avro'))
    : [];
}

/**
 * `count` valid pixel queries of one new visitor (`?…`), the i-th at `location(i)` (by default
 * `http://example.com/page/<i>`), with `referrer` when given.
 */
export function pixelQueries(
  count: number,
  location = (i: number) => `http://example.com/page/${i}`,
  referrer?: string,
): string[] {
  return visitorPageViews({ createIdentifier, createPageViewId }, count, location).map(
    (event) => '?' + encodeEventQuery(referrer === undefined ? event : { ...event, referrer }),
  );
}

/** GET with a fresh connection (so a cluster spreads requests over its workers). */
export async function get(url: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { headers: { connection: 'close', ...headers } });
}

/** A server started as `pnpm divolte` starts it, with what it printed. */
export interface CliServer {
  readonly child: ChildProcess;
  /** `http://host:port` from the start-up line. */
  readonly url: string;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal's name). */
  readonly exited: Promise<number | string>;
}

/** Runs the command line on `file` and waits for its start-up line (or its exit). */
export function startCli(
  file: string,
  args: readonly string[] = [],
  env: Record<string, string> = {},
): Promise<CliServer> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'examples/divolte/src/main.ts', '--config', file, ...args],
    {
      cwd: repoRoot,
      env: { ...process.env, SHUTDOWN_DEADLINE_MS: '3000', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | string>((resolvePromise) => {
    child.on('exit', (code, signal) => {
      resolvePromise(code ?? signal ?? 'unknown');
    });
  });
  return new Promise((resolvePromise, reject) => {
    const check = (): void => {
      const match = /divolte-compatible server listening on (\S+)/.exec(stdout);
      if (match) {
        child.stdout.off('data', check);
        resolvePromise({
          child,
          url: match[1]!,
          stdout: () => stdout,
          stderr: () => stderr,
          exited,
        });
      }
    };
    child.stdout.on('data', check);
    void exited.then((code) => {
      reject(new Error(`exited ${code} before listening:\n${stderr}`));
    });
  });
}

/** A free TCP port on 127.0.0.1 now. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolvePromise) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        resolvePromise(port);
      });
    });
  });
}

/** Makes a directory (and its parents). */
export function makeDir(path: string): string {
  mkdirSync(path, { recursive: true });
  return path;
}
