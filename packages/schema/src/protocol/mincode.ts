import { parseBase36Integer } from './base36';
import type { JsonValue } from './json';
import { failure, type Result } from './result';
import { SchemaError } from './schema-error';

/*
 * Mincode: divolte.js's compact, URL-friendly serialisation of custom event parameters. A value is
 * a record: a type character, then (inside an object) the property name ended by `!`, then an
 * optional payload. `s` string, `d` base-36 integer, `j` JSON number (payloads end with `!`);
 * `t` `f` `n` true, false, null; `(` … `)` object; `a` … `.` array; `o` empty object. Inside
 * names and strings `!` and `~` are escaped with `~`.
 */

const ESCAPE = /[~!]/g;

function escape(text: string): string {
  return text.replace(ESCAPE, '~$&');
}

// `n` comes out of JSON.parse(JSON.stringify(…)), so it is finite.
function encodeNumber(n: number): string {
  const plain = String(n);
  const exponential = n.toExponential();
  const json = exponential.length < plain.length ? exponential : plain;
  const base36 = n.toString(36);
  // divolte.js prefers `d` at equal length: the server parses it faster. Beyond 2^53
  // `toString(36)` is not exact in every engine, so large integers use the JSON form (divolte.js
  // sends `d` there and can change the number).
  return Number.isSafeInteger(n) && base36.length <= json.length
    ? 'd' + base36 + '!'
    : 'j' + json + '!';
}

// A reviver for JSON.parse, which calls it bottom-up: the members of an array or object it sees are
// already records, so each value becomes its record (without its property name).
function encodeValue(
  this: unknown,
  _key: string,
  value: string | number | boolean | null | string[] | Record<string, string>,
): string {
  return typeof value == 'string'
    ? 's' + escape(value) + '!'
    : typeof value == 'number'
      ? encodeNumber(value)
      : typeof value == 'boolean'
        ? value
          ? 't'
          : 'f'
        : value === null
          ? 'n'
          : Array.isArray(value)
            ? 'a' + value.join('') + '.'
            : '(' +
              Object.keys(value)
                .map((key) => value[key]![0]! + escape(key) + '!' + value[key]!.slice(1))
                .join('') +
              ')';
}

/**
 * Encodes a value as mincode, with the same meaning `JSON.stringify` gives it (`toJSON`, boxed
 * primitives, non-finite numbers as null, undefined dropped in objects and null in arrays).
 * Returns `undefined` where `JSON.stringify` does (undefined, a function or a symbol at the top).
 * @throws {SchemaError} `unencodable_value` for a BigInt or a circular structure, as JSON does.
 * @example encodeMincode({ name: 'John Doe', age: 42 }) // '(sname!John Doe!dage!16!)'
 */
export function encodeMincode(value: unknown): string | undefined {
  let json: string | undefined;
  try {
    // JSON.stringify resolves toJSON, boxed primitives and dropped values, and finds cycles; its
    // output parses back to the same plain value, number for number.
    json = (JSON.stringify as (value: unknown) => string | undefined)(value);
  } catch (cause) {
    throw new SchemaError('unencodable_value', 'No JSON form: ' + String(cause), { cause });
  }
  return json === undefined ? undefined : (JSON.parse(json, encodeValue) as string);
}

const JSON_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

type Container =
  | { readonly kind: 'array'; readonly value: JsonValue[] }
  | {
      readonly kind: 'object';
      readonly value: Record<string, JsonValue>;
    };

function setProperty(target: Record<string, JsonValue>, key: string, value: JsonValue): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    target[key] = value;
  }
}

// The input and read position of the decode in progress, module-level so that decoding makes no
// closures: decodeMincode runs no foreign code, so calls cannot interleave.
let source = '';
let position = 0;

