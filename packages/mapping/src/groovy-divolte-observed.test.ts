// Values the real Divolte (infra/divolte/divolte.sh, its Avro output read with fastavro) gave for
// requests sent to it, as expected values for the Groovy path: the raw cookie, "" for a JSON
// event's missing parameters, and digest pieces consumed by the first digest of an event.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { compileGroovyMapping } from './groovy-mapping';
import { corpusFile, corpusSchema } from './test-support/divolte-corpus';
import { browserEvent, jsonEvent } from './test-support/events';
import type { ClickEvent } from '@tributary/schema';

const schema = corpusSchema('TestRecord.avsc');

function recordOf(script: string, event: ClickEvent): Record<string, unknown> {
  const result = compileGroovyMapping({ script, schema, fileName: 'observed.groovy' })(event);
  if (!result.ok || result.dropped) throw new Error(JSON.stringify(result));
  return result.value;
}

const withCookies = (...cookie: string[]): ClickEvent => {
  const event = browserEvent();
  return { ...event, request: { ...event.request, headers: { ...event.request.headers, cookie } } };
};

describe('the Groovy path gives what the real Divolte gave', () => {
  it('cookie(name): the raw value as Undertow parses it, never percent-decoded', () => {
    const script = corpusFile('custom-cookie-mapping.groovy');
    const observed: [string[], string | null][] = [
      [['custom_cookie=chocolate%20chip'], 'chocolate%20chip'],
      [['custom_cookie="quoted%20value"'], 'quoted%20value'],
      [['custom_cookie=a+b%zz%E2%82%AC'], 'a+b%zz%E2%82%AC'],
      [['custom_cookie=first; custom_cookie=second'], 'first'],
      [['other=1;  custom_cookie = spaced value ; x=2'], null],
      [['custom_cookie='], ''],
      [['custom_cookie=%E2%82%AC'], '%E2%82%AC'],
      [['custom_cookie=trailing ; a=1'], 'trailing'],
      [['a=1;custom_cookie= lead'], ''],
      [['a=1', 'custom_cookie=second%21'], 'second%21'],
      [['custom_cookie=x,y; a=1'], 'x'],
      [['custom_cookie=a=b%3D'], 'a'],
      [['a=1'], null],
    ];
    for (const [headers, expected] of observed) {
      expect(recordOf(script, withCookies(...headers)).customCookie, headers.join(' | ')).toBe(
        expected,
      );
    }
  });

  it('eventParameters().value(\'foo\'): "" for a JSON event without or with null parameters, null for a pixel without', () => {
    const script = corpusFile('event-param-mapping.groovy');
    const cases: [ClickEvent, string | null][] = [
      [jsonEvent(), ''],
      [jsonEvent({ parameters: null }), ''],
      [jsonEvent({ parameters: {} }), ''],
      [jsonEvent({ parameters: { foo: 'hi', bar: 3 } }), 'hi'],
      [jsonEvent({ parameters: [1] }), ''],
      [jsonEvent({ parameters: 'str' }), ''],
      [jsonEvent({ parameters: { foo: null } }), 'null'],
      [browserEvent({ parameters: undefined }), null],
      [browserEvent({ parameters: { bar: 1 } }), ''],
      [browserEvent({ parameters: [1, 2] }), ''],
    ];
    for (const [event, expected] of cases) {
      expect(recordOf(script, event).paramValue, JSON.stringify(event.parameters)).toBe(expected);
    }
    // The map and a path stay null for the JSON event without parameters, as Divolte's were.
    expect(recordOf(script, jsonEvent()).paramMap).toBeNull();
    const path = `mapping {
      map firstInSession() onto 'sessionStart'
      map timestamp() onto 'ts'
      map remoteHost() onto 'remoteHost'
      map eventParameters().path('$.foo') onto 'customEventParameter'
    }`;
    expect(recordOf(path, jsonEvent()).customEventParameter).toBeNull();
    expect(recordOf(path, jsonEvent({ parameters: null })).customEventParameter).toBeNull();
    expect(recordOf(path, jsonEvent({ parameters: { foo: 'hi' } })).customEventParameter).toBe(
      'hi',
    );
  });

  it('digest pieces: the first digest of an event consumes them (Divolte records)', () => {
    // digest-with-seed.groovy: the same two seeded values for every event Divolte recorded.
    const seeded = recordOf(corpusFile('digest-with-seed.groovy'), browserEvent());
    expect(seeded.digestString2).toBe('JZ86zre4DrcdgRYf/gWf8fjN0XTWnuLZxuUHAGUxTBA=');
    expect(seeded.digestString3).toBe('dFS0cTq5Q/MLmwJsMtuFLC3OpHC41uf5Y+W/q8sKFII=');
    // A probe mapping: the seeded digest mapped first takes eventId(); the next gets nothing.
    const probe = `mapping {
      map firstInSession() onto 'sessionStart'
      map timestamp() onto 'ts'
      map remoteHost() onto 'remoteHost'
      map digest("sha-256", "foo").add(eventId()).result().toBase64() onto 'digestString2'
      map digest("sha-256", "").add(eventId()).result().toBase64() onto 'digestString3'
    }`;
    const event = browserEvent({ eventId: '0:pgaX87MiYPKTE90w7RCqPraTdq0wRS8p0' });
    expect(recordOf(probe, event)).toMatchObject({
      digestString2: '4AKqZUzilXDw5Nd3QiAGIwpcmtTwGKLaTq3Kw3l1+wI=',
      digestString3: 'XNdNWKxwA7ujXefuy6XsSqUdgQFUnf8yjMst9gSSPfo=',
    });
  });

  it("digest results: memoised by Divolte's name of the result, consumed when added to a digest", () => {
    const required = `map firstInSession() onto 'sessionStart'
      map timestamp() onto 'ts'
      map remoteHost() onto 'remoteHost'`;
    const oneDigester = `mapping {
      ${required}
      def d = digest('sha-256')
      map d.add(eventId()).result().toBase64() onto 'digestString'
      map d.add('x').result().toBase64() onto 'digestString2'
      map digest('sha-256').add(eventId()).result().toBase64() onto 'digestString3'
    }`;
    const event = browserEvent({ eventId: '0:dz0slPYt5mtSvTUnnFhzNglZo7QMSUdp0' });
    expect(recordOf(oneDigester, event)).toMatchObject({
      digestString: '/AtmQo40sMzjho9PcLv/KOcQZChSsZT6uHjpzG3QA6g=',
      digestString2: '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=',
      digestString3: '/AtmQo40sMzjho9PcLv/KOcQZChSsZT6uHjpzG3QA6g=',
    });
    const shared = `mapping {
      ${required}
      map digest('sha-256').add(eventId()).result().toBase64() onto 'digestString'
      map digest('sha-256').add(eventId()).result().toBase64() onto 'digestString2'
      map digest('sha-256').add(eventId()).add('y').result().toBase64() onto 'digestString3'
      def b = digest('sha-256').add('z').result()
      map digest('sha-256').add(b).result().toBase64() onto 'client'
      map b.toBase64() onto 'session'
      map b.toHexLower() onto 'pageview'
      map digest('sha-256').add(eventId()).add(eventId()).result().toBase64() onto 'location'
      map digest('sha-256').add('y').add('y').result().toBase64() onto 'referer'
    }`;
    expect(recordOf(shared, event)).toMatchObject({
      digestString: 'bz17u6tyYXyashahbzcIKYGAOTnHaZHIYpKWvjiuaXI=',
      digestString2: 'bz17u6tyYXyashahbzcIKYGAOTnHaZHIYpKWvjiuaXI=',
      digestString3: 'ofzkNjhU/4iM/0uOeHXWAMJoI5BBKoz3mzfQsRFIsPo=',
      client: 'wnzUnLckckhCpYt5mxAJ7Mlos0mXZ7c+5UaTZh/3I8o=',
      session: '',
      pageview: '',
      location: '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=',
      referer: '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=',
    });
    // A result mapped onto a bytes field, then added to a digest: Divolte wrote no bytes.
    const mappedThenAdded = `mapping {
      ${required}
      def b = digest('sha-256').add('z').result()
      map b onto 'digestBinary'
      map digest('sha-256').add(b).result().toBase64() onto 'client'
    }`;
    const consumed = recordOf(mappedThenAdded, event);
    expect(consumed.client).toBe('wnzUnLckckhCpYt5mxAJ7Mlos0mXZ7c+5UaTZh/3I8o=');
    expect(Buffer.from(consumed.digestBinary as Uint8Array)).toEqual(Buffer.alloc(0));
    // A result not consumed is a Buffer of the digest, which the record's type accepts.
    const mapped = compileGroovyMapping({
      script: `mapping {
        ${required}
        map digest('sha-256').add('z').result() onto 'digestBinary'
      }`,
      schema,
      fileName: 'mapped.groovy',
    });
    const whole = mapped(event);
    if (!whole.ok || whole.dropped) throw new Error(JSON.stringify(whole));
    expect(Buffer.isBuffer(whole.value.digestBinary)).toBe(true);
    expect(whole.value.digestBinary).toEqual(createHash('sha256').update('z').digest());
    expect(mapped.type.isValid(whole.value)).toBe(true);
    // Each event afresh: the next event's pieces are whole again.
    const next = browserEvent({ eventId: '0:UztWZHUVHU1v4wXDdESAwWCbCUqM5r330' });
    const mapper = compileGroovyMapping({ script: oneDigester, schema, fileName: 'one.groovy' });
    const first = mapper(event);
    const second = mapper(next);
    expect(first.ok && !first.dropped && first.value.digestString).toBe(
      '/AtmQo40sMzjho9PcLv/KOcQZChSsZT6uHjpzG3QA6g=',
    );
    expect(second.ok && !second.dropped && second.value).toMatchObject({
      digestString: 'yVoyKAlCiLqnCPCdvdP9xScGP1VoOosopwPMGv6kWFI=',
      digestString2: '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=',
    });
  });
});
