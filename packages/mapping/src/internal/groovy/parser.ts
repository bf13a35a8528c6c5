// A recursive-descent parser for the subset of Groovy that Divolte's mapping DSL is written in:
// statements (`def x = …` and expressions), method calls with and without parentheses (Groovy's
// command chains: `map x onto 'f'` is `map(x).onto('f')`), property access, closures without
// parameters, and literals. Everything else Groovy has is refused here, with its position.
import type { NumberType, StringPart, Token } from './lexer';
import { quote, refuse, type Position, type ScriptSource } from './source';

export type Expression =
  | (Position & { readonly kind: 'name'; readonly name: string })
  | (Position & { readonly kind: 'string'; readonly value: string })
  | (Position & {
      readonly kind: 'number';
      readonly value: number;
      readonly type: NumberType;
      readonly text: string;
    })
  | (Position & { readonly kind: 'boolean'; readonly value: boolean })
  | (Position & { readonly kind: 'null' })
  | (Position & {
      readonly kind: 'call';
      /** The receiver; undefined for a call of a DSL function (`location()`, `map x`). */
      readonly target: Expression | undefined;
      readonly name: string;
      readonly args: readonly Expression[];
    })
  | (Position & { readonly kind: 'property'; readonly target: Expression; readonly name: string })
  | (Position & {
      readonly kind: 'closure';
      readonly body: readonly Statement[];
      /** Declared parameters (`{ a -> … }`); undefined for a closure with the implicit `it`. */
      readonly params?: readonly (Position & { readonly name: string })[];
    })
  /** A GString: text and names, put together when the mapping is built. */
  | (Position & { readonly kind: 'gstring'; readonly parts: readonly StringPart[] })
  /** A list literal, `['a', 'b']`: only `.each { … }` takes one. */
  | (Position & { readonly kind: 'list'; readonly items: readonly Expression[] });

export type Statement =
  | (Position & { readonly kind: 'def'; readonly name: string; readonly value: Expression })
  | (Position & { readonly kind: 'expression'; readonly expression: Expression });

// Groovy's reserved words: finding one means the script is Groovy, not the mapping DSL.
const KEYWORDS = new Set([
  'abstract',
  'as',
  'assert',
  'boolean',
  'break',
  'byte',
  'case',
  'catch',
  'char',
  'class',
  'const',
  'continue',
  'default',
  'do',
  'double',
  'else',
  'enum',
  'extends',
  'final',
  'finally',
  'float',
  'for',
  'goto',
  'if',
  'implements',
  'import',
  'in',
  'instanceof',
  'int',
  'interface',
  'long',
  'native',
  'new',
  'non-sealed',
  'package',
  'permits',
  'private',
  'protected',
  'public',
  'record',
  'return',
  'sealed',
  'short',
  'static',
  'strictfp',
  'super',
  'switch',
  'synchronized',
  'this',
  'threadsafe',
  'throw',
  'throws',
  'trait',
  'transient',
  'try',
  'var',
  'void',
  'volatile',
  'while',
  'yield',
]);

// Deeper nesting than this is no mapping anyone writes; refusing it keeps the parser's recursion
// far from the JavaScript stack limit on hostile input.
const MAX_DEPTH = 64;

function describe(token: Token): string {
  switch (token.kind) {
    case 'end':
      return 'the end of the script';
    case 'newline':
      return 'the end of the line';
    case 'string':
      return `the string ${quote(token.text)}`;
    case 'number':
      return `the number ${token.text}`;
    case 'name':
      return KEYWORDS.has(token.text) ? `the Groovy keyword '${token.text}'` : `'${token.text}'`;
    default:
      return `'${token.text}'`;
  }
}

