// The quickstart's server against hostile and slow clients, in process over real sockets: no request
// target crashes it or loses an accepted event, and a listener that never reads costs bounded memory.
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startQuickstart, type Quickstart } from '../src/quickstart';
import { expectNoServerError, rawExchange, statusOf } from '../../../test/request-targets';
import { pageViews, readAvroFiles, sendEvents, silent } from './support';

const ROUTES = [
  '/',
  '/index.html',
  '/products.html',
  '/site/layout.css',
  '/app/',
  '/live',
  '/live/stream',
  '/metrics',
  '/tributary.js',
  '/csc-event',
  '/csc-batch',
  '/json-event',
  '/ping',
];

let dataDir: string | undefined;
let quickstart: Quickstart | undefined;
afterEach(async () => {
  await quickstart?.close();
  quickstart = undefined;
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function start(options: { liveBufferBytes?: number } = {}): Promise<Quickstart> {
  dataDir = await mkdtemp(join(tmpdir(), 'tributary-quickstart-'));
  quickstart = await startQuickstart({
    port: 0,
    dataDir,
    trackerScript: new TextEncoder().encode('/* tag */'),
    shutdownDeadlineMs: 2000,
    logger: silent,
    ...options,
  });
  return quickstart;
}

describe('the quickstart server under any request target', () => {
  it('answers each with a 4xx at worst, stays up and loses no accepted event', async () => {
    const running = await start();
    const port = Number(new URL(running.url).port);
    const accepted = await sendEvents(running.url, pageViews(25));
    expect(accepted).toHaveLength(25);

    await expectNoServerError(port, ROUTES, 400);

    // Still serving, still collecting.
    expect((await fetch(running.url)).status).toBe(200);
    accepted.push(...(await sendEvents(running.url, pageViews(5))));
    expect(accepted).toHaveLength(30);
    await running.close();
    const ids = new Set((await readAvroFiles(join(dataDir!, 'published'))).map((r) => r.eventId));
    expect(accepted.filter((id) => !ids.has(id))).toEqual([]);
  });

  it('answers a request node cannot parse with 400 and counts it', async () => {
    const running = await start();
    const port = Number(new URL(running.url).port);
    const response = await rawExchange(port, 'GET / HTTP/1.1\r\nBad Header\r\n\r\n');
    expect(statusOf(response)).toBe(400);
    const metrics = await (await fetch(new URL('metrics', running.url))).text();
    expect(metrics).toContain(
      'tributary_collector_requests_rejected_total{reason="bad_request"} 1',
    );
  });
});

describe('/live/stream with listeners that never read', () => {
  it('disconnects each once it leaves more than liveBufferBytes unread: 20 listeners, 50,000 events', async () => {
    const liveBufferBytes = 256 * 1024;
    const running = await start({ liveBufferBytes });
    const port = Number(new URL(running.url).port);
    const sockets: Socket[] = [];
    const closed: Promise<void>[] = [];
    for (let i = 0; i < 20; i++) {
      const socket = connect(port, '127.0.0.1');
      socket.pause(); // never reads: everything sent piles up in the kernel, then in the server
      socket.on('error', () => undefined);
      closed.push(
        new Promise((resolve) =>
          socket.once('close', () => {
            resolve();
          }),
        ),
      );
      socket.write('GET /live/stream HTTP/1.1\r\nHost: a\r\n\r\n');
      sockets.push(socket);
    }
    await expect.poll(() => running.liveListeners().connected).toBe(20);
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;

    const events = pageViews(50_000);
    const accepted = await sendEvents(running.url, events);
    expect(accepted).toHaveLength(50_000);
    await expect.poll(() => running.fileSink.metrics().recordsWritten).toBe(50_000);

    const rssAfter = process.memoryUsage().rss;
    const live = running.liveListeners();
    console.log(
      `[quickstart] 20 listeners that never read, 50,000 events: RSS of this test process (server, clients, test data) ${(rssBefore / 2 ** 20).toFixed(0)} -> ` +
        `${(rssAfter / 2 ** 20).toFixed(0)} MiB; ${live.disconnected} disconnected, ` +
        `peak unread per listener ${live.peakBufferedBytes} bytes`,
    );
    expect(live).toMatchObject({ connected: 0, disconnected: 20 });
    // What the server holds for a listener: the bound plus the one frame written past it.
    expect(live.peakBufferedBytes).toBeGreaterThan(0);
    expect(live.peakBufferedBytes).toBeLessThanOrEqual(liveBufferBytes + 16 * 1024);
    for (const socket of sockets) socket.destroy();
    await Promise.all(closed);
  });

  it('keeps a listener that reads', async () => {
    const running = await start();
    const controller = new AbortController();
    const stream = await fetch(new URL('live/stream', running.url), { signal: controller.signal });
    const reader = stream.body!.getReader();
    let text = '';
    const reading = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        text += new TextDecoder().decode(value as Uint8Array);
      }
    })().catch(() => undefined);
    const accepted = await sendEvents(running.url, pageViews(300));
    await expect.poll(() => text.split('event: record\n').length - 1).toBe(300);
    expect(running.liveListeners()).toMatchObject({ connected: 1, disconnected: 0 });
    expect(accepted).toHaveLength(300);
    controller.abort();
    await reading;
  });
});
