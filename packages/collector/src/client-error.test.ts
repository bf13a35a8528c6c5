import { createServer } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createCollector } from './index';
import { listen, rawRequest, closeStarted, track } from '../test/http';

afterEach(closeStarted);

async function start() {
  const collector = createCollector({ onEvent: () => undefined, duplicateMemorySize: 64 });
  const server = createServer(collector.node);
  server.on('clientError', collector.clientError);
  const started = track(await listen(server));
  return { collector, url: started.url };
}

/** The status line, the lower-cased headers and the body of a raw HTTP/1.1 answer. */
function parse(raw: string) {
  const [head = '', body = ''] = raw.split('\r\n\r\n');
  const [status = '', ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(
    lines.map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()];
    }),
  );
  return { status, headers, body };
}

// Each a class of request node:http's parser refuses before any handler sees it.
const MALFORMED: readonly { name: string; text: string; status: number; reason: string }[] = [
  { name: 'not HTTP at all', text: 'HELLO\r\n\r\n', status: 400, reason: 'bad_request' },
  {
    name: 'a method that is not a token',
    text: 'G(T /csc-event HTTP/1.1\r\nHost: x\r\n\r\n',
    status: 400,
    reason: 'bad_request',
  },
  {
    name: 'a header line without a colon',
    text: 'GET /csc-event HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n',
    status: 400,
    reason: 'bad_request',
  },
  {
    name: 'a control character in a header value',
    text: 'GET /csc-event HTTP/1.1\r\nHost: x\r\nX-A: a\u0001b\r\n\r\n',
    status: 400,
    reason: 'bad_request',
  },
  {
    name: 'Content-Length and Transfer-Encoding together',
    text: 'POST /csc-batch HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    status: 400,
    reason: 'bad_request',
  },
  {
    name: 'a header section past maxHeaderSize (16 KiB)',
    text: `GET /csc-event HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`,
    status: 431,
    reason: 'headers_too_large',
  },
  {
    name: 'a request target past maxHeaderSize',
    text: `GET /csc-event?${'q'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
    status: 431,
    reason: 'headers_too_large',
  },
];

describe('requests node:http’s parser refuses (collector.clientError)', () => {
  it.each(MALFORMED)(
    'answers $name with $status and a counted reason',
    async ({ text, status, reason }) => {
      const { collector, url } = await start();
      const answer = parse(await rawRequest(url, text, false));
      expect(answer.status).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
      expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(JSON.parse(answer.body)).toMatchObject({ reason });
      // The body never quotes the request back.
      expect(answer.body).not.toMatch(/bbbb|qqqq|HELLO|colon here/);
      const metrics = collector.metrics();
      expect(metrics.requests).toBe(1);
      expect(metrics.responses).toEqual({ [status]: 1 });
      expect(metrics.rejected).toMatchObject({ [reason]: 1 });
    },
  );

  it('answers a good request on the same server as before', async () => {
    const { collector, url } = await start();
    expect((await fetch(`${url}/ping`)).status).toBe(200);
    await rawRequest(url, 'HELLO\r\n\r\n', false);
    expect(collector.metrics()).toMatchObject({ requests: 2, responses: { 200: 1, 400: 1 } });
  });
});
