import { describe, expect, it } from 'vitest';
import { createCollector } from './index';
import { trackedEvent } from '../test/http';
import { encodeEventQuery } from '@tributary/schema/protocol';
import type { CollectorRequest } from './collector-request';

function get(url: string): CollectorRequest {
  return {
    method: 'GET',
    url,
    remoteAddress: '203.0.113.5',
    header: () => undefined,
    headerValues: () => undefined,
    headers: () => ({}),
    headerBytes: () => 0,
    readBody: () => Promise.resolve({ ok: true, body: new Uint8Array(0) }),
  };
}

describe('metrics', () => {
  it('counts consumer outcomes and latency, and prints the Prometheus text format', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const collector = createCollector({
      duplicateMemorySize: 64,
      metricsPrefix: 'cc_',
      logger: {
        debug: () => undefined,
        info: () => undefined,
        warn: () => undefined,
        error: (_message, fields) => errors.push(fields?.error),
      },
      onEvent: () => {
        calls++;
        if (calls === 2) throw new Error('sink down');
        return calls === 3 ? Promise.reject(new Error('rejected')) : undefined;
      },
    });
    for (let i = 0; i < 4; i++) {
      expect(
        await collector.handle(get(`/csc-event?${encodeEventQuery(trackedEvent())}`)),
      ).toMatchObject({ status: 200 });
    }
    // Ids pass the early check, the full decode fails after the answer: 200, counted invalid.
    expect(await collector.handle(get('/csc-event?p=0:1:a&s=0:1:b'))).toMatchObject({
      status: 200,
    });
    expect(await collector.handle(get('/nowhere'))).toMatchObject({ status: 404 });
    await collector.close();
    const metrics = collector.metrics();
    expect(metrics).toMatchObject({
      requests: 6,
      received: 5,
      accepted: 4,
      invalid: 1,
      consumed: 2,
      consumerErrors: 2,
      queueDepth: 0,
      responses: { 200: 5, 404: 1 },
    });
    expect(errors.map((error) => (error as Error).message)).toEqual(['sink down', 'rejected']);
    expect(metrics.consumerLatency.count).toBe(4);
    expect(metrics.consumerLatency.buckets.at(-1)!.count).toBeLessThanOrEqual(4);

    const text = collector.prometheus();
    expect(text).toContain('# TYPE cc_requests_total counter\ncc_requests_total 6\n');
    expect(text).toContain('cc_responses_total{status="200"} 5\n');
    expect(text).toContain('cc_requests_rejected_total{reason="not_found"} 1\n');
    expect(text).toContain('cc_events_dropped_total{reason="queue_full"} 0\n');
    expect(text).toContain('# TYPE cc_queue_depth gauge\ncc_queue_depth 0\n');
    expect(text).toContain('# TYPE cc_consumer_latency_seconds histogram\n');
    expect(text).toContain('cc_consumer_latency_seconds_bucket{le="+Inf"} 4\n');
    expect(text).toContain('cc_consumer_latency_seconds_count 4\n');
    // Every sample line is `name{labels} value` with a numeric value; buckets are cumulative.
    for (const line of text.trimEnd().split('\n')) {
      if (!line.startsWith('#'))
        expect(line).toMatch(/^cc_[a-z_]+(\{[a-z]+="[^"]*"\})? [0-9.e+-]+$/);
    }
    const buckets = [...text.matchAll(/_bucket\{le="[^"]+"\} (\d+)/g)].map((match) =>
      Number(match[1]),
    );
    expect(buckets).toEqual([...buckets].sort((a, b) => a - b));
  });

  it('survives injected code that throws after the answer, counting and logging it', async () => {
    const logged: string[] = [];
    const collector = createCollector({
      duplicateMemorySize: 64,
      isBot: () => {
        throw new Error('classifier broke');
      },
      logger: {
        debug: () => undefined,
        info: () => undefined,
        warn: () => undefined,
        error: (message) => {
          logged.push(message);
          throw new Error('and so did the logger');
        },
      },
      onEvent: () => undefined,
    });
    const request = get(`/csc-event?${encodeEventQuery(trackedEvent())}`);
    const withAgent: CollectorRequest = {
      ...request,
      header: (name) => (name === 'user-agent' ? 'x' : undefined),
      headerValues: (name) => (name === 'user-agent' ? ['x'] : undefined),
    };
    expect(await collector.handle(withAgent)).toMatchObject({ status: 200 });
    await collector.close();
    expect(collector.metrics()).toMatchObject({
      received: 1,
      accepted: 0,
      dropped: { internal_error: 1 },
    });
    expect(logged).toHaveLength(1);
  });

  it('asks the bot classifier once per user agent, keeping the busy ones when the cache is full', async () => {
    const asked: string[] = [];
    const collector = createCollector({
      duplicateMemorySize: 64,
      isBot: (agent) => {
        asked.push(agent);
        return agent.startsWith('bot');
      },
      onEvent: () => undefined,
    });
    const send = async (agent: string): Promise<void> => {
      const request = get(`/csc-event?${encodeEventQuery(trackedEvent())}`);
      await collector.handle({
        ...request,
        header: (name) => (name === 'user-agent' ? agent : undefined),
        headerValues: (name) => (name === 'user-agent' ? [agent] : undefined),
      });
      // The event is judged after its answer, with the pixels of the same event-loop turn.
      await new Promise((resolve) => setImmediate(resolve));
    };
    await send('browser A');
    await send('bot B');
    await send('browser A');
    expect(asked).toEqual(['browser A', 'bot B']);
    // 1,500 other agents, with browser A in between: it stays, bot B is evicted.
    for (let i = 0; i < 1500; i++) {
      await send(`agent ${i}`);
      if (i % 100 === 0) await send('browser A');
    }
    asked.length = 0;
    await send('browser A');
    await send('bot B');
    expect(asked).toEqual(['bot B']);
    await collector.close();
    expect(collector.metrics()).toMatchObject({ bot: 2, received: 1520 });
  });

  it('rejects options that cannot work with CollectorError', () => {
    expect(() => createCollector({ onEvent: () => undefined, maxQueuedEvents: -1 })).toThrow(
      expect.objectContaining({ name: 'CollectorError', code: 'invalid_options' }),
    );
    expect(() =>
      createCollector({ onEvent: () => undefined, paths: { event: 'x', batch: 'x' } }),
    ).toThrow(/share the path/);
    expect(() => createCollector({ onEvent: () => undefined, duplicateMemorySize: 0 })).toThrow(
      expect.objectContaining({ code: 'invalid_options' }),
    );
  });
});
