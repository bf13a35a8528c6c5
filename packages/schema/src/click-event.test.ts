import { describe, expect, it } from 'vitest';
import { clickEventSchema, type ClickEvent } from './click-event';
import { decodeEventQuery, encodeEventQuery } from './protocol/event-query';
import { createIdentifier, createPageViewId } from './protocol/identifier';

describe('clickEventSchema', () => {
  const pageViewId = createPageViewId();
  const query = encodeEventQuery({
    partyId: createIdentifier({ timestamp: 1_700_000_000_000 }),
    sessionId: createIdentifier({ timestamp: 1_700_000_000_000 }),
    pageViewId,
    eventId: `${pageViewId}0`,
    clientTimestamp: 1_700_000_000_100,
    newParty: true,
    firstInSession: true,
    location: 'https://example.com/',
    devicePixelRatio: 1.25,
    eventType: 'addToCart',
    parameters: { sku: 'A1' },
  });

  it('accepts what a collector builds from a decoded query', () => {
    const decoded = decodeEventQuery(query);
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    const event: ClickEvent = {
      ...decoded.value,
      source: 'browser',
      receivedAt: 1_700_000_000_200,
      duplicate: false,
      isBot: false,
      doNotTrack: false,
      globalPrivacyControl: true,
      request: {
        remoteAddress: '203.0.113.0',
        headers: { 'user-agent': ['Mozilla/5.0'], accept: ['*/*'] },
        cookies: { _dvp: decoded.value.partyId },
        userAgent: 'Mozilla/5.0',
      },
    };
    expect(clickEventSchema.parse(event)).toEqual(event);
  });

  it('rejects an event whose ids are not Divolte identifiers', () => {
    const result = clickEventSchema.safeParse({ partyId: 'x' });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path[0])).toContain('partyId');
  });
});
