import { type ClickEvent, type JsonValue } from '@tributary/schema';
import fc from 'fast-check';
import { CHROME_MAC_UA } from './events';

const identifier = fc.stringMatching(/^0:[0-9a-z]{1,8}:[A-Za-z0-9~_!]{0,32}$/);
const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });
const size = fc.integer({ min: 0, max: 100_000 });
const userAgents = fc.oneof(
  fc.constantFrom(
    CHROME_MAC_UA,
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
    'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
    'curl/8.5.0',
    '',
  ),
  fc.string(),
);
const urls = fc.oneof(
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.constantFrom(
    'https://x.example/?utm_source=a&utm_source=b&utm_medium=%E2%82%AC&utm_term',
    'not a url',
    '',
  ),
  fc.string(),
);

/** Any valid `ClickEvent`, browser or JSON. */
export const clickEventArbitrary: fc.Arbitrary<ClickEvent> = fc
  .record({
    source: fc.constantFrom('browser' as const, 'json' as const),
    receivedAt: fc.integer({ min: 0, max: 4_102_444_800_000 }),
    clientTimestamp: fc.integer({ min: -(2 ** 52), max: 2 ** 52 }),
    partyId: identifier,
    sessionId: identifier,
    pageViewId: optional(fc.string()),
    eventId: fc.string(),
    eventType: optional(fc.string()),
    parameters: optional(fc.jsonValue() as fc.Arbitrary<JsonValue>),
    newParty: fc.boolean(),
    firstInSession: fc.boolean(),
    corrupt: fc.boolean(),
    duplicate: fc.boolean(),
    isBot: fc.boolean(),
    doNotTrack: fc.boolean(),
    globalPrivacyControl: fc.boolean(),
    location: optional(urls),
    referrer: optional(urls),
    viewportWidth: optional(size),
    viewportHeight: optional(size),
    screenWidth: optional(fc.oneof(size, fc.integer({ min: -(2 ** 40), max: 2 ** 40 }))),
    screenHeight: optional(size),
    devicePixelRatio: optional(fc.double({ min: 0, max: 10, noNaN: true })),
    request: fc.record({
      remoteAddress: fc.oneof(fc.ipV4(), fc.ipV6(), fc.constant('81.2.69.160'), fc.string()),
      headers: fc.dictionary(
        fc.string().map((s) => s.toLowerCase()),
        fc.array(fc.string(), { minLength: 1 }),
      ),
      cookies: fc.dictionary(fc.string(), fc.string()),
      userAgent: optional(userAgents),
    }),
  })
  .map((event) => {
    // exactOptionalPropertyTypes: leave optional properties out rather than set to undefined.
    const defined = (object: object): Record<string, unknown> =>
      Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));
    return { ...defined(event), request: defined(event.request) } as ClickEvent;
  });

/**
 * Event parameters of any shape nesting up to `maxDepth` objects and arrays: a chain of containers
 * of any length up to it (the limit itself often), each level with scalars or small containers
 * beside the next one, and an empty object, an empty array or a scalar at the bottom. Members
 * beside the chain can make a value deeper than the chain, so tests keep what the schema accepts.
 */
export function nestedParameters(maxDepth: number): fc.Arbitrary<JsonValue> {
  const scalar = fc.oneof(
    fc.constantFrom<JsonValue>(null, true, false, 0, -1.5, 2 ** 53, '', '12', 'true'),
    fc.string({ maxLength: 4 }),
  );
  const member = fc.oneof(
    { weight: 3, arbitrary: scalar },
    { weight: 1, arbitrary: fc.constantFrom<JsonValue>({}, [], { k: 'v' }, [1, 'x']) },
  );
  const level = fc.record({
    array: fc.boolean(),
    key: fc.constantFrom('k', 'items', 'sku', '$', '..', 'a.b', '*', '0', '__proto__'),
    before: fc.array(member, { maxLength: 1 }),
    after: fc.array(member, { maxLength: 1 }),
  });
  const depth = fc.oneof(fc.constant(maxDepth), fc.nat({ max: maxDepth }));
  return fc
    .tuple(
      depth.chain((d) => fc.array(level, { minLength: d, maxLength: d })),
      fc.oneof(fc.constant<JsonValue>({}), fc.constant<JsonValue>([]), scalar),
    )
    .map(([levels, bottom]) => {
      let value = bottom;
      for (const { array, key, before, after } of [...levels].reverse()) {
        const members = [...before, value, ...after];
        value = array
          ? members
          : Object.fromEntries(
              members.map((item, i) => [i === before.length ? key : `${key}${i}`, item]),
            );
      }
      return value;
    });
}
