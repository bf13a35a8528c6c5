import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { ClickEvent } from '@tributary/schema';
import { describe, expectTypeOf, it } from 'vitest';
import {
  createCollector,
  type CollectorMetrics,
  type CollectorOptions,
  type CollectorResponse,
  type RejectReason,
} from './index';

describe('collector types', () => {
  it('takes sync or async consumers of ClickEvent', () => {
    expectTypeOf<CollectorOptions['onEvent']>().parameter(0).toEqualTypeOf<ClickEvent>();
    expectTypeOf(createCollector({ onEvent: () => undefined })).toBeObject();
    expectTypeOf(createCollector({ onEvent: () => Promise.resolve() })).toBeObject();
    // @ts-expect-error onEvent is required
    createCollector({});
    // @ts-expect-error policies are 'reject' or 'drop'
    createCollector({ onEvent: () => undefined, queueFull: { pixel: 'wait' } });
  });

  it('plugs into node:http, Connect and fetch', () => {
    const collector = createCollector({ onEvent: () => undefined });
    expectTypeOf(collector.node).toExtend<RequestListener>();
    expectTypeOf(collector.node)
      .parameter(2)
      .toEqualTypeOf<((error?: unknown) => void) | undefined>();
    expectTypeOf(collector.node).parameter(0).toEqualTypeOf<IncomingMessage>();
    expectTypeOf(collector.node).parameter(1).toEqualTypeOf<ServerResponse>();
    expectTypeOf(collector.fetch).returns.toEqualTypeOf<Promise<Response>>();
    expectTypeOf(collector.handle).returns.toEqualTypeOf<
      CollectorResponse | Promise<CollectorResponse>
    >();
  });

  it('exposes typed metrics', () => {
    expectTypeOf<CollectorMetrics['rejected']>().toEqualTypeOf<
      Readonly<Record<RejectReason, number>>
    >();
    expectTypeOf<keyof CollectorMetrics['dropped']>().toEqualTypeOf<
      'queue_full' | 'bot' | 'do_not_track' | 'global_privacy_control' | 'internal_error'
    >();
  });
});
