// Differences the differential suite found that are neither fixed nor documented yet: each is
// reported to its owner with a minimal repro. The suite fails on any difference not listed here
// AND on an entry that no longer matches anything (fixed: delete it), so this list is always
// exactly what is still open.
import type { Difference } from './compare';

/** One open difference. */
export interface KnownDifference {
  /** Short name, used in the report. */
  readonly id: string;
  /** Who fixes it: `server` (examples/divolte, its config and collector use), `mapping` (the Groovy compiler). */
  readonly owner: 'server' | 'mapping';
  /** What differs, and a repro. */
  readonly summary: string;
  /** Whether a difference is this one. */
  matches(difference: Difference): boolean;
  /**
   * The most records of one case that only one server wrote this entry may explain (the requests
   * behind it are few, and some records carry nothing that tells them apart).
   * @default no limit
   */
  readonly recordsPerCase?: number;
}

const labelled =
  (...labels: string[]) =>
  (d: Difference): boolean =>
    d.label !== undefined && labels.some((label) => d.label === label);

const recordWith = (field: string, value: unknown) => (d: Difference) => {
  const record = (d.candidate ?? d.reference) as Record<string, unknown> | undefined;
  return d.what.startsWith('record only') && record?.[field] === value;
};

/** The open differences, as of the last run against the Divolte-compatible server. */
export const knownDifferences: readonly KnownDifference[] = [
  {
    id: 'server-header',
    owner: 'server',
    summary:
      'Divolte sends `Server: divolte` on every answer; the server sends none. Repro: curl -si /ping on both.',
    matches: (d) => d.what === 'header server' && d.reference === 'divolte',
  },
  {
    id: 'nosniff-header',
    owner: 'server',
    summary:
      'The server adds `X-Content-Type-Options: nosniff` to its answers; Divolte sends none. Repro: curl -si /csc-event.',
    matches: (d) => d.what === 'header x-content-type-options' && d.reference === undefined,
  },
  {
    id: 'pixel-invalid-answer',
    owner: 'server',
    summary:
      'A pixel whose p or s is missing or not an identifier: Divolte answers 200 with the GIF (it answers before it parses) and drops the event; the server answers 400 with a JSON reason. Repro: GET /csc-event? (no parameters).',
    matches: labelled(
      'pixel: missing p',
      'pixel: missing s',
      'pixel: party id not an identifier',
      'pixel: session id not an identifier',
      'pixel: no parameters at all',
    ),
  },
  // Before pixel-bad-percent-escape, whose last clause would take this one's records too.
  {
    id: 'json-charset-accepted',
    owner: 'server',
    summary:
      'Content-Type `application/json; charset=utf-8` on the JSON source: Divolte answers 415 (it wants exactly application/json) and records nothing; the server answers 204 and records the event.',
    matches: (d) =>
      labelled('json: charset in the content type (415)')(d) ||
      (d.what === 'record only Tributary wrote' &&
        // The event's parameters where the mapping keeps them, its client time where it does not.
        (JSON.stringify(d.candidate).includes('"charset"') ||
          (d.candidate as Record<string, unknown> | undefined)?.clientTimestamp === 1472038179412 ||
          (d.candidate as Record<string, unknown> | undefined)?.eventType === 'jsonEvent')),
    recordsPerCase: 1,
  },
  {
    id: 'pixel-bad-percent-escape',
    owner: 'server',
    summary:
      'A query with a malformed percent escape (`l=100%`, `%ZZ`): Divolte (Undertow) answers 400 with no body and records nothing; the server answers 200 and records the event with the escape kept as text. Repro: GET /csc-event?<valid>&l=100%.',
    matches: (d) =>
      labelled('pixel: invalid percent escape', 'pixel: lone percent sign')(d) ||
      recordWith('location', 'http://www.example.com/%ZZ')(d) ||
      recordWith('location', '100%')(d) ||
      // TestRecord mappings without the location: the same two records, told apart by nothing.
      (d.what === 'record only Tributary wrote' &&
        (d.candidate as Record<string, unknown> | undefined)?.sessionStart === false &&
        (d.candidate as Record<string, unknown> | undefined)?.location === null),
    recordsPerCase: 2,
  },
  {
    id: 'json-invalid-answer',
    owner: 'server',
    summary:
      'A JSON-source body that is not a valid event (invalid JSON, not an object, session_id missing or no identifier, is_new_party not a boolean): Divolte answers 204 (before parsing) and drops it; the server answers 400 with a JSON reason. Repro: POST /json-event?p=<id> -H content-type:application/json -d "[1]".',
    matches: labelled(
      'json: missing session_id',
      'json: session_id not an identifier',
      'json: is_new_party not a boolean',
      'json: invalid JSON',
      'json: not an object',
    ),
  },
  {
    id: 'error-bodies',
    owner: 'server',
    summary:
      'Error answers (405, 413, 415, 400 of the JSON source, 404): Divolte sends a short text/plain sentence or an empty body; the server sends a JSON {reason, message} with Cache-Control: no-store. Repro: POST /csc-event, GET /json-event, GET /no-such-thing.',
    matches: (d) =>
      (labelled(
        'pixel: POST is not allowed',
        'pixel: HEAD',
        'json: text/plain (415)',
        'json: no party parameter (400)',
        'json: party not an identifier (400)',
        'json: empty body (400)',
        'json: body over 4096 bytes (413)',
        'json: GET (405)',
        'unknown path',
        'pixel: raw latin-1 byte',
      )(d) ||
        (d.label === 'chromium' && d.where.includes('/favicon.ico'))) &&
      d.what !== 'status' &&
      (d.what === 'body' || d.what === 'header content-type' || d.what === 'header cache-control'),
  },
  {
    id: 'not-modified-content-type',
    owner: 'server',
    summary:
      'The 304 to a pixel revalidated with the sentinel ETag: Divolte keeps `Content-Type: image/gif` on it, the server sends none. Repro: GET /csc-event?<valid> -H \'If-None-Match: "6b3edc43-20ec-4078-bc47-e965dd76b88a"\'.',
    matches: (d) =>
      d.label === 'pixel: revalidation with the sentinel ETag (304, not recorded)' &&
      d.what === 'header content-type',
  },
  {
    id: 'ping-cache-control',
    owner: 'server',
    summary: '/ping: the server adds `Cache-Control: no-store`; Divolte sends none.',
    matches: (d) => d.label === 'ping' && d.what === 'header cache-control',
  },
  {
    id: 'tag-content-type',
    owner: 'server',
    summary:
      'divolte.js: Divolte serves it as `application/javascript`, the server as `text/javascript; charset=utf-8`.',
    matches: (d) =>
      d.label === 'chromium' &&
      d.what === 'header content-type' &&
      d.reference === 'application/javascript',
  },
  {
    id: 'malformed-utf8-escape',
    owner: 'server',
    summary:
      "Percent escapes of malformed UTF-8 (%ED%A0%80, a lone surrogate): Divolte (Java) decodes them to one U+FFFD, the server to three (one per byte, as WHATWG's decoder does). Repro: GET /csc-event?<valid>&l=http%3A%2F%2Fx%2F%ED%A0%80.",
    matches: (d) =>
      (d.what === 'location' || d.what === 'path' || d.what === 'uriPath') &&
      typeof d.reference === 'string' &&
      d.reference.endsWith('/\ufffd') &&
      d.candidate === `${d.reference}\ufffd\ufffd`,
  },
];

/** The undocumented differences no known entry explains, and the entries that explain nothing. */
export function unexplained(differences: readonly Difference[]): {
  unexplained: Difference[];
  matched: Set<string>;
} {
  const matched = new Set<string>();
  const left: Difference[] = [];
  const records = new Map<string, number>();
  for (const d of differences) {
    if (d.kind !== 'undocumented') continue;
    const known = knownDifferences.find((k) => k.matches(d));
    if (known === undefined) {
      left.push(d);
      continue;
    }
    if (known.recordsPerCase !== undefined && d.what.startsWith('record only')) {
      const key = `${known.id} ${d.case ?? ''}`;
      const count = (records.get(key) ?? 0) + 1;
      records.set(key, count);
      if (count > known.recordsPerCase) {
        left.push(d);
        continue;
      }
    }
    matched.add(known.id);
  }
  return { unexplained: left, matched };
}
