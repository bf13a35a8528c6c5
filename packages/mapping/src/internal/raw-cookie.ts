/**
 * A cookie's value as Divolte's Groovy `cookie(name)` gives it: Undertow's request-cookie parsing
 * of the raw `Cookie` headers, not percent-decoded. Observed on the real Divolte (0.9, Undertow):
 * the first cookie of a name wins across every header; a double-quoted value loses its quotes; an
 * unquoted value ends at the first space, tab, `,`, `;` or `=` (so `= lead` gives "" and `a=b`
 * gives "a"); a space before the `=` makes the name another name.
 */
export function rawCookie(
  headers: readonly string[] | undefined,
  name: string,
): string | undefined {
  if (headers === undefined) return undefined;
  for (const header of headers) {
    let start = 0;
    while (start < header.length) {
      let end = header.indexOf(';', start);
      if (end < 0) end = header.length;
      const pair = header.slice(start, end).replace(/^[ \t]+/, '');
      const equals = pair.indexOf('=');
      if (equals >= 0 && pair.slice(0, equals) === name) {
        const rest = pair.slice(equals + 1);
        if (rest.startsWith('"')) {
          const close = rest.indexOf('"', 1);
          return close < 0 ? rest.slice(1) : rest.slice(1, close);
        }
        const stop = rest.search(/[ \t,=]/);
        return stop < 0 ? rest : rest.slice(0, stop);
      }
      start = end + 1;
    }
  }
  return undefined;
}
