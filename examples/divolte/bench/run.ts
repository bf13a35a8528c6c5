// `pnpm --filter @tributary/example-divolte bench` (a group of `pnpm bench`): the Divolte-compatible
// server against the real Divolte Collector on the same divolte-collector.conf (browser source,
// built-in mapping, hdfs sink on local paths with Divolte's 1,000 records / 30 s defaults), the same
// load (distinct valid pixels, wrk) and the same run, twice: every server pinned to one core with
// the load generator on another, then unpinned with all cores. A third server, the collector →
// Divolte mapping → file sink pipeline composed by hand in one process (pipeline-server.ts), shows
// what one Node process does without the server around it.
//
// Each run: start, warm up on pixels of their own, measure, count what reached the Avro files at
// the end of the load (the sink's backlog) and until it settles, stop gracefully, count every
// record in the output: each accepted event must be there. Writes tmp/bench/divolte.json (Vitest's
// bench JSON shape, which scripts/bench-report.mjs turns into the group's section of
// docs/performance.md). Skips with a notice where ../shared (the reference Divolte) is absent.
//
// Environment: BENCH_SECONDS (10), BENCH_WARMUP_SECONDS (20), BENCH_ROUNDS (2), BENCH_CONNECTIONS
// (32), BENCH_PIXELS (200000), BENCH_MODES ('pinned,all'), BENCH_SERVERS ('divolte,tributary,pipeline'),
// DIVOLTE_BENCH_PORT (18491), TRIBUTARY_SHARED (<repo>/../shared), BENCH_LOAD ('node': bench/load.ts even
// when wrk is installed), BENCH_KEEP_OUTPUT ('1': keep each run's Avro files under tmp/bench/divolte).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { countRecordsIn } from './avro-count';
import { PIXEL_HEADERS, createPixelPaths } from './pixels';

const here = dirname(fileURLToPath(import.meta.url));
const exampleDir = join(here, '..');
const root = join(exampleDir, '..', '..');
const shared = process.env.TRIBUTARY_SHARED ?? join(root, '..', 'shared');
const reference = join(shared, 'reference', 'divolte-server');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 20);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const PIXELS = Number(process.env.BENCH_PIXELS ?? 200_000);
const PORT = Number(process.env.DIVOLTE_BENCH_PORT ?? 18_491);
const MODES = (process.env.BENCH_MODES ?? 'pinned,all').split(',') as Mode[];
const SERVERS = (process.env.BENCH_SERVERS ?? 'divolte,tributary,pipeline').split(',') as Kind[];
// Both servers' file writers keep up to this many records per file before a sync; the backlog
// counts only what is beyond it (Divolte's hdfs sink has 2 writer threads, the server 1 per worker).
const SYNC_RECORDS = 1000;
const SETTLE_LIMIT_MS = 60_000;
const CONFIG = join(here, 'divolte-collector.conf');
const WORK = join(root, 'tmp', 'bench', 'divolte');
const CORES = availableParallelism();

type Mode = 'pinned' | 'all';
type Kind = 'divolte' | 'tributary' | 'pipeline';

const notice = (line: string): void => {
  console.log(`[divolte bench] ${line}`);
};

if (!existsSync(join(reference, 'run.sh'))) {
  notice(
    `skipped: the reference Divolte is not at ${reference} (the repository's parent must hold shared/, or set TRIBUTARY_SHARED)`,
  );
  process.exit(0);
}
// BENCH_LOAD=node forces the in-repo generator (to compare the two, or to check it still works).
const wrk =
  process.env.BENCH_LOAD !== 'node' && spawnSync('wrk', ['--version']).error === undefined;
if (!wrk && process.env.BENCH_LOAD !== 'node') {
  notice(
    'wrk is not installed (apt-get install -y wrk); using the in-repo load generator (bench/load.ts), which may limit the rate on one core before a server does',
  );
}
const taskset = spawnSync('taskset', ['--version']).error === undefined;
if (!taskset || CORES < 2) {
  notice(
    `pinned runs need taskset (util-linux) and 2 cores (have ${CORES}); measuring unpinned only`,
  );
}
const modes = MODES.filter((mode) => mode === 'all' || (taskset && CORES >= 2));
const divolteScript = join(root, 'infra', 'divolte', 'divolte.sh');
const serverMain = join(exampleDir, 'src', 'main.ts');
const serverLanded = !readFileSync(serverMain, 'utf8').includes('not yet implemented');
if (!serverLanded) {
  notice(
    'the Divolte-compatible server (src/main.ts) is not implemented yet; measuring without it',
  );
}
const kinds = SERVERS.filter((kind) => kind !== 'tributary' || serverLanded);

