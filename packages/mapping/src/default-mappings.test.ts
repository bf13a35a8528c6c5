import { clickEventSchema, divolteEventRecord, tributaryEventRecord } from '@tributary/schema';
import avsc from 'avsc';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDivolteEventMapper, createTributaryEventMapper } from './default-mappings';
import { clickEventArbitrary } from './test-support/arbitraries';
import { CHROME_MAC_UA, CHROME_MAC_UA_PARTS, browserEvent, jsonEvent } from './test-support/events';
import { testGeoDatabase } from './test-support/geo-database';

describe("Divolte's default mapping onto DefaultEventRecord", () => {
  it('fills every field as Divolte does', () => {
    const event = browserEvent();
    expect(createDivolteEventMapper()(event)).toEqual({
      ok: true,
      dropped: false,
      value: {
        detectedDuplicate: false,
        detectedCorruption: false,
        firstInSession: true,
        timestamp: event.receivedAt,
        clientTimestamp: event.clientTimestamp,
        remoteHost: '81.2.69.160',
        referer: 'https://www.google.com/',
        location: event.location,
        viewportPixelWidth: 1280,
        viewportPixelHeight: 720,
        screenPixelWidth: 1440,
        screenPixelHeight: 900,
        partyId: event.partyId,
        sessionId: event.sessionId,
        pageViewId: event.pageViewId,
        eventType: 'pageView',
        userAgentString: CHROME_MAC_UA,
        ...CHROME_MAC_UA_PARTS,
      },
    });
  });

  it('leaves browser fields null for a JSON event and the event type at its default', () => {
    const result = createDivolteEventMapper()(jsonEvent());
    expect(result).toMatchObject({
      ok: true,
      value: {
        location: null,
        referer: null,
        pageViewId: null,
        eventType: 'unknown',
        userAgentName: null,
      },
    });
  });
});

describe('the Tributary default mapping onto TributaryEventRecord', () => {
  it('fills every field, with utm_* from the page URL and geo from the database', () => {
    const event = browserEvent({
      request: {
        ...browserEvent().request,
        userAgent:
          'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36',
      },
    });
    const result = createTributaryEventMapper({ geoIpDatabase: testGeoDatabase() })(event);
    expect(result).toEqual({
      ok: true,
      dropped: false,
      value: {
        timestamp: event.receivedAt,
        clientTimestamp: event.clientTimestamp,
        eventId: event.eventId,
        eventType: 'pageView',
        source: 'browser',
        partyId: event.partyId,
        sessionId: event.sessionId,
        pageViewId: event.pageViewId,
        newParty: true,
        firstInSession: true,
        detectedCorruption: false,
        detectedDuplicate: false,
        isBot: false,
        location: event.location,
        referrer: 'https://www.google.com/',
        utmSource: 'news',
        utmMedium: 'email',
        utmCampaign: null,
        utmTerm: null,
        utmContent: null,
        viewportPixelWidth: 1280,
        viewportPixelHeight: 720,
        screenPixelWidth: 1440,
        screenPixelHeight: 900,
        devicePixelRatio: 1.5,
        eventParameters: JSON.stringify(event.parameters),
        remoteHost: '81.2.69.160',
        userAgentString: event.request.userAgent,
        browserName: 'Chrome',
        browserVersion: '120.0.0.0',
        osName: 'Android',
        osVersion: '14',
        deviceType: 'mobile',
        deviceVendor: 'Samsung',
        deviceModel: 'SM-S918B',
        geoCountryCode: 'GB',
        geoSubdivisionCode: 'ENG',
        geoCityName: 'London',
        geoLatitude: 51.5142,
        geoLongitude: -0.0931,
        geoTimeZone: 'Europe/London',
      },
    });
  });

  it('leaves geo null without a database, and carries the bot verdict', () => {
    const result = createTributaryEventMapper()(browserEvent({ isBot: true }));
    expect(result).toMatchObject({
      ok: true,
      value: { isBot: true, geoCountryCode: null, geoCityName: null },
    });
  });
});

describe('the default mappings, for any valid ClickEvent', () => {
  const divolteType = avsc.Type.forSchema(divolteEventRecord.schema as avsc.Schema);
  const tributaryType = avsc.Type.forSchema(tributaryEventRecord.schema as avsc.Schema);
  const divolte = createDivolteEventMapper();
  const tributary = createTributaryEventMapper({ geoIpDatabase: testGeoDatabase() });

  it('give a record that avsc validates and encodes, and never throw or fail', () => {
    fc.assert(
      fc.property(clickEventArbitrary, (event) => {
        expect(clickEventSchema.safeParse(event).success).toBe(true);
        for (const [mapper, type] of [
          [divolte, divolteType],
          [tributary, tributaryType],
        ] as const) {
          const result = mapper(event);
          expect(result.ok && !result.dropped).toBe(true);
          if (result.ok && !result.dropped) {
            expect(type.isValid(result.value)).toBe(true);
            expect(() => type.toBuffer(result.value)).not.toThrow();
          }
        }
      }),
      { numRuns: 500 },
    );
    expect(divolte.stats.failed + tributary.stats.failed).toBe(0);
  });
});
