import {
  createUniquePart,
  parseIdentifier,
  decodeEventQuery,
  encodeEventFields,
  encodeEventQuery,
  type EventQueryFields,
  type JsonValue,
  type TrackedEvent,
} from '@tributary/schema/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeEvent, uniquePart } from './encode';

const number = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -0, 1.5, 2.625, 2 ** 53, -(2 ** 60), 1e21, 1e-7, NaN, Infinity, -Infinity),
);
const text = fc.oneof(fc.string({ unit: 'binary' }), fc.string(), fc.constantFrom('', '~!&=%+#'));
// Parameters as a page may pass them: any JSON, plus what JSON.stringify drops or rewrites.
const parameters = fc.oneof(
  fc.jsonValue(),
  fc.anything({ withBoxedValues: true, withNullPrototype: true }).filter((value) => {
    try {
      JSON.stringify(value);
      return true;
    } catch {
      return false;
    }
  }),
  fc.constantFrom(undefined, { toJSON: () => 'x!~' }, [undefined, NaN], () => 1),
);
const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });

const fields = fc.tuple(
  text,
  text,
  text,
  text,
  number,
  fc.boolean(),
  fc.boolean(),
  optional(text),
  optional(text),
  optional(number),
  optional(number),
  optional(number),
  optional(number),
  optional(number),
  optional(text),
  parameters,
) as fc.Arbitrary<EventQueryFields>;

// Events as the tag makes them: what Divolte decodes back to the same values.
const divolteId = fc
  .tuple(fc.integer({ min: 0, max: 2 ** 45 }), fc.uint8Array({ minLength: 32, maxLength: 32 }))
  .map(([time, bytes]) => '0:' + time.toString(36) + ':' + uniquePart(() => bytes));
const trackedEvent = fc.record(
  {
    partyId: divolteId,
    sessionId: divolteId,
    pageViewId: divolteId,
    eventId: divolteId,
    clientTimestamp: fc.integer({ min: 0, max: 2 ** 50 }),
    newParty: fc.boolean(),
    firstInSession: fc.boolean(),
    location: fc.webUrl({ withFragments: true, withQueryParameters: true }),
    referrer: fc.string({ minLength: 1 }),
    screenWidth: fc.nat({ max: 10_000 }),
    screenHeight: fc.nat({ max: 10_000 }),
    devicePixelRatio: fc.constantFrom(0.5, 1, 1.25, 1.5, 2, 2.625, 3, 1.100000023841858),
    viewportWidth: fc.nat({ max: 10_000 }),
    viewportHeight: fc.nat({ max: 10_000 }),
    eventType: fc.string(),
    parameters: fc.jsonValue().map((value) => JSON.parse(JSON.stringify(value)) as JsonValue),
  },
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
) as fc.Arbitrary<TrackedEvent>;

const fieldsOf = (event: TrackedEvent): EventQueryFields => [
  event.partyId,
  event.sessionId,
  event.pageViewId,
  event.eventId,
  event.clientTimestamp,
  event.newParty,
  event.firstInSession,
  event.location,
  event.referrer,
  event.screenWidth,
  event.screenHeight,
  event.devicePixelRatio,
  event.viewportWidth,
  event.viewportHeight,
  event.eventType,
  event.parameters,
];

describe('encodeEvent', () => {
  it('makes byte for byte the query of encodeEventFields from @tributary/schema', () => {
    fc.assert(
      fc.property(fields, (input) => {
        expect(encodeEvent(input)).toBe(encodeEventFields(input));
      }),
      { numRuns: 2000 },
    );
  });

  it('encodes numbers in parameters as the schema does: base 36, JSON or exponent form, ties included', () => {
    // Lengths that tie (1e6: `lfls` and `1e+6`), exponents that win (1e10), integers past 2^53.
    const numeric = fc.oneof(
      number,
      fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }),
      fc.constantFrom(
        1e6,
        -1e6,
        1e10,
        1e15,
        123e20,
        2 ** 53 - 1,
        1e-6,
        0.1,
        5e-324,
        1.7976931348623157e308,
      ),
      fc.integer({ min: 0, max: 300 }).map((exponent) => 10 ** exponent),
    );
    fc.assert(
      fc.property(fc.array(numeric), fc.dictionary(fc.string(), numeric), (list, object) => {
        const input = Object.assign(['0:a:b', '0:a:b', '0:c', '0:c0', 1, true, false], {
          15: [list, object],
        }) as unknown as EventQueryFields;
        expect(encodeEvent(input)).toBe(encodeEventFields(input));
      }),
      { numRuns: 1000 },
    );
  });

  it('makes what encodeEventQuery makes, and decodeEventQuery reads back the same event', () => {
    fc.assert(
      fc.property(trackedEvent, (event) => {
        const query = encodeEvent(fieldsOf(event));
        expect(query).toBe(encodeEventQuery(event));
        expect(decodeEventQuery(query)).toEqual({
          ok: true,
          value: { ...event, corrupt: false },
        });
      }),
      { numRuns: 1000 },
    );
  });

  it('throws the TypeError of JSON.stringify for parameters JSON cannot hold', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    const fields: EventQueryFields = [
      '0:a:b',
      '0:a:b',
      '0:c',
      '0:c0',
      1,
      true,
      true,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      'x',
      cycle as JsonValue,
    ];
    expect(() => encodeEvent(fields)).toThrow(TypeError);
  });
});

describe('uniquePart', () => {
  it('carries all 24 random bytes in the 32 characters of a Divolte unique part', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 24, maxLength: 24 }), (bytes) => {
        let asked = 0;
        const unique = uniquePart((length) => {
          asked = length;
          return bytes;
        });
        expect(asked).toBe(24);
        expect(unique).toMatch(/^[A-Za-z0-9~_]{32}$/);
        // Nothing lost: the characters decode back to the bytes, so every one of the 2^192
        // values is as likely as the random source makes it.
        const decoded = atob(unique.replace(/~/g, '+').replace(/_/g, '/'));
        expect(Uint8Array.from(decoded, (c) => c.charCodeAt(0))).toEqual(bytes);
        // A party id made with it is a Divolte identifier.
        expect(parseIdentifier('0:' + (2 ** 40).toString(36) + ':' + unique).ok).toBe(true);
      }),
    );
  });

  it('uses the same alphabet, in the same order, as createUniquePart', () => {
    // 32 six-bit groups packed into 24 bytes: base 64 makes one character of each.
    const pack = (groups: number[]): Uint8Array => {
      let bits = 0n;
      for (const group of groups) bits = (bits << 6n) | BigInt(group);
      return Uint8Array.from({ length: 24 }, (_, i) =>
        Number((bits >> BigInt(184 - i * 8)) & 255n),
      );
    };
    for (const offset of [0, 32]) {
      const values = Array.from({ length: 32 }, (_, i) => offset + i);
      expect(uniquePart(() => pack(values))).toBe(createUniquePart(() => Uint8Array.from(values)));
    }
  });
});
