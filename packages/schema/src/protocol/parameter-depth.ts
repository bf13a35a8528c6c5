/**
 * The deepest custom event parameters may nest: objects and arrays, counted from the top, so
 * `{}` or `[]` as the whole of the parameters is depth 1, `{"a":[1]}` is 2, and a scalar is 0.
 * Every decoder that takes parameters (`decodeMincode`, `decodeEventQuery`, each line of
 * `decodeEventBatch`, the JSON source) refuses deeper input with an issue of code `too_deep`, and
 * the whole event is invalid.
 *
 * Why 32: real event parameters nest a handful of levels; 32 leaves room for any sensible shape
 * while staying far below what the recursive code downstream (zod's JSON check, `JSON.stringify`,
 * JSON paths, the Avro coercion and avsc) handles on a default Node stack, so whatever the
 * collector accepts, the mapping can map (some 1,500 nested arrays overflowed zod's check inside a
 * request handler). Divolte sets no limit of its own: its parsers are Jackson's, which limits
 * nesting to 1,000 only since Jackson 2.15.
 */
export const MAX_PARAMETER_DEPTH = 32;

/** The sentence of a `too_deep` issue, without its full stop. */
export function tooDeepMessage(what: string): string {
  return `${what} nest deeper than ${MAX_PARAMETER_DEPTH} objects and arrays`;
}

/**
 * Whether the custom parameters (`u`) in a raw `/csc-event` query (or one batch line) could nest
 * deeper than {@link MAX_PARAMETER_DEPTH}, without decoding it: an upper bound for a quick check.
 * `false` means `decodeEventQuery` cannot report `too_deep` for this query; `true` means it might
 * (decode to know). It counts, in the value of every pair whose key is `u` or escaped, the records
 * that can open a container on the way down: `(` and `a`, raw or as `%28` and `%61`, plus one for
 * an empty object `o` (`%6F`), which can only end a path.
 * @example if (mayExceedParameterDepth(query)) decodeBeforeAnswering(query);
 */
export function mayExceedParameterDepth(query: string): boolean {
  const length = query.length;
  let start = length > 0 && query.charCodeAt(0) === 63 /* ? */ ? 1 : 0;
  // The next `=` and `%` at or after `start`, moved on only when passed, so the scan stays linear.
  let equalsSign = -1;
  let percent = -1;
  while (start < length) {
    let end = query.indexOf('&', start);
    if (end < 0) end = length;
    if (equalsSign < start) {
      equalsSign = query.indexOf('=', start);
      if (equalsSign < 0) equalsSign = length;
    }
    if (percent < start) {
      percent = query.indexOf('%', start);
      if (percent < 0) percent = length;
    }
    const keyEnd = equalsSign < end ? equalsSign : end;
    // A key the decoders could read as `u`: `u` itself, or any key with an escape in it.
    if (
      keyEnd < end &&
      ((keyEnd === start + 1 && query.charCodeAt(start) === 117) /* u */ || percent < keyEnd) &&
      openers(query, keyEnd + 1, end) > MAX_PARAMETER_DEPTH
    ) {
      return true;
    }
    start = end + 1;
  }
  return false;
}

/** The records in `query[from..to)` that could open a container, raw or escaped (see above). */
function openers(query: string, from: number, to: number): number {
  let count = 0;
  let empty = 0;
  for (let at = from; at < to; at++) {
    const c = query.charCodeAt(at);
    if (c === 40 /* ( */ || c === 97 /* a */) {
      count++;
    } else if (c === 111 /* o */) {
      empty = 1;
    } else if (c === 37 /* % */ && at + 2 < to) {
      const high = query.charCodeAt(at + 1);
      const low = query.charCodeAt(at + 2) | 32;
      if ((high === 50 /* 2 */ && low === 56) /* 8 */ || (high === 54 /* 6 */ && low === 49)) {
        count++;
      } else if (high === 54 && low === 102 /* f */) {
        empty = 1;
      }
    }
  }
  return count + empty;
}

/**
 * Where a JSON value nests deeper than {@link MAX_PARAMETER_DEPTH}: the path (object keys, array
 * indexes) to the first container beyond the limit, or `undefined` when it does not. Iterative,
 * and it stops at the limit, so neither depth nor a cycle can exhaust the stack.
 */
export function findTooDeep(value: unknown): (string | number)[] | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  // The containers on the way down, their keys (undefined for an array) and the next member.
  const containers: object[] = [value];
  const keys: (string[] | undefined)[] = [Array.isArray(value) ? undefined : Object.keys(value)];
  const next: number[] = [0];
  for (let top = 0; top >= 0;) {
    const names = keys[top];
    const container = containers[top] as Record<string, unknown> & unknown[];
    const index = next[top]!;
    if (index >= (names === undefined ? container.length : names.length)) {
      top--;
      continue;
    }
    next[top] = index + 1;
    const member = names === undefined ? container[index] : container[names[index]!];
    if (typeof member !== 'object' || member === null) continue;
    if (top + 1 === MAX_PARAMETER_DEPTH) {
      const path: (string | number)[] = [];
      for (let level = 0; level <= top; level++) {
        const at = next[level]! - 1;
        const levelNames = keys[level];
        path.push(levelNames === undefined ? at : levelNames[at]!);
      }
      return path;
    }
    top++;
    containers[top] = member;
    keys[top] = Array.isArray(member) ? undefined : Object.keys(member);
    next[top] = 0;
  }
  return undefined;
}
