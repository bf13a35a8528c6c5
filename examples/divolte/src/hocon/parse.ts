import { HoconError, type Origin } from './hocon-error';
import { tokenize, type Token } from './tokens';
import {
  isResolved,
  setField,
  type HoconArray,
  type HoconObject,
  type HoconScalar,
  type Node,
} from './values';

/** Where an `include` finds its text. */
export interface IncludeReader {
  /**
   * The text of an included resource, or undefined when it does not exist. `kind` is the include
   * form: `file` (a path, relative to the including file's directory already joined) or
   * `classpath` (a resource name).
   */
  (
    kind: 'file' | 'classpath',
    name: string,
    from: string,
  ): { text: string; file: string } | undefined;
}

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const INCLUDE = /^(required\()?\s*(?:(file|classpath|url)\()?\s*"((?:[^"\\]|\\.)*)"\s*\)?\s*\)?$/;
const MAX_INCLUDE_DEPTH = 50;

/**
 * Parses HOCON text into `root` (merged into whatever `root` already holds, as a later file
 * overrides an earlier one). Substitutions are left for {@link resolveHocon}.
 * @throws {HoconError} `syntax` or `include`.
 */
export function parseHocon(
  text: string,
  file: string,
  root: HoconObject,
  include: IncludeReader,
  depth = 0,
): void {
  const tokens = tokenize(text, file);
  let i = 0;
  const peek = (): Token => tokens[i]!;
  const next = (): Token => tokens[i++]!;
  const fail = (message: string, origin: Origin = peek().origin): never => {
    throw new HoconError('syntax', message, origin);
  };
  const skip = (types: readonly Token['type'][], commas = false): void => {
    for (;;) {
      const token = peek();
      if (types.includes(token.type) || (commas && token.type === 'punct' && token.text === ','))
        i++;
      else return;
    }
  };
  const isPunct = (token: Token, text: string): boolean =>
    token.type === 'punct' && token.text === text;

  function parseObjectBody(into: HoconObject, path: readonly string[], closer: '}' | 'end'): void {
    for (;;) {
      skip(['newline', 'space'], true);
      const token = peek();
      if (closer === '}' ? isPunct(token, '}') : token.type === 'end') {
        i++;
        return;
      }
      if (token.type === 'end') fail('A "{" is not closed by "}".');
      if (
        token.type === 'unquoted' &&
        token.text === 'include' &&
        tokens[i + 1]?.type === 'space'
      ) {
        i += 2;
        parseInclude(into, path, token.origin);
        continue;
      }
      const keyOrigin = token.origin;
      const key = parseKey();
      const keyPath = [...path, ...key];
      skip(['space']);
      const separator = next();
      let value: Node;
      let append = false;
      if (isPunct(separator, '{')) {
        value = parseObject(keyPath, separator.origin);
      } else if (isPunct(separator, '=') || isPunct(separator, ':') || isPunct(separator, '+=')) {
        append = isPunct(separator, '+=');
        skip(['space']);
        value = parseValue(keyPath, closer === '}' ? '}' : undefined);
      } else {
        throw new HoconError(
          'syntax',
          `Expected "=", ":" or "{" after the key "${key.join('.')}".`,
          separator.origin,
        );
      }
      if (append) {
        value = {
          kind: 'concat',
          parts: [
            { kind: 'substitution', path: keyPath, optional: true, origin: keyOrigin },
            { kind: 'array', items: [value], origin: value.origin },
          ],
          origin: value.origin,
        };
      }
      setPath(into, key, value, keyPath);
      // A field ends at a newline, a comma or the closing brace.
      skip(['space']);
      const after = peek();
      if (!(
        after.type === 'newline' ||
        isPunct(after, ',') ||
        after.type === 'end' ||
        isPunct(after, '}')
      )) {
        fail(`Unexpected text after the value of "${key.join('.')}".`);
      }
    }
  }

  function setPath(
    into: HoconObject,
    key: readonly string[],
    value: Node,
    fullPath: readonly string[],
  ): void {
    let target = into;
    const base = fullPath.length - key.length;
    key.slice(0, -1).forEach((part, index) => {
      const existing = target.fields.get(part);
      if (existing?.kind === 'object') {
        target = existing;
        return;
      }
      // Placed as is, or (over an unresolved value) as the later value that merges onto it.
      const created: HoconObject = { kind: 'object', fields: new Map(), origin: value.origin };
      setField(target, part, created, fullPath.slice(0, base + index + 1));
      target = created;
    });
    setField(target, key[key.length - 1]!, value, fullPath);
  }

  function parseKey(): string[] {
    const keys: string[] = [];
    let current = '';
    let quotedPart = false;
    let started = false;
    let pendingSpace = '';
    for (;;) {
      const token = peek();
      if (token.type === 'space') {
        if (started) pendingSpace += token.text;
        i++;
        continue;
      }
      if (token.type === 'quoted') {
        current += pendingSpace + token.text;
        pendingSpace = '';
        quotedPart = true;
        started = true;
        i++;
        continue;
      }
      if (token.type === 'unquoted') {
        current += pendingSpace;
        pendingSpace = '';
        const pieces = token.text.split('.');
        current += pieces[0] ?? '';
        for (const piece of pieces.slice(1)) {
          if (current === '' && !quotedPart) fail(`Empty key in "${token.text}".`);
          keys.push(current);
          current = piece;
          quotedPart = false;
        }
        started = true;
        i++;
        continue;
      }
      break;
    }
    if (!started) fail(`Expected a key, found ${describe(peek())}.`);
    if (current === '' && !quotedPart) fail('A key ends with ".".');
    keys.push(current);
    return keys;
  }

  function parseObject(path: readonly string[], origin: Origin): HoconObject {
    const object: HoconObject = { kind: 'object', fields: new Map(), origin };
    parseObjectBody(object, path, '}');
    return object;
  }

  function parseArray(path: readonly string[], origin: Origin): HoconArray {
    const items: Node[] = [];
    for (;;) {
      skip(['newline', 'space'], true);
      const token = peek();
      if (isPunct(token, ']')) {
        i++;
        return { kind: 'array', items, origin };
      }
      if (token.type === 'end') fail('A "[" is not closed by "]".', origin);
      items.push(parseValue(path, ']'));
      skip(['space']);
      const after = peek();
      if (!(after.type === 'newline' || isPunct(after, ',') || isPunct(after, ']'))) {
        fail('Expected "," or "]" in an array.');
      }
    }
  }

  /** One value: one part, or several concatenated (`${DIR}/working`, `30 seconds`). */
  function parseValue(path: readonly string[], closer: '}' | ']' | undefined): Node {
    const parts: Node[] = [];
    const origin = peek().origin;
    for (;;) {
      const token = peek();
      if (
        token.type === 'newline' ||
        token.type === 'end' ||
        isPunct(token, ',') ||
        (closer !== undefined && isPunct(token, closer))
      ) {
        break;
      }
      i++;
      switch (token.type) {
        case 'space':
          parts.push({
            kind: 'scalar',
            value: token.text,
            text: token.text,
            space: true,
            origin: token.origin,
          });
          break;
        case 'quoted':
          parts.push({ kind: 'scalar', value: token.text, text: token.text, origin: token.origin });
          break;
        case 'unquoted':
          parts.push(unquoted(token.text, token.origin));
          break;
        case 'substitution':
          parts.push({
            kind: 'substitution',
            path: token.path,
            optional: token.optional,
            origin: token.origin,
          });
          break;
        case 'punct':
          if (token.text === '{') parts.push(parseObject(path, token.origin));
          else if (token.text === '[') parts.push(parseArray(path, token.origin));
          else fail(`Unexpected "${token.text}" in a value.`, token.origin);
          break;
      }
    }
    while (parts.length > 0 && isSpace(parts[parts.length - 1]!)) parts.pop();
    if (parts.length === 0) fail('Expected a value.', origin);
    if (parts.length === 1) return parts[0]!;
    // Text concatenated with text is text: `true` or `10` inside it keeps its spelling.
    return { kind: 'concat', parts, origin };
  }

  function parseInclude(into: HoconObject, path: readonly string[], origin: Origin): void {
    let spec = '';
    while (
      peek().type !== 'newline' &&
      peek().type !== 'end' &&
      !isPunct(peek(), '}') &&
      !isPunct(peek(), ',')
    ) {
      const token = next();
      if (token.type === 'quoted') spec += JSON.stringify(token.text);
      else if (token.type === 'unquoted' || token.type === 'space') spec += token.text;
      else
        fail(
          'Expected an include: "file", file("…"), classpath("…") or required(…).',
          token.origin,
        );
    }
    const match = INCLUDE.exec(spec.trim());
    if (!match) fail(`Not an include: ${spec.trim()}.`, origin);
    const [, required, form, quotedName] = match!;
    const name = JSON.parse(`"${quotedName!}"`) as string;
    if (form === 'url') {
      throw new HoconError(
        'include',
        `include url(…) is not supported: copy ${name} beside the file.`,
        origin,
      );
    }
    if (depth >= MAX_INCLUDE_DEPTH) {
      throw new HoconError(
        'include',
        `Includes nest deeper than ${MAX_INCLUDE_DEPTH} (a cycle?).`,
        origin,
      );
    }
    const found = include(form === 'classpath' ? 'classpath' : 'file', name, file);
    if (found === undefined) {
      // HOCON: a missing include is silently ignored unless it is required(…).
      if (required)
        throw new HoconError('include', `The required include ${name} was not found.`, origin);
      return;
    }
    const included: HoconObject = { kind: 'object', fields: new Map(), origin };
    parseHocon(found.text, found.file, included, include, depth + 1);
    for (const [key, value] of included.fields) setField(into, key, value, [...path, key]);
  }

  skip(['newline', 'space']);
  if (isPunct(peek(), '{')) {
    const open = next();
    parseObjectBody(root, [], '}');
    skip(['newline', 'space']);
    if (peek().type !== 'end') fail('Text after the closing "}" of the root object.', open.origin);
  } else if (isPunct(peek(), '[')) {
    fail('The root of a configuration must be an object, not an array.');
  } else {
    parseObjectBody(root, [], 'end');
  }
}

function unquoted(text: string, origin: Origin): HoconScalar {
  if (text === 'true') return { kind: 'scalar', value: true, text, origin };
  if (text === 'false') return { kind: 'scalar', value: false, text, origin };
  if (text === 'null') return { kind: 'scalar', value: null, text, origin };
  if (NUMBER.test(text)) return { kind: 'scalar', value: Number(text), text, origin };
  return { kind: 'scalar', value: text, text, origin };
}

function isSpace(node: Node): boolean {
  return node.kind === 'scalar' && node.space === true;
}

function describe(token: Token): string {
  switch (token.type) {
    case 'end':
      return 'the end of the file';
    case 'newline':
      return 'the end of the line';
    case 'substitution':
      return 'a substitution';
    case 'space':
      return 'a space';
    default:
      return `"${token.text}"`;
  }
}

export { isResolved };
