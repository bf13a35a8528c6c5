import {
  MAX_PARAMETER_DEPTH,
  encodeEventBatch,
  encodeEventQuery,
} from '@tributary/schema/protocol';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CollectorRequest } from './collector-request';
import { createCollector, type Collector } from './index';
import { createServer } from 'node:http';
import { expectBalanced } from '../test/balance';
import { listen, rawRequest, trackedEvent, type Started } from '../test/http';

const PATHS = [
  '/csc-event',
  '/csc-batch',
  '/json-event',
  '/ping',
  '/tributary.js',
  '/',
  '/csc-event/x',
];
const HEADER_NAMES = [
  'x-forwarded-for',
  'cookie',
  'user-agent',
  'dnt',
  'sec-gpc',
  'if-none-match',
  'content-type',
  'origin',
  'accept-encoding',
  'content-length',
  'x-other',
  '__proto__',
  'constructor',
];

const printable = fc.string({
  unit: fc.constantFrom(...' !"#$%&\'()*+,-./0123456789:;<=>?@AZaz[\\]^_`{|}~é'.split('')),
  maxLength: 60,
});
/** A valid pixel query whose parameters are `depth` arrays deep (mincode written by hand). */
function deepQuery(depth: number): string {
  return encodeEventQuery(trackedEvent({ parameters: [1] })).replace(
    '&u=ad1!.&',
    `&u=${'a'.repeat(depth)}d1!${'.'.repeat(depth)}&`,
  );
}
// Depths around the limit and far past it, where recursive code overflows the stack.
const depth = fc.oneof(fc.integer({ min: 28, max: 40 }), fc.integer({ min: 500, max: 6000 }));
const jsonEvent = (parameters: string) =>
  `{"session_id":"0:is8tiwk4:XLEUVj9hA6AXRUOp2zuIdUpaeFOC~7AU","event_id":"e","is_new_party":true,` +
  `"is_new_session":true,"client_timestamp_iso":"2016-08-24T13:29:39.412Z","parameters":${parameters}}`;

const query = fc.oneof(
  depth.map(deepQuery),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constant(encodeEventQuery(trackedEvent())),
  fc.constant('p=0:is8tiwk4:GKv5gCc5TtrvBTs9bXfVD8KIQ3oO~sEg'),
  fc
    .tuple(fc.constant(encodeEventQuery(trackedEvent())), fc.nat(400))
    .map(([q, cut]) => q.slice(0, cut)),
  fc
    .array(fc.tuple(fc.constantFrom(...'psvecnfliju x'.split('')), printable), { maxLength: 14 })
    .map((pairs) => pairs.map(([key, value]) => `${key}=${encodeURIComponent(value)}`).join('&')),
);
const body = fc.oneof(
  fc
    .tuple(depth, fc.boolean())
    .map(([levels, objects]) =>
      new TextEncoder().encode(
        jsonEvent(
          objects
            ? '{"k":'.repeat(levels) + '1' + '}'.repeat(levels)
            : '['.repeat(levels) + ']'.repeat(levels),
        ),
      ),
    ),
  fc
    .array(depth, { minLength: 1, maxLength: 3 })
    .map((depths) =>
      new TextEncoder().encode(
        encodeEventBatch([encodeEventQuery(trackedEvent()), ...depths.map(deepQuery)]),
      ),
    ),
  fc.uint8Array({ maxLength: 300 }),
  fc.constant(new TextEncoder().encode(encodeEventBatch([encodeEventQuery(trackedEvent())]))),
  fc
    .string({ maxLength: 300 })
    .map((text) => new TextEncoder().encode(`tributary-batch/1\n${text}`)),
  fc.jsonValue({ maxDepth: 3 }).map((value) => new TextEncoder().encode(JSON.stringify(value))),
  fc
    .record({
      session_id: fc.oneof(fc.string(), fc.constant('0:is8tiwk4:XLEUVj9hA6AXRUOp2zuIdUpaeFOC~7AU')),
      event_id: fc.string(),
      is_new_party: fc.boolean(),
      is_new_session: fc.boolean(),
      client_timestamp_iso: fc.oneof(
        fc.string(),
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      ),
    })
    .map((value) => new TextEncoder().encode(JSON.stringify(value))),
);
const request = fc
  .record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH'),
    path: fc.constantFrom(...PATHS),
    query,
    headers: fc.dictionary(fc.constantFrom(...HEADER_NAMES), printable, { maxKeys: 6 }),
    // The media types the endpoints take, so bodies get as far as their decoders.
    contentType: fc.constantFrom(undefined, 'application/json', 'text/plain'),
    body,
  })
  .map(({ contentType, ...input }) =>
    contentType === undefined
      ? input
      : { ...input, headers: { ...input.headers, 'content-type': contentType } },
  );

