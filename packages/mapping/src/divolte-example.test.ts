import { avro, defineRecord } from '@tributary/schema';
import { describe, expect, it } from 'vitest';
import { createMapper } from './create-mapper';
import { match, parse } from './parse';
import {
  firstInSession,
  location,
  pageViewId,
  partyId,
  referer,
  remoteHost,
  roundedDevicePixelRatio,
  screenPixelHeight,
  screenPixelWidth,
  sessionId,
  timestamp,
  userAgentString,
  viewportPixelHeight,
  viewportPixelWidth,
} from './sources';
import { examplePage, examplePages, expectedPage } from './test-support/divolte-corpus';
import { browserEvent } from './test-support/events';
import { userAgent } from './user-agent';

const text = () => avro.nullable(avro.string());
const int = () => avro.nullable(avro.int());

// The record of Divolte's examples/schema-mapping.groovy.
const record = defineRecord({
  name: 'ShopEvent',
  fields: {
    firstInSession: avro.boolean(),
    ts: avro.long(),
    remoteHost: avro.string(),
    referer: text(),
    location: text(),
    viewportPixelWidth: int(),
    viewportPixelHeight: int(),
    screenPixelWidth: int(),
    screenPixelHeight: int(),
    devicePixelRatio: int(),
    partyId: text(),
    sessionId: text(),
    pageViewId: text(),
    userAgent: text(),
    userAgentName: text(),
    userAgentFamily: text(),
    userAgentVendor: text(),
    userAgentType: text(),
    userAgentVersion: text(),
    userAgentDeviceCategory: text(),
    userAgentOsFamily: text(),
    userAgentOsVersion: text(),
    userAgentOsVendor: text(),
    pageType: text(),
    productId: text(),
    searchPhrase: text(),
    shop: text(),
    section: text(),
    category: text(),
  },
});

// Divolte's examples/schema-mapping.groovy, statement for statement.
const mapper = createMapper({
  schema: record,
  mapping: ({ map, when, section, exit }) => {
    map(firstInSession()).onto('firstInSession');
    map(timestamp()).onto('ts');
    map(remoteHost()).onto('remoteHost');
    map(referer()).onto('referer');
    map(location()).onto('location');
    map(viewportPixelWidth()).onto('viewportPixelWidth');
    map(viewportPixelHeight()).onto('viewportPixelHeight');
    map(screenPixelWidth()).onto('screenPixelWidth');
    map(screenPixelHeight()).onto('screenPixelHeight');
    map(roundedDevicePixelRatio()).onto('devicePixelRatio');
    map(partyId()).onto('partyId');
    map(sessionId()).onto('sessionId');
    map(pageViewId()).onto('pageViewId');
    map(userAgentString()).onto('userAgent');
    const ua = userAgent();
    map(ua.name()).onto('userAgentName');
    map(ua.family()).onto('userAgentFamily');
    map(ua.vendor()).onto('userAgentVendor');
    map(ua.type()).onto('userAgentType');
    map(ua.version()).onto('userAgentVersion');
    map(ua.deviceCategory()).onto('userAgentDeviceCategory');
    map(ua.osFamily()).onto('userAgentOsFamily');
    map(ua.osVersion()).onto('userAgentOsVersion');
    map(ua.osVendor()).onto('userAgentOsVendor');

    section(() => {
      const locationUri = parse(location()).to('uri');
      const locationPath = locationUri.path();

      const homepage = match(/^\/(?:index\.html)?$/).against(locationPath);
      when(homepage.matches()).apply(() => {
        map('home').onto('pageType');
        exit();
      });

      const productDetail = match(/^\/product\/([0-9]{6})$/).against(locationPath);
      when(productDetail.matches()).apply(() => {
        map('product_detail').onto('pageType');
        map(productDetail.group(1)).onto('productId');
        exit();
      });

      when(locationPath.equalTo('/search')).apply(() => {
        map('searchResults').onto('pageType');
        map(locationUri.query().value('q')).onto('searchPhrase');
        exit();
      });

      when(locationPath.equalTo('/basket')).apply(() => {
        map('basket').onto('pageType');
        exit();
      });

      when(locationPath.equalTo('/checkout')).apply(() => {
        map('checkout').onto('pageType');
        exit();
      });

      const category = match(/^\/([a-z0-9-]+)\/([a-z0-9-]+)\/([a-z0-9-]+)\/$/).against(
        locationPath,
      );
      when(category.matches()).apply(() => {
        map('category').onto('pageType');
        map(category.group(1)).onto('shop');
        map(category.group(2)).onto('section');
        map(category.group(3)).onto('category');
        exit();
      });

      const sectionMatch = match(/^\/([a-z0-9-]+)\/([a-z0-9-]+)\/$/).against(locationPath);
      when(sectionMatch.matches()).apply(() => {
        map('section').onto('pageType');
        map(sectionMatch.group(1)).onto('shop');
        map(sectionMatch.group(2)).onto('section');
        exit();
      });

      const shop = match(/^\/([a-z0-9-]+)\/$/).against(locationPath);
      when(shop.matches()).apply(() => {
        map('section').onto('pageType');
        map(shop.group(1)).onto('shop');
        exit();
      });
    });
  },
});

describe("Divolte's example mapping (examples/schema-mapping.groovy) in TypeScript", () => {
  it.each(examplePages)('classifies %s', (path, expected) => {
    expect(examplePage(mapper, path)).toEqual(expectedPage(expected));
  });

  it('maps the plain fields and the user agent as the example does', () => {
    const result = mapper(browserEvent());
    expect(result).toMatchObject({
      ok: true,
      value: {
        ts: browserEvent().receivedAt,
        devicePixelRatio: 2,
        userAgentFamily: 'Chrome',
        userAgentOsFamily: 'OS X',
      },
    });
  });
});
