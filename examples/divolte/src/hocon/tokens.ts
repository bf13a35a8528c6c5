import { HoconError, type Origin } from './hocon-error';

/** One lexical unit of HOCON text, with the line it starts on. */
export type Token =
  | {
      readonly type: 'punct';
      readonly text: '{' | '}' | '[' | ']' | ',' | ':' | '=' | '+=';
      readonly origin: Origin;
    }
  | { readonly type: 'newline'; readonly origin: Origin }
  | { readonly type: 'space'; readonly text: string; readonly origin: Origin }
  | { readonly type: 'quoted'; readonly text: string; readonly origin: Origin }
  | { readonly type: 'unquoted'; readonly text: string; readonly origin: Origin }
  | {
      readonly type: 'substitution';
      readonly path: readonly string[];
      readonly optional: boolean;
      readonly origin: Origin;
    }
  | { readonly type: 'end'; readonly origin: Origin };

// Characters HOCON forbids in unquoted text (besides whitespace and the start of `//`).
const FORBIDDEN = new Set([
  '$',
  '"',
  '{',
  '}',
  '[',
  ']',
  ':',
  '=',
  ',',
  '+',
  '#',
  '`',
  '^',
  '?',
  '!',
  '@',
  '*',
  '&',
  '\\',
]);
const SPACE = /[ \t\f\v\r\u00a0\ufeff\u2000-\u200b\u2028\u2029\u3000]/;
const ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/**
 * Splits HOCON text into tokens. Comments (`//`, `#`) are dropped; whitespace inside a line is kept
 * because it is part of a value concatenation (`30 seconds`).
 * @throws {HoconError} on an unterminated string, a bad escape or a bad substitution.
 */
export function tokenize(text: string, file: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  const at = (): Origin => ({ file, line });
  const fail = (message: string): never => {
    throw new HoconError('syntax', message, at());
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n') {
      tokens.push({ type: 'newline', origin: at() });
      line++;
      i++;
    } else if (SPACE.test(c)) {
      let j = i;
      while (j < text.length && SPACE.test(text[j]!)) j++;
      tokens.push({ type: 'space', text: text.slice(i, j), origin: at() });
      i = j;
    } else if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (text.startsWith('+=', i)) {
      tokens.push({ type: 'punct', text: '+=', origin: at() });
      i += 2;
    } else if ('{}[],:='.includes(c)) {
      tokens.push({ type: 'punct', text: c as '{', origin: at() });
      i++;
    } else if (text.startsWith('"""', i)) {
      const start = at();
      const end = text.indexOf('"""', i + 3);
      if (end < 0) fail('A """ string is not closed.');
      let close = end + 3;
      // Extra quotes before the closing triple belong to the string.
      while (text[close] === '"') close++;
      const body = text.slice(i + 3, close - 3);
      for (const ch of body) if (ch === '\n') line++;
      tokens.push({ type: 'quoted', text: body, origin: start });
      i = close;
    } else if (c === '"') {
      let j = i + 1;
      let value = '';
      for (;;) {
        const ch = text[j];
        if (ch === undefined || ch === '\n')
          return fail('A quoted string is not closed on its line.');
        if (ch === '"') break;
        if (ch === '\\') {
          const next = text[j + 1] ?? '';
          if (next === 'u') {
            const hex = text.slice(j + 2, j + 6);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail(`Bad \\u escape "\\u${hex}".`);
            value += String.fromCharCode(parseInt(hex, 16));
            j += 6;
            continue;
          }
          const escaped = ESCAPES[next];
          if (escaped === undefined) return fail(`Bad escape "\\${next}" in a quoted string.`);
          value += escaped;
          j += 2;
          continue;
        }
        value += ch;
        j++;
      }
      tokens.push({ type: 'quoted', text: value, origin: at() });
      i = j + 1;
    } else if (c === '$') {
      if (text[i + 1] !== '{') fail('A "$" must start a substitution "${…}".');
      const optional = text[i + 2] === '?';
      const start = i + (optional ? 3 : 2);
      const end = text.indexOf('}', start);
      const newline = text.indexOf('\n', start);
      if (end < 0 || (newline >= 0 && newline < end)) fail('A substitution "${" is not closed.');
      const path = parsePath(text.slice(start, end).trim(), at());
      tokens.push({ type: 'substitution', path, optional, origin: at() });
      i = end + 1;
    } else if (FORBIDDEN.has(c)) {
      fail(`Unexpected "${c}"; quote text that contains it.`);
    } else {
      let j = i;
      while (
        j < text.length &&
        !FORBIDDEN.has(text[j]!) &&
        text[j] !== '\n' &&
        !SPACE.test(text[j]!) &&
        !(text[j] === '/' && text[j + 1] === '/')
      ) {
        j++;
      }
      tokens.push({ type: 'unquoted', text: text.slice(i, j), origin: at() });
      i = j;
    }
  }
  tokens.push({ type: 'end', origin: at() });
  return tokens;
}

/**
 * Splits a path expression (`a.b."c.d"`) into its keys.
 * @throws {HoconError} on an empty path or an empty key.
 */
export function parsePath(expression: string, origin: Origin): string[] {
  const keys: string[] = [];
  let current = '';
  let quotedKey = false;
  let i = 0;
  while (i < expression.length) {
    const c = expression[i]!;
    if (c === '"') {
      const end = expression.indexOf('"', i + 1);
      if (end < 0)
        throw new HoconError('syntax', `Unclosed quote in path "${expression}".`, origin);
      current += expression.slice(i + 1, end);
      quotedKey = true;
      i = end + 1;
    } else if (c === '.') {
      if (current === '' && !quotedKey) {
        throw new HoconError('syntax', `Empty key in path "${expression}".`, origin);
      }
      keys.push(current);
      current = '';
      quotedKey = false;
      i++;
    } else {
      current += c;
      i++;
    }
  }
  if (current === '' && !quotedKey) {
    throw new HoconError('syntax', `Empty key in path "${expression}".`, origin);
  }
  keys.push(current);
  return keys;
}
