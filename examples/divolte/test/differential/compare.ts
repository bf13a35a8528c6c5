// How the differential suite compares two servers: answers (status, headers, body) per request,
// and records field by field after aligning the two sequences. Every difference is classified:
// one Tributary makes on purpose (docs/migrating-from-divolte.md, "Things that differ on purpose")
// or one to report.
import type { IncomingHttpHeaders } from 'node:http';
import type { Exchange } from './tee';

/** Why a difference is expected, or `undocumented` when it is not. */
export type DifferenceKind =
  | 'user-agent database'
  | 'non-BMP checksum'
  | 'fractional devicePixelRatio'
  | 'JSON timestamp without offset'
  | 'drop-in tag'
  | 'undocumented';

/** One difference between the two servers. */
export interface Difference {
  readonly kind: DifferenceKind;
  /** `answer #12 (pixel: corrupt checksum)`, `default record #3`. */
  readonly where: string;
  /** The request's label, for differences in answers (`pixel: corrupt checksum`). */
  readonly label?: string;
  /** The case (mapping) name, for differences in records. */
  readonly case?: string;
  /** The field or header; `record` for a record only one server wrote. */
  readonly what: string;
  readonly reference: unknown;
  readonly candidate: unknown;
}

/**
 * Headers left out of the comparison, and why:
 * - `date`: the clock of each answer;
 * - `connection`, `keep-alive`: the connection, not the answer (Undertow and node:http keep
 *   connections alive on their own terms);
 * - `transfer-encoding`, `content-length`: the framing of the body (Undertow sends a length,
 *   node:http chunks some answers); the tee reads whole bodies, and the bodies are compared byte
 *   for byte.
 */
export const IGNORED_HEADERS: readonly string[] = [
  'date',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
];

/** For the tag, Divolte serves divolte.js and Tributary its own drop-in tag: these are the tag's. */
const TAG_HEADERS = new Set(['etag', 'last-modified']);

function headerText(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join('\n') : value;
}

/** Differences between the two answers of each exchange. */
export function compareAnswers(exchanges: readonly Exchange[]): Difference[] {
  const differences: Difference[] = [];
  for (const exchange of exchanges) {
    const where = `answer #${exchange.seq} (${exchange.label}: ${exchange.method} ${exchange.path.slice(0, 80)})`;
    const isTag = exchange.path.split('?')[0]!.endsWith('/divolte.js');
    const { reference, candidate } = exchange;
    if (reference.status !== candidate.status) {
      differences.push({
        kind: 'undocumented',
        where,
        label: exchange.label,
        what: 'status',
        reference: reference.status,
        candidate: candidate.status,
      });
    }
    const names = new Set([...Object.keys(reference.headers), ...Object.keys(candidate.headers)]);
    for (const name of [...names].sort()) {
      if (IGNORED_HEADERS.includes(name)) continue;
      const a = headerText(reference.headers, name);
      const b = headerText(candidate.headers, name);
      if (a === b) continue;
      differences.push({
        kind: isTag && TAG_HEADERS.has(name) ? 'drop-in tag' : 'undocumented',
        where,
        label: exchange.label,
        what: `header ${name}`,
        reference: a,
        candidate: b,
      });
    }
    if (!reference.body.equals(candidate.body)) {
      differences.push({
        kind: isTag ? 'drop-in tag' : 'undocumented',
        where,
        label: exchange.label,
        what: 'body',
        reference: isTag ? `${reference.body.length} bytes` : reference.body.toString('latin1'),
        candidate: isTag ? `${candidate.body.length} bytes` : candidate.body.toString('latin1'),
      });
    }
  }
  return differences;
}

/** Values that tie a record to a request whose difference is documented. */
export interface Markers {
  /** Values only the fractional-devicePixelRatio event carries (its event id). */
  readonly fractionalPixelRatio: readonly unknown[];
  /** Values only the JSON event without a timestamp offset carries (event id, UTC time, a parameter). */
  readonly jsonWithoutOffset: readonly unknown[];
}

/** What {@link compareRecords} needs to know of one case. */
export interface RecordCase {
  readonly name: string;
  readonly serverTimeFields: readonly string[];
  readonly userAgentFields: readonly string[];
}

type AvroRecord = Readonly<Record<string, unknown>>;

function carries(value: unknown, wanted: readonly unknown[]): boolean {
  if (wanted.includes(value)) return true;
  if (Array.isArray(value)) return value.some((v) => carries(v, wanted));
  if (typeof value === 'object' && value !== null) {
    return Object.values(value).some((v) => carries(v, wanted));
  }
  return false;
}

const nonBmp = /[\u{10000}-\u{10ffff}]/u;

function hasNonBmp(value: unknown): boolean {
  if (typeof value === 'string') return nonBmp.test(value);
  if (Array.isArray(value)) return value.some(hasNonBmp);
  if (typeof value === 'object' && value !== null) return Object.values(value).some(hasNonBmp);
  return false;
}

const corruptFields = new Set(['detectedCorruption', 'unreliable']);

function classifyField(
  c: RecordCase,
  markers: Markers,
  field: string,
  reference: AvroRecord,
  candidate: AvroRecord,
): DifferenceKind {
  if (c.userAgentFields.includes(field)) return 'user-agent database';
  if (corruptFields.has(field) && hasNonBmp(candidate)) return 'non-BMP checksum';
  if (
    (field === 'pixelRatio' || field === 'devicePixelRatio') &&
    carries(reference, markers.fractionalPixelRatio)
  ) {
    return 'fractional devicePixelRatio';
  }
  return 'undocumented';
}