/** The measured results of one wrk (or load.ts) run. */
interface LoadResult {
  requests: number;
  durationUs: number;
  p50Us: number;
  p99Us: number;
  maxUs: number;
  connectErrors: number;
  readErrors: number;
  writeErrors: number;
  statusErrors: number;
  timeouts: number;
}

/** One server measured once. */
interface Run {
  kind: Kind;
  mode: Mode;
  rate: number;
  load: LoadResult;
  /** 2xx answers over the warm-up and the measured load: the events each server accepted. */
  answered: number;
  /** Records in the Avro files after the graceful stop. */
  records: number;
  /** Answered events not in the files when the load ended, beyond the open sync batches. */
  backlogAtEnd: number;
  /** Time after the load until the files held all but the open sync batches (undefined: never). */
  settleMs: number | undefined;
  /** Server CPU seconds per second of measured load. */
  cores: number;
  /** Server CPU time (user + system, all its processes and threads) per answered request, µs. */
  cpuPerRequest: number;
  startMs: number;
  stopMs: number;
  exitCode: number | null;
}

mkdirSync(WORK, { recursive: true });
const pixelFile = join(WORK, 'pixels.txt');
const warmupFile = join(WORK, 'warmup.txt');
const headerFile = join(WORK, 'headers.txt');
// Warm-up pixels are distinct from the measured ones, so the measured load is PIXELS new events.
writeFileSync(pixelFile, createPixelPaths({ count: PIXELS }).join('\n') + '\n');
writeFileSync(warmupFile, createPixelPaths({ count: 100_000 }).join('\n') + '\n');
writeFileSync(
  headerFile,
  Object.entries(PIXEL_HEADERS)
    .map(([name, value]) => `${name}: ${value}`)
    .join('\n') + '\n',
);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs a command to its end; its output is returned, and a failure throws with its stderr. */
function runCommand(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
  timeoutMs = 300_000,
): string {
  const result = spawnSync(command, args, {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
    // A start or stop that hangs must fail the group, not hold `pnpm bench` forever.
    timeout: timeoutMs,
  });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} exited ${String(result.status)}: ${result.stderr}`,
    );
  }
  return result.stdout;
}

/** User + system CPU seconds of a process and its descendants (cluster workers, JVM threads). */
function cpuSeconds(pid: number): number {
  const ticks = 100; // USER_HZ on Linux
  const parents = new Map<number, number>();
  const times = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(name), Number(fields[1]));
      times.set(Number(name), (Number(fields[11]) + Number(fields[12])) / ticks);
    } catch {
      // The process ended while we looked.
    }
  }
  let total = 0;
  for (const [process, time] of times) {
    for (let p: number | undefined = process; p !== undefined && p > 1; p = parents.get(p)) {
      if (p === pid) {
        total += time;
        break;
      }
    }
  }
  return total;
}

/** A started server: its process id (for CPU time), how to stop it, and its output folder. */
interface Started {
  pid: number;
  writers: number;
  stop: () => Promise<number | null>;
}

const pin = (mode: Mode, core: number, command: string[]): string[] =>
  mode === 'pinned' ? ['taskset', '-c', String(core), ...command] : command;

function waitForLine(child: ChildProcess, pattern: RegExp, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (pattern.test(output)) {
        child.stdout?.off('data', onData);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => {
      reject(new Error(`${what} exited ${String(code)} before it listened:\n${output}`));
    });
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    child.once('exit', (code) => {
      resolve(code);
    });
  });
}

async function startNode(kind: Kind, mode: Mode, out: string): Promise<Started> {
  // The server serves the tracker's built tag; on a machine where others rebuild the packages the
  // file is briefly absent, so wait for it instead of failing the group.
  const tag = join(root, 'packages', 'tracker', 'dist', 'tributary.js');
  for (let waited = 0; kind === 'tributary' && !existsSync(tag) && waited < 180; waited++) {
    if (waited === 0) notice(`waiting for ${tag} (pnpm build makes it)`);
    await sleep(1000);
  }
  const script = kind === 'pipeline' ? join(here, 'pipeline-server.ts') : serverMain;
  const args = ['--import', 'tsx', script];
  // Pinned: one worker on the one core; all cores: the server's default (the machine's cores).
  if (kind === 'tributary')
    args.push('--config', CONFIG, ...(mode === 'pinned' ? ['--workers', '1'] : []));
  const [command, ...rest] = pin(mode, 1, [process.execPath, ...args]);
  const child = spawn(command!, rest, {
    cwd: root,
    env: { ...process.env, DIVOLTE_PORT: String(PORT), DIVOLTE_OUT: out },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await waitForLine(
    child,
    kind === 'pipeline' ? /listening on http/ : /divolte-compatible server listening on http/,
    kind,
  );
  let tail = '';
  child.stdout.on('data', (chunk: Buffer) => {
    tail += chunk.toString();
  });
  return {
    pid: child.pid!,
    writers: kind === 'tributary' ? (mode === 'pinned' ? 1 : CORES) : 1,
    stop: async () => {
      child.kill('SIGTERM');
      const code = await exited(child);
      if (kind === 'pipeline' && tail.trim() !== '') notice(`pipeline counters: ${tail.trim()}`);
      return code;
    },
  };
}

function startDivolte(mode: Mode, out: string): Started {
  // The JVM's heap: 1 GiB (the infra script's 512 MiB default is for tests beside Kafka and Druid).
  const env = {
    DIVOLTE_PORT: String(PORT),
    DIVOLTE_OUT: out,
    DIVOLTE_JAVA_OPTS: '-Xms1g -Xmx1g',
  };
  if (existsSync(divolteScript)) {
    const [command, ...args] = pin(mode, 1, [divolteScript, 'start', CONFIG]);
    runCommand(command!, args, env);
    const instance = join(root, '.infra-cache', 'divolte', `run-${PORT}`);
    return {
      pid: Number(readFileSync(join(instance, 'divolte.pid'), 'utf8')),
      writers: 2,
      stop: () => {
        runCommand(divolteScript, ['stop'], env);
        return Promise.resolve(0);
      },
    };
  }
  // Before infra/divolte/divolte.sh: the reference's own scripts, with a cache of our own.
  const cache = join(root, '.infra-cache', 'divolte-bench');
  const cacheEnv = { ...env, DIVOLTE_CACHE: cache };
  const [command, ...args] = pin(mode, 1, [join(reference, 'run.sh'), CONFIG]);
  runCommand(command!, args, cacheEnv);
  return {
    pid: Number(readFileSync(join(cache, 'divolte.pid'), 'utf8')),
    writers: 2,
    stop: () => {
      runCommand(join(reference, 'stop.sh'), [], cacheEnv);
      return Promise.resolve(0);
    },
  };
}

function load(mode: Mode, file: string, seconds: number): LoadResult {
  const url = `http://127.0.0.1:${PORT}`;
  const command = wrk
    ? [
        'wrk',
        '-t1',
        `-c${CONNECTIONS}`,
        `-d${seconds}s`,
        '--timeout',
        '5s',
        '-s',
        join(here, 'pixels.lua'),
        url,
        '--',
        file,
        headerFile,
        '1',
      ]
    : [
        process.execPath,
        '--import',
        'tsx',
        join(here, 'load.ts'),
        url,
        String(seconds),
        String(CONNECTIONS),
        file,
        headerFile,
      ];
  const [name, ...args] = pin(mode, 0, command);
  const output = runCommand(name!, args, {}, (seconds + 30) * 1000);
  const line = output.split('\n').find((text) => text.startsWith('{"requests"'));
  if (line === undefined) throw new Error(`no result from the load generator:\n${output}`);
  return JSON.parse(line) as LoadResult;
}

