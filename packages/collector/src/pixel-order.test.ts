import { encodeEventQuery } from '@tributary/schema/protocol';
import type { ClickEvent } from '@tributary/schema';
import { describe, expect, it } from 'vitest';
import { trackedEvent } from '../test/http';
import type { CollectorRequest } from './collector-request';
import { createCollector } from './index';

function get(url: string, agent = 'Mozilla/5.0'): CollectorRequest {
  return {
    method: 'GET',
    url,
    remoteAddress: '203.0.113.5',
    header: (name) => (name === 'user-agent' ? agent : undefined),
    headerValues: () => undefined,
    headers: () => ({ 'user-agent': [agent] }),
    headerBytes: () => 0,
    readBody: () => Promise.resolve({ ok: true, body: new Uint8Array(0) }),
  };
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('pixel: answer first, then process (Divolte’s order)', () => {
  it('answers before decoding, then processes the pixels of one turn together, in arrival order', async () => {
    const seen: ClickEvent[] = [];
    const collector = createCollector({
      duplicateMemorySize: 64,
      onEvent: (e) => void seen.push(e),
    });
    const sent = Array.from({ length: 5 }, (_, i) => trackedEvent({ eventType: `e${i}` }));
    for (const event of sent) {
      expect(collector.handle(get(`/csc-event?${encodeEventQuery(event)}`))).toMatchObject({
        status: 200,
      });
    }
    // Answered and counted as received; nothing decoded or handed over yet.
    expect(collector.metrics()).toMatchObject({ received: 5, accepted: 0 });
    await Promise.resolve();
    expect(seen).toHaveLength(0);
    await turn();
    await turn();
    expect(seen.map((event) => event.eventType)).toEqual(['e0', 'e1', 'e2', 'e3', 'e4']);
    expect(seen.map((event) => event.eventId)).toEqual(sent.map((event) => event.eventId));
    expect(collector.metrics()).toMatchObject({ received: 5, accepted: 5, consumed: 5 });
    await collector.close();
  });

  it('takes the receive time when it answers, not when it processes', async () => {
    let now = 1_000;
    const seen: ClickEvent[] = [];
    const collector = createCollector({
      duplicateMemorySize: 64,
      clock: () => now,
      onEvent: (event) => void seen.push(event),
    });
    void collector.handle(get(`/csc-event?${encodeEventQuery(trackedEvent())}`));
    now = 5_000;
    await turn();
    expect(seen[0]?.receivedAt).toBe(1_000);
    await collector.close();
  });

  it('counts an answered event whose rest does not decode as invalid, after its 200', async () => {
    const collector = createCollector({ duplicateMemorySize: 64, onEvent: () => undefined });
    const query = encodeEventQuery(trackedEvent()).replace(/&c=[^&]*/, '&c=not-base-36!');
    expect(collector.handle(get(`/csc-event?${query}`))).toMatchObject({ status: 200 });
    expect(collector.metrics().invalid).toBe(0);
    await turn();
    expect(collector.metrics()).toMatchObject({ received: 1, invalid: 1, accepted: 0 });
    await collector.close();
  });

  it('decodes at once when the quick check cannot read the ids (escaped keys), and answers by the result', async () => {
    const seen: ClickEvent[] = [];
    const collector = createCollector({
      duplicateMemorySize: 64,
      onEvent: (e) => void seen.push(e),
    });
    // `%70` is `p`: a valid event the quick check does not recognise.
    const escaped = encodeEventQuery(trackedEvent()).replace(/^p=/, '%70=');
    expect(collector.handle(get(`/csc-event?${escaped}`))).toMatchObject({ status: 200 });
    expect(collector.metrics()).toMatchObject({ accepted: 1 });
    const bad = encodeEventQuery(trackedEvent()).replace(/^p=[^&]*/, '%70=nope');
    expect(collector.handle(get(`/csc-event?${bad}`))).toMatchObject({ status: 400 });
    expect(collector.metrics()).toMatchObject({ invalid: 1, rejected: { invalid_event: 1 } });
    await collector.close();
    expect(seen).toHaveLength(1);
  });

  it('close() processes the answered events at once and waits for the consumer: none is lost', async () => {
    const seen: string[] = [];
    const collector = createCollector({
      duplicateMemorySize: 1024,
      onEvent: async (event) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        seen.push(event.eventId);
      },
    });
    const ids: string[] = [];
    for (let i = 0; i < 200; i++) {
      const event = trackedEvent();
      ids.push(event.eventId);
      expect(collector.handle(get(`/csc-event?${encodeEventQuery(event)}`))).toMatchObject({
        status: 200,
      });
    }
    await collector.close();
    expect(seen.sort()).toEqual(ids.sort());
    expect(collector.metrics()).toMatchObject({ received: 200, accepted: 200, consumed: 200 });
  });

  it('counts answered, unprocessed pixels against the queue bound', async () => {
    const collector = createCollector({
      duplicateMemorySize: 64,
      maxQueuedEvents: 2,
      onEvent: () => undefined,
    });
    for (let i = 0; i < 3; i++)
      void collector.handle(get(`/csc-event?${encodeEventQuery(trackedEvent())}`));
    await turn();
    expect(collector.metrics()).toMatchObject({
      received: 3,
      accepted: 2,
      dropped: { queue_full: 1 },
    });
    await collector.close();
  });

  it('the fetch adapter processes the event before it hands back the Response', async () => {
    const seen: ClickEvent[] = [];
    const collector = createCollector({
      duplicateMemorySize: 64,
      onEvent: (e) => void seen.push(e),
    });
    const response = await collector.fetch(
      new Request(`http://collector.test/csc-event?${encodeEventQuery(trackedEvent())}`),
      { remoteAddress: '198.51.100.7' },
    );
    expect(response.status).toBe(200);
    expect(collector.metrics()).toMatchObject({ received: 1, accepted: 1 });
    await collector.close();
    expect(seen[0]?.request.remoteAddress).toBe('198.51.100.7');
  });
});
