import { decodeFormComponent } from './percent';

/**
 * A parsed query string: each key with its values in order. A plain object (V8 keeps objects made
 * by repeating key sequences fast, where prototype-less ones become hash tables); read it with
 * {@link queryValues}, which ignores inherited properties.
 */
export type QueryMap = Record<string, string[]>;

/** The values of a key, or undefined; inherited properties (`toString`) are not keys. */
export function queryValues(map: QueryMap, key: string): string[] | undefined {
  return Object.hasOwn(map, key) ? map[key] : undefined;
}

function add(map: QueryMap, key: string, value: string): void {
  const existing = queryValues(map, key);
  if (existing !== undefined) existing.push(value);
  else if (key === '__proto__') {
    // An assignment would set the prototype instead of adding the key.
    Object.defineProperty(map, key, {
      value: [value],
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else map[key] = [value];
}

/**
 * Parses a raw query string like Divolte's QueryStringParser: split on `&`, then on the first `=`,
 * form-decode both sides; a key without `=` gets `""`, an empty key is kept as `""`.
 */
export function parseQueryString(query: string): QueryMap {
  const map: QueryMap = {};
  const length = query.length;
  let start = 0;
  while (start < length) {
    let end = query.indexOf('&', start);
    if (end === -1) end = length;
    if (end === start) {
      // An empty piece between two `&` is an empty key with an empty value.
      add(map, '', '');
    } else {
      const equals = query.indexOf('=', start);
      if (equals === -1 || equals > end) {
        add(map, decodeFormComponent(query.slice(start, end)), '');
      } else {
        add(
          map,
          decodeFormComponent(query.slice(start, equals)),
          decodeFormComponent(query.slice(equals + 1, end)),
        );
      }
    }
    start = end + 1;
  }
  return map;
}
