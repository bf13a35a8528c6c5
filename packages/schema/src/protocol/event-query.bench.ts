import { bench, describe } from 'vitest';
import { decodeEventQuery, encodeEventQuery, type TrackedEvent } from './event-query';
import { mayExceedParameterDepth } from './parameter-depth';

const event: TrackedEvent = {
  partyId: '0:mfx0c3a1:AbCdEfGhIjKlMnOpQrStUvWxYz012345',
  sessionId: '0:mfx0c3a1:Zy9x8W7v6U5t4S3r2Q1p0OnMlKjIhGfE',
  pageViewId: '0:pvId_0123456789abcdefghijklmnopqr',
  eventId: '0:pvId_0123456789abcdefghijklmnopqr3',
  clientTimestamp: 1758000000123,
  newParty: false,
  firstInSession: true,
  location: 'https://shop.example/p/42?utm_source=news&q=café#top',
  referrer: 'https://www.google.com/',
  screenWidth: 1440,
  screenHeight: 900,
  devicePixelRatio: 1.5,
  viewportWidth: 1280,
  viewportHeight: 720,
  eventType: 'addToCart',
  parameters: { sku: 'SKU-1', quantity: 2, price: 19.99, tags: ['a', 'b'] },
};
const query = encodeEventQuery(event);

describe('decode one /csc-event query', () => {
  // The floor: what Node's own query parser costs for the same string, with no validation,
  // no checksum and no mincode.
  bench('baseline: new URLSearchParams + Object.fromEntries', () => {
    Object.fromEntries(new URLSearchParams(query));
  });
  bench('decodeEventQuery (validate, checksum, mincode)', () => {
    decodeEventQuery(query);
  });
  // The quick depth check a collector runs before answering a pixel without decoding it.
  bench('mayExceedParameterDepth (the quick depth check alone)', () => {
    mayExceedParameterDepth(query);
  });
});

describe('encode one /csc-event query', () => {
  bench('baseline: URLSearchParams of the same fields + JSON parameters', () => {
    new URLSearchParams({
      p: event.partyId,
      s: event.sessionId,
      v: event.pageViewId,
      e: event.eventId,
      c: event.clientTimestamp.toString(36),
      l: event.location ?? '',
      r: event.referrer ?? '',
      t: event.eventType ?? '',
      u: JSON.stringify(event.parameters),
    }).toString();
  });
  bench('encodeEventQuery (mincode, checksum)', () => {
    encodeEventQuery(event);
  });
});