function classifyUnpaired(
  markers: Markers,
  record: AvroRecord,
  side: 'reference' | 'candidate',
): DifferenceKind {
  // Divolte discards (discard_corrupted) or loses what Tributary keeps: only ever a record the
  // candidate has and the reference has not.
  if (side === 'candidate' && hasNonBmp(record)) return 'non-BMP checksum';
  if (side === 'candidate' && carries(record, markers.jsonWithoutOffset)) {
    return 'JSON timestamp without offset';
  }
  return 'undocumented';
}

/** JSON with object keys sorted: Avro maps have no order, and fastavro keeps the writer's. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

function same(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

/** Needleman-Wunsch: pairs records so that the fields that differ, plus the records left unpaired, are fewest. */
function align(
  reference: readonly AvroRecord[],
  candidate: readonly AvroRecord[],
  fields: readonly string[],
): [number | undefined, number | undefined][] {
  const gap = Math.max(1, Math.ceil(fields.length / 2));
  const cost = (i: number, j: number): number =>
    fields.reduce((n, f) => n + (same(reference[i]![f], candidate[j]![f]) ? 0 : 1), 0);
  const n = reference.length;
  const m = candidate.length;
  const table: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = 1; i <= n; i++) table[i]![0] = i * gap;
  for (let j = 1; j <= m; j++) table[0]![j] = j * gap;
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      table[i]![j] = Math.min(
        table[i - 1]![j - 1]! + cost(i - 1, j - 1),
        table[i - 1]![j]! + gap,
        table[i]![j - 1]! + gap,
      );
    }
  }
  const pairs: [number | undefined, number | undefined][] = [];
  let i = n;
  let j = m;
  while (i > 0 || j > 0) {
    if (i > 0 && j > 0 && table[i]![j] === table[i - 1]![j - 1]! + cost(i - 1, j - 1)) {
      pairs.push([i - 1, j - 1]);
      i--;
      j--;
    } else if (i > 0 && table[i]![j] === table[i - 1]![j]! + gap) {
      pairs.push([i - 1, undefined]);
      i--;
    } else {
      pairs.push([undefined, j - 1]);
      j--;
    }
  }
  return pairs.reverse();
}

/** What {@link compareRecords} found for one case. */
export interface RecordComparison {
  /** Records each server wrote. */
  readonly referenceCount: number;
  readonly candidateCount: number;
  /** Record pairs compared field by field, and the fields compared. */
  readonly pairs: number;
  readonly fieldsCompared: number;
  readonly differences: Difference[];
}

/**
 * Compares the records two servers wrote for one case, in the order they wrote them (both keep
 * the arrival order: one mapper thread, one worker). Receive times are checked against the
 * traffic's window, then left out of the pairing: the two servers received each request a few
 * milliseconds apart.
 */
export function compareRecords(options: {
  readonly case: RecordCase;
  readonly reference: readonly AvroRecord[];
  readonly candidate: readonly AvroRecord[];
  readonly window: { readonly from: number; readonly to: number };
  readonly markers: Markers;
}): RecordComparison {
  const c = options.case;
  const differences: Difference[] = [];
  const timeless = (
    records: readonly AvroRecord[],
    side: 'reference' | 'candidate',
  ): AvroRecord[] =>
    records.map((record, index) => {
      const copy: Record<string, unknown> = { ...record };
      for (const field of c.serverTimeFields) {
        const time = copy[field];
        if (typeof time !== 'number' || time < options.window.from || time > options.window.to) {
          differences.push({
            kind: 'undocumented',
            where: `${c.name} ${side} record #${index}`,
            case: c.name,
            what: `${field} outside the time the traffic was sent`,
            reference: side === 'reference' ? time : options.window,
            candidate: side === 'candidate' ? time : options.window,
          });
        }
      }
      return Object.fromEntries(
        Object.entries(copy).filter(([field]) => !c.serverTimeFields.includes(field)),
      );
    });
  const reference = timeless(options.reference, 'reference');
  const candidate = timeless(options.candidate, 'candidate');
  const fields = [
    ...new Set([...reference, ...candidate].flatMap((record) => Object.keys(record))),
  ].sort();
  let pairs = 0;
  for (const [i, j] of align(reference, candidate, fields)) {
    if (i !== undefined && j !== undefined) {
      pairs++;
      const a = reference[i]!;
      const b = candidate[j]!;
      for (const field of fields) {
        if (same(a[field], b[field])) continue;
        differences.push({
          kind: classifyField(c, options.markers, field, a, b),
          where: `${c.name} record #${i} / #${j}`,
          case: c.name,
          what: field,
          reference: a[field],
          candidate: b[field],
        });
      }
    } else if (i !== undefined) {
      differences.push({
        kind: classifyUnpaired(options.markers, reference[i]!, 'reference'),
        where: `${c.name} reference record #${i}`,
        case: c.name,
        what: 'record only Divolte wrote',
        reference: reference[i],
        candidate: undefined,
      });
    } else if (j !== undefined) {
      differences.push({
        kind: classifyUnpaired(options.markers, candidate[j]!, 'candidate'),
        where: `${c.name} candidate record #${j}`,
        case: c.name,
        what: 'record only Tributary wrote',
        reference: undefined,
        candidate: candidate[j],
      });
    }
  }
  return {
    referenceCount: reference.length,
    candidateCount: candidate.length,
    pairs,
    fieldsCompared: pairs * (fields.length + c.serverTimeFields.length),
    differences,
  };
}
