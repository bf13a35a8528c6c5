import { describe, expect, it } from 'vitest';
import { registerSchema, type FetchLike } from './register-schema';

const answer =
  (status: number, body: string): FetchLike =>
  () =>
    Promise.resolve({
      ok: status >= 200 && status < 300,
      status,
      text: () => Promise.resolve(body),
    });

const base = { url: 'http://registry.test', subject: 's-value', schema: 'string' } as const;

describe('registerSchema', () => {
  it('returns the id the registry gives', async () => {
    await expect(registerSchema({ ...base, fetch: answer(200, '{"id":12}') })).resolves.toBe(12);
  });

  it.each([
    ['an error status', answer(409, '{"error_code":409,"message":"incompatible"}'), 'answered 409'],
    ['a body without JSON', answer(200, '<html>'), 'no JSON'],
    ['JSON without an id', answer(200, '{"version":1}'), 'no integer id'],
    [
      'a network failure',
      (() => Promise.reject(new TypeError('fetch failed'))) satisfies FetchLike,
      'unreachable',
    ],
  ])('fails with registry_failed on %s', async (_, fetch, message) => {
    await expect(registerSchema({ ...base, fetch })).rejects.toMatchObject({
      name: 'KafkaSinkError',
      code: 'registry_failed',
      message: expect.stringContaining(message),
    });
  });
});
