// The tokens of Divolte's mapping DSL, read as Groovy's lexer reads them where the two agree. It
// reads only what the DSL needs (names, strings, numbers, brackets) and turns every other Groovy
// token into an `operator` token, so the parser can say what it found.
import { quote, refuse, type Position, type ScriptSource } from './source';

/** Java's types of Groovy number literals, which decide the fields a literal fits (as in Divolte). */
export type NumberType = 'Integer' | 'Long' | 'Float' | 'Double' | 'BigInteger' | 'BigDecimal';

export type Token =
  | (Position & { readonly kind: 'name'; readonly text: string })
  | (Position & {
      readonly kind: 'string';
      readonly text: string;
      readonly value: string;
      /** For a GString with `$name` or `${name}`: its text and names, in order. */
      readonly parts?: readonly StringPart[];
    })
  | (Position & {
      readonly kind: 'number';
      readonly text: string;
      readonly value: number;
      readonly type: NumberType;
    })
  | (Position & {
      readonly kind: 'punctuation';
      readonly text: '(' | ')' | '{' | '}' | '[' | ']' | ',' | '.' | ';' | '=' | '->' | '-';
    })
  | (Position & { readonly kind: 'operator'; readonly text: string })
  | (Position & { readonly kind: 'newline'; readonly text: '\n' })
  | (Position & { readonly kind: 'end'; readonly text: '' });

/** A piece of a GString: text, or a name to put in when the mapping is built. */
export type StringPart = string | (Position & { readonly name: string });

const NAME_START = /[A-Za-z_$]/;
const NAME_PART = /[A-Za-z0-9_$]/;
const PUNCTUATION = new Set(['(', ')', '{', '}', '[', ']', ',', '.', ';', '=', '-']);
// Groovy's operators, longest first, so `==` is reported as `==` and not as `=`.
const OPERATORS = [
  '>>>=',
  '<=>',
  '===',
  '!==',
  '**=',
  '<<=',
  '>>=',
  '?.',
  '*.',
  '.&',
  '..<',
  '..',
  '?:',
  '==~',
  '=~',
  '==',
  '!=',
  '<=',
  '>=',
  '&&',
  '||',
  '++',
  '--',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '&=',
  '|=',
  '^=',
  '**',
  '<<',
  '>>',
  '->',
  '::',
  '+',
  '*',
  '%',
  '!',
  '~',
  '&',
  '|',
  '^',
  '<',
  '>',
  '?',
  ':',
  '@',
  '#',
  '\\',
  '`',
];
const SIMPLE_ESCAPES: Record<string, string> = {
  n: '\n',
  r: '\r',
  t: '\t',
  b: '\b',
  f: '\f',
  s: ' ',
  '\\': '\\',
  "'": "'",
  '"': '"',
  $: '$',
  '/': '/',
};
const INT_MAX = 2 ** 31 - 1;
const LONG_MAX = 2n ** 63n - 1n;

