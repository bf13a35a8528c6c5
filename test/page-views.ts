// Test support for the servers in examples/: page views as a browser's tag sends them. The ids come
// from each example's own @tributary/schema (the root has no dependency on it).

/** The id makers of `@tributary/schema/protocol`. */
export interface PageViewIds {
  readonly createIdentifier: (options: { timestamp: number }) => string;
  readonly createPageViewId: () => string;
}

/**
 * `count` page views of one new visitor in one session, each with a fresh event id, the i-th at
 * `location(i)`: `TrackedEvent`s of `@tributary/schema/protocol`.
 */
export function visitorPageViews(ids: PageViewIds, count: number, location: (i: number) => string) {
  const now = Date.now();
  const partyId = ids.createIdentifier({ timestamp: now });
  const sessionId = ids.createIdentifier({ timestamp: now });
  return Array.from({ length: count }, (_, i) => {
    const pageViewId = ids.createPageViewId();
    return {
      partyId,
      sessionId,
      pageViewId,
      eventId: `${pageViewId}0`,
      clientTimestamp: now + i,
      newParty: i === 0,
      firstInSession: i === 0,
      location: location(i),
      eventType: 'pageView',
    };
  });
}
