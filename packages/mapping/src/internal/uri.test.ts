import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeComponent } from './percent';
import { parseUri } from './uri';

interface JavaParts {
  scheme: string | null;
  host: string | null;
  port: number;
  rawPath: string | null;
  path: string | null;
  rawQuery: string | null;
  query: string | null;
  rawFragment: string | null;
  fragment: string | null;
}

// Vectors computed with the JDK's java.net.URI (the parser Divolte's `parse … to uri` uses).
const { vectors } = JSON.parse(
  readFileSync(new URL('./fixtures/java-uri-vectors.json', import.meta.url), 'utf8'),
) as { vectors: [string, JavaParts | null][] };

const decoded = (raw: string | undefined) => (raw === undefined ? null : decodeComponent(raw));

describe('parseUri against java.net.URI', () => {
  it(`accepts, rejects and splits all ${vectors.length} JDK vectors as java.net.URI does`, () => {
    expect(vectors.length).toBeGreaterThan(500);
    for (const [text, expected] of vectors) {
      const uri = parseUri(text);
      const parts: JavaParts | null =
        uri === undefined
          ? null
          : {
              scheme: uri.scheme ?? null,
              host: uri.host ?? null,
              port: uri.port,
              rawPath: uri.rawPath ?? null,
              path: decoded(uri.rawPath),
              rawQuery: uri.rawQuery ?? null,
              query: decoded(uri.rawQuery),
              rawFragment: uri.rawFragment ?? null,
              fragment: decoded(uri.rawFragment),
            };
      expect(parts, JSON.stringify(text)).toEqual(expected);
    }
  });
});
