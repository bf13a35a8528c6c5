/**
 * Base-36 numbers as divolte.js writes them (`Number.prototype.toString(36)`) and as Divolte reads
 * them (Java's `Long.parseLong(s, 36)` / `Integer.parseInt(s, 36)`: an optional sign, then digits
 * and letters of either case, nothing else).
 */
export function formatBase36(value: number): string {
  return value.toString(36);
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

function digitValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48; // 0-9
  if (code >= 97 && code <= 122) return code - 87; // a-z
  if (code >= 65 && code <= 90) return code - 55; // A-Z
  return -1;
}

/**
 * Parses a base-36 integer with Java's rules for a 32-bit (`int`) or 64-bit (`long`) target.
 * Returns `undefined` where Java throws. A `long` beyond JavaScript's safe integers is also
 * `undefined`, since it cannot be held exactly.
 */
export function parseBase36Integer(
  text: string,
  width: 'int' | 'long' = 'long',
): number | undefined {
  let i = 0;
  let negative = false;
  const first = text.charCodeAt(0);
  if (first === 45 || first === 43) {
    negative = first === 45;
    i = 1;
  }
  if (i >= text.length) return undefined;
  const digits = text.length - i;
  if (digits > 10) return parseBigBase36(text, i, negative, width);
  let value = 0;
  for (; i < text.length; i++) {
    const d = digitValue(text.charCodeAt(i));
    if (d < 0) return undefined;
    value = value * 36 + d;
  }
  if (negative) value = -value;
  if (width === 'int' && (value < INT32_MIN || value > INT32_MAX)) return undefined;
  return value === 0 ? 0 : value;
}

/**
 * {@link parseBase36Integer} of the ASCII text in `bytes[from..to)`, without making a string: the
 * same number or `undefined`, or `NaN` when there are more than ten digits (which may overflow; the
 * caller then parses the text as a string).
 */
export function parseBase36Bytes(
  bytes: Uint8Array,
  from: number,
  to: number,
  width: 'int' | 'long',
): number | undefined {
  let i = from;
  let negative = false;
  const first = i < to ? bytes[i]! : 0;
  if (first === 45 || first === 43) {
    negative = first === 45;
    i++;
  }
  if (i >= to) return undefined;
  if (to - i > 10) return NaN;
  let value = 0;
  for (; i < to; i++) {
    const d = digitValue(bytes[i]!);
    if (d < 0) return undefined;
    value = value * 36 + d;
  }
  if (negative) value = -value;
  if (width === 'int' && (value < INT32_MIN || value > INT32_MAX)) return undefined;
  return value === 0 ? 0 : value;
}

function parseBigBase36(
  text: string,
  start: number,
  negative: boolean,
  width: 'int' | 'long',
): number | undefined {
  if (width === 'int') {
    // More than ten base-36 digits only fit an int when they are leading zeros.
    let i = start;
    while (i < text.length - 1 && text.charCodeAt(i) === 48) i++;
    if (text.length - i > 10) return undefined;
    return parseBase36Integer((negative ? '-' : '') + text.slice(i), width);
  }
  let value = 0n;
  for (let i = start; i < text.length; i++) {
    const d = digitValue(text.charCodeAt(i));
    if (d < 0) return undefined;
    value = value * 36n + BigInt(d);
  }
  if (negative) value = -value;
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    return undefined;
  }
  return Number(value);
}

/**
 * Parses a base-36 number that may have a fraction (`"1.i"` is 1.5), as `toString(36)` writes a
 * fractional device pixel ratio. The result is the double whose `toString(36)` gave the text when
 * there is one, so ratios survive the round trip exactly. Returns `undefined` for anything else.
 */
export function parseBase36Number(text: string): number | undefined {
  const dot = text.indexOf('.');
  if (dot < 0) return parseBase36Integer(text, 'long');
  const whole = text.slice(0, dot);
  const fraction = text.slice(dot + 1);
  if (fraction.length === 0) return undefined;
  const negative = whole.startsWith('-');
  const integerPart =
    whole === '' || whole === '-' || whole === '+' ? 0 : parseBase36Integer(whole, 'long');
  if (integerPart === undefined) return undefined;
  let value = 0;
  let scale = 1;
  for (let i = 0; i < fraction.length; i++) {
    const d = digitValue(fraction.charCodeAt(i));
    if (d < 0) return undefined;
    scale /= 36;
    value += d * scale;
  }
  const magnitude = Math.abs(integerPart) + value;
  const result = negative ? -magnitude : magnitude;
  return nearestRoundTrip(result, text);
}

// Summing digit by digit can land an ulp or two away from the double that was formatted; step to
// the neighbour whose own base-36 form is the text, if there is one.
function nearestRoundTrip(approximate: number, text: string): number {
  const wanted = text.toLowerCase();
  if (approximate.toString(36) === wanted) return approximate;
  let down = approximate;
  let up = approximate;
  for (let step = 0; step < 4; step++) {
    down = nextDouble(down, -1);
    up = nextDouble(up, 1);
    if (down.toString(36) === wanted) return down;
    if (up.toString(36) === wanted) return up;
  }
  return approximate;
}

function nextDouble(value: number, direction: 1 | -1): number {
  if (value === 0) return direction * Number.MIN_VALUE;
  const scratch = new DataView(new ArrayBuffer(8));
  scratch.setFloat64(0, value);
  const bits = scratch.getBigUint64(0);
  const away = value > 0 === direction > 0;
  scratch.setBigUint64(0, away ? bits + 1n : bits - 1n);
  return scratch.getFloat64(0);
}