/** Reads up to the next unescaped `!` and unescapes; `undefined` when the input ends first. */
function readString(): string | undefined {
  const text = source;
  let out = '';
  let start = position;
  for (;;) {
    if (position >= text.length) return undefined;
    const c = text.charCodeAt(position);
    if (c === 33) {
      out += text.slice(start, position);
      position++;
      return out;
    }
    if (c === 126) {
      out += text.slice(start, position);
      position++;
      if (position >= text.length) return undefined;
      start = position;
    }
    position++;
  }
}

function fail(message: string): Result<JsonValue> {
  return failure('invalid_mincode', `${message} (at offset ${position}).`, [position]);
}

/**
 * Decodes mincode into the JSON value it stands for. Never throws: bad input gives issues with the
 * offset of the problem. Nesting depth is not limited by the call stack.
 */
export function decodeMincode(text: string): Result<JsonValue> {
  if (typeof text !== 'string') return failure('invalid_mincode', 'Mincode must be a string.');
  source = text;
  position = 0;
  try {
    return decodeSource();
  } finally {
    source = '';
  }
}

function decodeSource(): Result<JsonValue> {
  const text = source;
  const stack: Container[] = [];
  let result: JsonValue | undefined;

  while (position < text.length || stack.length > 0) {
    if (position >= text.length) return fail('Unexpected end of input inside a container');
    if (result !== undefined) return fail('Unexpected input after the value');
    const type = text.charAt(position);
    const container = stack[stack.length - 1];
    position++;
    if (type === ')') {
      if (container?.kind !== 'object') return fail('End of object outside an object');
      stack.pop();
      if (stack.length === 0) result = container.value;
      continue;
    }
    let name: string | undefined;
    if (container?.kind === 'object') {
      name = readString();
      if (name === undefined) return fail('Unterminated property name');
    }
    let value: JsonValue;
    let opened: Container | undefined;
    switch (type) {
      case 's': {
        const s = readString();
        if (s === undefined) return fail('Unterminated string');
        value = s;
        break;
      }
      case 'd': {
        const digits = readString();
        const n = digits === undefined ? undefined : parseMincodeInteger(digits);
        if (n === undefined) return fail('Invalid base-36 integer');
        value = n;
        break;
      }
      case 'j': {
        const digits = readString();
        if (digits === undefined || !JSON_NUMBER.test(digits)) return fail('Invalid number');
        value = Number(digits);
        if (!Number.isFinite(value)) return fail('Number out of range');
        break;
      }
      case 't':
        value = true;
        break;
      case 'f':
        value = false;
        break;
      case 'n':
        value = null;
        break;
      case 'o':
        value = {};
        break;
      case '(':
        opened = { kind: 'object', value: {} };
        value = opened.value;
        break;
      case 'a':
        opened = { kind: 'array', value: [] };
        value = opened.value;
        break;
      case '.':
        if (container?.kind !== 'array' || name !== undefined) {
          return fail('End of array outside an array');
        }
        stack.pop();
        if (stack.length === 0) result = container.value;
        continue;
      default:
        return fail(`Unknown record type ${JSON.stringify(type)}`);
    }
    if (container === undefined) {
      if (opened === undefined) result = value;
    } else if (container.kind === 'array') {
      container.value.push(value);
    } else {
      setProperty(container.value, name!, value);
    }
    if (opened !== undefined) stack.push(opened);
  }
  if (result === undefined) return fail('Empty input');
  return { ok: true, value: result };
}

// A `d` payload is Java's `new BigInteger(s, 36)`: a sign and digits, any length.
function parseMincodeInteger(text: string): number | undefined {
  const small = parseBase36Integer(text, 'long');
  if (small !== undefined) return small;
  const negative = text.startsWith('-');
  const digits = text.startsWith('-') || text.startsWith('+') ? text.slice(1) : text;
  if (digits === '' || !/^[0-9a-z]+$/i.test(digits)) return undefined;
  let value = 0n;
  for (const ch of digits.toLowerCase()) value = value * 36n + BigInt(parseInt(ch, 36));
  const n = Number(negative ? -value : value);
  return Number.isFinite(n) ? n : undefined;
}
