// Test support for the servers in examples/: arbitrary request targets, sent over raw sockets so
// that nothing on the client side normalises or refuses them first.
import { connect, type Socket } from 'node:net';
import fc from 'fast-check';
import { expect } from 'vitest';

/**
 * Request targets that killed the quickstart (issue #15): `new URL(target, base)` throws on them
 * outside any handler, and the process died with the events it had accepted.
 */
export const CRASHING_TARGETS: readonly string[] = [
  '//[',
  'http://a:99999/',
  '//%',
  'http://[::1/',
  '//a%00b/',
];

// Characters URL parsers treat specially, a few ordinary ones, and a few a request line may not hold.
const TARGET_CHARS = "/[]%:@?#&=.~!$'()*+,;aZ09-_é\\ \u0000\u007f\t".split('');

/**
 * Arbitrary request targets for a server with these routes: the known crashing ones, each route
 * with an arbitrary tail, origin-form and absolute-form targets, authority-like ones (`//…`) and
 * arbitrary text (control characters, spaces, CR/LF, non-ASCII), which node's parser refuses.
 */
export function requestTargets(routes: readonly string[]): fc.Arbitrary<string> {
  const tail = fc.string({ unit: fc.constantFrom(...TARGET_CHARS), maxLength: 40 });
  return fc.oneof(
    fc.constantFrom(...CRASHING_TARGETS),
    fc.tuple(fc.constantFrom(...routes), tail).map(([route, rest]) => route + rest),
    fc
      .tuple(
        fc.constantFrom('/', '//', 'http://', 'https://', 'http://[', 'http://a:', '*', ''),
        tail,
      )
      .map(([start, rest]) => start + rest),
    fc.string({ unit: 'binary', maxLength: 60 }),
  );
}

/**
 * One raw exchange: the server's answer up to the end of its header block (or whatever came before
 * it closed the connection, or 5 s passed). The client does not half-close: node's server drops a
 * request whose client ended before an asynchronous answer.
 */
export function rawExchange(port: number, request: string | Uint8Array): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      received += chunk;
      // An event stream never ends: its header block is the answer.
      if (received.includes('\r\n\r\n')) socket.destroy();
    });
    socket.on('error', reject);
    socket.on('close', () => {
      resolve(received);
    });
    socket.setTimeout(5000, () => socket.destroy());
    socket.write(request);
  });
}

/** The status code of a raw HTTP response, or undefined when there was none. */
export function statusOf(response: string): number | undefined {
  const match = /^HTTP\/1\.[01] (\d{3}) /.exec(response);
  return match ? Number(match[1]) : undefined;
}

/** A request with the target as is, in UTF-8, the connection closed after the answer. */
export function rawRequest(method: string, target: string): Uint8Array {
  const body = method === 'POST' || method === 'PUT' ? 'Content-Length: 0\r\n' : '';
  return new TextEncoder().encode(
    `${method} ${target} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n${body}\r\n`,
  );
}

/**
 * The server on `port` against any request target: the crashing ones as GETs, each answered 400 or
 * 404, then `numRuns` arbitrary targets for these routes with arbitrary methods, each answered and
 * none with a 5xx.
 */
export async function expectNoServerError(
  port: number,
  routes: readonly string[],
  numRuns: number,
): Promise<void> {
  for (const target of CRASHING_TARGETS) {
    const status = statusOf(await rawExchange(port, rawRequest('GET', target)));
    expect([400, 404], target).toContain(status);
  }
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('GET', 'HEAD', 'POST', 'OPTIONS', 'DELETE'),
      requestTargets(routes),
      async (method, target) => {
        const response = await rawExchange(port, rawRequest(method, target));
        const status = statusOf(response);
        expect(status, JSON.stringify({ method, target, response })).toBeDefined();
        expect(status).toBeLessThan(500);
      },
    ),
    { numRuns },
  );
}

/** A connection to the server on `port`, once open. Its errors are ignored: tests cut it short. */
export function openedSocket(port: number): Promise<Socket> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      resolve(socket);
    });
    socket.on('error', () => undefined);
  });
}

/** What {@link halfSentRequests} sends. */
export interface HalfSentRequestsOptions {
  /** The target of the GET whose header stops halfway. */
  readonly headerTarget: string;
  /** The target of the batch POST whose body stops after 30 characters. */
  readonly batchTarget: string;
  /** The whole batch body, as the tag would send it. */
  readonly batch: string;
}

/**
 * Two connections held as slow clients hold them: one stopped in a GET's header, one stopped in a
 * batch's body (its header complete).
 */
export async function halfSentRequests(
  port: number,
  { headerTarget, batchTarget, batch }: HalfSentRequestsOptions,
): Promise<{ header: Socket; body: Socket }> {
  const header = await openedSocket(port);
  header.write(`GET ${headerTarget} HTTP/1.1\r\nHost: a\r\nUser-Agent: slo`);
  const body = await openedSocket(port);
  body.write(
    `POST ${batchTarget} HTTP/1.1\r\nHost: a\r\nContent-Type: text/plain\r\nContent-Length: ${batch.length}\r\n\r\n${batch.slice(0, 30)}`,
  );
  return { header, body };
}
