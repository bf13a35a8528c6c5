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