/** Splits a script into tokens. @throws {MappingError} `invalid_script` with the position. */
export function tokenize(source: ScriptSource): Token[] {
  const text = source.text;
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const here = (): Position => ({ line, column: i - lineStart + 1 });
  const at = (offset: number): Position => ({ line, column: offset - lineStart + 1 });
  const newline = (): void => {
    line++;
    lineStart = i;
  };
  // A character for messages: the character itself, or "the end of the script".
  const found = (offset: number): string =>
    offset >= text.length
      ? 'the end of the script'
      : quote(String.fromCodePoint(text.codePointAt(offset)!));

  // A GString: `$name` or `${name}` in a double-quoted or slashy string. Only a plain name is
  // read (the compiler puts in its value if that is known when the mapping is built); an
  // expression (`${a + b}`, `$a.b`) would be evaluated by Groovy, and is refused.
  const interpolation = (): StringPart => {
    const start = here();
    const braced = text[i + 1] === '{';
    const match = /^[ \t]*([A-Za-z_][A-Za-z0-9_]*)[ \t]*\}/.exec(text.slice(i + 2));
    const name = braced ? match?.[1] : /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1))?.[0];
    const end = braced ? i + 2 + (match?.[0].length ?? 0) : i + 1 + (name?.length ?? 0);
    if (
      name === undefined ||
      (!braced && text[end] === '.' && /[A-Za-z_]/.test(text[end + 1] ?? ''))
    ) {
      throw refuse(
        source,
        start,
        'a plain string or a GString of plain names (the mapping DSL evaluates no GString expression; write \\$ for a dollar sign)',
        `an interpolated ${quote(text.slice(i, Math.min(text.length, Math.max(end + 2, i + 3))))}`,
      );
    }
    i = end;
    return { name, ...start };
  };

  const readEscape = (value: string[]): void => {
    // i is at the backslash.
    const escapeAt = here();
    const next = text[i + 1];
    if (next === undefined)
      throw refuse(source, escapeAt, 'an escape sequence', 'the end of the script');
    if (next in SIMPLE_ESCAPES) {
      value.push(SIMPLE_ESCAPES[next]!);
      i += 2;
      return;
    }
    if (next === 'u') {
      const hex = text.slice(i + 2, i + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
        throw refuse(source, escapeAt, 'four hexadecimal digits after \\u', quote(hex));
      }
      value.push(String.fromCharCode(parseInt(hex, 16)));
      i += 6;
      return;
    }
    const octal = /^[0-3]?[0-7]{1,2}|^[0-7]/.exec(text.slice(i + 1, i + 4));
    if (octal !== null) {
      value.push(String.fromCharCode(parseInt(octal[0], 8)));
      i += 1 + octal[0].length;
      return;
    }
    if (next === '\n') {
      // A backslash before a line break continues the string on the next line.
      i += 2;
      newline();
      return;
    }
    throw refuse(
      source,
      escapeAt,
      'an escape sequence (\\n, \\t, \\\\, \\\', \\", \\$, \\uXXXX, …)',
      quote(`\\${next}`),
    );
  };

  // The text of a string; `parts` collects the pieces of a GString.
  let parts: StringPart[] = [];
  const readQuoted = (start: Position, delimiter: string, gstring: boolean): string => {
    const multiline = delimiter.length === 3;
    let value: string[] = [];
    parts = [];
    i += delimiter.length;
    for (;;) {
      if (i >= text.length || (!multiline && (text[i] === '\n' || text[i] === '\r'))) {
        throw refuse(
          source,
          start,
          `the closing ${delimiter} of the string that starts here`,
          i >= text.length ? 'the end of the script' : 'the end of the line',
        );
      }
      if (text.startsWith(delimiter, i)) {
        i += delimiter.length;
        parts.push(value.join(''));
        return parts.filter((part) => typeof part === 'string').join('');
      }
      const char = text[i]!;
      if (char === '\\') {
        readEscape(value);
      } else if (char === '$' && gstring && /[A-Za-z_{]/.test(text[i + 1] ?? '')) {
        parts.push(value.join(''), interpolation());
        value = [];
      } else {
        value.push(char);
        i++;
        if (char === '\n') newline();
      }
    }
  };

  const readSlashy = (start: Position): string => {
    let value: string[] = [];
    parts = [];
    i++;
    for (;;) {
      if (i >= text.length) {
        throw refuse(
          source,
          start,
          'the closing / of the slashy string that starts here',
          'the end of the script',
        );
      }
      const char = text[i]!;
      if (char === '/') {
        i++;
        parts.push(value.join(''));
        return parts.filter((part) => typeof part === 'string').join('');
      }
      if (char === '\\' && text[i + 1] === '/') {
        value.push('/');
        i += 2;
      } else if (char === '$' && /[A-Za-z_{]/.test(text[i + 1] ?? '')) {
        parts.push(value.join(''), interpolation());
        value = [];
      } else {
        value.push(char);
        i++;
        if (char === '\n') newline();
      }
    }
  };

  const stringToken = (literal: string, value: string, start: Position): Token =>
    parts.some((part) => typeof part !== 'string')
      ? { kind: 'string', text: literal, value, parts, ...start }
      : { kind: 'string', text: literal, value, ...start };

  const readNumber = (start: Position): Token => {
    const rest = text.slice(i);
    // Hexadecimal and binary integers; their digits would read as suffixes (`0x1F`).
    const hex = /^0[xX][0-9a-fA-F_]+[lLiIgG]?|^0[bB][01_]+[lLiIgG]?/.exec(rest);
    const decimal = /^\d[\d_]*(\.\d[\d_]*)?([eE][+-]?\d+)?[lLiIgGfFdD]?/.exec(rest);
    const match = hex ?? decimal!;
    const literal = match[0];
    const after = text[i + literal.length];
    if (after !== undefined && NAME_PART.test(after)) {
      i += literal.length;
      throw refuse(source, start, 'a number', quote(literal + after));
    }
    i += literal.length;
    const suffix =
      /[lLiIgGfFdD]$/.test(literal) && hex === null
        ? literal.slice(-1).toUpperCase()
        : hex !== null && /[lLiIgG]$/.test(literal)
          ? literal.slice(-1).toUpperCase()
          : '';
    const digits = (suffix === '' ? literal : literal.slice(0, -1)).replace(/_/g, '');
    const fractional = hex === null && /[.eE]/.test(digits);
    let type: NumberType;
    if (suffix === 'F') type = 'Float';
    else if (suffix === 'D') type = 'Double';
    else if (suffix === 'G') type = fractional ? 'BigDecimal' : 'BigInteger';
    else if (fractional) {
      if (suffix !== '') throw refuse(source, start, 'a number', quote(literal));
      type = 'BigDecimal';
    } else {
      // A leading 0 makes an integer octal in Groovy, as in Java.
      const octal = hex === null && /^0\d/.test(digits);
      if (octal && /[89]/.test(digits))
        throw refuse(source, start, 'an octal number', quote(literal));
      const big = BigInt(octal ? `0o${digits.slice(1)}` : digits);
      if (suffix === 'I') {
        if (big > BigInt(INT_MAX))
          throw refuse(source, start, 'an int literal (at most 2147483647)', quote(literal));
        type = 'Integer';
      } else if (suffix === 'L') {
        if (big > LONG_MAX)
          throw refuse(source, start, 'a long literal (at most 2^63-1)', quote(literal));
        type = 'Long';
      } else {
        type = big <= BigInt(INT_MAX) ? 'Integer' : big <= LONG_MAX ? 'Long' : 'BigInteger';
      }
    }
    const octal =
      /^0\d/.test(digits) &&
      (type === 'Integer' || type === 'Long' || type === 'BigInteger') &&
      hex === null;
    const integral = octal ? `0o${digits.slice(1)}` : digits;
    const value = type === 'Float' ? Math.fround(Number(integral)) : Number(integral);
    return { kind: 'number', text: literal, value, type, ...start };
  };

  if (text.startsWith('\ufeff')) {
    // A byte-order mark is no character of the first line.
    i = 1;
    lineStart = 1;
  }
  if (text.startsWith('#!', i)) {
    // Groovy skips a shebang line.
    while (i < text.length && text[i] !== '\n') i++;
  }
  while (i < text.length) {
    const char = text[i]!;
    const start = here();
    if (char === '\n') {
      i++;
      tokens.push({ kind: 'newline', text: '\n', ...start });
      newline();
    } else if (
      char === ' ' ||
      char === '\t' ||
      char === '\r' ||
      char === '\f' ||
      char === '\u00a0' ||
      char === '\ufeff'
    ) {
      i++;
    } else if (
      char === '\\' &&
      (text[i + 1] === '\n' || (text[i + 1] === '\r' && text[i + 2] === '\n'))
    ) {
      // A backslash at the end of a line joins it with the next.
      i += text[i + 1] === '\n' ? 2 : 3;
      newline();
    } else if (text.startsWith('//', i)) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      if (end === -1) {
        i = text.length;
        throw refuse(
          source,
          start,
          'the */ that closes the comment that starts here',
          'the end of the script',
        );
      }
      while (i < end + 2) {
        if (text[i] === '\n') {
          i++;
          newline();
        } else i++;
      }
    } else if (NAME_START.test(char)) {
      if (char === '$' && text[i + 1] === '/') {
        throw refuse(source, start, 'a quoted or slashy string', "a dollar-slashy string '$/'");
      }
      let end = i + 1;
      while (end < text.length && NAME_PART.test(text[end]!)) end++;
      tokens.push({ kind: 'name', text: text.slice(i, end), ...start });
      i = end;
    } else if (char >= '0' && char <= '9') {
      tokens.push(readNumber(start));
    } else if (text.startsWith("'''", i) || text.startsWith('"""', i)) {
      const delimiter = text.slice(i, i + 3);
      const from = i;
      const value = readQuoted(start, delimiter, delimiter === '"""');
      tokens.push(stringToken(text.slice(from, i), value, start));
    } else if (char === "'" || char === '"') {
      const from = i;
      const value = readQuoted(start, char, char === '"');
      tokens.push(stringToken(text.slice(from, i), value, start));
    } else if (char === '/') {
      const from = i;
      const value = readSlashy(start);
      tokens.push(stringToken(text.slice(from, i), value, start));
    } else if (char === '-' && text[i + 1] === '>') {
      i += 2;
      tokens.push({ kind: 'punctuation', text: '->', ...start });
    } else {
      const operator = OPERATORS.find((op) => text.startsWith(op, i));
      if (operator !== undefined && (operator.length > 1 || !PUNCTUATION.has(char))) {
        i += operator.length;
        tokens.push({ kind: 'operator', text: operator, ...start });
      } else if (PUNCTUATION.has(char)) {
        i++;
        tokens.push({ kind: 'punctuation', text: char as '(', ...start });
      } else {
        throw refuse(source, start, 'a name, a string, a number or a bracket', found(i));
      }
    }
  }
  tokens.push({ kind: 'end', text: '', ...at(i) });
  return tokens;
}
