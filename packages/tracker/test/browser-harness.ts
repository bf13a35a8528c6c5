// Test support: a real HTTP server that serves pages and the tag and decodes what arrives with
// @tributary/schema, and a real Chromium driven by playwright-core.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  decodeEventBatch,
  decodeEventQuery,
  TRANSPARENT_GIF_HEX,
  type DecodedEvent,
} from '@tributary/schema/protocol';
import { chromium, type Browser } from 'playwright-core';
import { chromiumLaunchOptions } from '../../../test/chromium';

/** One event the server received. */
export interface Received extends DecodedEvent {
  /** `GET` for `/csc-event`, `POST` for `/csc-batch`. */
  method: string;
  /** The request path. */
  path: string;
}

/** Every request, in arrival order, for ordering checks. */
export interface Hit {
  method: string;
  url: string;
}

export interface TestServer {
  origin: string;
  port: number;
  events: Received[];
  hits: Hit[];
  /** Answers 503 to events while true (as a collector that is down). */
  down: boolean;
  /** Leaves batch POSTs unanswered while true. */
  stallBatches: boolean;
  /** Records event GETs but leaves them unanswered while true. */
  stallEvents: boolean;
  /** Pages by path: HTML bodies. */
  pages: Map<string, string>;
  script: string;
  /**
   * Stops listening and drops every connection, as a collector that is gone: the port is closed
   * (connection refused). `listen()` opens the same port again.
   */
  close(): Promise<void>;
  /** Listens again on the same port after `close()`. */
  listen(): Promise<void>;
}

const GIF = Buffer.from(TRANSPARENT_GIF_HEX, 'hex');

export async function startServer(script: string): Promise<TestServer> {
  const stalled: ServerResponse[] = [];
  const state: TestServer = {
    origin: '',
    port: 0,
    events: [],
    hits: [],
    down: false,
    stallBatches: false,
    stallEvents: false,
    pages: new Map(),
    script,
    close: async () => {
      for (const response of stalled.splice(0)) response.destroy();
      const closed = new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
      // After close(): the idle keep-alive connections too, so that nothing reaches the server.
      server.closeAllConnections();
      await closed;
    },
    listen: () =>
      new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(state.port, '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      }),
  };
  const record = (method: string, path: string, event: DecodedEvent): void => {
    state.events.push({ ...event, method, path });
  };
  const handle = (request: IncomingMessage, response: ServerResponse, body: string): void => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    state.hits.push({ method: request.method ?? '', url: url.pathname + url.search });
    if (url.pathname.endsWith('/csc-event')) {
      if (state.down) {
        response.writeHead(503).end();
        return;
      }
      const decoded = decodeEventQuery(url.search);
      if (decoded.ok) record('GET', url.pathname, decoded.value);
      if (state.stallEvents) {
        stalled.push(response);
        return;
      }
      response.writeHead(200, { 'content-type': 'image/gif', 'cache-control': 'no-cache' });
      response.end(GIF);
      return;
    }
    if (url.pathname.endsWith('/csc-batch') && request.method === 'POST') {
      if (state.down) {
        response.writeHead(503).end();
        return;
      }
      if (state.stallBatches) {
        stalled.push(response);
        return;
      }
      const batch = decodeEventBatch(body);
      if (batch.ok)
        for (const event of batch.value.events)
          if (event.ok) record('POST', url.pathname, event.value);
      response.writeHead(batch.ok ? 204 : 400).end();
      return;
    }
    if (url.pathname.endsWith('.js')) {
      response.writeHead(200, { 'content-type': 'text/javascript' }).end(state.script);
      return;
    }
    const page = state.pages.get(url.pathname);
    response
      .writeHead(page === undefined ? 404 : 200, { 'content-type': 'text/html; charset=utf-8' })
      .end(page ?? 'not found');
  };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      handle(request, response, Buffer.concat(chunks).toString('utf8'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.address() as AddressInfo).port;
  state.origin = `http://127.0.0.1:${state.port}`;
  return state;
}

/**
 * A headless Chromium with the back/forward cache enabled. Playwright gives it a fresh temporary
 * profile (`--user-data-dir`) and deletes it on close; each test also gets its own context.
 */
export async function launchChromium(): Promise<Browser> {
  const { executablePath, args } = chromiumLaunchOptions();
  return chromium.launch({
    executablePath,
    headless: true,
    timeout: 30_000,
    // Playwright turns the back/forward cache off by default; the tag's bfcache handling needs it.
    ignoreDefaultArgs: ['--disable-back-forward-cache'],
    args: ['--headless', ...args],
  });
}

/** Polls `predicate` every 25 ms until it holds; fails after `timeoutMs`. */
export async function waitFor(
  predicate: () => boolean,
  timeoutMs = 5000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** An HTML page that loads the tag from `/t/tributary.js` with the given data attributes. */
export function page(
  attributes: Record<string, string> = {},
  body = '',
  scriptSuffix = '',
): string {
  const data = Object.entries(attributes)
    .map(([key, value]) => ` data-${key}="${value}"`)
    .join('');
  return `<!doctype html><html><head><title>t</title><script src="/t/tributary.js${scriptSuffix}"${data}></script></head><body>${body}</body></html>`;
}
