import {
  MAX_PARAMETER_DEPTH,
  encodeEventBatch,
  encodeEventQuery,
  type JsonValue,
} from '@tributary/schema/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { expectBalanced } from '../test/balance';
import { pixelUrl, trackedEvent, until, closeStarted, startCollector } from '../test/http';

afterEach(closeStarted);

function start() {
  // Room for 5,000 levels in a pixel's target (10 kB); node's own limit is 16 KiB of head.
  return startCollector({ limits: { urlLength: 16_384 } });
}

/** Parameters `depth` containers deep: arrays, or objects when `objects`. */
function nested(depth: number, objects = false): JsonValue {
  let value: JsonValue = 1;
  for (let i = 0; i < depth; i++) value = objects ? { k: value } : [value];
  return value;
}

/**
 * A pixel query whose parameters (`u`, mincode) are `depth` arrays around a 1, written by hand:
 * the encoder itself recurses and cannot write thousands of levels.
 */
function deepQuery(depth: number): string {
  const query = encodeEventQuery(trackedEvent({ parameters: [1] }));
  expect(query).toContain('&u=ad1!.&');
  return query.replace('&u=ad1!.&', `&u=${'a'.repeat(depth)}d1!${'.'.repeat(depth)}&`);
}

const LIMIT = MAX_PARAMETER_DEPTH;
const tooDeep = [LIMIT + 1, 1_500, 5_000];

describe(`custom parameters nest at most ${LIMIT} deep, on every path`, () => {
  it('pixel: at the limit answered 200 and recorded; past it 400 too_deep before the answer', async () => {
    const { collector, events, url } = await start();
    for (const objects of [false, true]) {
      const fits = await fetch(pixelUrl(url, trackedEvent({ parameters: nested(LIMIT, objects) })));
      expect(fits.status).toBe(200);
    }
    await until(() => events.length === 2);
    expect(events.map((event) => event.parameters)).toEqual([nested(LIMIT), nested(LIMIT, true)]);
    for (const depth of tooDeep) {
      const response = await fetch(`${url}/csc-event?${deepQuery(depth)}`);
      expect(response.status, `depth ${depth}`).toBe(400);
      expect(await response.json()).toMatchObject({ reason: 'too_deep' });
    }
    await collector.close();
    expect(events).toHaveLength(2);
    expect(collector.metrics()).toMatchObject({
      received: 2 + tooDeep.length,
      accepted: 2,
      invalid: tooDeep.length,
      rejected: { too_deep: tooDeep.length },
      dropped: { internal_error: 0 },
    });
    expectBalanced(collector.metrics());
  });

  it('batch: a line past the limit is an invalid line; the others are accepted', async () => {
    const { collector, events, url } = await start();
    const lines = [
      encodeEventQuery(trackedEvent({ parameters: nested(LIMIT) })),
      ...tooDeep.map(deepQuery),
    ];
    const mixed = await fetch(`${url}/csc-batch`, {
      method: 'POST',
      body: encodeEventBatch(lines),
    });
    expect(mixed.status).toBe(200);
    expect(await mixed.json()).toMatchObject({ accepted: 1, invalid: tooDeep.length });
    const allDeep = await fetch(`${url}/csc-batch`, {
      method: 'POST',
      body: encodeEventBatch(lines.slice(1)),
    });
    expect(allDeep.status).toBe(400);
    expect(await allDeep.json()).toMatchObject({ reason: 'invalid_event' });
    await collector.close();
    expect(events).toHaveLength(1);
    expect(collector.metrics()).toMatchObject({
      received: 1 + 2 * tooDeep.length,
      accepted: 1,
      invalid: 2 * tooDeep.length,
    });
    expectBalanced(collector.metrics());
  });

  it('JSON source: 1,500 arrays deep (3 kB, under the size limit) is 400 too_deep, not a 500', async () => {
    const { collector, events, url } = await start();
    const party = '0:is8tiwk4:GKv5gCc5TtrvBTs9bXfVD8KIQ3oO~sEg';
    const post = (parameters: JsonValue) =>
      fetch(`${url}/json-event?p=${party}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          session_id: '0:is8tiwk4:XLEUVj9hA6AXRUOp2zuIdUpaeFOC~7AU',
          event_id: 'AruZ~Em0WNlAnbyzVmwM~GR0cMb6Xl9r',
          is_new_party: true,
          is_new_session: true,
          client_timestamp_iso: '2016-08-24T13:29:39.412+02:00',
          parameters,
        }),
      });
    expect((await post(nested(LIMIT, true))).status).toBe(204);
    for (const depth of tooDeep.slice(0, 2)) {
      const response = await post(nested(depth));
      expect(response.status, `depth ${depth}`).toBe(400);
      expect(await response.json()).toMatchObject({ reason: 'too_deep' });
    }
    // The body: bare nesting, no other field, 3,159 bytes.
    const bare = await fetch(`${url}/json-event?p=${party}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"parameters":${'['.repeat(1_500)}${']'.repeat(1_500)}}`,
    });
    expect(bare.status).toBe(400);
    await collector.close();
    expect(events).toHaveLength(1);
    expect(collector.metrics()).toMatchObject({ received: 4, accepted: 1, invalid: 3 });
    expect(collector.metrics().responses[500]).toBeUndefined();
    expectBalanced(collector.metrics());
  });
});
