import { decodeFormComponent } from './percent';

/** A parsed query string: each key with its values in order. Has no prototype. */
export type QueryMap = Record<string, string[]>;

function add(map: QueryMap, key: string, value: string): void {
  const existing = map[key];
  if (existing === undefined) map[key] = [value];
  else existing.push(value);
}

/**
 * Parses a raw query string like Divolte's QueryStringParser: split on `&`, then on the first `=`,
 * form-decode both sides; a key without `=` gets `""`, an empty key is kept as `""`.
 */
export function parseQueryString(query: string): QueryMap {
  const map = Object.create(null) as QueryMap;
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
