// A parser with java.net.URI's grammar and getters, so `parse … to uri` accepts and splits what
// Divolte does: relative references are fine, characters such as a space, `"` or `|` and malformed
// escapes are not, an authority that is no `[user@]host[:port]` leaves the host absent.
//
// Parsing only validates and finds the boundaries of the parts; the parts themselves are sliced
// when asked for, so mapping one part of a URL costs one scan and one small object.

// java.net.URI's hostname: labels of letters, digits and inner hyphens; when there are several,
// the last one must start with a letter (a single label such as `1` is a host).
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?';
const HOSTNAME = new RegExp(
  `^(?:${LABEL}|(?:${LABEL}\\.)+[A-Za-z](?:[A-Za-z0-9-]*[A-Za-z0-9])?)\\.?$`,
);
const IPV4 = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
const IPV6 = /^\[[0-9A-Fa-f:.]+(?:%[^\]]*)?\]$/;
const PORT = /^\d*$/;
// What java.net.URI accepts: ASCII unreserved and reserved characters, `%` and `#`, and "other"
// characters (non-ASCII, but not controls or Unicode spaces).
// One negated class (a single fast scan): the allowed set minus C1 controls and Unicode spaces.
const ILLEGAL =
  /[^A-Za-z0-9\-_.!~*'();/?:@&=+$,[\]%#\u00a1-\u167f\u1681-\u1fff\u200b-\u2027\u202a-\u202e\u2030-\u205e\u2060-\u2fff\u3001-\uffff]/;
const BAD_ESCAPE = /%(?![0-9A-Fa-f]{2})/;

function isSchemeCharacter(code: number): boolean {
  return (
    (code >= 97 && code <= 122) ||
    (code >= 65 && code <= 90) ||
    (code >= 48 && code <= 57) ||
    code === 43 ||
    code === 45 ||
    code === 46
  );
}

function splitAuthority(authority: string): { host: string | undefined; port: number } {
  const at = authority.indexOf('@');
  const hostPort = at === -1 ? authority : authority.slice(at + 1);
  let host: string;
  let portText = '';
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    if (close === -1) return { host: undefined, port: -1 };
    host = hostPort.slice(0, close + 1);
    const rest = hostPort.slice(close + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) return { host: undefined, port: -1 };
      portText = rest.slice(1);
    }
    if (!IPV6.test(host)) return { host: undefined, port: -1 };
  } else {
    const colon = hostPort.lastIndexOf(':');
    host = colon === -1 ? hostPort : hostPort.slice(0, colon);
    portText = colon === -1 ? '' : hostPort.slice(colon + 1);
    if (!(IPV4.test(host) || HOSTNAME.test(host))) return { host: undefined, port: -1 };
  }
  if (!PORT.test(portText)) return { host: undefined, port: -1 };
  const port = portText === '' ? -1 : Number(portText);
  return { host, port: port > 2147483647 ? -1 : port };
}

/** A parsed URI reference; each part is `undefined` where java.net.URI answers null. */
export class ParsedUri {
  /** @internal */
  constructor(
    private readonly text: string,
    private readonly schemeEnd: number,
    private readonly authorityStart: number,
    private readonly pathStart: number,
    private readonly queryStart: number,
    private readonly fragmentStart: number,
    private readonly opaque: boolean,
  ) {}

  /** The scheme, e.g. `https`. */
  get scheme(): string | undefined {
    return this.schemeEnd === -1 ? undefined : this.text.slice(0, this.schemeEnd);
  }

  /** The authority as written, e.g. `user@host:8080`. */
  get rawAuthority(): string | undefined {
    return this.authorityStart === -1 || this.authorityStart === this.pathStart
      ? undefined
      : this.text.slice(this.authorityStart, this.pathStart);
  }

  /** The host, when the authority is `[user@]host[:port]`. */
  get host(): string | undefined {
    const authority = this.rawAuthority;
    return authority === undefined ? undefined : splitAuthority(authority).host;
  }

