import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeEventBatch, encodeEventBatch, EVENT_BATCH_HEADER } from './event-batch';
import { encodeEventQuery, type TrackedEvent } from './event-query';
import { createEventId, createIdentifier, createPageViewId } from './identifier';

const pageViewId = createPageViewId();
const base: TrackedEvent = {
  partyId: createIdentifier({ timestamp: 1_700_000_000_000 }),
  sessionId: createIdentifier({ timestamp: 1_700_000_000_000 }),
  pageViewId,
  eventId: createEventId(pageViewId, 0),
  clientTimestamp: 1_700_000_000_123,
  newParty: true,
  firstInSession: true,
  location: 'https://example.com/a\nb',
  eventType: 'pageView',
};

describe('event batches', () => {
  it('carries several events, each with its own checksum, one per line', () => {
    const events = [0, 1, 2].map((n) => ({
      ...base,
      eventId: createEventId(pageViewId, n),
      parameters: { n, text: 'line\nbreak' },
    }));
    const body = encodeEventBatch(events.map(encodeEventQuery));
    expect(body.split('\n')).toHaveLength(4);
    expect(body.startsWith(`${EVENT_BATCH_HEADER}\n`)).toBe(true);
    const decoded = decodeEventBatch(body);
    expect(decoded).toEqual({
      ok: true,
      value: {
        version: 1,
        events: events.map((event) => ({ ok: true, value: { ...event, corrupt: false } })),
      },
    });
  });

  it('decodes each line on its own: a broken one does not sink the others', () => {
    const good = encodeEventQuery(base);
    const body = [EVENT_BATCH_HEADER, good, 'p=garbage', good.replace('&x=', '&t=x&x='), ''].join(
      '\r\n',
    );
    const decoded = decodeEventBatch(body);
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(
      decoded.value.events.map((e) => (e.ok ? (e.value.corrupt ? 'corrupt' : 'ok') : 'invalid')),
    ).toEqual(['ok', 'invalid', 'corrupt']);
  });

  it.each([
    ['no header', encodeEventQuery(base), 'invalid_batch'],
    ['an unknown version', `tributary-batch/2\n${encodeEventQuery(base)}`, 'unsupported_version'],
    ['no events', `${EVENT_BATCH_HEADER}\n\n`, 'empty_batch'],
    ['just the header', EVENT_BATCH_HEADER, 'empty_batch'],
    [
      'too many events',
      encodeEventBatch(Array(101).fill(encodeEventQuery(base))),
      'too_many_events',
    ],
  ])('rejects a body with %s', (_, body, code) => {
    const decoded = decodeEventBatch(body);
    expect(!decoded.ok && decoded.issues[0]?.code).toBe(code);
  });

  it('takes its event limit from options', () => {
    const body = encodeEventBatch(Array(3).fill(encodeEventQuery(base)));
    expect(decodeEventBatch(body, { maxEvents: 3 }).ok).toBe(true);
    expect(decodeEventBatch(body, { maxEvents: 2 }).ok).toBe(false);
  });

  it('never throws on arbitrary bodies', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (tail) => {
        expect(typeof decodeEventBatch(`${EVENT_BATCH_HEADER}\n${tail}`).ok).toBe('boolean');
        expect(typeof decodeEventBatch(tail).ok).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
    expect(decodeEventBatch(null as never).ok).toBe(false);
  });
});
