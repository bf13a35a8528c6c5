import { encodeEventBatch, encodeEventQuery } from '@tributary/schema/protocol';
import type { ClickEvent } from '@tributary/schema';
import { afterEach, describe, expect, it } from 'vitest';
import { createCollector } from './index';
import { pixelUrl, startNode, trackedEvent, closeStarted, track } from '../test/http';

afterEach(closeStarted);

describe('graceful close under load', () => {
  it('refuses new requests, drains the queue and loses no accepted event; parties stay in order', async () => {
    const consumed: ClickEvent[] = [];
    let tick = 0;
    const collector = createCollector({
      duplicateMemorySize: 1 << 16,
      // A counting clock: receivedAt is then the order of acceptance.
      clock: () => ++tick,
      onEvent: async (event) => {
        // A slow sink: every event waits a little, so the queue is deep when close() comes.
        await new Promise((resolve) => setTimeout(resolve, 2));
        consumed.push(event);
      },
    });
    const server = track(await startNode(collector.node));
    const parties = Array.from(
      { length: 8 },
      (_, i) => `0:i1t84hgy:party${i}AAAAAAAAAAAAAAAAAAAAAAAAAAA`,
    );
    const statuses: number[] = [];
    const send = async (i: number): Promise<void> => {
      const partyId = parties[i % parties.length]!;
      const response =
        i % 3 === 0
          ? await fetch(`${server.url}/csc-batch`, {
              method: 'POST',
              body: encodeEventBatch(
                [0, 1, 2].map(() => encodeEventQuery(trackedEvent({ partyId }))),
              ),
            })
          : await fetch(pixelUrl(server.url, trackedEvent({ partyId })));
      await response.arrayBuffer();
      statuses.push(response.status);
    };
    const load: Promise<void>[] = [];
    for (let i = 0; i < 300; i++) {
      load.push(send(i));
      if (i === 150) {
        // Let the first half reach the server, then close while the rest is in flight.
        await Promise.all(load.slice(0, 100));
        const closing = collector.close();
        expect(collector.closing).toBe(true);
        expect((await fetch(`${server.url}/ping`)).status).toBe(503);
        load.push(closing.then(() => undefined));
      }
    }
    await Promise.all(load);
    await collector.close();
    const metrics = collector.metrics();
    expect(statuses.every((status) => status === 200 || status === 204 || status === 503)).toBe(
      true,
    );
    expect(statuses.filter((status) => status === 503).length).toBe(metrics.rejected.closing - 1);
    expect(metrics.accepted).toBeGreaterThan(0);
    expect(metrics.queueDepth).toBe(0);
    expect(metrics.consumed).toBe(metrics.accepted);
    expect(consumed).toHaveLength(metrics.accepted);
    // Within one party the consumer saw events in the order they were accepted.
    for (const partyId of parties) {
      const ids = consumed
        .filter((event) => event.partyId === partyId)
        .map((event) => event.receivedAt);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
    }
    expect(new Set(consumed.map((event) => event.eventId)).size).toBe(consumed.length);
  });
});
