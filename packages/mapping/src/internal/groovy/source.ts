import { MappingError, type ScriptPosition } from '../../mapping-error';

/** A 1-based line and column in the script text. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/** The script being read: its name for messages and its text. */
export interface ScriptSource {
  readonly fileName: string;
  readonly text: string;
}

/** Prefixes a message with `file:line:col: `, as compilers print it. */
export function located(source: ScriptSource, at: Position, message: string): string {
  return `${source.fileName}:${at.line}:${at.column}: ${message}`;
}

/** The position of an error, with the file name the caller chose. */
export function scriptPosition(source: ScriptSource, at: Position): ScriptPosition {
  return { line: at.line, column: at.column, fileName: source.fileName };
}

/** A refusal of text that is not the DSL: `file:line:col: expected …, found …`. */
export function refuse(
  source: ScriptSource,
  at: Position,
  expected: string,
  found: string,
): MappingError {
  return new MappingError(
    'invalid_script',
    located(source, at, `expected ${expected}, found ${found}`),
    {
      position: scriptPosition(source, at),
    },
  );
}

/** Quotes a piece of the script for a message, shortened and with control characters escaped. */
export function quote(text: string): string {
  const short = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  let escaped = '';
  for (const char of short) {
    const code = char.charCodeAt(0);
    escaped += code < 0x20 || code === 0x7f ? `\\u${code.toString(16).padStart(4, '0')}` : char;
  }
  return `'${escaped}'`;
}
