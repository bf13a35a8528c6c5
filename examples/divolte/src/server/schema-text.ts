/**
 * The text of an `.avsc` file as Avro's Java parser reads it: JSON with `//` and `/* *\/` comments
 * (its Jackson parser runs with ALLOW_COMMENTS, and Divolte's own TestRecord.avsc opens with a
 * licence in `//` lines). Comments are blanked outside strings only, keeping every line and
 * column, so JSON.parse's positions still point into the file.
 */
export function parseSchemaText(text: string): unknown {
  let out = '';
  let i = 0;
  let inString = false;
  while (i < text.length) {
    const c = text[i]!;
    if (inString) {
      out += c;
      if (c === '\\' && i + 1 < text.length) {
        out += text[i + 1]!;
        i += 2;
        continue;
      }
      if (c === '"') inString = false;
      i += 1;
      continue;
    }
    if (c === '"') {
      inString = true;
      out += c;
      i += 1;
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') {
        out += ' ';
        i += 1;
      }
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end === -1) throw new SyntaxError('an unterminated /* comment');
      for (; i < end + 2; i += 1) out += text[i] === '\n' ? '\n' : ' ';
      continue;
    }
    out += c;
    i += 1;
  }
  return JSON.parse(out);
}
