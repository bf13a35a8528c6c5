import { setOwn } from './own-property';

/**
 * Parses a Cookie header: `name=value` pairs split by `;`, the first of a repeated name wins.
 * Names and values are trimmed, a double-quoted value is unquoted and a percent-encoded one
 * decoded (kept raw when it is not valid percent-encoding). One pass with native searches: no
 * array of parts.
 */
export function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  if (header === undefined || header === '') return cookies;
  const length = header.length;
  let start = 0;
  // The next `=` at or after `start`, moved on only when passed: linear in the header length.
  let equals = header.indexOf('=');
  if (equals < 0) return cookies;
  while (start < length) {
    let end = header.indexOf(';', start);
    if (end < 0) end = length;
    if (equals < start) {
      equals = header.indexOf('=', start);
      if (equals < 0) break;
    }
    if (equals < end) {
      const name = header.slice(start, equals).trim();
      if (name !== '' && !Object.hasOwn(cookies, name)) {
        let value = header.slice(equals + 1, end).trim();
        if (value.length >= 2 && value.charCodeAt(0) === 34 && value.endsWith('"')) {
          value = value.slice(1, -1);
        }
        if (value.includes('%')) {
          try {
            value = decodeURIComponent(value);
          } catch {
            // Not percent-encoding after all: keep the raw text.
          }
        }
        setOwn(cookies, name, value);
      }
    }
    start = end + 1;
  }
  return cookies;
}
