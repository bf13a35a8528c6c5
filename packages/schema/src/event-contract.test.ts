import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineEvents } from './event-contract';

const events = defineEvents({
  addToCart: z.object({ sku: z.string(), quantity: z.number().int().positive().default(1) }),
  search: z.object({ query: z.string().min(1), filters: z.array(z.string()).optional() }),
  logout: z.undefined(),
});

describe('defineEvents', () => {
  it('lists and recognises its event types, pageView included', () => {
    expect(events.eventTypes).toEqual(['addToCart', 'search', 'logout']);
    expect(events.has('search')).toBe(true);
    expect(events.has('pageView')).toBe(true);
    expect(events.has('checkout')).toBe(false);
    expect(events.has(undefined)).toBe(false);
  });

  it('validates parameters and returns them parsed (defaults applied)', () => {
    expect(events.validate({ eventType: 'addToCart', parameters: { sku: 'A1' } })).toEqual({
      ok: true,
      value: { known: true, eventType: 'addToCart', parameters: { sku: 'A1', quantity: 1 } },
    });
    expect(events.validate({ eventType: 'logout' })).toEqual({
      ok: true,
      value: { known: true, eventType: 'logout', parameters: undefined },
    });
  });

  it('reports bad parameters with paths under parameters', () => {
    const result = events.validate({
      eventType: 'addToCart',
      parameters: { sku: 7, quantity: -1 },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((issue) => [issue.code, issue.path.join('.')])).toEqual([
      ['invalid_type', 'parameters.sku'],
      ['too_small', 'parameters.quantity'],
    ]);
    expect(result.issues[0]?.message).toMatch(/string/);
  });

  it('rejects undeclared event types unless told to accept them', () => {
    const rejected = events.validate({ eventType: 'checkout', parameters: { total: 1 } });
    expect(!rejected.ok && rejected.issues[0]).toMatchObject({
      code: 'unknown_event_type',
      path: ['eventType'],
    });
    expect(events.validate({}).ok).toBe(false);

    const lenient = defineEvents(
      { search: z.object({ query: z.string() }) },
      { unknownEvents: 'accept' },
    );
    expect(lenient.validate({ eventType: 'checkout', parameters: { total: 1 } })).toEqual({
      ok: true,
      value: { known: false, eventType: 'checkout', parameters: { total: 1 } },
    });
    expect(lenient.validate({ eventType: 'search', parameters: {} }).ok).toBe(false);
  });

  it('always knows the automatic pageView, unless it is declared with its own schema', () => {
    expect(events.validate({ eventType: 'pageView' })).toMatchObject({
      ok: true,
      value: { known: true },
    });
    const strict = defineEvents({ pageView: z.object({ template: z.string() }) });
    expect(strict.validate({ eventType: 'pageView' }).ok).toBe(false);
    expect(strict.validate({ eventType: 'pageView', parameters: { template: 'home' } }).ok).toBe(
      true,
    );
  });
});
