import { defineEvents, type InferEvents } from '@tributary/schema';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { createTracker, type Tracker } from './index';

const _events = defineEvents({
  addToCart: z.object({ sku: z.string(), quantity: z.number().int() }),
  search: z.object({ query: z.string() }).optional(),
  logout: z.undefined(),
});
type Events = InferEvents<typeof _events>;

describe('createTracker<TEvents>', () => {
  it('checks event types and parameters against the contract', () => {
    const tracker = createTracker<Events>();
    tracker.signal('addToCart', { sku: 'A1', quantity: 2 });
    // @ts-expect-error -- sku is declared a string
    tracker.signal('addToCart', { sku: 1, quantity: 2 });
    // @ts-expect-error -- quantity is required
    tracker.signal('addToCart', { sku: 'A1' });
    // @ts-expect-error -- the parameters are required
    tracker.signal('addToCart');
    // @ts-expect-error -- not a declared event type
    tracker.signal('checkout', {});
    tracker.signal('search');
    tracker.signal('search', { query: 'shoes' });
    tracker.signal('logout');
    expectTypeOf(tracker.signal('logout')).toEqualTypeOf<string | null>();
  });

  it('accepts any event type and JSON parameters without a contract', () => {
    const tracker = createTracker();
    expectTypeOf(tracker).toEqualTypeOf<Tracker>();
    tracker.signal('anything', { nested: [1, 'two', { three: null }] });
    tracker.signal('bare');
    // @ts-expect-error -- not JSON
    tracker.signal('fn', { callback: () => 1 });
  });

  it('exposes the ids read-only', () => {
    const tracker = createTracker();
    expectTypeOf(tracker.partyId).toEqualTypeOf<string>();
    // @ts-expect-error -- read-only
    tracker.partyId = 'x';
  });
});
