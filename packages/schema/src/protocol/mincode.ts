import { parseBase36Integer } from './base36';
import type { JsonValue } from './json';
import { MAX_PARAMETER_DEPTH, tooDeepMessage } from './parameter-depth';
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

// Module-level so that decoding makes no closures and no garbage (decodeMincode runs no foreign
// code, so calls cannot interleave): the open containers around the innermost one (arrays and
// plain objects, told apart by Array.isArray), the next `~` at or after the read position, where
// the last string read ended, and why and where the last decode failed.
const open: (JsonValue[] | Record<string, JsonValue>)[] = [];
let nextTilde = 0;
let readEnd = 0;
let problem = '';
let problemAt = 0;
let problemTooDeep = false;

/**
 * Reads from `from` up to the next unescaped `!` and unescapes; `undefined` when the input ends
 * first. `readEnd` is then where reading stopped: after the `!`, or the end of the input.
 */
function readString(text: string, from: number): string | undefined {
  if (nextTilde < from) {
    nextTilde = text.indexOf('~', from);
    if (nextTilde < 0) nextTilde = text.length;
  }
  const bang = text.indexOf('!', from);
  if (bang >= 0 && bang < nextTilde) {
    readEnd = bang + 1;
    return text.slice(from, bang);
  }
  return readEscaped(text, from);
}

// Short property names seen lately, as the internalized strings property keys are, so that
// storing a property does not look a fresh copy up in V8's string table each time.
const recentNames: string[] = [];

/** {@link readString} for a property name. */
function readName(text: string, from: number): string | undefined {
  if (nextTilde < from) {
    nextTilde = text.indexOf('~', from);
    if (nextTilde < 0) nextTilde = text.length;
  }
  const bang = text.indexOf('!', from);
  if (bang < 0 || bang > nextTilde) return readEscaped(text, from);
  readEnd = bang + 1;
  const length = bang - from;
  if (length === 0 || length > 12) return text.slice(from, bang);
  const slot = (length * 31 + text.charCodeAt(from)) & 63;
  const recent = recentNames[slot];
  if (recent !== undefined && recent.length === length && text.startsWith(recent, from)) {
    return recent;
  }
  const name = text.slice(from, bang);
  for (const key in { [name]: 0 }) return (recentNames[slot] = key);
  return name;
}

function readEscaped(text: string, from: number): string | undefined {
  let out = '';
  let start = from;
  let at = from;
  for (;;) {
    if (at >= text.length) break;
    const c = text.charCodeAt(at);
    if (c === 33) {
      readEnd = at + 1;
      return out + text.slice(start, at);
    }
    if (c === 126) {
      out += text.slice(start, at);
      at++;
      if (at >= text.length) break;
      start = at;
    }
    at++;
  }
  readEnd = text.length;
  return undefined;
}

function fail(message: string, at: number): JsonValue | undefined {
  problem = message;
  problemAt = at;
  problemTooDeep = false;
  open.length = 0;
  return undefined;
}

function failTooDeep(at: number): JsonValue | undefined {
  fail(tooDeepMessage('Parameters'), at);
  problemTooDeep = true;
  return undefined;
}

/**
 * Decodes mincode into the JSON value it stands for. Never throws: bad input gives an issue with
 * the offset of the problem, code `invalid_mincode`, or `too_deep` where a container would nest
 * deeper than {@link MAX_PARAMETER_DEPTH} (checked as containers open; the problem found first
 * decides).
 */
export function decodeMincode(text: string): Result<JsonValue> {
  if (typeof text !== 'string') return failure('invalid_mincode', 'Mincode must be a string.');
  const value = decodeMincodeValue(text);
  return value === undefined
    ? failure(
        problemTooDeep ? 'too_deep' : 'invalid_mincode',
        `${problem} (at offset ${problemAt}).`,
        [problemAt],
      )
    : { ok: true, value };
}

/**
 * Whether the last {@link decodeMincodeValue} that returned `undefined` failed because the value
 * nests deeper than {@link MAX_PARAMETER_DEPTH}; {@link mincodeProblemAt} says where.
 */
export function mincodeFailedTooDeep(): boolean {
  return problemTooDeep;
}

/** The offset of the problem of the last failed {@link decodeMincodeValue}. */
export function mincodeProblemAt(): number {
  return problemAt;
}

/**
 * {@link decodeMincode} without the result object, for hot paths: the value, or `undefined` when
 * the text is not mincode or nests too deep.
 */
