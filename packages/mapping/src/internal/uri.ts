// A parser with java.net.URI's grammar and getters, so `parse … to uri` accepts and splits what
// Divolte does: relative references are fine, characters such as a space, `"` or `|` and malformed
// escapes are not, an authority that is no `[user@]host[:port]` leaves the host absent.

/** The parts of a parsed URI; `undefined` where java.net.URI answers null. */
export interface ParsedUri {
  readonly scheme: string | undefined;
  readonly host: string | undefined;
  /** -1 when the URI has no explicit port. */
  readonly port: number;
  readonly rawPath: string | undefined;
  readonly rawQuery: string | undefined;
  readonly rawFragment: string | undefined;
}

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*$/;
const HOSTNAME =
  /^(?:(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])\.)*[A-Za-z](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.?$/;
const IPV4 = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
const IPV6 = /^\[[0-9A-Fa-f:.]+(?:%[^\]]*)?\]$/;
const PORT = /^\d*$/;

function isHex(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);
}

// Characters java.net.URI refuses anywhere: controls, space, and `"<>\^`{|}`; `%` must start an
// escape. Square brackets are only checked in the authority.
function hasIllegalCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code <= 32 || code === 127) return true;
    switch (code) {
      case 34:
      case 60:
      case 62:
      case 92:
      case 94:
      case 96:
      case 123:
      case 124:
      case 125:
        return true;
      case 37:
        if (!isHex(text.charCodeAt(i + 1)) || !isHex(text.charCodeAt(i + 2))) return true;
        break;
      default:
        if (code >= 0x80 && code <= 0x9f) return true;
    }
  }
  return false;
}

function parseAuthority(authority: string): { host: string | undefined; port: number } {
  const at = authority.lastIndexOf('@');
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

/** Parses a URI reference; `undefined` where java.net.URI would throw. */
export function parseUri(text: string): ParsedUri | undefined {
  if (text.length === 0) return emptyUri;
  if (hasIllegalCharacter(text)) return undefined;
  const hash = text.indexOf('#');
  const rawFragment = hash === -1 ? undefined : text.slice(hash + 1);
  if (rawFragment !== undefined && rawFragment.includes('#')) return undefined;
  let rest = hash === -1 ? text : text.slice(0, hash);
  let scheme: string | undefined;
  const delimiter = rest.search(/[:/?]/);
  if (delimiter !== -1 && rest[delimiter] === ':') {
    scheme = rest.slice(0, delimiter);
    if (!SCHEME.test(scheme)) return undefined;
    rest = rest.slice(delimiter + 1);
    if (!rest.startsWith('/')) {
      // Opaque (mailto:x): no path, query or authority of its own.
      if (rest.length === 0) return undefined;
      return { scheme, host: undefined, port: -1, rawPath: undefined, rawQuery: undefined, rawFragment };
    }
  }
  let host: string | undefined;
  let port = -1;
  if (rest.startsWith('//')) {
    const end = rest.slice(2).search(/[/?]/);
    const authority = end === -1 ? rest.slice(2) : rest.slice(2, end + 2);
    rest = end === -1 ? '' : rest.slice(end + 2);
    if (authority.length > 0) ({ host, port } = parseAuthority(authority));
    else if (rest.length === 0 && rawFragment === undefined) return undefined;
  }
  if (/[[\]]/.test(rest)) return undefined;
  const question = rest.indexOf('?');
  const rawPath = question === -1 ? rest : rest.slice(0, question);
  const rawQuery = question === -1 ? undefined : rest.slice(question + 1);
  return { scheme, host, port, rawPath, rawQuery, rawFragment };
}

const emptyUri: ParsedUri = {
  scheme: undefined,
  host: undefined,
  port: -1,
  rawPath: '',
  rawQuery: undefined,
  rawFragment: undefined,
};
