import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { encodeEventBatch, encodeEventQuery } from '@tributary/schema/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClickEvent } from '@tributary/schema';
import { createCollector, createGracefulShutdown } from './index';
import { trackedEvent } from '../test/http';

const DEADLINE_MS = 300;
const silent = { debug() {}, info() {}, warn() {}, error: console.error };

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.closeAllConnections();
});

async function listen(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** A raw connection: what it received, and a promise that settles when the server ends it. */
function open(port: number): { socket: Socket; received: () => string; ended: Promise<void> } {
  const socket = connect(port, '127.0.0.1');
  let text = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => (text += chunk));
  socket.on('error', () => undefined);
  const ended = new Promise<void>((resolve) =>
    socket.once('close', () => {
      resolve();
    }),
  );
  return { socket, received: () => text, ended };
}

function written(socket: Socket, text: string): Promise<void> {
  return new Promise((resolve) =>
    socket.write(text, () => {
      resolve();
    }),
  );
}

/** Resolves once the server has seen `count` connections (each was accepted before close). */
async function connected(server: Server, count: number): Promise<void> {
  await expect
    .poll(
      () =>
        new Promise((r) =>
          server.getConnections((_, n) => {
            r(n);
          }),
        ),
    )
    .toBe(count);
}

describe('createGracefulShutdown over real sockets', () => {
  it('destroys a half-sent request header at the deadline and resolves', async () => {
    const server = createServer((_request, response) => response.end('ok'));
    const shutdown = createGracefulShutdown({ server, deadlineMs: DEADLINE_MS });
    const port = await listen(server);
    const client = open(port);
    await written(client.socket, 'GET / HTTP/1.1\r\nHost: a\r\nX-Half: ');
    await connected(server, 1);
    const result = await shutdown.close();
    await client.ended;
    expect(result).toEqual({ destroyed: 1, forced: true });
    expect(server.listening).toBe(false);
  });

  it('destroys a half-sent body at the deadline; the collector then drains what it accepted', async () => {
    const consumed: ClickEvent[] = [];
    const collector = createCollector({
      onEvent: (event) => {
        consumed.push(event);
      },
      logger: silent,
    });
    const server = createServer(collector.node);
    const shutdown = createGracefulShutdown({ server, deadlineMs: DEADLINE_MS });
    const port = await listen(server);
    // Accepted before the shutdown: a pixel event and a complete batch of two.
    const pixel = await fetch(
      `http://127.0.0.1:${port}/csc-event?${encodeEventQuery(trackedEvent())}`,
    );
    expect(pixel.status).toBe(200);
    const batch = encodeEventBatch([
      encodeEventQuery(trackedEvent()),
      encodeEventQuery(trackedEvent()),
    ]);
    const posted = await fetch(`http://127.0.0.1:${port}/csc-batch`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: batch,
    });
    expect(posted.status).toBe(204);
    // Then a batch whose body stops halfway.
    const slow = open(port);
    await written(
      slow.socket,
      `POST /csc-batch HTTP/1.1\r\nHost: a\r\nContent-Type: text/plain\r\nContent-Length: ${batch.length}\r\n\r\n${batch.slice(0, 20)}`,
    );
    await expect.poll(() => collector.metrics().requests).toBe(3);

    const result = await shutdown.close();
    await collector.close();
    await slow.ended;
    expect(result).toEqual({ destroyed: 1, forced: true });
    expect(consumed).toHaveLength(3);
  });

  it('closes an idle keep-alive connection at once, before any deadline', async () => {
    const server = createServer((_request, response) => response.end('ok'));
    // A deadline no test waits for: the idle connection must not need it.
    const shutdown = createGracefulShutdown({ server, deadlineMs: 600_000 });
    const port = await listen(server);
    const client = open(port);
    await written(client.socket, 'GET / HTTP/1.1\r\nHost: a\r\n\r\n');
    await expect.poll(client.received).toMatch(/\r\n\r\nok$/);
    const result = await shutdown.close();
    await client.ended;
    expect(result).toEqual({ destroyed: 0, forced: false });
  });

  it('lets a request in flight finish and closes its connection after the answer', async () => {
    let answer: (() => void) | undefined;
    const server = createServer((_request, response) => {
      answer = () => response.end('late');
    });
    const shutdown = createGracefulShutdown({ server, deadlineMs: 600_000 });
    const port = await listen(server);
    const client = open(port);
    await written(client.socket, 'GET / HTTP/1.1\r\nHost: a\r\n\r\n');
    await expect.poll(() => answer).toBeDefined();
    const closing = shutdown.close();
    expect(shutdown.closing).toBe(true);
    answer!();
    expect(await closing).toEqual({ destroyed: 0, forced: false });
    await client.ended;
    expect(client.received()).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(client.received()).toMatch(/\r\nConnection: close\r\n/i);
    expect(client.received()).toMatch(/\r\n\r\nlate$/);
  });

  it('destroys an event stream at the deadline', async () => {
    const server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write('event: hello\ndata: {}\n\n');
    });
    const shutdown = createGracefulShutdown({ server, deadlineMs: DEADLINE_MS });
    const port = await listen(server);
    const client = open(port);
    await written(client.socket, 'GET /stream HTTP/1.1\r\nHost: a\r\n\r\n');
    await expect.poll(client.received).toContain('event: hello');
    const result = await shutdown.close();
    await client.ended;
    expect(result).toEqual({ destroyed: 1, forced: true });
  });

  it('force() ends the deadline at once and close() returns the same promise', async () => {
    const server = createServer(() => undefined);
    const shutdown = createGracefulShutdown({ server, deadlineMs: 600_000 });
    const port = await listen(server);
    const clients = [open(port), open(port), open(port)];
    await Promise.all(clients.map(({ socket }) => written(socket, 'GET / HTTP/1.1\r\n')));
    await connected(server, 3);
    expect(shutdown.connections).toBe(3);
    const closing = shutdown.close();
    expect(shutdown.close()).toBe(closing);
    const forced = shutdown.force();
    expect(forced).toBe(closing);
    expect(await forced).toEqual({ destroyed: 3, forced: true });
    await Promise.all(clients.map(({ ended }) => ended));
    expect(shutdown.connections).toBe(0);
  });

  it('resolves for a server that never listened', async () => {
    const shutdown = createGracefulShutdown({ server: createServer(), deadlineMs: 600_000 });
    expect(await shutdown.close()).toEqual({ destroyed: 0, forced: false });
  });

  it('uses the injected timer for the deadline', async () => {
    const server = createServer(() => undefined);
    let fire: (() => void) | undefined;
    let requestedMs: number | undefined;
    const shutdown = createGracefulShutdown({
      server,
      deadlineMs: 1234,
      setTimeout: (callback, ms) => {
        fire = callback;
        requestedMs = ms;
        return 1;
      },
      clearTimeout: () => undefined,
    });
    const port = await listen(server);
    const client = open(port);
    await written(client.socket, 'GET / HTTP/1.1\r\nHost: a\r\n\r\n');
    await connected(server, 1);
    const closing = shutdown.close();
    expect(requestedMs).toBe(1234);
    fire!();
    expect(await closing).toEqual({ destroyed: 1, forced: true });
    await client.ended;
  });
});
