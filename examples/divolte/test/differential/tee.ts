// A tee in front of two servers: each request goes to the reference (the real Divolte) and to the
// candidate (the Divolte-compatible server), one request at a time so both see the same order, and
// both answers are kept. The client (Chromium) gets the reference's answer, so the page behaves as
// it would on Divolte.
import { Agent, createServer, request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One server's answer. */
export interface Answer {
  readonly status: number;
  /** Lower-case names; repeated headers joined with `, ` except Set-Cookie (kept as a list). */
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** One request, as both servers got it, and their answers. */
export interface Exchange {
  /** Position in the order both servers received the requests. */
  readonly seq: number;
  /** Where it came from: `chromium`, `pixel: corrupt checksum`, … */
  readonly label: string;
  readonly method: string;
  readonly path: string;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: Buffer;
  /** `Date.now()` before the request left and after both answers came (the receive time is between). */
  readonly sentAt: number;
  readonly answeredAt: number;
  readonly reference: Answer;
  readonly candidate: Answer;
}

/** A request to send to both. */
export interface TeeRequest {
  readonly label: string;
  readonly method: string;
  /** The raw request target, sent as it is (odd encodings included). */
  readonly path: string;
  readonly headers?: readonly (readonly [string, string])[];
  readonly body?: Buffer | string;
}

/** What {@link createTee} takes. */
export interface TeeOptions {
  /** The reference server, `http://127.0.0.1:18391`. */
  readonly reference: string;
  /** The server under test. */
  readonly candidate: string;
  /** Paths the tee answers itself (the test pages), not sent to either server. */
  readonly pages?: ReadonlyMap<string, { contentType: string; body: string | Buffer }>;
}

/** A running tee. */
export interface Tee {
  /** The tee's own address, for the browser: `http://127.0.0.1:<port>/`. */
  readonly url: string;
  /** Every exchange so far, in order. */
  readonly exchanges: readonly Exchange[];
  /** Sends one request to both servers (after every earlier one) and records it. */
  send(request: TeeRequest): Promise<Exchange>;
  close(): Promise<void>;
}

// Headers of one hop, not of the request: the tee's own connections carry their own.
const hopByHop = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

function forward(agent: Agent, base: string, req: TeeRequest): Promise<Answer> {
  const target = new URL(base);
  const body = req.body === undefined ? undefined : Buffer.from(req.body);
  const headers: [string, string][] = [];
  for (const [name, value] of req.headers ?? []) {
    if (!hopByHop.has(name.toLowerCase())) headers.push([name, value]);
  }
  // node:http adds no Host to a header list: each server gets its own address, as from a browser.
  if (!headers.some(([name]) => name.toLowerCase() === 'host'))
    headers.unshift(['Host', target.host]);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.path,
        // A flat [name, value, name, value] list keeps repeated headers and their order.
        headers: headers.flat(),
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks),
          });
        });
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    // No body, no Content-Length: 0 header either (a GET as the browser sent it).
    if (body === undefined || body.length === 0) outgoing.end();
    else outgoing.end(body);
  });
}

/** Starts a tee on 127.0.0.1 (a free port). */
export async function createTee(options: TeeOptions): Promise<Tee> {
  const exchanges: Exchange[] = [];
  const referenceAgent = new Agent({ keepAlive: true, maxSockets: 1 });
  const candidateAgent = new Agent({ keepAlive: true, maxSockets: 1 });
  let queue: Promise<unknown> = Promise.resolve();

  const send = (req: TeeRequest): Promise<Exchange> => {
    const run = async (): Promise<Exchange> => {
      const sentAt = Date.now();
      // One after the other: each server's receive time is inside [sentAt, answeredAt].
      const reference = await forward(referenceAgent, options.reference, req);
      const candidate = await forward(candidateAgent, options.candidate, req);
      const exchange: Exchange = {
        seq: exchanges.length,
        label: req.label,
        method: req.method,
        path: req.path,
        headers: req.headers ?? [],
        body: req.body === undefined ? Buffer.alloc(0) : Buffer.from(req.body),
        sentAt,
        answeredAt: Date.now(),
        reference,
        candidate,
      };
      exchanges.push(exchange);
      return exchange;
    };
    const result = queue.then(run);
    queue = result.catch(() => undefined);
    return result;
  };

  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const path = incoming.url ?? '/';
      const page = options.pages?.get(path.split('?')[0] ?? path);
      if (page !== undefined) {
        outgoing.writeHead(200, { 'content-type': page.contentType, 'cache-control': 'no-store' });
        outgoing.end(page.body);
        return;
      }
      const headers: [string, string][] = [];
      for (let i = 0; i < incoming.rawHeaders.length; i += 2) {
        headers.push([incoming.rawHeaders[i]!, incoming.rawHeaders[i + 1]!]);
      }
      send({
        label: 'chromium',
        method: incoming.method ?? 'GET',
        path,
        headers,
        body: Buffer.concat(chunks),
      }).then(
        ({ reference }) => {
          const headers: [string, string][] = [];
          for (const [name, value] of Object.entries(reference.headers)) {
            if (value === undefined || hopByHop.has(name)) continue;
            for (const one of Array.isArray(value) ? value : [value]) headers.push([name, one]);
          }
          outgoing.writeHead(reference.status, headers.flat());
          outgoing.end(reference.body);
        },
        (error: unknown) => {
          outgoing.writeHead(502, { 'content-type': 'text/plain' });
          outgoing.end(String(error));
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    exchanges,
    send,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
      referenceAgent.destroy();
      candidateAgent.destroy();
    },
  };
}
