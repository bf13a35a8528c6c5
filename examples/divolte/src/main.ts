// The Divolte-compatible server's command line:
//   node --import tsx examples/divolte/src/main.ts --config <divolte-collector.conf> [--workers N]
// The primary checks the configuration (every error as file:line: key: why, exit 1), prints the
// one warning of settings it does not honour, forks the workers and prints
// `divolte-compatible server listening on http://host:port` once all of them listen.
// SIGTERM/SIGINT: every worker drains and publishes its files (bounded by SHUTDOWN_DEADLINE_MS),
// then exit 0; a second signal cuts the deadline short.
import cluster from 'node:cluster';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { runPrimary } from './cluster/primary';
import { runWorker } from './cluster/worker';
import { ignoredWarning, loadSettings } from './load-settings';

const USAGE = 'usage: pnpm divolte --config <divolte-collector.conf> [--workers N]';

function fail(message: string, code: number): never {
  process.stderr.write(message + '\n');
  process.exit(code);
}

function wholeNumber(
  name: string,
  text: string | undefined,
  fallback: number,
  min: number,
): number {
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min)
    fail(`${name} must be a whole number ≥ ${min}, not ${JSON.stringify(text)}.`, 2);
  return value;
}

let args: { config?: string | undefined; workers?: string | undefined; help?: boolean | undefined };
try {
  args = parseArgs({
    options: {
      config: { type: 'string' },
      workers: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }).values;
} catch (error) {
  fail(`${(error as Error).message}\n${USAGE}`, 2);
}
if (args.help) {
  process.stdout.write(USAGE + '\n');
  process.exit(0);
}
if (args.config === undefined) fail(`--config is required.\n${USAGE}`, 2);
const configFile = args.config;
const workers = wholeNumber(
  '--workers',
  args.workers ?? process.env.DIVOLTE_WORKERS,
  availableParallelism(),
  1,
);
const shutdownDeadlineMs = wholeNumber(
  'SHUTDOWN_DEADLINE_MS',
  process.env.SHUTDOWN_DEADLINE_MS,
  10_000,
  0,
);

const loaded = loadSettings(configFile, process.env);
if (!loaded.ok) fail(`${configFile} cannot run:\n  ${loaded.errors.join('\n  ')}`, 1);

if (cluster.isPrimary) {
  const warning = ignoredWarning(loaded.settings);
  if (warning !== undefined) process.stderr.write(warning + '\n');
  const primary = runPrimary({
    workers,
    env: process.env,
    onListening: (url) => process.stdout.write(`divolte-compatible server listening on ${url}\n`),
    warn: (message) => process.stderr.write(`warning: ${message}\n`),
    // stdout to a pipe is asynchronous: exit once what was written is out.
    onExit: (code) => process.stdout.write('', () => process.exit(code)),
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.on(signal, () => {
      primary.shutdown();
    });
} else {
  const require = createRequire(import.meta.url);
  const trackerPath = join(
    dirname(require.resolve('@tributary/tracker/package.json')),
    'dist',
    'tributary.js',
  );
  const trackerScript = await readFile(trackerPath).catch(() =>
    fail(
      `The tag is not built (${trackerPath}): run pnpm divolte from the root, or pnpm build.`,
      1,
    ),
  );
  // A cluster worker's process is its IPC channel (process.send and the 'message' event).
  const channel = process as unknown as Parameters<typeof runWorker>[0]['channel'];
  // Told to stop (or left alone) before it listens: it has accepted nothing, so it just exits.
  const stopWhileStarting = (message: { type?: unknown }): void => {
    if (message.type === 'shutdown' || message.type === 'force') process.exit(0);
  };
  const exitWhileStarting = (): void => process.exit(0);
  process.on('message', stopWhileStarting);
  process.on('disconnect', exitWhileStarting);
  const worker = await runWorker({
    settings: loaded.settings,
    trackerScript,
    workerId: wholeNumber('DIVOLTE_WORKER_ID', process.env.DIVOLTE_WORKER_ID, 0, 0),
    shutdownDeadlineMs,
    // stdout carries the one start-up line; everything else goes to stderr.
    logger: {
      debug: () => undefined,
      info: (message, fields) => {
        console.error(message, fields ?? '');
      },
      warn: (message, fields) => {
        console.error(`warning: ${message}`, fields ?? '');
      },
      error: (message, fields) => {
        console.error(`error: ${message}`, fields ?? '');
      },
    },
    channel,
    exit: (code) => process.exit(code),
  }).catch((error: unknown) =>
    fail(
      `worker ${process.env.DIVOLTE_WORKER_ID}: ${error instanceof Error ? error.message : String(error)}`,
      1,
    ),
  );
  // Ctrl-C reaches every process of the group: the worker drains on its own first signal and
  // cuts its deadline short on the second, as the primary asks it to.
  process.off('message', stopWhileStarting);
  process.off('disconnect', exitWhileStarting);
  let signals = 0;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      worker.stop(signals++ > 0);
    });
  }
}
