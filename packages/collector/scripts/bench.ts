// `pnpm --filter @tributary/collector bench`: pixel GET throughput of the collector (node:http
// adapter, no-op consumer) against a bare node:http server answering the same GIF. Same load
// generator (autocannon, keep-alive), same run, 127.0.0.1, alternating rounds so drift hits both.
// Writes tmp/bench/collector.json at the repository root in Vitest's bench JSON shape. The servers
// run the built packages (`pnpm bench` builds this one first; turbo builds @tributary/schema).
// BENCH_ROUNDS=0 is the quick mode: only the in-process CPU figure, no servers, no report written.
import { fork, type ChildProcess } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeEventQuery, encodeEventQuery } from '@tributary/schema/protocol';
import autocannon from 'autocannon';
import type * as CollectorModule from '../src/index';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CONNECTIONS = 32;

// A realistic tag request: a page view with location, referrer, sizes and parameters, ~600 bytes.
const pageViewId = '0:AbCdEfGhIjKlMnOpQrStUvWxYz012345';
const query = encodeEventQuery({
  partyId: '0:i1t84hgy:5AF359Zjq5kUy98u4wQjlIZzWGhN~GlG',
  sessionId: '0:i1t84hgy:95CbiPCYln_1e0a6rFvuRkDkeNnc6KC8',
  pageViewId,
  eventId: pageViewId + '0',
  clientTimestamp: 1_414_499_908_146,
  newParty: false,
  firstInSession: true,
  location: 'https://shop.example/products/shoes?color=red&size=42#reviews',
  referrer: 'https://search.example/results?q=red+shoes',
  viewportWidth: 1280,
  viewportHeight: 720,
  screenWidth: 1920,
  screenHeight: 1080,
  devicePixelRatio: 2,
  eventType: 'pageView',
  parameters: { category: 'shoes', price: 89.5, tags: ['sale', 'new'] },
});
const path = `/csc-event?${query}`;
const headers = {
  'user-agent':
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  accept: 'image/avif,image/webp,image/apng,image/*,*/*;q=0.8',
  'accept-language': 'en-US,en;q=0.9',
  referer: 'https://shop.example/products/shoes',
  cookie:
    '_dvp=0:i1t84hgy:5AF359Zjq5kUy98u4wQjlIZzWGhN~GlG; _dvs=0:i1t84hgy:95CbiPCYln_1e0a6rFvuRkDkeNnc6KC8',
};

interface Server {
  child: ChildProcess;
  port: number;
}

type Kind = 'baseline' | 'decode' | 'collector';

function start(kind: Kind): Promise<Server> {
  const child = fork(join(here, 'bench-server.mjs'), [kind], { execArgv: [] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('message', (message) => {
      resolve({ child, port: (message as { port: number }).port });
    });
  });
}

function ask(server: Server, what: 'rss' | 'cpu'): Promise<number> {
  return new Promise((resolve) => {
    server.child.once('message', (message) => {
      resolve((message as Record<string, number>)[what]!);
    });
    server.child.send(what);
  });
}

async function stop(server: Server): Promise<void> {
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.send('stop');
  await exited;
}

interface Run {
  samples: number[];
  /** Server CPU time (user + system) per answered request, µs: robust on a busy machine. */
  cpuPerRequest: number;
  non2xx: number;
  errors: number;
  rss: number;
}

async function measure(kind: Kind): Promise<Run> {
  const server = await start(kind);
  const url = `http://127.0.0.1:${server.port}${path}`;
  // A short warm-up so both servers are JIT-compiled before the measured run.
  await autocannon({ url, headers, connections: CONNECTIONS, duration: 1 });
  const cpuBefore = await ask(server, 'cpu');
  const result = await autocannon({ url, headers, connections: CONNECTIONS, duration: SECONDS });
  const cpu = (await ask(server, 'cpu')) - cpuBefore;
  const run: Run = {
    samples: result.requests.total > 0 ? [result.requests.total / SECONDS] : [0],
    cpuPerRequest: cpu / Math.max(1, result.requests.total),
    non2xx: result.non2xx,
    errors: result.errors,
    rss: await ask(server, 'rss'),
  };
  await stop(server);
  return run;
}

