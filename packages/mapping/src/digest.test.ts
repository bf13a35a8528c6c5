import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { digest } from './digest';
import { eventParameters } from './event-parameters';
import { MappingError } from './mapping-error';
import { eventId, partyId, referer } from './sources';
import { browserEvent, jsonEvent } from './test-support/events';
import { evaluate } from './test-support/harness';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();

describe('digest()', () => {
  const event = browserEvent();

  // The cases of Divolte's DslRecordMapperTest: a string producer, a literal, chaining, JSON.
  it('hashes string values, literals and chains of them as Divolte does', () => {
    expect(Buffer.from(evaluate(digest('SHA-256').add(eventId()).result(), event)!)).toEqual(
      sha256(event.eventId),
    );
    expect(Buffer.from(evaluate(digest('SHA-256').add('aLiteralString').result(), event)!)).toEqual(
      sha256('aLiteralString'),
    );
    expect(
      Buffer.from(
        evaluate(digest('SHA-256').add(eventId()).add('aLiteralString').result(), event)!,
      ),
    ).toEqual(sha256(`${event.eventId}aLiteralString`));
  });

  it('adds scalar JSON as its text and skips objects, arrays and absent values', () => {
    const params = eventParameters();
    const json = browserEvent({
      parameters: { a: 'string', b: 42, c: 'apple', d: { x: 1 }, e: [1] },
    });
    const result = digest('SHA-256')
      .add(params.path('$.a'))
      .add(params.path('$.b'))
      .add(params.path('$.d'))
      .add(params.path('$.e'))
      .add(params.path('$.missing'))
      .add(referer())
      .add(params.path('$.c'))
      .result();
    expect(Buffer.from(evaluate(result, browserEvent({ ...json, referrer: undefined }))!)).toEqual(
      sha256('string42apple'),
    );
  });

  it('digests bytes, and is never absent', () => {
    const inner = digest('SHA-256').add('x').result();
    expect(Buffer.from(evaluate(digest('SHA-256').add(inner).result(), event)!)).toEqual(
      createHash('sha256').update(sha256('x')).digest(),
    );
    expect(Buffer.from(evaluate(digest('SHA-256').add(referer()).result(), jsonEvent())!)).toEqual(
      createHash('sha256').digest(),
    );
  });

  it('formats as lower hex, upper hex and base64', () => {
    const result = digest('SHA-1').add('abc').result();
    expect(evaluate(result.toHexLower(), event)).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(evaluate(result.toHexUpper(), event)).toBe('A9993E364706816ABA3E25717850C26C9CD0D89D');
    expect(evaluate(result.toBase64(), event)).toBe('qZk+NkcGgWq6PiVxeFDCbJzQ2J0=');
  });

  it('accepts Java algorithm names', () => {
    expect(evaluate(digest('SHA-512').add('abc').result().toHexLower(), event)).toBe(
      createHash('sha512').update('abc').digest('hex'),
    );
    expect(evaluate(digest('SHA3-256').add('abc').result().toHexLower(), event)).toBe(
      createHash('sha3-256').update('abc').digest('hex'),
    );
    expect(evaluate(digest('MD5').add('abc').result().toHexLower(), event)).toBe(
      '900150983cd24fb0d6963f7d28e17f72',
    );
  });

  // Expected values computed with the JDK's own JCE making the same calls as Divolte's Digester
  // (PBKDF2WithHmacSHA*, Divolte's salt, 100,000 iterations, key length = MAC length as bits).
  it.each([
    ['SHA-256', '12909991c2b9035a4ed086fde5f4631eaeb575d111d13d18ec5a7cfb2d0896f7'],
    ['SHA-1', '6006e69a18266039443c411200d26f1709b24788'],
    [
      'SHA-384',
      'a1db3c346795ed48c61aadec4577c5c46e8688f9f84e0146e884992eeed2c04bf06689774be832af0f56408d0fca9d97',
    ],
    [
      'SHA-512',
      '227b8e1cc6434c3cf82680e4cd7e24877f191d4696088a5bc0f0aca1e4f170eff661b30317911e87b47353ce43079681c878e3da4eb680eebeb56f447c9eb184',
    ],
  ])('seeded %s equals the HMAC Divolte computes', (algorithm, expected) => {
    const hashed = digest(algorithm, 'sëed').add(partyId()).result().toHexLower();
    expect(evaluate(hashed, browserEvent({ partyId: '0:16:party' }))).toBe(expected);
  });

  it('fails when the mapping is built for an unknown algorithm or a seed Java cannot use', () => {
    expect(() => digest('SHA-999')).toThrow(MappingError);
    expect(() => digest('SHA-999')).toThrow(
      expect.objectContaining({ code: 'unsupported_algorithm' }),
    );
    expect(() => digest('MD5', 'seed')).toThrow(/seeded digest/);
  });

  it('does not show the seed in descriptions', () => {
    expect(digest('SHA-256', 'top secret').add('x').result().description).not.toContain(
      'top secret',
    );
  });
});
