import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import {
  defineEvents,
  type ContractClickEvent,
  type EventMap,
  type InferEvents,
  type SignalArgs,
  type UntypedEvents,
} from './event-contract';

const _events = defineEvents({
  addToCart: z.object({ sku: z.string(), quantity: z.number().int().default(1) }),
  search: z.object({ query: z.string() }).optional(),
  logout: z.undefined(),
});
type Events = InferEvents<typeof _events>;

// The shape of a tracker's signal, as @tributary/tracker declares it.
declare function signal<TEvents extends EventMap, TType extends keyof TEvents & string>(
  events: TEvents,
  eventType: TType,
  ...args: SignalArgs<TEvents, TType>
): string;
declare const typed: Events;
declare const untyped: UntypedEvents;

describe('event contracts at the type level', () => {
  it('give the tracker the input shape of each event', () => {
    expectTypeOf<Events>().toEqualTypeOf<{
      addToCart: { sku: string; quantity?: number | undefined };
      search: { query: string } | undefined;
      logout: undefined;
    }>();
  });

  it('accept declared events with the right parameters', () => {
    signal(typed, 'addToCart', { sku: 'A1' });
    signal(typed, 'addToCart', { sku: 'A1', quantity: 2 });
    signal(typed, 'search');
    signal(typed, 'search', { query: 'shoes' });
    signal(typed, 'logout');
  });

  it('make a wrong event name a compile error', () => {
    // @ts-expect-error 'addToBasket' is not declared
    signal(typed, 'addToBasket', { sku: 'A1' });
  });

  it('make a wrong parameter type a compile error', () => {
    // @ts-expect-error sku is declared a string
    signal(typed, 'addToCart', { sku: 1 });
    // @ts-expect-error quantity is a number
    signal(typed, 'addToCart', { sku: 'A1', quantity: '2' });
    // @ts-expect-error addToCart needs its parameters
    signal(typed, 'addToCart');
    // @ts-expect-error logout takes none
    signal(typed, 'logout', { reason: 'x' });
  });

  it('let an untyped tracker send any JSON', () => {
    signal(untyped, 'anything', { nested: [1, 'two', null] });
    signal(untyped, 'bare');
    // @ts-expect-error functions are not JSON
    signal(untyped, 'anything', { f: () => 1 });
  });

  it('type validated events for consumers, parameters after parsing', () => {
    type Validated = ContractClickEvent<typeof _events.schemas>;
    const handle = (event: Validated): number => {
      if (event.eventType === 'addToCart') {
        expectTypeOf(event.parameters).toEqualTypeOf<{ sku: string; quantity: number }>();
        return event.parameters.quantity;
      }
      return 0;
    };
    expectTypeOf(handle).parameter(0).toHaveProperty('partyId').toEqualTypeOf<string>();
  });
});
