import fc from 'fast-check';
import type { TrackedEvent } from '../src/protocol/event-query';
import { createEventId, createIdentifier, createPageViewId } from '../src/protocol/identifier';

/** One fast-check arbitrary per field of a tracked event. */
export type TrackedEventFields = { [K in keyof TrackedEvent]-?: fc.Arbitrary<TrackedEvent[K]> };

const identifier = fc
  .integer({ min: 0, max: 2 ** 45 })
  .map((timestamp) => createIdentifier({ timestamp }));

/** JSON parameters as they survive JSON (no -0, no undefined members). */
export function jsonParameters(
  constraints: fc.JsonSharedConstraints = {},
): fc.Arbitrary<NonNullable<TrackedEvent['parameters']>> {
  return fc
    .jsonValue(constraints)
    .map((value) => JSON.parse(JSON.stringify(value)) as NonNullable<TrackedEvent['parameters']>);
}

/**
 * Tracked events with Divolte party and session ids and any optional field present or not; a test
 * narrows or widens a field's values through `fields`.
 */
export function trackedEventArbitrary(
  fields: Partial<TrackedEventFields> = {},
): fc.Arbitrary<TrackedEvent> {
  const base: TrackedEventFields = {
    partyId: identifier,
    sessionId: identifier,
    pageViewId: fc.constant(createPageViewId()),
    eventId: fc.nat().map((n) => createEventId('0:page', n)),
    clientTimestamp: fc.integer({ min: -(2 ** 50), max: 2 ** 50 }),
    newParty: fc.boolean(),
    firstInSession: fc.boolean(),
    location: fc.webUrl({ withFragments: true, withQueryParameters: true }),
    referrer: fc.string({ minLength: 1 }),
    screenWidth: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
    screenHeight: fc.nat({ max: 10_000 }),
    devicePixelRatio: fc.constantFrom(0.5, 1, 1.25, 1.5, 1.75, 2, 2.625, 3, 1.100000023841858),
    viewportWidth: fc.nat({ max: 10_000 }),
    viewportHeight: fc.nat({ max: 10_000 }),
    eventType: fc.string(),
    parameters: jsonParameters(),
  };
  return fc.record(
    { ...base, ...fields },
    {
      requiredKeys: [
        'partyId',
        'sessionId',
        'pageViewId',
        'eventId',
        'clientTimestamp',
        'newParty',
        'firstInSession',
      ],
    },
  );
}
