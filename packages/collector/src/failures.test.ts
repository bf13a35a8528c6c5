import { encodeEventBatch, encodeEventQuery } from '@tributary/schema/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { createCollector, type CollectorOptions } from './index';
import { expectBalanced } from '../test/balance';
import { pixelUrl, startNode, trackedEvent, until, closeStarted, track } from '../test/http';

afterEach(closeStarted);

async function start(options: Partial<CollectorOptions> = {}) {
  const logged: string[] = [];
  const collector = createCollector({
    onEvent: () => undefined,
    duplicateMemorySize: 64,
    logger: {
      debug: () => undefined,
      info: () => undefined,
      warn: () => undefined,
      error: (message) => {
        logged.push(message);
      },
    },
    ...options,
  });
  const server = track(await startNode(collector.node));
  return { collector, logged, url: server.url };
}

const party = '0:is8tiwk4:GKv5gCc5TtrvBTs9bXfVD8KIQ3oO~sEg';
const jsonEvent = {
  session_id: '0:is8tiwk4:XLEUVj9hA6AXRUOp2zuIdUpaeFOC~7AU',
  event_id: 'AruZ~Em0WNlAnbyzVmwM~GR0cMb6Xl9r',
  is_new_party: true,
  is_new_session: true,
  client_timestamp_iso: '2016-08-24T13:29:39.412+02:00',
};

// Injected code that throws while a request waits for its answer, on each endpoint that judges
// events before answering: `isBot` for a pixel whose ids need the full decode, a batch and a JSON
// event (classified when detectBotsOnJson is on), and `clock` for the same three.
const THROWING: readonly { name: string; options: Partial<CollectorOptions> }[] = [
  {
    name: 'isBot',
    options: {
      detectBotsOnJson: true,
      isBot: () => {
        throw new Error('classifier broke');
      },
    },
  },
  {
    name: 'clock',
    options: {
      clock: () => {
        throw new Error('clock broke');
      },
    },
  },
];

describe('a throw while a request waits for its answer', () => {
  it.each(THROWING)(
    '$name: 500 on every endpoint, counted, logged, events settled as internal_error',
    async ({ options }) => {
      const { collector, logged, url } = await start(options);
      const headers = { 'user-agent': 'Mozilla/5.0' };
      // `%70` is `p`: the quick id check cannot read it, so the event is judged before the answer.
      const escaped = encodeEventQuery(trackedEvent()).replace(/^p=/, '%70=');
      const pixel = await fetch(`${url}/csc-event?${escaped}`, { headers });
      const batch = await fetch(`${url}/csc-batch`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'text/plain' },
        body: encodeEventBatch([
          encodeEventQuery(trackedEvent()),
          encodeEventQuery(trackedEvent()),
        ]),
      });
      const json = await fetch(`${url}/json-event?p=${party}`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(jsonEvent),
      });
      for (const response of [pixel, batch, json]) {
        expect(response.status).toBe(500);
        expect(response.headers.get('x-content-type-options')).toBe('nosniff');
        expect(await response.text()).toBe('Internal error');
      }
      const metrics = collector.metrics();
      expect(metrics).toMatchObject({
        requests: 3,
        responses: { 500: 3 },
        internalErrors: 3,
        received: 4,
        accepted: 0,
        dropped: { internal_error: 4 },
      });
      expectBalanced(collector.metrics());
      expect(logged).toHaveLength(3);
      expect(collector.prometheus()).toContain('tributary_collector_internal_errors_total 3');
    },
  );

  it('a throw after the answer (the pixel’s quick path) is settled and logged, its 200 is out', async () => {
    const { collector, logged, url } = await start(THROWING[0]!.options);
    const response = await fetch(pixelUrl(url, trackedEvent()), {
      headers: { 'user-agent': 'Mozilla/5.0' },
    });
    expect(response.status).toBe(200);
    await until(() => collector.metrics().dropped.internal_error === 1);
    expectBalanced(collector.metrics());
    expect(logged).toHaveLength(1);
  });
});

// Input that must never come back in an error body: a marker no message of ours contains.
const MARKER = '<svg onload=alert(1)>';

describe('error bodies never echo input', () => {
  it('pixel, batch, JSON source: the reason and a sentence of ours, nosniff on every answer', async () => {
    const { collector, url } = await start();
    const marker = encodeURIComponent(MARKER);
    const answers = [
      await fetch(`${url}/csc-event?p=${marker}&s=${marker}`),
      await fetch(
        `${url}/csc-event?${encodeEventQuery(trackedEvent()).replace(/^p=/, `${marker}=`)}`,
      ),
      await fetch(`${url}/csc-batch`, {
        method: 'POST',
        body: `tributary-batch/${MARKER}\n${encodeEventQuery(trackedEvent())}`,
      }),
      await fetch(`${url}/csc-batch`, {
        method: 'POST',
        body: encodeEventBatch([`p=${marker}`]),
      }),
      await fetch(`${url}/json-event?p=${party}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: `{"session_id": ${MARKER}}`,
      }),
      await fetch(`${url}/json-event?p=${party}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          ...jsonEvent,
          session_id: MARKER,
          parameters: { [MARKER]: MARKER },
        }),
      }),
      await fetch(`${url}/json-event?p=${party}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...jsonEvent, event_id: 7 }),
      }),
    ];
    const reasons: string[] = [];
    for (const [index, answer] of answers.entries()) {
      expect(answer.status, `answer ${index}`).toBe(400);
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      const text = await answer.text();
      expect(text).not.toContain('svg');
      expect(text).not.toContain('alert');
      const body = JSON.parse(text) as { reason: string; message: string };
      reasons.push(body.reason);
      expect(body.message).toMatch(/^[A-Z][\w .(),-]*\.$/);
    }
    expect(reasons).toEqual([
      'invalid_event',
      'invalid_event',
      'invalid_batch',
      'invalid_event',
      'invalid_json',
      'invalid_json',
      'invalid_json',
    ]);
    expectBalanced(collector.metrics());
  });
});
