/*
 * UTF-8 text helpers without TextEncoder/TextDecoder, so the protocol needs no DOM or Node
 * typings. Invalid byte sequences decode to U+FFFD per maximal subpart, as WHATWG does.
 */

/** Decodes UTF-8 bytes, replacing each maximal invalid subpart with U+FFFD. */
export function decodeUtf8(bytes: ArrayLike<number>): string {
  let out = '';
  let i = 0;
  const end = bytes.length;
  while (i < end) {
    const b0 = bytes[i]!;
    if (b0 < 0x80) {
      out += String.fromCharCode(b0);
      i++;
      continue;
    }
    let needed: number;
    let codePoint: number;
    let lower = 0x80;
    let upper = 0xbf;
    if (b0 >= 0xc2 && b0 <= 0xdf) {
      needed = 1;
      codePoint = b0 & 0x1f;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      needed = 2;
      codePoint = b0 & 0x0f;
      if (b0 === 0xe0) lower = 0xa0;
      if (b0 === 0xed) upper = 0x9f;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      needed = 3;
      codePoint = b0 & 0x07;
      if (b0 === 0xf0) lower = 0x90;
      if (b0 === 0xf4) upper = 0x8f;
    } else {
      out += '\ufffd';
      i++;
      continue;
    }
    let j = i + 1;
    let valid = true;
    for (let k = 0; k < needed; k++, j++) {
      const b = j < end ? bytes[j]! : -1;
      if (b < lower || b > upper) {
        valid = false;
        break;
      }
      lower = 0x80;
      upper = 0xbf;
      codePoint = (codePoint << 6) | (b & 0x3f);
    }
    if (!valid) {
      out += '\ufffd';
      i = j;
      continue;
    }
    out += String.fromCodePoint(codePoint);
    i = j;
  }
  return out;
}

/** A UTF-16 surrogate without its partner: in Unicode mode a pair is one code point, not `Cs`. */
export const LONE_SURROGATE = /\p{Cs}/gu;

/** Replaces lone surrogates with U+FFFD so that `encodeURIComponent` cannot throw. */
export function toWellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\ufffd');
}
