/** Whether a comma-separated header names `coding` with a non-zero quality (or `*` does). */
export function acceptsEncoding(header: string | undefined, coding: string): boolean {
  if (header === undefined) return false;
  let wildcard = false;
  for (const item of header.split(',')) {
    const [name = '', ...parameters] = item.split(';').map((part) => part.trim());
    let quality = 1;
    for (const parameter of parameters) {
      const match = /^q=([0-9.]+)$/i.exec(parameter);
      if (match !== null) quality = Number(match[1]);
    }
    const lower = name.toLowerCase();
    if (lower === coding) return quality > 0;
    if (lower === '*') wildcard = quality > 0;
  }
  return wildcard;
}

/** Whether an If-None-Match header matches `etag` (weak comparison, as RFC 9110 asks for GET). */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const bare = etag.startsWith('W/') ? etag.slice(2) : etag;
  for (const item of header.split(',')) {
    const tag = item.trim();
    if (tag === '*') return true;
    if ((tag.startsWith('W/') ? tag.slice(2) : tag) === bare) return true;
  }
  return false;
}

/** The media type of a Content-Type header, lower case, without parameters. */
export function mediaType(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const semicolon = header.indexOf(';');
  return (semicolon < 0 ? header : header.slice(0, semicolon)).trim().toLowerCase();
}

/** Java's `String.trim()`: every character up to U+0020 off both ends. */
function javaTrim(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) <= 32) start++;
  while (end > start && text.charCodeAt(end - 1) <= 32) end--;
  return text.slice(start, end);
}

/**
 * Whether Divolte answers 304 to an `If-None-Match` value for `tag` (the ETag's opaque part,
 * without quotes), read as Undertow's `ETagUtils.handleIfNoneMatch(…, allowWeak = true)` reads it:
 * a list of quoted tags, each maybe `W/`-prefixed (weak tags match too), separated by commas and
 * white space; characters outside quotes are skipped; a quoted `*` matches anything (a bare `*` is
 * skipped); the text inside quotes is trimmed; an unterminated last tag runs to the end; a `W` not
 * followed by `/` or `"` ends the reading. Divolte reads only the first `If-None-Match` header.
 */
export function matchesUndertowEtag(header: string, tag: string): boolean {
  // 0: before a tag; 1: after `W`; 2: inside quotes.
  let state = 0;
  let start = 0;
  for (let i = 0; i < header.length; i++) {
    const code = header.charCodeAt(i);
    if (state === 0) {
      if (code === 34 /* " */) {
        start = i + 1;
        state = 2;
      } else if (code === 87 /* W */) {
        state = 1;
      }
    } else if (state === 1) {
      if (code === 34) {
        start = i + 1;
        state = 2;
      } else if (code !== 47 /* / */) {
        return false;
      }
    } else if (code === 34) {
      const value = javaTrim(header.slice(start, i));
      if (value === '*' || value === tag) return true;
      state = 0;
    }
  }
  if (state !== 2) return false;
  const value = javaTrim(header.slice(start));
  return value === '*' || value === tag;
}
