// The load generator used when wrk is not installed: keep-alive connections over raw sockets, one
// request in flight on each (as wrk does), cycling through the pixel file from distinct offsets.
// Prints the same JSON line as pixels.lua's `done`. Slower than wrk per core: on one pinned core it
// may limit the rate before the server does, which the report says when it is used.
// Usage: tsx load.ts <url> <seconds> <connections> <pixel file> <header file>
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';

const [url = '', secondsText = '10', connectionsText = '32', pixelFile = '', headerFile = ''] =
  process.argv.slice(2);
const target = new URL(url);
const seconds = Number(secondsText);
const connections = Number(connectionsText);
const paths = readFileSync(pixelFile, 'utf8').split('\n').filter(Boolean);
const headers = readFileSync(headerFile, 'utf8').split('\n').filter(Boolean).join('\r\n');
const host = `${target.hostname}:${target.port}`;

const latencies: number[] = [];
const result = {
  requests: 0,
  connectErrors: 0,
  readErrors: 0,
  writeErrors: 0,
  statusErrors: 0,
  timeouts: 0,
};
const started = process.hrtime.bigint();
const deadline = started + BigInt(seconds * 1e9);
let open = connections;

function run(index: number): void {
  let next = Math.floor((index * paths.length) / connections);
  let sentAt = 0n;
  let pending: Buffer = Buffer.alloc(0);
  const socket: Socket = connect(Number(target.port), target.hostname);
  const send = (): void => {
    if (process.hrtime.bigint() >= deadline) {
      socket.end();
      return;
    }
    next = (next + 1) % paths.length;
    sentAt = process.hrtime.bigint();
    socket.write(`GET ${paths[next]!} HTTP/1.1\r\nHost: ${host}\r\n${headers}\r\n\r\n`);
  };
  socket.on('connect', send);
  socket.on('data', (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    const end = pending.indexOf('\r\n\r\n');
    if (end < 0) return;
    const head = pending.subarray(0, end).toString('latin1');
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
    if (pending.length < end + 4 + length) return;
    pending = pending.subarray(end + 4 + length);
    latencies.push(Number(process.hrtime.bigint() - sentAt) / 1000);
    result.requests++;
    if (Number(head.slice(9, 12)) > 399) result.statusErrors++;
    send();
  });
  socket.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'ECONNREFUSED') result.connectErrors++;
    else result.readErrors++;
  });
  socket.on('close', () => {
    if (--open === 0) report();
  });
}

function report(): void {
  const sorted = Float64Array.from(latencies).sort();
  const at = (q: number): number => Math.round(sorted[Math.floor(q * (sorted.length - 1))] ?? 0);
  process.stdout.write(
    JSON.stringify({
      ...result,
      durationUs: Math.round(Number(process.hrtime.bigint() - started) / 1000),
      p50Us: at(0.5),
      p99Us: at(0.99),
      maxUs: at(1),
    }) + '\n',
  );
}

for (let i = 0; i < connections; i++) run(i);
