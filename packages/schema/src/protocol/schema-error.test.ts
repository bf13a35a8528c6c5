import { describe, expect, it } from 'vitest';
import { SchemaError } from './schema-error';

describe('SchemaError', () => {
  it('is an Error with a name, a code and a cause', () => {
    const cause = new Error('inner');
    const error = new SchemaError('invalid_argument', 'bad', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('SchemaError');
    expect(error.code).toBe('invalid_argument');
    expect(error.cause).toBe(cause);
    expect(String(error)).toBe('SchemaError: bad');
  });
});