function summary(values: number[]): { hz: number; rme: number } {
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  if (values.length < 2) return { hz: mean, rme: 0 };
  const variance =
    values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (values.length - 1);
  // 95 % margin of the mean, relative, as Vitest reports rme.
  return { hz: mean, rme: ((1.96 * Math.sqrt(variance)) / Math.sqrt(values.length) / mean) * 100 };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const notes: string[] = [];
const throughput = ROUNDS > 0 ? await serverRounds() : undefined;

/** The alternating rounds of the three servers under autocannon. */
async function serverRounds(): Promise<
  Record<'baseline' | 'decodeFloor' | 'collector', { hz: number; rme: number }>
> {
  const loadBefore = loadavg()[0]!;
  const runs: Record<Kind, Run[]> = { baseline: [], decode: [], collector: [] };
  for (let round = 0; round < ROUNDS; round++) {
    const order: Kind[] =
      round % 2 === 0 ? ['baseline', 'decode', 'collector'] : ['collector', 'decode', 'baseline'];
    for (const kind of order) {
      const run = await measure(kind);
      runs[kind].push(run);
      console.log(
        `round ${round + 1} ${kind}: ${Math.round(run.samples[0]!)} req/s, ${run.cpuPerRequest.toFixed(1)} µs CPU/request, RSS ${(run.rss / 2 ** 20).toFixed(1)} MiB`,
      );
    }
  }

  const baseline = summary(runs.baseline.flatMap((run) => run.samples));
  const decodeFloor = summary(runs.decode.flatMap((run) => run.samples));
  const collector = summary(runs.collector.flatMap((run) => run.samples));
  const maxRss = (kind: Kind) => Math.max(...runs[kind].map((run) => run.rss)) / 2 ** 20;
  const failures = [...runs.baseline, ...runs.decode, ...runs.collector].reduce(
    (sum, run) => sum + run.non2xx + run.errors,
    0,
  );
  const ratio = collector.hz / baseline.hz;
  const cpu = (kind: Kind) =>
    runs[kind].reduce((sum, run) => sum + run.cpuPerRequest, 0) / runs[kind].length;
  // Each round measures both servers back to back: its own ratio shows how much the machine moved.
  const roundRatios = runs.collector.map(
    (run, round) => run.samples[0]! / runs.baseline[round]!.samples[0]!,
  );
  const percent = (value: number): string => `${(value * 100).toFixed(1)} %`;
  notes.push(
    `Ratio ${percent(ratio)} (target ≥ 80 %): collector ${Math.round(collector.hz)} req/s vs bare node:http ${Math.round(baseline.hz)} req/s; per round ${roundRatios.map(percent).join(', ')} (median ${percent(median(roundRatios))}).`,
    `${ROUNDS} alternating rounds of ${SECONDS} s per server after a 1 s warm-up, autocannon with ${CONNECTIONS} keep-alive connections, a ${path.length}-byte pixel URL with browser headers; each server in its own process.`,
    `A bare server that also runs decodeEventQuery after the answers of each event-loop turn (the floor for any collector built on @tributary/schema) reaches ${((decodeFloor.hz / baseline.hz) * 100).toFixed(1)} % (${Math.round(decodeFloor.hz)} req/s).`,
    `Server CPU per request (user + system): collector ${cpu('collector').toFixed(1)} µs, bare + decode ${cpu('decode').toFixed(1)} µs, bare ${cpu('baseline').toFixed(1)} µs. Per CPU-second the collector serves ${percent(cpu('baseline') / cpu('collector'))} of the bare server's requests: the throughput ratio tends to that whenever the server's CPU, not the load generator, limits the rate (as it does for the bare server on a quiet machine).`,
    `Peak RSS: collector ${maxRss('collector').toFixed(1)} MiB (duplicate memory of 1,000,000 slots = 8 MB included), baseline ${maxRss('baseline').toFixed(1)} MiB.`,
    `Non-2xx answers and socket errors across all runs: ${failures}. Load average (1 min) ${loadBefore.toFixed(1)} before the run, ${loadavg()[0]!.toFixed(1)} after, on ${availableParallelism()} cores.`,
  );
  for (const note of notes) console.log(note);
  return { baseline, decodeFloor, collector };
}

// The collector alone, in this process: CPU per pixel event of its node adapter without a socket
// (the header record, the answer, full decode, verdicts, queue, a no-op consumer) against the
// schema's decodeEventQuery it is built on.
const { createCollector } = (await import('../dist/index.js')) as unknown as typeof CollectorModule;
const collectorCore = createCollector({ onEvent: () => undefined });
// What the node adapter reads of an IncomingMessage and writes to a ServerResponse, without the
// socket: the method, the target, the raw header list (as a browser sends it) and the peer.
const rawHeaders = [
  'Host',
  '127.0.0.1:8290',
  ...Object.entries(headers).flatMap(([name, value]) => [
    name.replace(/(^|-)[a-z]/g, (first) => first.toUpperCase()),
    value,
  ]),
];
// New strings for every request, made from bytes as node:http's parser makes them: V8 keeps a
// string's hash and its internalised copy, so reusing one string object would make the header
// record, the Map lookups and the property stores cheaper here than in a server. Making them is
// measured alone and subtracted.
const rawHeaderBytes = rawHeaders.map((text) => Buffer.from(text, 'latin1'));
const pathBytes = Buffer.from(path, 'latin1');
const socket = { remoteAddress: '127.0.0.1' };
const incoming = (): IncomingMessage =>
  ({
    method: 'GET',
    url: pathBytes.toString('latin1'),
    rawHeaders: rawHeaderBytes.map((bytes) => bytes.toString('latin1')),
    socket,
  }) as unknown as IncomingMessage;
const outgoing = {
  headersSent: false,
  destroyed: false,
  writeHead() {
    return this;
  },
  end() {
    return this;
  },
} as unknown as ServerResponse;
async function cpuPerCall(run: () => unknown): Promise<number[]> {
  const samples: number[] = [];
  for (let round = 0; round < 6; round++) {
    const calls = 50_000;
    const before = process.cpuUsage();
    for (let i = 0; i < calls; i++) {
      run();
      // Let the answered pixels be processed and the consumer run, as between bursts of requests.
      if (i % 32 === 31) await new Promise((resolve) => setImmediate(resolve));
    }
    await new Promise((resolve) => setImmediate(resolve));
    const used = process.cpuUsage(before);
    if (round > 0) samples.push(calls / ((used.user + used.system) / 1e6));
  }
  return samples;
}
// The median CPU time of one call, µs.
const medianMicros = (samples: number[]): number => median(samples.map((hz) => 1e6 / hz));
const making = medianMicros(await cpuPerCall(incoming));
const queryStart = path.indexOf('?') + 1;
// Calls per CPU-second without the cost of making the request's strings.
const net = (samples: number[]): { hz: number; rme: number } =>
  summary(samples.map((hz) => 1e6 / (1e6 / hz - making)));
const decodeOnly = net(await cpuPerCall(() => decodeEventQuery(incoming().url!.slice(queryStart))));
const handleAll = net(
  await cpuPerCall(() => {
    collectorCore.node(incoming(), outgoing);
  }),
);
await collectorCore.close();
const coreNotes = [
  `CPU per pixel event: the collector's node adapter without the socket ${(1e6 / handleAll.hz).toFixed(1)} µs, of which @tributary/schema decodeEventQuery ${(1e6 / decodeOnly.hz).toFixed(1)} µs (measured alone); ops/s here are events per CPU-second. Every request brings new strings, as from node:http's parser; making them (${making.toFixed(1)} µs) is measured alone and left out.`,
];
for (const note of coreNotes) console.log(note);

if (throughput !== undefined) {
  const report = {
    files: [
      {
        filepath: join(here, 'bench.ts'),
        groups: [
          {
            fullName: 'collector > pixel GET throughput (node:http adapter, no-op consumer)',
            benchmarks: [
              { name: 'baseline: bare node:http answering the GIF', ...throughput.baseline },
              {
                name: 'bare node:http + decodeEventQuery after the answers of each turn',
                ...throughput.decodeFloor,
              },
              { name: 'collector: createCollector().node', ...throughput.collector },
            ],
            notes,
          },
          {
            fullName: 'collector > core CPU per pixel event (in-process, built package)',
            benchmarks: [
              { name: 'baseline: decodeEventQuery alone', ...decodeOnly },
              {
                name: 'collector.node without the socket: answer, decode, verdicts, queue, consumer',
                ...handleAll,
              },
            ],
            notes: coreNotes,
          },
        ],
      },
    ],
  };
  mkdirSync(join(root, 'tmp', 'bench'), { recursive: true });
  writeFileSync(
    join(root, 'tmp', 'bench', 'collector.json'),
    JSON.stringify(report, null, 2) + '\n',
  );
  console.log('wrote tmp/bench/collector.json');
}
