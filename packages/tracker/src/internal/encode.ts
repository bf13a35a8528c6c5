/*
 * The tag's own encoder of `/csc-event` queries: byte for byte what `encodeEventFields` from
 * `@tributary/schema/protocol` makes (encode.test.ts proves it on arbitrary events), written for
 * size rather than as a general-purpose library: no error class, no options, one pass.
 */
import type { EventQueryFields, RandomBytes } from '@tributary/schema/protocol';

/*
 * Mincode by a JSON.parse reviver, which sees values bottom-up: members are records already, so
 * each value becomes its record. JSON.stringify first gives the value JSON's meaning (toJSON,
 * dropped undefined, non-finite numbers as null); a BigInt or a cycle throws its TypeError.
 */
const reviver = (_key: string, value: unknown): string => {
  if (typeof value == 'string') return 's' + value.replace(/[~!]/g, '~$&') + '!';
  // The shortest of base 36 (safe integers only: beyond 2^53 `toString(36)` is not exact in every
  // engine), JSON (`String` of a number is its JSON) and exponent form; at equal length the earlier
  // one (the sort is stable), as divolte.js prefers `d`.
  /* eslint-disable @typescript-eslint/restrict-plus-operands -- 'j' + value: String(value), shorter */
  if (typeof value == 'number')
    return (
      [
        Number.isSafeInteger(value) ? 'd' + value.toString(36) : 'j' + value,
        'j' + value,
        'j' + value.toExponential(),
      ].sort((a, b) => a.length - b.length)[0]! + '!'
    );
  /* eslint-enable @typescript-eslint/restrict-plus-operands */
  // Left: arrays and objects, whose members are records now, and true, false and null.
  if (value !== Object(value)) return String(value)[0]!;
  if (Array.isArray(value)) return 'a' + value.join('') + '.';
  return (
    '(' +
    Object.entries(value as Record<string, string>)
      .map(([key, record]) => record[0]! + key.replace(/[~!]/g, '~$&') + '!' + record.slice(1))
      .join('') +
    ')'
  );
};

/** MurmurHash3 x86_32 (seed 0) of a string of bytes (char codes below 256), signed. */
const murmur3 = (data: string): number => {
  const scramble = (k: number): number =>
    Math.imul(((k = Math.imul(k, 0xcc9e2d51)) << 15) | (k >>> 17), 0x1b873593);
  let h = 0;
  let k = 0;
  let i = 0;
  while (i < data.length) {
    k |= data.charCodeAt(i) << ((i & 3) << 3);
    if (!(++i & 3)) {
      h ^= scramble(k);
      h = Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64;
      k = 0;
    }
  }
  h ^= scramble(k) ^ i;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
};

/**
 * Encodes an event's fields as a `/csc-event` query (no leading `?`): keys in divolte.js's order,
 * absent fields, an empty referrer and non-finite optional numbers left out, the checksum `x`
 * (MurmurHash3 of the sorted `key=value,;` entries' UTF-8) last.
 * @throws {TypeError} when the parameters hold a BigInt or a cycle, as `JSON.stringify` does.
 */
export const encodeEvent = (fields: EventQueryFields): string => {
  let query = '';
  let json: string | undefined;
  fields.forEach((field, i) => {
    // The parameters in mincode; so are the booleans, which come out as `t` and `f`.
    // field === !!field: a boolean (shorter than typeof). Non-finite optional numbers are null.
    const value: unknown =
      i > 14 || field === !!field
        ? (json = JSON.stringify(field) as string | undefined) &&
          (JSON.parse(json, reviver) as string)
        : typeof field == 'number'
          ? i == 4 || isFinite(field)
            ? field.toString(36)
            : null
          : field;
    // Absent fields are left out, and so is an empty referrer (`r`, 8th): other empty texts are sent.
    // Lone surrogates become U+FFFD, as the server decodes them (and encodeURIComponent needs).
    if (value != null && ((value as string) || i - 8))
      query +=
        'psvecnflrijkwhtu'[i]! +
        '=' +
        encodeURIComponent((value as string).replace(/\p{Cs}/gu, '\ufffd')) +
        '&';
  });
  // The checksum covers the sorted `key=value,;` entries in UTF-8: the query's entries, in the
  // order of their keys (one letter each, all different), with their escapes undone byte by byte
  // (`unescape` of encodeURIComponent's %XX gives one char per UTF-8 byte).
  return (
    query +
    'x=' +
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- the smallest UTF-8 decoder there is
    murmur3(unescape(query.slice(0, -1).split('&').sort().join(',;') + ',;')).toString(36)
  );
};

/**
 * The unique part of Divolte identifiers: 32 characters of `[A-Za-z0-9~_]` carrying 24 random
 * bytes (192 bits, as many as divolte.js's), in base 64 with `~` and `_` for `+` and `/`.
 */
export const uniquePart = (random: RandomBytes): string =>
  btoa(String.fromCharCode(...random(24))).replace(/[+/]/g, (c) => (c > '+' ? '_' : '~'));
