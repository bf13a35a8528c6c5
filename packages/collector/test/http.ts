// Test support: real servers on 127.0.0.1 and raw HTTP, shared by the adapter tests.
import { createServer, type RequestListener, type Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { ClickEvent } from '@tributary/schema';
import { encodeEventQuery, type TrackedEvent } from '@tributary/schema/protocol';
import { createCollector, type CollectorOptions } from '../src/index';

export interface Started {
  readonly url: string;
  close(): Promise<void>;
}

export async function listen(server: Server): Promise<Started> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

export function startNode(handler: RequestListener): Promise<Started> {
  return listen(createServer(handler));
}

/** Sends raw bytes and returns the raw response text once the server closes or `until` matches. */
export function rawRequest(
  url: string,
  text: string | Uint8Array,
  halfClose = true,
): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      received += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => {
      resolve(received);
    });
    socket.setTimeout(3000, () => socket.destroy());
    socket.write(text, () => {
      if (halfClose) socket.end();
    });
  });
}

let counter = 0;

/** A valid tracked event; each call gets fresh event ids within one page view. */
export function trackedEvent(overrides: Partial<TrackedEvent> = {}): TrackedEvent {
  const pageViewId = '0:AbCdEfGhIjKlMnOpQrStUvWxYz012345';
  return {
    partyId: '0:i1t84hgy:5AF359Zjq5kUy98u4wQjlIZzWGhN~GlG',
    sessionId: '0:i1t84hgy:95CbiPCYln_1e0a6rFvuRkDkeNnc6KC8',
    pageViewId,
    eventId: pageViewId + (counter++).toString(16),
    clientTimestamp: 1_414_499_908_146,
    newParty: false,
    firstInSession: true,
    location: 'https://shop.example/cart#top',
    referrer: 'https://search.example/?q=x',
    viewportWidth: 1130,
    viewportHeight: 965,
    screenWidth: 1680,
    screenHeight: 1050,
    devicePixelRatio: 1.5,
    eventType: 'addToCart',
    parameters: { sku: 'A-1', quantity: 2, tags: ['x', null, true] },
    ...overrides,
  };
}

export function pixelUrl(base: string, event: TrackedEvent, path = '/csc-event'): string {
  return `${base}${path}?${encodeEventQuery(event)}`;
}

/** Polls `condition` on the event loop (no busy loop) until it holds or 5 s pass. */
export async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('Condition not met within 5 s.');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const started: Started[] = [];

/** Remembers a started server, so that {@link closeStarted} closes it after the test. */
export function track(server: Started): Started {
  started.push(server);
  return server;
}

/** Closes every server started since the last call; each test file runs it in `afterEach`. */
export async function closeStarted(): Promise<void> {
  await Promise.all(started.splice(0).map((server) => server.close()));
}

/** A collector behind a real node:http server, keeping every event it hands over. */
export async function startCollector(options: Partial<CollectorOptions> = {}) {
  const events: ClickEvent[] = [];
  const collector = createCollector({
    onEvent: (event) => {
      events.push(event);
    },
    duplicateMemorySize: 1024,
    ...options,
  });
  const server = track(await startNode(collector.node));
  return { collector, events, url: server.url };
}
