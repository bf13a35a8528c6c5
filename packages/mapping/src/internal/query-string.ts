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
  let name: string | undefined;
  for (let i = 0; i < length; i++) {
    const code = query.charCodeAt(i);
    if (code === 61 /* = */ && name === undefined) {
      name = query.slice(start, i);
      start = i + 1;
    } else if (code === 38 /* & */) {
      if (name !== undefined) add(map, decodeFormComponent(name), decodeFormComponent(query.slice(start, i)));
      else add(map, decodeFormComponent(query.slice(start, i)), '');
      start = i + 1;
      name = undefined;
    }
  }
  if (name !== undefined) add(map, decodeFormComponent(name), decodeFormComponent(query.slice(start)));
  else if (start !== length) add(map, decodeFormComponent(query.slice(start)), '');
  return map;
}