export function decodeMincodeValue(text: string): JsonValue | undefined {
  const length = text.length;
  let position = 0;
  let result: JsonValue | undefined;
  // The innermost open container (`open` holds the ones around it) and whether it is an array.
  let container: JsonValue[] | Record<string, JsonValue> | undefined;
  let inArray = false;
  // How many containers are open: the innermost one and those in `open`.
  let depth = 0;
  nextTilde = -1;

  while (position < length || container !== undefined) {
    if (position >= length) return fail('Unexpected end of input inside a container', position);
    if (result !== undefined) return fail('Unexpected input after the value', position);
    const type = text.charCodeAt(position);
    position++;
    if (type === 41 /* ) */) {
      if (container === undefined || inArray) {
        return fail('End of object outside an object', position);
      }
      const closed = container;
      container = open.pop();
      inArray = container !== undefined && Array.isArray(container);
      depth--;
      if (container === undefined) result = closed;
      continue;
    }
    let name: string | undefined;
    if (container !== undefined && !inArray) {
      name = readName(text, position);
      position = readEnd;
      if (name === undefined) return fail('Unterminated property name', position);
    }
    let value: JsonValue;
    let opened = false;
    switch (type) {
      case 115 /* s */: {
        const s = readString(text, position);
        position = readEnd;
        if (s === undefined) return fail('Unterminated string', position);
        value = s;
        break;
      }
      case 100 /* d */: {
        const digits = readString(text, position);
        position = readEnd;
        const n = digits === undefined ? undefined : parseMincodeInteger(digits);
        if (n === undefined) return fail('Invalid base-36 integer', position);
        value = n;
        break;
      }
      case 106 /* j */: {
        const digits = readString(text, position);
        position = readEnd;
        const n = digits === undefined ? undefined : parseJsonNumber(digits);
        if (n === undefined) return fail('Invalid number', position);
        if (!Number.isFinite(n)) return fail('Number out of range', position);
        value = n;
        break;
      }
      case 116 /* t */:
        value = true;
        break;
      case 102 /* f */:
        value = false;
        break;
      case 110 /* n */:
        value = null;
        break;
      // An empty object is a container too; checking depth where containers open costs one
      // comparison per container and no second pass.
      case 111 /* o */:
        if (depth === MAX_PARAMETER_DEPTH) return failTooDeep(position);
        value = {};
        break;
      case 40 /* ( */:
        if (depth === MAX_PARAMETER_DEPTH) return failTooDeep(position);
        value = {};
        opened = true;
        break;
      case 97 /* a */:
        if (depth === MAX_PARAMETER_DEPTH) return failTooDeep(position);
        value = [];
        opened = true;
        break;
      case 46 /* . */: {
        if (!inArray) return fail('End of array outside an array', position);
        const closed = container!;
        container = open.pop();
        inArray = container !== undefined && Array.isArray(container);
        depth--;
        if (container === undefined) result = closed;
        continue;
      }
      default:
        return fail(`Unknown record type ${JSON.stringify(String.fromCharCode(type))}`, position);
    }
    if (container === undefined) {
      if (!opened) result = value;
    } else if (inArray) {
      (container as JsonValue[]).push(value);
    } else {
      setProperty(container as Record<string, JsonValue>, name!, value);
    }
    if (opened) {
      if (container !== undefined) open.push(container);
      container = value as JsonValue[] | Record<string, JsonValue>;
      inArray = type === 97;
      depth++;
    }
  }
  if (result === undefined) return fail('Empty input', position);
  return result;
}

// Powers of ten that doubles hold exactly.
const EXACT_POWERS_OF_TEN = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
  1e18, 1e19, 1e20, 1e21, 1e22,
];

/**
 * A `j` payload: `Number(text)` when the text is a JSON-like number
 * (`/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/`), else `undefined`. A
 * plain decimal of up to fifteen digits is one exact integer divided by an exact power of ten,
 * which IEEE division rounds as `Number` does.
 */
function parseJsonNumber(text: string): number | undefined {
  const length = text.length;
  let i = 0;
  let c = text.charCodeAt(0);
  const negative = c === 45;
  if (negative || c === 43) i++;
  let mantissa = 0;
  let digits = 0;
  let fraction = 0;
  while (i < length && (c = text.charCodeAt(i)) >= 48 && c <= 57) {
    mantissa = mantissa * 10 + (c - 48);
    digits++;
    i++;
  }
  if (i < length && text.charCodeAt(i) === 46) {
    i++;
    while (i < length && (c = text.charCodeAt(i)) >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48);
      fraction++;
      i++;
    }
  }
  if (digits + fraction === 0) return undefined;
  if (i === length) {
    if (digits + fraction > 15) return Number(text);
    const magnitude = mantissa / EXACT_POWERS_OF_TEN[fraction]!;
    return negative ? -magnitude : magnitude;
  }
  c = text.charCodeAt(i);
  if (c !== 101 && c !== 69) return undefined;
  i++;
  if (i < length && ((c = text.charCodeAt(i)) === 43 || c === 45)) i++;
  const exponent = i;
  while (i < length && (c = text.charCodeAt(i)) >= 48 && c <= 57) i++;
  return i === exponent || i !== length ? undefined : Number(text);
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
