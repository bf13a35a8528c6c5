// Splits one HTTP header value into its comma-separated items the way Divolte's HeaderValueParser
// does: quoted strings keep their commas and lose their quotes, `\` escapes the next character
// inside quotes, runs of spaces and tabs between parts fold into one space, empty items vanish.

const isWhitespace = (code: number): boolean => code === 32 || code === 9;

/** Appends the items of one header value to `out`. */
export function splitHeaderValue(value: string, out: string[]): void {
  const length = value.length;
  let cursor = 0;
  while (cursor < length) {
    let item = '';
    while (cursor < length && isWhitespace(value.charCodeAt(cursor))) cursor++;
    let whitespaceSkipped = false;
    while (cursor < length) {
      const code = value.charCodeAt(cursor);
      if (code === 44 /* , */) {
        cursor++;
        break;
      }
      if (whitespaceSkipped) item += ' ';
      if (code === 34 /* " */) {
        cursor++;
        let start = cursor;
        let closed = false;
        while (cursor < length) {
          const inner = value.charCodeAt(cursor);
          if (inner === 34) {
            item += value.slice(start, cursor++);
            closed = true;
            break;
          }
          if (inner === 92 /* \ */) {
            item += value.slice(start, cursor++);
            start = cursor;
            if (cursor < length) cursor++;
          } else {
            cursor++;
          }
        }
        if (!closed) item += value.slice(start, cursor);
      } else {
        const start = cursor++;
        while (cursor < length) {
          const inner = value.charCodeAt(cursor);
          if (inner === 44 || inner === 34 || isWhitespace(inner)) break;
          cursor++;
        }
        item += value.slice(start, cursor);
      }
      if (cursor < length && isWhitespace(value.charCodeAt(cursor))) {
        whitespaceSkipped = true;
        while (cursor < length && isWhitespace(value.charCodeAt(cursor))) cursor++;
      }
    }
    if (item.length > 0) out.push(item);
  }
}

/** Every item of every occurrence of a header, in order. */
export function headerItems(values: readonly string[]): string[] {
  const out: string[] = [];
  for (const value of values) splitHeaderValue(value, out);
  return out;
}