const ok = (result: LoadResult): number => result.requests - result.statusErrors;

async function measure(kind: Kind, mode: Mode, round: number): Promise<Run> {
  const out = join(WORK, `${kind}-${mode}-${round}`);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, 'working'), { recursive: true });
  mkdirSync(join(out, 'published'), { recursive: true });
  const startedAt = Date.now();
  const server = kind === 'divolte' ? startDivolte(mode, out) : await startNode(kind, mode, out);
  const startMs = Date.now() - startedAt;
  let answered = 0;
  try {
    answered += ok(load(mode, warmupFile, WARMUP_SECONDS));
    const cpuBefore = cpuSeconds(server.pid);
    const windowStart = process.hrtime.bigint();
    const measured = load(mode, pixelFile, SECONDS);
    const cpu = cpuSeconds(server.pid) - cpuBefore;
    // The CPU window also holds wrk's start (reading the pixel file): divide by the window, not
    // by wrk's own duration.
    const cores = cpu / (Number(process.hrtime.bigint() - windowStart) / 1e9);
    answered += ok(measured);
    const loadEnded = Date.now();
    const slack = server.writers * SYNC_RECORDS;
    const backlogAtEnd = Math.max(0, answered - (await countRecordsIn(out)).records - slack);
    let settleMs: number | undefined;
    while (Date.now() - loadEnded < SETTLE_LIMIT_MS) {
      if ((await countRecordsIn(out)).records >= answered - slack) {
        settleMs = Date.now() - loadEnded;
        break;
      }
      await sleep(250);
    }
    const stoppedAt = Date.now();
    const exitCode = await server.stop();
    const stopMs = Date.now() - stoppedAt;
    // After the stop every file is published: count only those, as a consumer would read them.
    const records = (await countRecordsIn(join(out, 'published'), ['.avro'])).records;
    // Hundreds of MB per run; BENCH_KEEP_OUTPUT=1 keeps them for a look with an Avro reader.
    if (process.env.BENCH_KEEP_OUTPUT !== '1') rmSync(out, { recursive: true, force: true });
    const run: Run = {
      kind,
      mode,
      rate: measured.requests / (measured.durationUs / 1e6),
      load: measured,
      answered,
      records,
      backlogAtEnd,
      settleMs,
      cores,
      cpuPerRequest: (cpu * 1e6) / Math.max(1, measured.requests),
      startMs,
      stopMs,
      exitCode,
    };
    console.log(
      `${mode} ${kind} round ${round + 1}: ${Math.round(run.rate)} req/s, p50 ${ms(measured.p50Us)}, p99 ${ms(measured.p99Us)}, ` +
        `errors ${errors(measured)}, ${run.cores.toFixed(2)} cores, ${run.cpuPerRequest.toFixed(0)} µs CPU/request, answered ${answered}, records ${records}, ` +
        `backlog at end ${backlogAtEnd}, settled ${settleMs === undefined ? 'never' : `${settleMs} ms`}, exit ${String(exitCode)}`,
    );
    return run;
  } catch (error) {
    await server.stop().catch(() => undefined);
    throw error;
  }
}

