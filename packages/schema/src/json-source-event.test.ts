import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  decodeJsonSourceEvent,
  parseIsoTimestamp,
  parseJsonSourceEvent,
} from './json-source-event';

// The example of Divolte's JSON-source documentation.
const DOC_EXAMPLE = {
  session_id: '0:is8tiwk4:XLEUVj9hA6AXRUOp2zuIdUpaeFOC~7AU',
  event_id: 'AruZ~Em0WNlAnbyzVmwM~GR0cMb6Xl9r',
  is_new_party: true,
  is_new_session: true,
  client_timestamp_iso: '2016-08-24T13:29:39.412+02:00',
  event_type: 'screenView',
  parameters: { prop1: 'value1', prop2: 42, prop3: 0.42 },
};

describe('parseIsoTimestamp', () => {
  it.each([
    ['2016-08-24T13:29:39.412+02:00', Date.UTC(2016, 7, 24, 11, 29, 39, 412)],
    ['2016-08-24T13:29:39.412Z', Date.UTC(2016, 7, 24, 13, 29, 39, 412)],
    ['2016-08-24T13:29:39.412', Date.UTC(2016, 7, 24, 13, 29, 39, 412)],
    ['2016-08-24T13:29:39', Date.UTC(2016, 7, 24, 13, 29, 39)],
    ['2016-08-24T13:29', Date.UTC(2016, 7, 24, 13, 29)],
    ['2016-08-24T13:29:39.123456789-0530', Date.UTC(2016, 7, 24, 18, 59, 39, 123)],
    ['2016-08-24T13:29:39.4+01', Date.UTC(2016, 7, 24, 12, 29, 39, 400)],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
    ['0099-01-01T00:00:00Z', new Date('0099-01-01T00:00:00Z').getTime()],
  ])('reads %s (a missing offset is UTC)', (text, expected) => {
    expect(parseIsoTimestamp(text)).toBe(expected);
  });

  it.each([
    '2016-08-24',
    '2016-13-01T00:00:00Z',
    '2023-02-29T00:00:00Z',
    '2016-08-24T24:00:00Z',
    '2016-08-24T13:29:39+19:00',
    'yesterday',
    '',
  ])('rejects %j', (text) => {
    expect(parseIsoTimestamp(text)).toBeUndefined();
  });

  it('agrees with Date for every instant written by toISOString', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1970-01-01'), max: new Date('2200-01-01'), noInvalidDate: true }),
        (date) => {
          expect(parseIsoTimestamp(date.toISOString())).toBe(date.getTime());
        },
      ),
    );
  });
});

describe('JSON-source events', () => {
  it('accepts the documented example and converts its timestamp', () => {
    expect(decodeJsonSourceEvent(DOC_EXAMPLE)).toEqual({
      ok: true,
      value: { ...DOC_EXAMPLE, client_timestamp_iso: Date.UTC(2016, 7, 24, 11, 29, 39, 412) },
    });
  });

  it('accepts the minimal event and a timestamp without an offset', () => {
    const { event_type: _type, parameters: _parameters, ...minimal } = DOC_EXAMPLE;
    const result = decodeJsonSourceEvent({
      ...minimal,
      client_timestamp_iso: '2016-08-24T13:29:39.412',
    });
    expect(result.ok && result.value.client_timestamp_iso).toBe(
      Date.UTC(2016, 7, 24, 13, 29, 39, 412),
    );
  });

  it('names every problem of a bad body', () => {
    const result = decodeJsonSourceEvent({
      ...DOC_EXAMPLE,
      session_id: 'nope',
      is_new_party: 'yes',
      client_timestamp_iso: 'now',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((issue) => issue.path.join('.'))).toEqual([
      'session_id',
      'is_new_party',
      'client_timestamp_iso',
    ]);
  });

  it('parses body text without throwing, whatever it is', () => {
    expect(parseJsonSourceEvent(JSON.stringify(DOC_EXAMPLE)).ok).toBe(true);
    const broken = parseJsonSourceEvent('{"session_id":');
    expect(!broken.ok && broken.issues[0]?.code).toBe('invalid_json');
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(typeof parseJsonSourceEvent(text).ok).toBe('boolean');
      }),
    );
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(typeof decodeJsonSourceEvent(value).ok).toBe('boolean');
      }),
    );
  });
});
