import { encodeEventBatch, encodeEventQuery } from '@tributary/schema/protocol';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CollectorRequest } from './collector-request';
import { createCollector, type Collector } from './index';
import { startNode, trackedEvent, type Started } from '../test/http';

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
const query = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constant(encodeEventQuery(trackedEvent())),
  fc
    .tuple(fc.constant(encodeEventQuery(trackedEvent())), fc.nat(400))
    .map(([q, cut]) => q.slice(0, cut)),
  fc
    .array(fc.tuple(fc.constantFrom(...'psvecnfliju x'.split('')), printable), { maxLength: 14 })
    .map((pairs) => pairs.map(([key, value]) => `${key}=${encodeURIComponent(value)}`).join('&')),
);
const body = fc.oneof(
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
const request = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH'),
  path: fc.constantFrom(...PATHS),
  query,
  headers: fc.dictionary(fc.constantFrom(...HEADER_NAMES), printable, { maxKeys: 6 }),
  body,
});

/** Counters that must balance for any traffic. */
function expectBalanced(collector: Collector, requests: number): void {
  const metrics = collector.metrics();
  expect(metrics.requests).toBe(requests);
  const responses = Object.values(metrics.responses).reduce((sum, count) => sum + count, 0);
  expect(responses).toBe(requests);
  const rejected = Object.values(metrics.rejected).reduce((sum, count) => sum + count, 0);
  const failing = Object.entries(metrics.responses)
    .filter(([status]) => Number(status) >= 400)
    .reduce((sum, [, count]) => sum + count, 0);
  expect(rejected).toBe(failing);
  const dropped = Object.values(metrics.dropped).reduce((sum, count) => sum + count, 0);
  expect(metrics.received).toBe(metrics.accepted + metrics.invalid + dropped);
  expect(Object.keys(metrics.responses).every((status) => Number(status) < 500)).toBe(true);
}

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
    expectBalanced(collector, count);
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
    server = await startNode(collector.node);
  });
  afterAll(async () => {
    await server.close();
  });

  it('answers fuzzed query strings, headers and bodies with < 500 and counts every request', async () => {
    let count = 0;
    await fc.assert(
      fc.asyncProperty(request, async (input) => {
        const method = input.method;
        const headers = { ...input.headers };
        delete headers['content-length'];
        count++;
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
      }),
      { numRuns: 300 },
    );
    await collector.close();
    expectBalanced(collector, count);
    // 300 requests over sockets: the default 5 s is too short on a loaded machine.
  }, 120_000);
});