const ms = (us: number): string => `${(us / 1000).toFixed(us < 10_000 ? 2 : 0)} ms`;
const errors = (result: LoadResult): number =>
  result.connectErrors +
  result.readErrors +
  result.writeErrors +
  result.statusErrors +
  result.timeouts;
function summary(values: number[]): { hz: number; rme: number } {
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  if (values.length < 2) return { hz: mean, rme: 0 };
  const variance =
    values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (values.length - 1);
  return { hz: mean, rme: ((1.96 * Math.sqrt(variance)) / Math.sqrt(values.length) / mean) * 100 };
}

const loadBefore = loadavg()[0]!;
const runs: Run[] = [];
for (let round = 0; round < ROUNDS; round++) {
  for (const mode of modes) {
    // Alternate the order each round, so a machine that gets busier hits every server alike.
    const order = round % 2 === 0 ? kinds : [...kinds].reverse();
    for (const kind of order) runs.push(await measure(kind, mode, round));
  }
}
const loadAfter = loadavg()[0]!;

const NAMES: Record<Kind, string> = {
  divolte: 'baseline: Divolte Collector 0.9 (Java 17, reference build)',
  tributary: 'Divolte-compatible server (examples/divolte)',
  pipeline: 'collector → Divolte mapping → file sink, one process (bench/pipeline-server.ts)',
};
const MODE_TITLES: Record<Mode, string> = {
  pinned: 'pixel GET, both servers pinned to one core (taskset -c 1, load on core 0)',
  all: `pixel GET, unpinned on all ${CORES} cores`,
};
const count = (value: number): string => value.toLocaleString('en-US');
const LABELS: Record<Kind, string> = {
  divolte: 'Divolte',
  tributary: 'Divolte-compatible server',
  pipeline: 'One-process pipeline',
};
const groups = modes.map((mode) => {
  const of = (kind: Kind) => runs.filter((run) => run.mode === mode && run.kind === kind);
  const mean = (values: number[]) => summary(values).hz;
  const divolte = of('divolte');
  const divolteCpu = mean(divolte.map((run) => run.cpuPerRequest));
  const notes: string[] = [];
  for (const kind of kinds) {
    const mine = of(kind);
    if (mine.length === 0) continue;
    const rate = mean(mine.map((run) => run.rate));
    const cpu = mean(mine.map((run) => run.cpuPerRequest));
    // Rounds alternate the order, so each round's pair ran close in time: its ratio shows the drift.
    const ratio =
      kind === 'divolte' || divolte.length === 0
        ? ''
        : `, ${(rate / mean(divolte.map((run) => run.rate))).toFixed(2)} × Divolte (per round ${mine.map((run, i) => (divolte[i] ? (run.rate / divolte[i].rate).toFixed(2) : '—')).join(', ')})`;
    const cpuRatio =
      kind === 'divolte' || divolte.length === 0
        ? ''
        : ` (${(divolteCpu / cpu).toFixed(2)} × Divolte's requests per CPU-second)`;
    const missing = mine.reduce((sum, run) => sum + Math.max(0, run.answered - run.records), 0);
    const perRound = (value: (run: Run) => string) => mine.map(value).join(' / ');
    notes.push(
      `${LABELS[kind]}: ${count(Math.round(rate))} req/s${ratio}; ` +
        `p50 ${perRound((run) => ms(run.load.p50Us))}, p99 ${perRound((run) => ms(run.load.p99Us))}; ` +
        `server CPU ${perRound((run) => run.cpuPerRequest.toFixed(0))} µs per request${cpuRatio}, ${perRound((run) => run.cores.toFixed(2))} cores busy; ` +
        `errors ${perRound((run) => String(errors(run.load)))}; ` +
        `records in the Avro files ${perRound((run) => `${count(run.records)} of ${count(run.answered)} answered`)} (${missing === 0 ? 'every accepted event is there' : `${count(missing)} accepted events missing`}); ` +
        `sink backlog at the end of the load ${perRound((run) => count(run.backlogAtEnd))} records, all in the files ${perRound((run) => (run.settleMs === undefined ? `> ${SETTLE_LIMIT_MS / 1000} s` : `${(run.settleMs / 1000).toFixed(1)} s`))} later; ` +
        `graceful stop ${perRound((run) => `${(run.stopMs / 1000).toFixed(1)} s`)}.`,
    );
  }
  return {
    fullName: `divolte > ${MODE_TITLES[mode]}`,
    benchmarks: kinds
      .filter((kind) => of(kind).length > 0)
      .map((kind) => ({ name: NAMES[kind], ...summary(of(kind).map((run) => run.rate)) })),
    notes,
  };
});
const common = [
  `Values per round are separated by " / ". ${ROUNDS} round(s), the order reversed each round; per server and round: start, ${WARMUP_SECONDS} s warm-up on 100,000 pixels of its own, ${SECONDS} s measured with ${wrk ? 'wrk (1 thread' : 'bench/load.ts (raw sockets'}, ${CONNECTIONS} keep-alive connections) cycling through ${count(PIXELS)} distinct valid pixels, then SIGTERM. One divolte-collector.conf for both (examples/divolte/bench): browser source, built-in mapping, hdfs sink on local paths, sync after 1,000 records or 30 s, roll every hour. All cores: the server's default workers (${CORES}); the pipeline is one process whatever the cores.`,
  `Server CPU: user + system time of every process and thread of the server during the measured load, per request — what a busy machine moves least; the JVM's includes its JIT compiler and garbage collector threads, whose time does not scale with requests, so Divolte's falls as its rate rises. Backlog: answered events not yet in the Avro files when the load ends, beyond the ${count(SYNC_RECORDS)} records each file writer may hold before its sync (Divolte: 2 hdfs threads; the server: 1 per worker). Records are counted in the published files after the stop; "answered" is every 2xx of the warm-up and the load (a few more records than answers are requests still in flight when wrk stopped).`,
  `Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC. Divolte runs with -Xms1g -Xmx1g on Java ${javaVersion()}; Node ${process.version}. Load average (1 min) ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after, on ${CORES} cores (${cpus()[0]?.model ?? 'unknown CPU'}).`,
];
if (Math.max(loadBefore, loadAfter) > CORES / 2) {
  common.push(
    `Taken while the machine was shared with other work (load average above ${CORES / 2} on ${CORES} cores): a pinned server still shares its core with whatever else the scheduler puts there, and a server with several busy threads (Divolte's I/O, mapper and sink threads) gets more of a contended core than one Node thread (compare the cores busy). Absolute rates are low and move from run to run; read the CPU per request first, then the ratios.`,
  );
}
common.push(
  'Re-run this group alone: `pnpm --filter @tributary/example-divolte bench` after `pnpm build` (BENCH_ROUNDS, BENCH_SECONDS, BENCH_MODES, BENCH_SERVERS to narrow it); `pnpm bench` runs it with the others.',
);
for (const group of groups) group.notes.push(...common);

function javaVersion(): string {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  return /version "([^"]+)"/.exec(result.stderr)?.[1] ?? 'unknown';
}

const report = { files: [{ filepath: join(here, 'run.ts'), groups }] };
mkdirSync(join(root, 'tmp', 'bench'), { recursive: true });
writeFileSync(join(root, 'tmp', 'bench', 'divolte.json'), JSON.stringify(report, null, 2) + '\n');
writeFileSync(join(WORK, 'runs.json'), JSON.stringify(runs, null, 2) + '\n');
for (const group of groups) for (const note of group.notes) console.log(note);
console.log('wrote tmp/bench/divolte.json');