/** Parses the tokens of a script into its statements. @throws {MappingError} `invalid_script`. */
export function parse(source: ScriptSource, tokens: readonly Token[]): Statement[] {
  let p = 0;
  let depth = 0;
  const peek = (offset = 0): Token => tokens[Math.min(p + offset, tokens.length - 1)]!;
  const next = (): Token => tokens[Math.min(p++, tokens.length - 1)]!;
  const is = (token: Token, text: string): boolean =>
    (token.kind === 'punctuation' || token.kind === 'operator') && token.text === text;
  const fail = (expected: string, token: Token = peek()): never => {
    throw refuse(source, token, expected, describe(token));
  };
  const expect = (text: string, expected: string): Token => {
    const token = peek();
    if (!is(token, text)) fail(expected, token);
    return next();
  };
  const enter = (token: Token): void => {
    if (++depth > MAX_DEPTH) fail(`at most ${MAX_DEPTH} levels of nesting`, token);
  };
  const skipNewlines = (): void => {
    while (peek().kind === 'newline') p++;
  };
  const isSeparator = (token: Token): boolean => token.kind === 'newline' || is(token, ';');

  // A name that may be used as a name: not a Groovy keyword.
  const name = (expected: string): Token & { kind: 'name' } => {
    const token = peek();
    if (token.kind !== 'name' || KEYWORDS.has(token.text) || token.text === 'def')
      fail(expected, token);
    return next() as Token & { kind: 'name' };
  };

  // Whether a token can start a command argument (`map x`, `onto 'f'`, `when c`).
  const startsArgument = (token: Token): boolean =>
    token.kind === 'string' ||
    token.kind === 'number' ||
    (token.kind === 'name' && token.text !== 'def') ||
    is(token, '{') ||
    is(token, '-') ||
    is(token, '[') ||
    is(token, '!');

  const closure = (): Expression => {
    const open = expect('{', "'{'");
    enter(open);
    skipNewlines();
    // Parameters, `{ a -> … }` or `{ -> … }`: only the closure of `.each` may use them.
    let params: (Position & { name: string })[] | undefined;
    let ahead = 0;
    while (peek(ahead).kind === 'name' && (is(peek(ahead + 1), ',') || is(peek(ahead + 1), '->'))) {
      ahead += is(peek(ahead + 1), ',') ? 2 : 1;
      if (is(peek(ahead), '->')) break;
    }
    if (is(peek(ahead), '->')) {
      params = [];
      while (!is(peek(), '->')) {
        const param = name('a parameter name');
        params.push({ name: param.text, line: param.line, column: param.column });
        if (is(peek(), ',')) next();
      }
      next();
    }
    const body = statements('}');
    expect('}', "'}' to close the closure");
    depth--;
    return params === undefined
      ? { kind: 'closure', body, line: open.line, column: open.column }
      : { kind: 'closure', body, params, line: open.line, column: open.column };
  };

  // Arguments in parentheses, then any closures that follow on the same line: `f(a, b) { … }`.
  const callArguments = (): Expression[] => {
    const open = expect('(', "'('");
    enter(open);
    const args: Expression[] = [];
    skipNewlines();
    if (!is(peek(), ')')) {
      for (;;) {
        skipNewlines();
        args.push(operand());
        skipNewlines();
        if (is(peek(), ',')) {
          next();
          continue;
        }
        break;
      }
    }
    expect(')', args.length === 0 ? "an argument or ')'" : "',' or ')'");
    depth--;
    while (is(peek(), '{')) args.push(closure());
    return args;
  };

  const primary = (): Expression => {
    const token = peek();
    if (token.kind === 'string') {
      next();
      if (token.parts !== undefined) {
        return { kind: 'gstring', parts: token.parts, line: token.line, column: token.column };
      }
      return { kind: 'string', value: token.value, line: token.line, column: token.column };
    }
    if (token.kind === 'number') {
      next();
      return {
        kind: 'number',
        value: token.value,
        type: token.type,
        text: token.text,
        line: token.line,
        column: token.column,
      };
    }
    if (is(token, '-')) {
      next();
      const number = peek();
      if (number.kind !== 'number') fail('a number after the minus sign', number);
      next();
      const n = number as Token & { kind: 'number' };
      return {
        kind: 'number',
        value: -n.value,
        type: n.type,
        text: `-${n.text}`,
        line: token.line,
        column: token.column,
      };
    }
    if (is(token, '{')) return closure();
    if (is(token, '(')) {
      next();
      enter(token);
      skipNewlines();
      const inner = expression();
      skipNewlines();
      expect(')', "')'");
      depth--;
      return inner;
    }
    if (token.kind === 'name') {
      if (token.text === 'true' || token.text === 'false') {
        next();
        return {
          kind: 'boolean',
          value: token.text === 'true',
          line: token.line,
          column: token.column,
        };
      }
      if (token.text === 'null') {
        next();
        return { kind: 'null', line: token.line, column: token.column };
      }
      const id = name('a value, a DSL function or a local variable');
      if (is(peek(), '(')) {
        return {
          kind: 'call',
          target: undefined,
          name: id.text,
          args: callArguments(),
          line: id.line,
          column: id.column,
        };
      }
      if (is(peek(), '{')) {
        return {
          kind: 'call',
          target: undefined,
          name: id.text,
          args: [closure()],
          line: id.line,
          column: id.column,
        };
      }
      return { kind: 'name', name: id.text, line: id.line, column: id.column };
    }
    if (is(token, '[')) {
      next();
      enter(token);
      const items: Expression[] = [];
      skipNewlines();
      while (!is(peek(), ']')) {
        items.push(operand());
        skipNewlines();
        if (!is(peek(), ']')) {
          expect(',', "',' or ']' (the mapping DSL has list literals, no map literals)");
          skipNewlines();
        }
      }
      next();
      depth--;
      return { kind: 'list', items, line: token.line, column: token.column };
    }
    return fail('a value', token);
  };

  // A primary with `.member`, `.method(…)` and `.method { … }` after it; a line that starts with
  // `.` continues the expression of the line before, as in Groovy.
  const postfix = (): Expression => {
    let expression = primary();
    for (;;) {
      let ahead = 0;
      while (peek(ahead).kind === 'newline') ahead++;
      if (!is(peek(ahead), '.')) break;
      p += ahead;
      next();
      const member = name('a method name after the dot');
      enter(member);
      depth--;
      if (is(peek(), '(')) {
        expression = {
          kind: 'call',
          target: expression,
          name: member.text,
          args: callArguments(),
          line: member.line,
          column: member.column,
        };
      } else if (is(peek(), '{')) {
        expression = {
          kind: 'call',
          target: expression,
          name: member.text,
          args: [closure()],
          line: member.line,
          column: member.column,
        };
      } else {
        expression = {
          kind: 'property',
          target: expression,
          name: member.text,
          line: member.line,
          column: member.column,
        };
      }
    }
    return expression;
  };

  // An argument: a postfix expression; Groovy does not allow a command chain inside parentheses.
  const operand = (): Expression => {
    const start = peek();
    enter(start);
    const value = postfix();
    depth--;
    return value;
  };

  // A command argument list without parentheses: `map x`, `digest 'sha-256', 'seed'`.
  const commandArguments = (): Expression[] => {
    const args = [operand()];
    while (is(peek(), ',')) {
      next();
      skipNewlines();
      args.push(operand());
    }
    return args;
  };

  // Groovy's command chains: `a b c d e` is `a(b).c(d).e`, and `x.m() n o` is `x.m().n(o)`.
  const expression = (): Expression => {
    const start = peek();
    enter(start);
    let head = postfix();
    if ((head.kind === 'name' || head.kind === 'property') && startsArgument(peek())) {
      const target = head.kind === 'property' ? head.target : undefined;
      head = {
        kind: 'call',
        target,
        name: head.name,
        args: commandArguments(),
        line: head.line,
        column: head.column,
      };
    }
    if (head.kind === 'call') {
      while (peek().kind === 'name') {
        const method = name('a method name');
        if (is(peek(), '(')) {
          head = {
            kind: 'call',
            target: head,
            name: method.text,
            args: callArguments(),
            line: method.line,
            column: method.column,
          };
        } else if (startsArgument(peek())) {
          head = {
            kind: 'call',
            target: head,
            name: method.text,
            args: commandArguments(),
            line: method.line,
            column: method.column,
          };
        } else {
          head = {
            kind: 'property',
            target: head,
            name: method.text,
            line: method.line,
            column: method.column,
          };
        }
        // `x.m() n o` may go on with `.p()` after any link of the chain.
        while (is(peek(), '.')) {
          next();
          const member = name('a method name after the dot');
          head = is(peek(), '(')
            ? {
                kind: 'call',
                target: head,
                name: member.text,
                args: callArguments(),
                line: member.line,
                column: member.column,
              }
            : {
                kind: 'property',
                target: head,
                name: member.text,
                line: member.line,
                column: member.column,
              };
        }
      }
    }
    depth--;
    return head;
  };

  const statement = (): Statement => {
    const token = peek();
    if (token.kind === 'name' && token.text === 'def') {
      next();
      const variable = name('the name of the local variable after def');
      expect('=', `'=' after def ${variable.text} (a local must be given its value)`);
      skipNewlines();
      const value = expression();
      return { kind: 'def', name: variable.text, value, line: token.line, column: token.column };
    }
    if (token.kind === 'name' && KEYWORDS.has(token.text)) {
      fail(
        'a mapping statement (map, when, section, exit(), stop(), def); the mapping DSL is not Groovy',
        token,
      );
    }
    const value = expression();
    return { kind: 'expression', expression: value, line: token.line, column: token.column };
  };

  // Statements separated by new lines or semicolons, up to `close` ('}' or the end).
  const statements = (close: '}' | undefined): Statement[] => {
    const list: Statement[] = [];
    for (;;) {
      while (isSeparator(peek())) next();
      const token = peek();
      if (close === undefined ? token.kind === 'end' : is(token, close) || token.kind === 'end')
        break;
      list.push(statement());
      const after = peek();
      if (
        !isSeparator(after) &&
        !(close !== undefined && is(after, close)) &&
        after.kind !== 'end'
      ) {
        fail('the end of the statement (a new line or ;)', after);
      }
    }
    return list;
  };

  const script = statements(undefined);
  if (peek().kind !== 'end') fail('the end of the script');
  return script;
}
