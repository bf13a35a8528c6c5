/** How published files are grouped into sub-directories of the publish directory. */
export type SubdirectoryLayout = 'none' | 'date' | 'hour';

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** `yyyyMMddHHmmss` in UTC, the stamp Divolte puts at the start of its file names. */
export function formatStamp(time: number): string {
  const d = new Date(time);
  return (
    pad(d.getUTCFullYear(), 4) +
    pad(d.getUTCMonth() + 1) +
    pad(d.getUTCDate()) +
    pad(d.getUTCHours()) +
    pad(d.getUTCMinutes()) +
    pad(d.getUTCSeconds())
  );
}

/** The inverse of {@link formatStamp}, or undefined for a string that is not a stamp. */
export function parseStamp(stamp: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(stamp);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const time = Date.UTC(y, mo - 1, d, h, mi, s);
  return formatStamp(time) === stamp ? time : undefined;
}

/** The publish sub-directory of a file opened at `time`: '', `yyyy-MM-dd` or `yyyy-MM-dd/HH` (UTC). */
export function subdirectoryOf(layout: SubdirectoryLayout, time: number): string {
  if (layout === 'none') return '';
  const stamp = formatStamp(time);
  const date = `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}`;
  return layout === 'date' ? date : `${date}/${stamp.slice(8, 10)}`;
}

/** The parts of a file name: `yyyyMMddHHmmss-<prefix>-<hostname>-<sequence>.avro`. */
export interface FileNameParts {
  readonly openedAt: number;
  readonly prefix: string;
  readonly hostname: string;
  readonly sequence: number;
}

/** Divolte's file name shape: `yyyyMMddHHmmss-<prefix>-<hostname>-<sequence>.avro`. */
export function formatFileName(parts: FileNameParts): string {
  return `${formatStamp(parts.openedAt)}-${parts.prefix}-${parts.hostname}-${parts.sequence}.avro`;
}

/** The suffix of a file that is still being written. */
export const PARTIAL_SUFFIX = '.partial';

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Matches this sink's own partial files (same prefix and hostname) and captures the stamp, so
 * recovery never touches files another writer owns.
 */
export function ownPartialPattern(prefix: string, hostname: string): RegExp {
  return new RegExp(
    `^(\\d{14})-${escapeRegExp(prefix)}-${escapeRegExp(hostname)}-\\d+(?:-r\\d+)?\\.avro${escapeRegExp(PARTIAL_SUFFIX)}$`,
  );
}

/** Whether a name part may appear in a file name: no separators, no control characters. */
export function isSafeNamePart(part: string): boolean {
  // eslint-disable-next-line no-control-regex
  return part.length > 0 && !/[/\\\u0000-\u001f]/.test(part) && part !== '.' && part !== '..';
}
