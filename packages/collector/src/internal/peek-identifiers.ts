import { isIdentifier } from '@tributary/schema/protocol';

const ESCAPED_COLON = /%3A/gi;

function decode(text: string): string | undefined {
  const spaced = text.includes('+') ? text.replace(/\+/g, ' ') : text;
  if (!spaced.includes('%')) return spaced;
  // The tag escapes only the colons of an id: replacing them is several times cheaper than the
  // general decoder, and gives the same text when no other escape is left.
  const colons = spaced.replace(ESCAPED_COLON, ':');
  if (!colons.includes('%')) return colons;
  try {
    return decodeURIComponent(spaced);
  } catch {
    return undefined;
  }
}

function isBase36Digit(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 97 && code <= 122) || (code >= 65 && code <= 90);
}

/** Whether `query` has `%3A` (either case) at `at`. */
function isEscapedColon(query: string, at: number): boolean {
  return (
    query.charCodeAt(at) === 37 &&
    query.charCodeAt(at + 1) === 51 &&
    (query.charCodeAt(at + 2) | 32) === 97
  );
}

/**
 * The tag's shape of an id, checked where it stands in the query, without decoding or slicing:
 * `0%3A`, an optional `-`, one to ten base-36 digits, `%3A`, then anything without `%`, `+` or
 * `:` (which decoding keeps as it is, so no third colon can appear). `undefined` for any other
 * shape: the caller decodes that id.
 */
function hasEncodedIdentifier(query: string, start: number, end: number): true | undefined {
  if (end - start < 8 || query.charCodeAt(start) !== 48 || !isEscapedColon(query, start + 1)) {
    return undefined;
  }
  let i = start + 4;
  if (query.charCodeAt(i) === 45 /* - */) i++;
  const digits = i;
  while (i < end && isBase36Digit(query.charCodeAt(i))) i++;
  if (i === digits || i - digits > 10 || i + 3 > end || !isEscapedColon(query, i)) {
    return undefined;
  }
  // The native search, which scans faster than a loop here; each stops at the first hit.
  i += 3;
  if (within(query.indexOf('%', i), end) || within(query.indexOf(':', i), end)) return undefined;
  return within(query.indexOf('+', i), end) ? undefined : true;
}

/** Whether a search result lies before `end`. */
function within(found: number, end: number): boolean {
  return found >= 0 && found < end;
}

function isIdentifierAt(query: string, start: number, end: number): boolean {
  if (hasEncodedIdentifier(query, start, end)) return true;
  const id = decode(query.slice(start, end));
  return id !== undefined && isIdentifier(id);
}

/**
 * Whether the first `p` and `s` of a pixel query are Divolte identifiers: the check Divolte makes
 * before it answers (on its IO thread). Ids as the tag escapes them are checked in place, others
 * decoded as Divolte decodes them. `false` when they are missing, unreadable or not identifiers;
 * the caller then decodes fully.
 */
export function hasValidIdentifiers(query: string): boolean {
  let partyStart = -1;
  let partyEnd = -1;
  let sessionStart = -1;
  let sessionEnd = -1;
  let start = 0;
  while (start < query.length) {
    let end = query.indexOf('&', start);
    if (end < 0) end = query.length;
    if (end - start >= 2 && query.charCodeAt(start + 1) === 61 /* = */) {
      const key = query.charCodeAt(start);
      if (key === 112 /* p */ && partyStart < 0) {
        partyStart = start + 2;
        partyEnd = end;
      } else if (key === 115 /* s */ && sessionStart < 0) {
        sessionStart = start + 2;
        sessionEnd = end;
      }
      if (partyStart >= 0 && sessionStart >= 0) break;
    }
    start = end + 1;
  }
  return (
    partyStart >= 0 &&
    sessionStart >= 0 &&
    isIdentifierAt(query, partyStart, partyEnd) &&
    isIdentifierAt(query, sessionStart, sessionEnd)
  );
}