/**
 * Requests node:http's parser refuses, each a different class: a method that is not a token, a
 * header line without a colon, a control character in a header value, a header section past
 * 16 KiB, bytes that are no HTTP at all (NUL first). Each gets exactly one answer.
 */
const malformed = fc.oneof(
  fc
    .string({
      unit: fc.constantFrom(...'()<>@,;\\"/[]?={} '.split('')),
      minLength: 1,
      maxLength: 3,
    })
    .map((bad) => `G${bad}T /csc-event HTTP/1.1\r\nHost: x\r\n\r\n`),
  printable
    .filter((text) => !text.includes(':'))
    .map((line) => `GET /csc-event HTTP/1.1\r\nHost: x\r\nx${line}\r\n\r\n`),
  fc
    .integer({ min: 1, max: 8 })
    .map((code) => `GET /ping HTTP/1.1\r\nHost: x\r\nX-A: a${String.fromCharCode(code)}b\r\n\r\n`),
  fc
    .integer({ min: 17_000, max: 30_000 })
    .map((size) => `GET /ping HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(size)}\r\n\r\n`),
  fc.uint8Array({ minLength: 1, maxLength: 200 }).map((bytes) => Uint8Array.of(0, ...bytes)),
);

describe('fuzzing the core', () => {
  it('answers any method, target, headers and body with < 500, never throws, counts everything', async () => {
    const collector = createCollector({
      onEvent: () => undefined,
      duplicateMemorySize: 4096,
      script: { source: 'console.log(1)' },
      trustedProxies: 2,
      anonymiseIp: true,
      cors: { origins: ['https://a.example'] },
    });
    let count = 0;
    await fc.assert(
      fc.asyncProperty(request, fc.string({ maxLength: 40 }), async (input, peer) => {
        const headers: Record<string, string[]> = Object.fromEntries(
          Object.entries(input.headers).map(([name, value]) => [name, [value]]),
        );
        const fake: CollectorRequest = {
          method: input.method,
          url: `${input.path}?${input.query}`,
          remoteAddress: peer,
          header: (name) => headers[name]?.join(', '),
          headerValues: (name) => headers[name],
          headers: () => ({ ...headers }),
          headerBytes: () => JSON.stringify(headers).length,
          readBody: (limit) =>
            Promise.resolve(
              input.body.length > limit
                ? { ok: false, reason: 'body_too_large' }
                : { ok: true, body: input.body },
            ),
        };
        count++;
        const response = await collector.handle(fake);
        expect(response.status).toBeGreaterThanOrEqual(200);
        expect(response.status).toBeLessThan(500);
      }),
      { numRuns: 2000 },
    );
    await collector.close();
    expectBalanced(collector.metrics(), count);
    expect(collector.metrics().internalErrors).toBe(0);
  }, 120_000);
});

