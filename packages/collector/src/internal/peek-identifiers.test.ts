import { decodeEventQuery, encodeEventQuery, parseIdentifier } from '@tributary/schema/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { trackedEvent } from '../../test/http';
import { hasValidIdentifiers } from './peek-identifiers';

const ID_ISSUES = new Set(['p', 's']);

describe('hasValidIdentifiers', () => {
  it('accepts what the tag sends and rejects missing or malformed ids', () => {
    expect(hasValidIdentifiers(encodeEventQuery(trackedEvent()))).toBe(true);
    expect(hasValidIdentifiers('s=0%3A1%3Aa&p=0:1:b')).toBe(true);
    expect(hasValidIdentifiers('p=0:1:b')).toBe(false);
    expect(hasValidIdentifiers('p=1:1:b&s=0:1:a')).toBe(false);
    expect(hasValidIdentifiers('p=0%3A!%3Ab&s=0:1:a')).toBe(false);
    expect(hasValidIdentifiers('p=%E0%A4%A&s=0:1:a')).toBe(false);
    expect(hasValidIdentifiers('')).toBe(false);
  });

  it('never passes ids that the full decoder rejects, for any query', () => {
    const part = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 30 }),
      fc.constantFrom('0:1:a', '0%3A1%3Aa', '0:zz:', '0:-1:x', '0:1:a:b', '+0:1:a', '0:1:a+b', '%'),
    );
    const query = fc
      .array(fc.tuple(fc.constantFrom('p', 's', 'v', 'x', 'pp', ''), part), { maxLength: 6 })
      .map((pairs) => pairs.map(([key, value]) => `${key}=${value}`).join('&'));
    fc.assert(
      fc.property(query, (text) => {
        if (!hasValidIdentifiers(text)) return;
        const decoded = decodeEventQuery(text);
        const idIssues = decoded.ok
          ? []
          : decoded.issues.filter((issue) => ID_ISSUES.has(String(issue.path[0])));
        expect(idIssues).toEqual([]);
      }),
      { numRuns: 3000 },
    );
  });

  it('decides as the general decoder does, tag-shaped ids checked in place', () => {
    // The previous decode step, as the specification: `+` is a space, then decodeURIComponent.
    const reference = (query: string): boolean => {
      const first = (key: string): string | undefined =>
        query
          .split('&')
          .find((pair) => pair.startsWith(key + '='))
          ?.slice(2);
      const ids = [first('p'), first('s')].map((raw) => {
        if (raw === undefined) return undefined;
        try {
          return decodeURIComponent(raw.replace(/\+/g, ' '));
        } catch {
          return undefined;
        }
      });
      return ids.every((id) => id !== undefined && parseIdentifier(id).ok);
    };
    const part = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 30 }),
      fc
        .array(
          fc.constantFrom(
            '0',
            ':',
            '%3A',
            '%3a',
            '%3',
            '1',
            'z',
            'zzzzz',
            '%41',
            '%E0',
            '+',
            '%2B',
            '-',
            '~_',
            '0%3Ai1t84hgy%3A',
          ),
          { maxLength: 12 },
        )
        .map((parts) => parts.join('')),
    );
    const query = fc
      .array(fc.tuple(fc.constantFrom('p', 's', 'v'), part), { maxLength: 5 })
      .map((pairs) => pairs.map(([key, value]) => `${key}=${value}`).join('&'));
    fc.assert(
      fc.property(query, (text) => {
        expect(hasValidIdentifiers(text)).toBe(reference(text));
      }),
      { numRuns: 5000 },
    );
  });
});