  /** The explicit port, or -1. */
  get port(): number {
    const authority = this.rawAuthority;
    return authority === undefined ? -1 : splitAuthority(authority).port;
  }

  /** The path as written; `undefined` for an opaque URI such as `mailto:x`. */
  get rawPath(): string | undefined {
    if (this.opaque) return undefined;
    const end = this.queryStart !== -1 ? this.queryStart - 1 : this.fragmentEnd();
    return this.text.slice(this.pathStart, end);
  }

  /** The query as written, without `?`. */
  get rawQuery(): string | undefined {
    return this.queryStart === -1
      ? undefined
      : this.text.slice(this.queryStart, this.fragmentEnd());
  }

  /** The fragment as written, without `#`. */
  get rawFragment(): string | undefined {
    return this.fragmentStart === -1 ? undefined : this.text.slice(this.fragmentStart);
  }

  private fragmentEnd(): number {
    return this.fragmentStart === -1 ? this.text.length : this.fragmentStart - 1;
  }
}

/** Parses a URI reference; `undefined` where java.net.URI would throw. */
export function parseUri(text: string): ParsedUri | undefined {
  if (ILLEGAL.test(text)) return undefined;
  if (text.includes('%') && BAD_ESCAPE.test(text)) return undefined;
  const length = text.length;
  const hash = text.indexOf('#');
  if (hash !== -1 && text.indexOf('#', hash + 1) !== -1) return undefined;
  const end = hash === -1 ? length : hash;
  const fragmentStart = hash === -1 ? -1 : hash + 1;

  // A scheme is what precedes a `:` that comes before any `/`, `?` or `#`.
  let schemeEnd = -1;
  let position = 0;
  while (position < end && isSchemeCharacter(text.charCodeAt(position))) position++;
  if (position < end && text.charCodeAt(position) === 58 /* : */) {
    schemeEnd = position;
  } else if (position < end) {
    for (let i = position; i < end; i++) {
      const code = text.charCodeAt(i);
      if (code === 47 || code === 63) break;
      if (code === 58) return undefined; // a scheme with characters no scheme may have
    }
  }
  if (schemeEnd !== -1) {
    // The scan above allowed only scheme characters; the first must be a letter.
    const first = text.charCodeAt(0) | 0x20;
    if (schemeEnd === 0 || first < 97 || first > 122) return undefined;
    position = schemeEnd + 1;
    if (text.charCodeAt(position) !== 47 /* / */) {
      // Opaque (mailto:x): no path, query or authority of its own.
      if (position >= end) return undefined;
      return new ParsedUri(text, schemeEnd, -1, position, -1, fragmentStart, true);
    }
  } else {
    position = 0;
  }
  const question = text.indexOf('?', position);
  const queryMark = question === -1 || question > end ? -1 : question;
  const beforeQuery = queryMark === -1 ? end : queryMark;
  let authorityStart = -1;
  if (text.charCodeAt(position) === 47 && text.charCodeAt(position + 1) === 47) {
    authorityStart = position + 2;
    const slash = text.indexOf('/', authorityStart);
    position = slash === -1 || slash > beforeQuery ? beforeQuery : slash;
    if (position === authorityStart && position >= end && hash === -1) return undefined;
    // Square brackets are allowed in an authority only around an IPv6 host.
    const authority = text.slice(authorityStart, position);
    if (authority.includes('[') || authority.includes(']')) {
      const at = authority.indexOf('@');
      const userInfo = at === -1 ? '' : authority.slice(0, at);
      if (/[[\]]/.test(userInfo) || splitAuthority(authority).host?.startsWith('[') !== true) {
        return undefined;
      }
    }
  }
  // ... and never in the path (the query and the fragment may hold them).
  for (let i = position; i < beforeQuery; i++) {
    const code = text.charCodeAt(i);
    if (code === 91 || code === 93) return undefined;
  }
  return new ParsedUri(
    text,
    schemeEnd,
    authorityStart,
    position,
    queryMark === -1 ? -1 : queryMark + 1,
    fragmentStart,
    false,
  );
}
