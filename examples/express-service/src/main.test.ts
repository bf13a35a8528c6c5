// The service's command line as an orchestrator runs it: a real process, SIGTERM while clients
// hold half-sent requests. It exits within the deadline (+2 s) and every accepted event's record
// is on its stdout (Divolte's record has no event id: each test event has its own page view id).
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import {
  createIdentifier,
  createPageViewId,
  encodeEventBatch,
  encodeEventQuery,
  type TrackedEvent,
} from '@tributary/schema/protocol';
import { describe, expect, it } from 'vitest';
import { visitorPageViews } from '../../../test/page-views';
import { halfSentRequests } from '../../../test/request-targets';

const ROOT = new URL('..', import.meta.url).pathname;
const DEADLINE_MS = 1000;

function pageViews(count: number): TrackedEvent[] {
  return visitorPageViews(
    { createIdentifier, createPageViewId },
    count,
    (i) => `https://shop.example/?n=${i}`,
  );
}

function startMain(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; at: number }>((resolve) => {
    child.once('exit', (code) => {
      resolve({ code, at: Date.now() });
    });
  });
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

describe('the service process', () => {
  it('exits within the deadline + 2 s on SIGTERM with half-sent requests held, every accepted event recorded', async () => {
    const main = startMain({ SHUTDOWN_DEADLINE_MS: String(DEADLINE_MS) });
    await expect.poll(main.stderr, { timeout: 20_000 }).toMatch(/API on (http:\/\/\S+)\/api/);
    const base = /API on (http:\/\/\S+)\/api/.exec(main.stderr())![1]!;
    const port = Number(new URL(base).port);

    const accepted: string[] = [];
    for (const event of pageViews(20)) {
      const response = await fetch(`${base}/analytics/csc-event?${encodeEventQuery(event)}`);
      await response.arrayBuffer();
      if (response.status === 200) accepted.push(event.pageViewId);
    }
    expect(accepted).toHaveLength(20);
    await halfSentRequests(port, {
      headerTarget: '/api/products',
      batchTarget: '/analytics/csc-batch',
      batch: encodeEventBatch(pageViews(5).map((event) => encodeEventQuery(event))),
    });
    // Both connections reached the server: an answered request after them proves it accepted them.
    expect((await fetch(`${base}/api/products`)).status).toBe(200);

    const signalledAt = Date.now();
    main.child.kill('SIGTERM');
    const { code, at } = await main.exited;
    console.log(
      `[express-service] SIGTERM with a half-sent header and body held open: exit ${code} after ${at - signalledAt} ms (deadline ${DEADLINE_MS} ms)`,
    );
    expect(code, main.stderr()).toBe(0);
    expect(at - signalledAt).toBeLessThanOrEqual(DEADLINE_MS + 2000);
    const recorded = new Set(
      main
        .stdout()
        .split('\n')
        .filter(Boolean)
        .map((line) => (JSON.parse(line) as { pageViewId: string }).pageViewId),
    );
    expect(accepted.filter((id) => !recorded.has(id))).toEqual([]);
  }, 60_000);

  it('says which port is in use in one line and exits 1', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      const main = startMain({ PORT: String(port) });
      const { code } = await main.exited;
      expect(code).toBe(1);
      expect(main.stderr()).toBe(
        `Port ${port} on 127.0.0.1 is in use: stop what uses it, or choose another port (PORT=${port + 1}).\n`,
      );
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  }, 60_000);
});