describe('fuzzing over real HTTP', () => {
  let server: Started;
  let collector: Collector;
  beforeAll(async () => {
    collector = createCollector({
      onEvent: () => Promise.resolve(),
      duplicateMemorySize: 4096,
      trustedProxies: 1,
    });
    const http = createServer(collector.node);
    http.on('clientError', collector.clientError);
    server = await listen(http);
  });
  afterAll(async () => {
    await server.close();
  });

  it('answers fuzzed requests, depth and malformed heads included, with < 500 and nosniff, counting every one', async () => {
    let count = 0;
    const sent = fc.oneof(
      { weight: 4, arbitrary: request.map((input) => ({ kind: 'fetch' as const, input })) },
      { weight: 1, arbitrary: malformed.map((raw) => ({ kind: 'raw' as const, raw })) },
      {
        weight: 1,
        arbitrary: fc
          .tuple(depth, fc.constantFrom('/csc-event', '/csc-batch', '/json-event'))
          .map(([levels, path]) => ({ kind: 'deep' as const, levels, path })),
      },
    );
    await fc.assert(
      fc.asyncProperty(sent, async (next) => {
        count++;
        if (next.kind === 'raw') {
          const answer = await rawRequest(server.url, next.raw, false);
          expect(answer).toMatch(/^HTTP\/1\.1 4\d\d /);
          expect(answer.toLowerCase()).toContain('\r\nx-content-type-options: nosniff\r\n');
          return;
        }
        if (next.kind === 'deep') {
          const { levels, path } = next;
          const pixel = path === '/csc-event';
          const json = path === '/json-event';
          const body = json
            ? jsonEvent('['.repeat(levels) + ']'.repeat(levels))
            : encodeEventBatch([deepQuery(levels)]);
          const response = pixel
            ? await fetch(`${server.url}${path}?${deepQuery(levels)}`)
            : await fetch(`${server.url}${path}?p=0:is8tiwk4:GKv5gCc5TtrvBTs9bXfVD8KIQ3oO~sEg`, {
                method: 'POST',
                headers: { 'content-type': json ? 'application/json' : 'text/plain' },
                body,
              });
          await response.arrayBuffer();
          // Within the limit a valid event; past it a 400, unless the size limits come first
          // (a pixel target past 8,192 characters, a JSON body past 4,096 bytes).
          const expected =
            levels <= MAX_PARAMETER_DEPTH
              ? pixel
                ? 200
                : 204
              : pixel && deepQuery(levels).length + path.length + 1 > 8192
                ? 414
                : json && body.length > 4096
                  ? 413
                  : 400;
          expect(response.status).toBe(expected);
          expect(response.headers.get('x-content-type-options')).toBe('nosniff');
          return;
        }
        const input = next.input;
        const method = input.method;
        const headers = { ...input.headers };
        delete headers['content-length'];
        // Printable ASCII goes as it is ('%' runs included); other bytes are percent-encoded.
        let target = '';
        for (const byte of Buffer.from(input.query)) {
          target +=
            byte > 0x20 && byte < 0x7f && byte !== 0x23
              ? String.fromCharCode(byte)
              : `%${byte.toString(16).padStart(2, '0')}`;
        }
        const response = await fetch(`${server.url}${input.path}?${target}`, {
          method,
          headers,
          body: method === 'GET' || method === 'HEAD' ? null : input.body,
        });
        await response.arrayBuffer();
        expect(response.status).toBeLessThan(500);
        expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      }),
      { numRuns: 300 },
    );
    await collector.close();
    expectBalanced(collector.metrics(), count);
    expect(collector.metrics().internalErrors).toBe(0);
    // Each class was sent: too-deep events and requests node's parser refused were counted.
    expect(collector.metrics().rejected.too_deep).toBeGreaterThan(0);
    expect(collector.metrics().rejected.bad_request).toBeGreaterThan(0);
    expect(collector.metrics().rejected.headers_too_large).toBeGreaterThan(0);
    // 300 requests over sockets: the default 5 s is too short on a loaded machine.
  }, 120_000);
});
