// The quickstart's command line as an orchestrator runs it: a real process, real signals, slow
// clients holding connections. It must exit within the deadline (+2 s) with every accepted event
// in the published Avro files, read back with avsc.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { batchBody, pageViews, readAvroFiles, sendEvents } from './support';

const ROOT = new URL('..', import.meta.url).pathname;
const DEADLINE_MS = 2000;

interface Running {
  readonly child: ChildProcess;
  readonly url: string;
  readonly port: number;
  readonly output: () => string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** Starts `src/main.ts` as `pnpm start` does; resolves once it printed its URL. */
async function startMain(env: Record<string, string>): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>(
    (resolve) => {
      child.once('exit', (code, signal) => {
        resolve({ code, signal, at: Date.now() });
      });
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    const check = (): void => {
      const match = /demo site\s+(http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]!);
    };
    child.stdout.on('data', check);
    void exited.then(() => {
      reject(new Error(`main exited before it listened:\n${output}`));
    });
  });
  return { child, url, port: Number(new URL(url).port), output: () => output, exited };
}

function opened(port: number): Promise<Socket> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      resolve(socket);
    });
    socket.on('error', () => undefined);
  });
}

/**
 * A keep-alive connection that completed one request (so the server surely holds it) and then
 * sent half of the next request's header.
 */
async function halfHeader(port: number): Promise<Socket> {
  const socket = await opened(port);
  let received = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => (received += chunk));
  socket.write('GET /ping HTTP/1.1\r\nHost: a\r\n\r\n');
  await expect.poll(() => received).toMatch(/\r\n0\r\n\r\n$/);
  socket.write('GET /products.html HTTP/1.1\r\nHost: a\r\nUser-Agent: slo');
  return socket;
}

/** A batch whose header is complete and whose body stops halfway. */
async function halfBody(port: number): Promise<Socket> {
  const socket = await opened(port);
  const body = batchBody(pageViews(10));
  socket.write(
    `POST /csc-batch HTTP/1.1\r\nHost: a\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, body.length >> 1)}`,
  );
  return socket;
}

/** Waits until the collector counted `count` requests: the half-sent ones have reached it. */
async function requestsCounted(url: string, count: number): Promise<void> {
  await expect
    .poll(async () => {
      const metrics = await (await fetch(new URL('metrics', url))).text();
      return Number(/^tributary_collector_requests_total (\d+)/m.exec(metrics)?.[1] ?? 0);
    })
    .toBeGreaterThanOrEqual(count);
}

async function publishedIds(dataDir: string): Promise<Set<string>> {
  return new Set((await readAvroFiles(join(dataDir, 'published'))).map((r) => r.eventId));
}

describe('the quickstart process on SIGTERM', () => {
  for (const shape of ['half-sent header', 'half-sent batch body'] as const) {
    it(`exits within the deadline + 2 s with a ${shape} held open, losing no accepted event`, async () => {
      const dataDir = await mkdtemp(join(tmpdir(), 'tributary-quickstart-'));
      dirs.push(dataDir);
      const running = await startMain({
        DATA_DIR: dataDir,
        SHUTDOWN_DEADLINE_MS: String(DEADLINE_MS),
      });
      const accepted = await sendEvents(running.url, pageViews(201));
      expect(accepted).toHaveLength(201);
      const slow =
        shape === 'half-sent header'
          ? await halfHeader(running.port)
          : await halfBody(running.port);
      // 2 batches, 1 pixel, and the /ping or the half-sent batch.
      await requestsCounted(running.url, 4);
      const slowClosed = new Promise<void>((resolve) =>
        slow.once('close', () => {
          resolve();
        }),
      );

      const signalledAt = Date.now();
      running.child.kill('SIGTERM');
      const { code, at } = await running.exited;
      await slowClosed;

      console.log(
        `[quickstart] SIGTERM with a ${shape} held open: exit ${code} after ${at - signalledAt} ms (deadline ${DEADLINE_MS} ms)`,
      );
      expect(code, running.output()).toBe(0);
      expect(at - signalledAt, running.output()).toBeLessThanOrEqual(DEADLINE_MS + 2000);
      expect(running.output()).toMatch(/SIGTERM: draining/);
      expect(running.output()).toMatch(/^stopped: \d+ records in \d+ published Avro files\.$/m);
      const published = await publishedIds(dataDir);
      expect(accepted.filter((id) => !published.has(id))).toEqual([]);
    });
  }

  it('cuts the deadline short on a second signal and still drains every accepted event', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tributary-quickstart-'));
    dirs.push(dataDir);
    // A deadline far beyond the test's timeout: only the second signal can end it in time.
    const running = await startMain({ DATA_DIR: dataDir, SHUTDOWN_DEADLINE_MS: '600000' });
    const accepted = await sendEvents(running.url, pageViews(120));
    expect(accepted).toHaveLength(120);
    await halfHeader(running.port);
    await halfBody(running.port);
    await requestsCounted(running.url, 4);

    running.child.kill('SIGTERM');
    await expect.poll(running.output).toMatch(/SIGTERM: draining/);
    running.child.kill('SIGINT');
    const { code } = await running.exited;

    expect(code, running.output()).toBe(0);
    expect(running.output()).toMatch(/SIGINT again: closing every connection now/);
    const published = await publishedIds(dataDir);
    expect(accepted.filter((id) => !published.has(id))).toEqual([]);
  });
});

describe('the quickstart process on a port in use', () => {
  it('says which port in one line, how to choose another, and exits 1', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    const dataDir = await mkdtemp(join(tmpdir(), 'tributary-quickstart-'));
    dirs.push(dataDir);
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          HOST: '127.0.0.1',
          PORT: String(port),
          DATA_DIR: dataDir,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(1);
      expect(stderr).toBe(
        `Port ${port} on 127.0.0.1 is in use: stop what uses it, or choose another port (PORT=${port + 1}).\n`,
      );
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
