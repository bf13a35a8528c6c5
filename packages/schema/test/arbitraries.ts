import fc from 'fast-check';
import type { TrackedEvent } from '../src/protocol/event-query';
import { createEventId, createIdentifier, createPageViewId } from '../src/protocol/identifier';
import type { JsonValue } from '../src/protocol/json';

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

/** How deep a JSON value nests: objects and arrays counted from the top (`{}` is 1, `1` is 0). */
export function depthOf(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  let deepest = 0;
  for (const member of Object.values(value)) deepest = Math.max(deepest, depthOf(member));
  return deepest + 1;
}

/**
 * JSON values of any shape whose depth is near `around` (by default from 0 to four beyond it): a
 * chain of objects and arrays, each level with scalars or small containers beside the next one, and
 * an empty object, an empty array or a scalar at the bottom. {@link depthOf} gives the exact depth.
 */
export function nestedJson(around: number, spread = 4): fc.Arbitrary<JsonValue> {
  // Small members, so that values of some thirty levels stay short.
  const small = fc.oneof(
    fc.constantFrom<JsonValue>(null, true, false, 0, 1.5, -7, '', 'a~!', {}, []),
    fc.string({ maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 2 }), fc.integer(), { maxKeys: 2 }),
    fc.array(fc.constantFrom<JsonValue>(null, 'x', {}, []), { maxLength: 2 }),
  );
  const level = fc.record({
    array: fc.boolean(),
    key: fc.string({ maxLength: 4 }),
    before: fc.array(small, { maxLength: 1 }),
    after: fc.array(small, { maxLength: 1 }),
  });
  return fc
    .tuple(
      fc.array(level, { minLength: Math.max(0, around - spread), maxLength: around + spread }),
      fc.oneof(fc.constant<JsonValue>({}), fc.constant<JsonValue>([]), small),
    )
    .map(([levels, bottom]) => {
      let value: JsonValue = bottom;
      for (const { array, key, before, after } of [...levels].reverse()) {
        const members = [...before, value, ...after];
        value = array
          ? members
          : Object.fromEntries(
              members.map((member, i) => [i === before.length ? key : `${key}${i}`, member]),
            );
      }
      return value;
    });
}

/**
 * Mincode of a JSON value, written here rather than by `encodeMincode` so that an empty object may
 * be the `o` record (which only servers write) and so that the writer is independent of the code
 * under test.
 */
export function toMincode(value: unknown, emptyObjectAsO = false): string {
  const escape = (text: string): string => text.replace(/[~!]/g, '~$&');
  const record = (member: unknown): [type: string, payload: string] => {
    if (typeof member === 'string') return ['s', escape(member) + '!'];
    if (typeof member === 'number') return ['j', JSON.stringify(member) + '!'];
    if (member === true || member === false) return [member ? 't' : 'f', ''];
    if (member === null) return ['n', ''];
    if (Array.isArray(member))
      return ['a', member.map((item) => record(item).join('')).join('') + '.'];
    const entries = Object.entries(member as object);
    if (entries.length === 0 && emptyObjectAsO) return ['o', ''];
    return [
      '(',
      entries
        .map(([name, item]) => {
          const [type, payload] = record(item);
          return type + escape(name) + '!' + payload;
        })
        .join('') + ')',
    ];
  };
  return record(value).join('');
}
